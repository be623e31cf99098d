import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, dockerHubRepository, json, startFakeUpstream } from '../fakes/upstream.ts';
import { type LocalProcess, eventually, startLocalProcess } from './process.ts';

interface SummaryRow {
  registry: string;
  name: string;
  pull_count: number;
  collected_at: string;
}

let hub: FakeUpstream;
let dataDir: string;
let nginxPulls = 1_234_567;

beforeAll(async () => {
  hub = await startFakeUpstream();
  hub.route('/v2/repositories/library/nginx/', (_req, res) => json(res, 200, dockerHubRepository('library', 'nginx', nginxPulls)));
  hub.route('/v2/repositories/acme/zero/', (_req, res) => json(res, 200, dockerHubRepository('acme', 'zero', 0)));
  dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-e2e-'));
});
afterAll(async () => {
  await hub.close();
  await rm(dataDir, { recursive: true, force: true });
});

const getJson = async <T>(url: string): Promise<T> => {
  const response = await fetch(url);
  expect(response.headers.get('content-type')).toContain('application/json');
  return (await response.json()) as T;
};

describe('local mode end to end', () => {
  let pullwatch: LocalProcess;

  it('collects at start and serves the counts, the health check and the dashboard over HTTP', async () => {
    pullwatch = await startLocalProcess({
      PORT: '0',
      DATA_DIR: dataDir,
      POLL_INTERVAL: '0',
      REPOS: 'nginx,dockerhub:acme/zero,dockerhub:acme/missing',
      DOCKERHUB_API_URL: hub.url,
    });
    const summary = await eventually(async () => {
      const rows = await getJson<SummaryRow[]>(`${pullwatch.url}api/summary`);
      return rows.length === 2 ? rows : undefined;
    });
    expect(summary.map(({ registry, name, pull_count }) => ({ registry, name, pull_count }))).toEqual([
      { registry: 'dockerhub', name: 'acme/zero', pull_count: 0 },
      { registry: 'dockerhub', name: 'library/nginx', pull_count: 1_234_567 },
    ]);
    expect(Date.parse(summary[0]!.collected_at)).toBeGreaterThan(Date.now() - 60_000);

    expect(await getJson(`${pullwatch.url}api/health`)).toEqual({ status: 'ok' });
    const page = await fetch(pullwatch.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>pullwatch</title>');
  });

  it('answers every query endpoint over HTTP', async () => {
    const daily = await getJson<{ repo: string; daily_pulls: number; first_seen?: boolean }[]>(`${pullwatch.url}api/pulls/daily?repo=nginx`);
    expect(daily).toEqual([{ timestamp: expect.any(String), repo: 'library/nginx', daily_pulls: 0, first_seen: true }]);
    expect(await getJson(`${pullwatch.url}api/pulls?repo=nginx`)).toEqual([{ timestamp: expect.any(String), repo: 'library/nginx', pull_count: 1_234_567 }]);
    expect(await getJson(`${pullwatch.url}api/trends`)).toHaveLength(2);
    expect(await getJson(`${pullwatch.url}api/snapshot`)).toHaveLength(2);
    const metrics = await (await fetch(`${pullwatch.url}api/metrics`)).text();
    expect(metrics).toContain('pullwatch_image_pulls{registry="dockerhub",owner="library",repo="nginx"} 1234567');
    const badge = await fetch(`${pullwatch.url}api/badge/dockerhub/library/nginx.svg`);
    expect(badge.headers.get('content-type')).toContain('image/svg+xml');
    expect(await badge.text()).toContain('1.2M');
    expect(Object.keys((await getJson<{ paths: object }>(`${pullwatch.url}api/openapi.json`)).paths)).toContain('/api/pulls/daily');
    const unknown = await fetch(`${pullwatch.url}api/nope`);
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: 'no route GET /api/nope' }]);
    const csv = await fetch(`${pullwatch.url}api/summary?format=csv`);
    expect((await csv.text()).split('\r\n')[0]).toBe('registry,name,measure,pull_count,tag_count,star_count,last_updated,collected_at,first_seen_at,pulls_1d,pulls_yesterday,pulls_7d,pulls_30d');
  });

  it('shows a missing repository as an error on its ref, never as a count', async () => {
    const repos = await eventually(async () => {
      const rows = await getJson<{ ref: string; last_error: { kind: string } | null }[]>(`${pullwatch.url}api/repos`);
      return rows.find((row) => row.ref === 'dockerhub:acme/missing')?.last_error ? rows : undefined;
    });
    expect(repos.find((row) => row.ref === 'dockerhub:acme/missing')?.last_error).toMatchObject({ kind: 'not_found' });
    const summary = await getJson<SummaryRow[]>(`${pullwatch.url}api/summary`);
    expect(summary.map((row) => row.name)).not.toContain('acme/missing');
  });

  it('refuses a second process on the same DATA_DIR, saying why', async () => {
    await expect(startLocalProcess({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', DOCKERHUB_API_URL: hub.url })).rejects.toThrow(/exited with 1:\npullwatch: DATA_DIR \S+ is in use by npm start \(pid \d+, since /);
  });

  it('stops cleanly on SIGTERM and keeps its data for the next start', async () => {
    expect(await pullwatch.stop('SIGTERM')).toBe(0);
    nginxPulls = 1_300_000;
    pullwatch = await startLocalProcess({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', DOCKERHUB_API_URL: hub.url });
    const summary = await eventually(async () => {
      const rows = await getJson<SummaryRow[]>(`${pullwatch.url}api/summary`);
      return rows.find((row) => row.pull_count === 1_300_000) ? rows : undefined;
    });
    expect(summary.map((row) => row.name)).toEqual(['acme/zero', 'library/nginx']);
    expect(await pullwatch.stop('SIGINT')).toBe(0);
  });

  it('skips a bad REPOS ref with a line that names it, and tracks the others', async () => {
    const local = await startLocalProcess({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', DOCKERHUB_API_URL: hub.url, REPOS: 'nginx,Bad/Ref' });
    try {
      await eventually(async () => (local.output().includes('REPOS: skipped "Bad/Ref": "Bad" must be lowercase ("bad")\n') ? true : undefined));
      const repos = await getJson<{ ref: string }[]>(`${local.url}api/repos`);
      expect(repos.map((repo) => repo.ref)).toContain('dockerhub:library/nginx');
    } finally {
      expect(await local.stop(), local.output()).toBe(0);
    }
  });
});
