// Benchmark: API latency in local mode over 1,000 repositories × 365 daily samples.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal } from '../../lambdas/local/server.ts';
import { seedBulkHistory } from './seed.ts';

export interface LatencyReport {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  rows: number;
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

/** Like `measure`, for an answer that is one object rather than rows. */
async function measureObject(url: string, requests: number): Promise<Omit<LatencyReport, 'rows'>> {
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  }
  times.sort((a, b) => a - b);
  const percentile = (p: number) => Math.round(times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]! * 10) / 10;
  return { requests, p50Ms: percentile(0.5), p99Ms: percentile(0.99) };
}

export async function benchApi(repositories = 1_000, days = 365) {
  const dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-bench-api-'));
  const seedStarted = performance.now();
  await seedBulkHistory(dataDir, repositories, days, new Date());
  const seedMs = Math.round(performance.now() - seedStarted);
  const pullwatch = await startLocal({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0' });
  try {
    const base = `${pullwatch.url}api`;
    await measure(`${base}/summary`, 3); // warm-up
    return {
      dataset: { repositories, daysPerRepository: days, seedMs },
      summary: await measure(`${base}/summary`, 200),
      dashboard30d: await measureObject(`${base}/dashboard?range=30d`, 100),
      dailyOneRepository: await measure(`${base}/pulls/daily?repo=dockerhub:owner3/repo-345&from=30d`, 200),
      dailyAllRepositories30d: await measure(`${base}/pulls/daily?from=30d`, 100),
    };
  } finally {
    await pullwatch.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
