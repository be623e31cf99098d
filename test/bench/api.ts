// Benchmark: API latency in local mode over 1,000 repositories × 365 daily samples.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_TABLES, startLocalDynamo } from '../../lambdas/local/dynamo.ts';
import { startLocal } from '../../lambdas/local/server.ts';
import { LATEST_PARTITION, MONTH_PARTITION_PREFIX } from '../../lambdas/stores/dynamodb/schema.ts';
import { documentClient } from '../../lambdas/stores/from-env.ts';

export interface LatencyReport {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  rows: number;
}

/**
 * Seeds the month items the DynamoDB store keeps (schema.ts) in bulk: writing 365,000 samples one by one through
 * the store would take dynalite most of an hour, and the read path is what this measures.
 */
async function seed(dataDir: string, repositories: number, days: number, today: Date): Promise<void> {
  const dynamo = await startLocalDynamo(dataDir);
  const client = documentClient(dynamo.client);
  const items: Record<string, unknown>[] = [];
  for (let r = 0; r < repositories; r++) {
    const repo = `owner${Math.floor(r / 100)}/repo-${r}`;
    const key = `dockerhub:${repo}`;
    const months = new Map<string, Record<string, unknown>>();
    let last: Record<string, unknown> = {};
    for (let d = days - 1; d >= 0; d--) {
      const at = new Date(today.getTime() - d * 86_400_000);
      const iso = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), 6)).toISOString();
      const month = `${MONTH_PARTITION_PREFIX}${iso.slice(0, 7)}`;
      const item = months.get(month) ?? { pk: month, sk: key, registry: 'dockerhub', repo, version: 1, dayValues: {} };
      const count = 10_000 * r + 50 * (days - d) + ((r * 7 + d) % 13);
      (item.dayValues as Record<string, [number, string]>)[iso.slice(8, 10)] = [count, iso];
      months.set(month, item);
      last = { pk: LATEST_PARTITION, sk: key, registry: 'dockerhub', repo, collected_at: iso, pull_count: count };
    }
    for (const { dayValues, ...item } of months.values()) items.push({ ...item, days: JSON.stringify(dayValues) });
    items.push(last);
  }
  for (let start = 0; start < items.length; start += 25) {
    await client.send(new BatchWriteCommand({ RequestItems: { [LOCAL_TABLES.series]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
  await dynamo.close();
}

async function measure(url: string, requests: number): Promise<LatencyReport> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const response = await fetch(url);
    const body = (await response.json()) as unknown[];
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    rows = body.length;
  }
  times.sort((a, b) => a - b);
  const percentile = (p: number) => Math.round(times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]! * 10) / 10;
  return { requests, p50Ms: percentile(0.5), p99Ms: percentile(0.99), rows };
}

export async function benchApi(repositories = 1_000, days = 365) {
  const dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-bench-api-'));
  const seedStarted = performance.now();
  await seed(dataDir, repositories, days, new Date());
  const seedMs = Math.round(performance.now() - seedStarted);
  const pullwatch = await startLocal({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0' });
  try {
    const base = `${pullwatch.url}api`;
    await measure(`${base}/summary`, 3); // warm-up
    return {
      dataset: { repositories, daysPerRepository: days, seedMs },
      summary: await measure(`${base}/summary`, 100),
      dailyOneRepository: await measure(`${base}/pulls/daily?repo=dockerhub:owner3/repo-345&from=30d`, 200),
      dailyAllRepositories30d: await measure(`${base}/pulls/daily?from=30d`, 100),
    };
  } finally {
    await pullwatch.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
