// Benchmark: 30 s of concurrent requests on local mode's /api/summary over 1,000 repositories (autocannon).
// Run alone with `tsx test/bench/load.ts` (POWERTOOLS_LOG_LEVEL=SILENT keeps the seeding quiet).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { LOCAL_TABLES, startLocalDynamo } from '../../lambdas/local/dynamo.ts';
import { LATEST_PARTITION, MONTH_PARTITION_PREFIX } from '../../lambdas/stores/dynamodb/schema.ts';
import { documentClient } from '../../lambdas/stores/from-env.ts';
import { startLocalProcess } from '../local/process.ts';

export interface LoadReport {
  repositories: number;
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  seedMs: number;
}

/**
 * Writes, per repository, its month items (one reading a day at 06:00 UTC) and its latest item straight into the
 * series table, as the DynamoDB store lays them out (schema.ts): a million writes through the store would take
 * dynalite far longer than the load it is there to carry.
 */
async function seedSummaryData(dataDir: string, repositories: number, days: number, today: Date): Promise<void> {
  const dynamo = await startLocalDynamo(dataDir);
  try {
    const client = documentClient(dynamo.client);
    const items: Record<string, unknown>[] = [];
    for (let r = 0; r < repositories; r++) {
      const repo = `load${Math.floor(r / 100)}/repo-${String(r).padStart(4, '0')}`;
      const key = `dockerhub:${repo}`;
      const months = new Map<string, Record<string, [number, string]>>();
      let latest: { count: number; at: string } | undefined;
      for (let d = days - 1; d >= 0; d--) {
        const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - d, 6)).toISOString();
        const count = 1_000 * (r + 1) + 37 * (days - d) + ((r + d) % 11);
        const month = months.get(day.slice(0, 7)) ?? {};
        month[day.slice(8, 10)] = [count, day];
        months.set(day.slice(0, 7), month);
        latest = { count, at: day };
      }
      for (const [month, values] of months) {
        items.push({ pk: `${MONTH_PARTITION_PREFIX}${month}`, sk: key, registry: 'dockerhub', repo, version: 1, days: JSON.stringify(values) });
      }
      items.push({ pk: LATEST_PARTITION, sk: key, registry: 'dockerhub', repo, collected_at: latest!.at, pull_count: latest!.count });
    }
    for (let start = 0; start < items.length; start += 25) {
      const batch = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [LOCAL_TABLES.series]: batch } }));
      if (Object.keys(result.UnprocessedItems ?? {}).length > 0) throw new Error('dynalite left items of a seeding batch unprocessed');
    }
  } finally {
    await dynamo.close();
  }
}

/**
 * Seeds 1,000 repositories × 90 days, starts local mode as `npm start` runs it (its own process, so the load
 * generator does not share its event loop), checks the summary holds every repository, then runs autocannon.
 */
export async function benchLoad({ repositories = 1_000, days = 90, connections = 10, durationSeconds = 30 } = {}): Promise<LoadReport> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-bench-load-'));
  const seedStarted = performance.now();
  await seedSummaryData(dataDir, repositories, days, new Date());
  const seedMs = Math.round(performance.now() - seedStarted);
  const pullwatch = await startLocalProcess({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', POWERTOOLS_LOG_LEVEL: 'ERROR' });
  try {
    const url = `${pullwatch.url}api/summary`;
    const rows = (await (await fetch(url)).json()) as unknown[];
    if (rows.length !== repositories) throw new Error(`${url} lists ${rows.length} repositories, expected ${repositories}`);
    const result = await autocannon({ url, connections, duration: durationSeconds });
    return {
      repositories,
      connections,
      durationSeconds: result.duration,
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average * 10) / 10,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      seedMs,
    };
  } finally {
    await pullwatch.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchLoad(), null, 2));
}
