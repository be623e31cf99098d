// Benchmark: concurrent requests on local mode's /api/summary over 1,000 repositories × 365 days (autocannon), side
// by side with the same bytes served precomputed by a bare node:http server: the floor any server could reach here.
// Run alone with `tsx test/bench/load.ts` (POWERTOOLS_LOG_LEVEL=SILENT keeps the seeding quiet).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { startLocalProcess } from '../local/process.ts';
import { seedBulkHistory } from './seed.ts';

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
}

export interface LoadReport {
  repositories: number;
  days: number;
  connections: number;
  durationSeconds: number;
  bodyBytes: number;
  pullwatch: LoadResult;
  /** The same body from a bare node:http server in its own process. */
  precomputed: LoadResult;
  /** How many times the bare server's throughput exceeds pullwatch's (the target is at most 10). */
  slowerBy: number;
  seedMs: number;
}

async function load(url: string, connections: number, duration: number): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration });
  return {
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average * 10) / 10,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

/** A node:http server in a child process answering every request with the file's bytes as JSON. */
async function startBareServer(bodyFile: string): Promise<{ url: string; process: ChildProcess }> {
  const script = `
    const body = require('node:fs').readFileSync(${JSON.stringify(bodyFile)});
    const server = require('node:http').createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}/`, process: child };
}

/**
 * Seeds 1,000 repositories × 90 days, starts local mode as `npm start` runs it (its own process, so the load
 * generator does not share its event loop), checks the summary holds every repository, then runs autocannon.
 */
export async function benchLoad({ repositories = 1_000, days = 365, connections = 10, durationSeconds = 20 } = {}): Promise<LoadReport> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-bench-load-'));
  const seedStarted = performance.now();
  await seedBulkHistory(dataDir, repositories, days, new Date());
  const seedMs = Math.round(performance.now() - seedStarted);
  const pullwatch = await startLocalProcess({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', POWERTOOLS_LOG_LEVEL: 'ERROR' });
  try {
    const url = `${pullwatch.url}api/summary`;
    const body = await (await fetch(url)).text();
    const rows = JSON.parse(body) as unknown[];
    if (rows.length !== repositories) throw new Error(`${url} lists ${rows.length} repositories, expected ${repositories}`);
    const measured = await load(url, connections, durationSeconds);
    const bodyFile = join(dataDir, 'summary.json');
    await writeFile(bodyFile, body);
    const bare = await startBareServer(bodyFile);
    try {
      const precomputed = await load(bare.url, connections, durationSeconds);
      return {
        repositories,
        days,
        connections,
        durationSeconds,
        bodyBytes: Buffer.byteLength(body),
        pullwatch: measured,
        precomputed,
        slowerBy: Math.round((precomputed.requestsPerSecond / measured.requestsPerSecond) * 100) / 100,
        seedMs,
      };
    } finally {
      bare.process.kill();
    }
  } finally {
    await pullwatch.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchLoad(), null, 2));
}
