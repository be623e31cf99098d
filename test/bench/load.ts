// Benchmark: 30 s of concurrent requests on local mode's /api/summary over 1,000 repositories (autocannon).
// Run alone with `tsx test/bench/load.ts` (POWERTOOLS_LOG_LEVEL=SILENT keeps the seeding quiet).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { startLocalProcess } from '../local/process.ts';
import { seedBulkHistory } from './seed.ts';

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
 * Seeds 1,000 repositories × 90 days, starts local mode as `npm start` runs it (its own process, so the load
 * generator does not share its event loop), checks the summary holds every repository, then runs autocannon.
 */
export async function benchLoad({ repositories = 1_000, days = 90, connections = 10, durationSeconds = 30 } = {}): Promise<LoadReport> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-bench-load-'));
  const seedStarted = performance.now();
  await seedBulkHistory(dataDir, repositories, days, new Date());
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
