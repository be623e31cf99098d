// Benchmark: webhook ingest latency in local mode, one registry notification envelope at a time, of one event (what
// distribution sends) or of many (the cap, 1,000: what a backlog or a hostile client sends).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal } from '../../lambdas/local/server.ts';

export interface IngestBenchReport {
  envelopes: number;
  eventsPerEnvelope: number;
  repositories: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  totalMs: number;
  envelopesPerSecond: number;
}

const HOST = 'registry.bench.example:5000';

/** One manifest GET by tag, shaped like the events distribution 2.8 sends for `skopeo copy` (see test/registry). */
function pullEvent(repository: string, tag: string, at: Date) {
  const digest = `sha256:${randomBytes(32).toString('hex')}`;
  return {
    id: randomUUID(),
    timestamp: at.toISOString(),
    action: 'pull',
    target: {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: 401,
      digest,
      length: 401,
      repository,
      url: `http://${HOST}/v2/${repository}/manifests/${digest}`,
      tag,
    },
    request: { id: randomUUID(), addr: '10.0.0.7:51234', host: HOST, method: 'GET', useragent: 'containerd/1.7.0' },
    actor: {},
    source: { addr: 'registry-0:5000', instanceID: randomUUID() },
  };
}

/**
 * Posts `envelopes` envelopes of `eventsPerEnvelope` pulls sequentially over HTTP to a fresh local mode, spread over
 * `repositories` repositories and three tags, and checks every event was counted once.
 */
export async function benchIngest(envelopes = 1_000, repositories = 10, eventsPerEnvelope = 1): Promise<IngestBenchReport> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-bench-ingest-'));
  const token = randomBytes(24).toString('hex');
  const pullwatch = await startLocal({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', INGEST_TOKEN: token });
  try {
    const url = `${pullwatch.url}api/ingest/registry`;
    const headers = { 'content-type': 'application/vnd.docker.distribution.events.v1+json', authorization: `Bearer ${token}` };
    const total = envelopes * eventsPerEnvelope;
    const events = Array.from({ length: total }, (_, i) => pullEvent(`team-${i % repositories}/app`, `v${i % 3}`, new Date(Date.now() - (total - i) * 1000)));
    const bodies = Array.from({ length: envelopes }, (_, i) => JSON.stringify({ events: events.slice(i * eventsPerEnvelope, (i + 1) * eventsPerEnvelope) }));

    const times: number[] = [];
    const started = performance.now();
    for (const body of bodies) {
      const sent = performance.now();
      const response = await fetch(url, { method: 'POST', headers, body });
      const result = (await response.json()) as { counted?: { pull: number } };
      times.push(performance.now() - sent);
      if (response.status !== 200 || result.counted?.pull !== eventsPerEnvelope) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(result)}`);
    }
    const totalMs = performance.now() - started;

    const repos = (await (await fetch(`${pullwatch.url}api/repos`)).json()) as { ref: string; webhook?: { pulls: number } }[];
    const pulls = repos.reduce((sum, repo) => sum + (repo.webhook?.pulls ?? 0), 0);
    if (pulls !== total) throw new Error(`/api/repos shows ${pulls} webhook pulls after ${total} events`);

    times.sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    const percentile = (p: number) => round(times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!);
    return {
      envelopes,
      eventsPerEnvelope,
      repositories,
      p50Ms: percentile(0.5),
      p99Ms: percentile(0.99),
      maxMs: round(times.at(-1)!),
      totalMs: Math.round(totalMs),
      envelopesPerSecond: Math.round((envelopes / totalMs) * 1000),
    };
  } finally {
    await pullwatch.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
