// registry-stats v1 compatibility, from its documented behaviour: every name /api/summary lists goes back as repo=,
// rows carry tag_count, ?date= answers as of that day, timestamps have no milliseconds, /api/pulls rows come by time
// then repo; /api/health degrades when collection stalls; /api/metrics has windows, source health and the peer's names.
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../lambdas/api/app.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import { promtoolCheck } from '../fakes/promtool.ts';
import { MemoryReadModel, MemoryRepos, MemorySeries, writeCollected } from '../fuzz/memory-ports.ts';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const day = (n: number) => new Date(Date.UTC(2026, 8, 1 + n)).toISOString().slice(0, 10); // n = 0 is 2026-09-01
const at = (date: string, hour = 6, ms = 0) => `${date}T${String(hour).padStart(2, '0')}:00:00.${String(ms).padStart(3, '0')}Z`;

/** Every name form pullwatch lists: Docker Hub official and user, GHCR flat and nested, Quay, a self-hosted host:port. */
function dataset(): Sample[] {
  const samples: Sample[] = [];
  for (let n = 0; n <= 83; n++) {
    const date = day(n);
    samples.push({ registry: 'dockerhub', repo: 'library/nginx', collectedAt: at(date, 6, 417), pullCount: 10_000 + 100 * n });
    samples.push({ registry: 'dockerhub', repo: 'acme/tool', collectedAt: at(date), pullCount: 500 + 5 * n });
    samples.push({ registry: 'ghcr', repo: 'acme/tool', collectedAt: at(date, 7), pullCount: 40 + 2 * n });
    samples.push({ registry: 'ghcr', repo: 'owner/nested/tool', collectedAt: at(date, 8), pullCount: 7 * n });
    samples.push({ registry: 'registry', repo: 'localhost:5000/team/app', collectedAt: at(date, 9), pullCount: 3 * n });
    samples.push({ registry: 'quay', repo: 'coreos/etcd', collectedAt: `${date}T00:00:00.000Z`, pullCount: 4, measure: 'daily_actions' });
  }
  return samples;
}

describe('registry-stats v1 compatibility', () => {
  let app: ReturnType<typeof createApiApp>;
  let repos: MemoryRepos;
  const get = (path: string) => app.request(path);
  const json = async <T = Record<string, unknown>[]>(path: string): Promise<T> => {
    const response = await get(path);
    expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    const series = new MemorySeries();
    const readModel = new MemoryReadModel();
    repos = new MemoryRepos();
    await writeCollected(dataset(), series, readModel);
    // Docker Hub's tag count, as collect folds it in on the newest reading.
    await readModel.apply([{ registry: 'dockerhub', repo: 'acme/tool', collectedAt: at(day(83)), pullCount: 500 + 5 * 83, tagCount: 12 }]);
    await readModel.touch();
    await repos.add(['dockerhub:library/nginx', 'dockerhub:acme/tool', 'ghcr:acme/*', 'quay:coreos/etcd']);
    await repos.recordSuccess('dockerhub:library/nginx', NOW.toISOString());
    app = createApiApp({ repos, series, readModel, pollMinutes: 60, now: () => NOW });
  });

  it('takes back every name /api/summary lists as repo=, in every registry, alone and all together', async () => {
    const names = [...new Set((await json('/api/summary')).map((row) => row.name as string))];
    expect(names.sort()).toEqual(['acme/tool', 'coreos/etcd', 'library/nginx', 'localhost:5000/team/app', 'owner/nested/tool']);
    for (const name of names) {
      for (const path of ['/api/summary', '/api/pulls', '/api/pulls/daily', '/api/snapshot', '/api/trends']) {
        const rows = await json(`${path}?repo=${encodeURIComponent(name)}`);
        expect(rows.length, `${path} repo=${name}`).toBeGreaterThan(0);
        expect(new Set(rows.map((row) => row.repo ?? row.name)), `${path} repo=${name}`).toEqual(new Set([name]));
      }
    }
    // Grafana's forms: {a,b}, csv, repeated, and $__all.
    const glob = `{${names.join(',')}}`;
    for (const query of [`repo=${encodeURIComponent(glob)}`, `repo=${encodeURIComponent(names.join(','))}`, names.map((name) => `repo=${encodeURIComponent(name)}`).join('&'), 'repo=$__all']) {
      expect(await json(`/api/summary?${query}`), query).toHaveLength(6);
    }
    // A nested name with a registry filter, and pinned as a ref.
    expect((await json('/api/summary?registry=ghcr&repo=owner/nested/tool')).map((row) => row.registry)).toEqual(['ghcr']);
    expect((await json('/api/summary?repo=ghcr.io/owner/nested/tool')).map((row) => row.name)).toEqual(['owner/nested/tool']);
    expect((await json('/api/summary?registry=dockerhub&repo=owner/nested/tool'))).toEqual([]);
  });

  it('answers a name that is no repository name with a 400 naming repo, never a Docker Hub rule', async () => {
    for (const bad of ['Owner/Nested', 'owner//tool', 'owner/*', 'a/-b']) {
      const response = await get(`/api/summary?repo=${encodeURIComponent(bad)}`);
      expect(response.status, bad).toBe(400);
      const body = (await response.json()) as { error: string; parameter: string };
      expect(body.parameter).toBe('repo');
      expect(body.error).not.toContain('Docker Hub');
    }
  });

  it("gives summary rows the peer's fields: registry, name, pull_count, tag_count (Docker Hub's, null elsewhere)", async () => {
    const rows = await json('/api/summary');
    expect(rows.find((row) => row.registry === 'dockerhub' && row.name === 'acme/tool')).toMatchObject({ pull_count: 915, tag_count: 12 });
    expect(rows.find((row) => row.name === 'library/nginx')).toMatchObject({ tag_count: null });
    expect(rows.filter((row) => row.registry !== 'dockerhub').every((row) => row.tag_count === null)).toBe(true);
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['registry', 'name', 'pull_count', 'tag_count']));
  });

  it('answers /api/summary?date= as of that day, from the read model or, further back, the series store', async () => {
    for (const n of [82, 40]) {
      const rows = await json(`/api/summary?date=${day(n)}&registry=dockerhub&repo=nginx`);
      expect(rows).toEqual([
        expect.objectContaining({ name: 'library/nginx', pull_count: 10_000 + 100 * n, collected_at: `${day(n)}T06:00:00Z`, first_seen_at: `${day(0)}T06:00:00Z`, pulls_1d: 100, pulls_7d: 700, pulls_30d: 3_000 }),
      ]);
    }
    // The first day: the series had just begun; before it, nothing was tracked.
    expect(await json(`/api/summary?date=${day(0)}&repo=nginx`)).toEqual([expect.objectContaining({ pull_count: 10_000, pulls_1d: 0, pulls_30d: 0 })]);
    expect(await json('/api/summary?date=2026-08-31')).toEqual([]);
    expect(await json('/api/summary?date=2026-11-23')).toEqual(await json('/api/summary'));
    for (const bad of ['2026-11-24', '2026-02-30', 'yesterday']) expect((await get(`/api/summary?date=${bad}`)).status, bad).toBe(400);
  });

  it('writes every timestamp of the peer\'s endpoints to the whole second, as the peer does, in JSON and CSV alike', async () => {
    // /api/repos is pullwatch's own and keeps milliseconds: a success and an error must compare in time.
    const paths = ['/api/summary', '/api/pulls', '/api/pulls/daily?by=ref', '/api/snapshot', '/api/pulls?interval=hour&from=12h'];
    for (const path of paths) {
      const text = await (await get(path)).text();
      const csv = await (await get(`${path}${path.includes('?') ? '&' : '?'}format=csv`)).text();
      for (const body of [text, csv]) {
        expect(body, path).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d+Z/);
        expect(body, path).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/);
      }
    }
    expect((await json('/api/pulls/daily?repo=nginx&from=2026-11-22&to=2026-11-22'))[0]).toMatchObject({ timestamp: '2026-11-22T00:00:00Z' });
  });

  it('orders /api/pulls rows by timestamp, then repo', async () => {
    const rows = await json('/api/pulls?from=2026-11-21&to=2026-11-23&registry=dockerhub,ghcr');
    const keys = rows.map((row) => `${row.timestamp as string} ${row.repo as string}`);
    expect(keys).toEqual([...keys].sort());
    expect(keys.slice(0, 3)).toEqual(['2026-11-21T00:00:00Z acme/tool', '2026-11-21T00:00:00Z library/nginx', '2026-11-21T00:00:00Z owner/nested/tool']);
  });

  it('exposes windowed gauges, tag counts and source health with HELP and TYPE, as promtool accepts', async () => {
    const text = await (await get('/api/metrics')).text();
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
    expect(text).toContain('pullwatch_image_pulls_window{registry="dockerhub",owner="library",repo="nginx",window="7d"} 700');
    expect(text).toContain('pullwatch_image_pulls_window{registry="ghcr",owner="owner",repo="nested/tool",window="30d"} 210');
    expect(text).toContain('pullwatch_image_actions_window{registry="quay",owner="coreos",repo="etcd",window="7d"} 28');
    expect(text).toContain('pullwatch_image_tags{registry="dockerhub",owner="acme",repo="tool"} 12');
    expect(text).toContain('pullwatch_source_up{registry="dockerhub"} 1');
    expect(text).toContain('pullwatch_poll_interval_seconds 3600');
    for (const family of ['pullwatch_image_pulls_window', 'pullwatch_source_up', 'pullwatch_ref_failing', 'pullwatch_source_last_success_timestamp_seconds']) {
      expect(text).toContain(`# HELP ${family} `);
      expect(text).toContain(`# TYPE ${family} gauge`);
    }
  });

  it("exposes the peer v2's metric names on ?compat=registry-stats, and refuses other compat values", async () => {
    const text = await (await get('/api/metrics?compat=registry-stats')).text();
    // It parses; promtool's one lint is the peer's own choice, a gauge named like a counter.
    expect(promtoolCheck(text).output).toBe('registrystats_image_pulls_total non-counter metrics should not have "_total" suffix');
    expect(text).toContain('registrystats_image_pulls_total{registry="dockerhub",owner="library",repo="nginx"} 18300');
    expect(text).toContain('registrystats_image_pulls_total{registry="ghcr",owner="owner",repo="nested/tool"} 581');
    expect(text).toContain('registrystats_image_tags{registry="dockerhub",owner="acme",repo="tool"} 12');
    expect(text).not.toContain('registrystats_image_tags{registry="ghcr"');
    expect(text).not.toContain('pullwatch_');
    expect(text).not.toContain('coreos');
    expect((await get('/api/metrics?compat=prometheus')).status).toBe(400);
  });
});

describe('/api/health', () => {
  const appAt = (repos: MemoryRepos, now: Date) => createApiApp({ repos, series: new MemorySeries(), readModel: new MemoryReadModel(), pollMinutes: 60, now: () => now });

  it('is ok and ready once a collection succeeded within 3 polls', async () => {
    const repos = new MemoryRepos();
    await repos.add(['dockerhub:library/nginx', 'ghcr:acme/tool']);
    await repos.recordSuccess('dockerhub:library/nginx', '2026-11-23T10:00:00.000Z');
    await repos.recordError('ghcr:acme/tool', { kind: 'format_changed', message: 'no label', at: '2026-11-23T10:00:00.000Z' });
    const app = appAt(repos, NOW);
    expect(await (await app.request('/api/health')).json()).toEqual({ status: 'ok' });
    expect((await app.request('/api/health?ready')).status).toBe(200);
  });

  it('stays 200 but says degraded, with the reason, when nothing succeeded within 3 polls', async () => {
    const repos = new MemoryRepos();
    await repos.add(['dockerhub:library/nginx']);
    await repos.recordSuccess('dockerhub:library/nginx', '2026-11-23T08:59:00.000Z');
    await repos.recordError('dockerhub:library/nginx', { kind: 'transient', message: 'transient: cannot resolve hub.docker.com', at: NOW.toISOString() });
    const response = await appAt(repos, NOW).request('/api/health');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; reason: string };
    expect(body.status).toBe('degraded');
    expect(body.reason).toContain('within the last 3 polls (3h)');
    expect(body.reason).toContain('2026-11-23T08:59:00.000Z');
    expect(body.reason).toContain('1 of 1 enabled refs failed');
    // Still ready: it has collected once; a readiness check is about starting up.
    expect((await appAt(repos, NOW).request('/api/health?ready')).status).toBe(200);
  });

  it('answers ?ready with 503 until the first successful collection; degraded before it only once every ref failed', async () => {
    const repos = new MemoryRepos();
    // Nothing tracked yet: ready, so a container health check does not restart a pullwatch waiting for its first ref.
    expect((await appAt(repos, NOW).request('/api/health?ready')).status).toBe(200);
    await repos.add(['dockerhub:library/nginx', 'ghcr:acme/tool']);
    const app = appAt(repos, NOW);
    const unready = await app.request('/api/health?ready');
    expect(unready.status).toBe(503);
    expect(await unready.json()).toMatchObject({ status: 'starting' });
    // Not tried yet: starting, not failing.
    expect(await (await app.request('/api/health')).json()).toEqual({ status: 'ok' });
    const error = { kind: 'transient' as const, message: 'HTTP 503', at: NOW.toISOString() };
    await repos.recordError('ghcr:acme/tool', error);
    expect(await (await app.request('/api/health')).json()).toEqual({ status: 'ok' });
    await repos.recordError('dockerhub:library/nginx', error);
    expect(await (await app.request('/api/health')).json()).toEqual({ status: 'degraded', reason: 'no tracked ref has ever been collected successfully; 2 of 2 enabled refs failed their last collection' });
    await repos.recordSuccess('dockerhub:library/nginx', NOW.toISOString());
    expect((await app.request('/api/health?ready')).status).toBe(200);
    expect(await (await app.request('/api/health')).json()).toEqual({ status: 'ok' });
  });
});
