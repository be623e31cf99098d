// A real Prometheus server (Debian's `prometheus`) on 127.0.0.1 scrapes local mode's /api/metrics, and a PromQL query over
// pullwatch's series, asked through Prometheus's HTTP API, returns the counts the fake Docker Hub served.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFakeDockerHub } from '../fakes/dockerhub.ts';
import { type FakeUpstream, startFakeUpstream } from '../fakes/upstream.ts';
import { type LocalProcess, eventually, startLocalProcess } from '../local/process.ts';

const INSTALL_HINT = "prometheus is not installed: install Debian's `prometheus` package (test/system-packages.sh)";

let hub: FakeUpstream;
let pullwatch: LocalProcess;
let prometheus: ChildProcess | undefined;
let prometheusUrl: string;
let work: string;
let prometheusLog = '';

/** A port nothing listens on right now: bound by the OS, then released for Prometheus to take. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

interface VectorAnswer {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function query(promql: string): Promise<VectorAnswer['data']['result']> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const answer = (await response.json()) as VectorAnswer;
  expect(answer.status, JSON.stringify(answer)).toBe('success');
  return answer.data.result;
}

beforeAll(async () => {
  hub = await startFakeUpstream();
  installFakeDockerHub(hub, { repos: new Map([['acme/app', 1_200], ['acme/tool', 34], ['library/nginx', 5_000]]), tags: new Map([['acme/app', 7]]) });
  work = await mkdtemp(join(tmpdir(), 'pullwatch-prometheus-'));
  pullwatch = await startLocalProcess({ PORT: '0', DATA_DIR: join(work, 'data'), POLL_INTERVAL: '0', REPOS: 'dockerhub:acme/*,nginx', DOCKERHUB_API_URL: hub.url });
  await eventually(async () => ((await (await fetch(`${pullwatch.url}api/health?ready`)).json()) as { status: string }).status === 'ok' || undefined);

  const target = new URL(pullwatch.url);
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  await writeFile(
    join(work, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: pullwatch',
      '    metrics_path: /api/metrics',
      '    static_configs:',
      `      - targets: ['${target.host}']`,
      '',
    ].join('\n'),
  );
  prometheus = spawn(
    process.env.PROMETHEUS ?? 'prometheus',
    [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout!.on('data', (chunk: Buffer) => (prometheusLog += chunk));
  prometheus.stderr!.on('data', (chunk: Buffer) => (prometheusLog += chunk));
  const started = new Promise<void>((resolve, reject) => {
    prometheus!.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(INSTALL_HINT) : error));
    prometheus!.once('spawn', () => resolve());
  });
  await started;
}, 60_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null) {
    prometheus.kill('SIGTERM');
    await once(prometheus, 'exit');
  }
  await pullwatch?.stop();
  await hub?.close();
  await rm(work, { recursive: true, force: true });
});

describe('a real Prometheus scraping local mode', () => {
  it('scrapes /api/metrics and answers PromQL over pullwatch_image_pulls with the counts Docker Hub served', async () => {
    // Polls the query API until the first scrape has landed, rather than sleeping for a guessed time.
    const result = await eventually(async () => {
      const rows = await query('sum by (owner) (pullwatch_image_pulls{job="pullwatch"})');
      return rows.length === 2 ? rows : undefined;
    }, 25_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nprometheus log:\n${prometheusLog}\npullwatch log:\n${pullwatch.output()}`);
    });
    expect(Object.fromEntries(result.map((row) => [row.metric.owner, Number(row.value[1])]))).toEqual({ acme: 1_234, library: 5_000 });

    expect(await query('up{job="pullwatch"}')).toEqual([expect.objectContaining({ value: [expect.any(Number), '1'] })]);
    const tags = await query('pullwatch_image_tags{repo="app"}');
    expect(tags.map((row) => row.value[1])).toEqual(['7']);
    const sources = await query('pullwatch_source_up');
    expect(sources.map((row) => `${row.metric.registry}=${row.value[1]}`)).toEqual(['dockerhub=1']);
  });
});
