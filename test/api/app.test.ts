// The query API over each series store: the same dataset, seeded through SeriesStore.write, answers the same on both.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControl } from '../../lambdas/api/answers.ts';
import { createApiApp } from '../../lambdas/api/app.ts';
import { openApiDocument } from '../../lambdas/api/openapi.ts';
import { createIngestApp } from '../../lambdas/ingest/app.ts';
import type { SeriesStore } from '../../lambdas/core/ports.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { DynamoReadModel } from '../../lambdas/stores/dynamodb/read-model-table.ts';
import { DynamoRepoList } from '../../lambdas/stores/dynamodb/repo-table.ts';
import { DynamoSeriesStore } from '../../lambdas/stores/dynamodb/series-table.ts';
import { promtoolCheck } from '../fakes/promtool.ts';
import { createTimestreamTwin } from '../fakes/timestream.ts';
import { MemoryReadModel, MemoryRepos, MemorySeries, writeCollected } from '../fuzz/memory-ports.ts';
import { startTestDynamo } from '../stores/dynalite.ts';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const at = (day: string, hour = 6) => `${day}T${String(hour).padStart(2, '0')}:00:00Z`;
const dayN = (n: number) => new Date(Date.UTC(2026, 9, 1 + n)).toISOString().slice(0, 10); // n = 0 is 2026-10-01

/** nginx grows 100 a day from 2026-10-01; acme/app is on Docker Hub and GHCR; flaky has a gap and a reset; etcd is Quay. */
function dataset(): Sample[] {
  const samples: Sample[] = [];
  for (let n = 0; n <= 53; n++) samples.push({ registry: 'dockerhub', repo: 'library/nginx', collectedAt: at(dayN(n)), pullCount: 1_000 + 100 * n, starCount: 5 });
  for (let n = 40; n <= 53; n++) {
    samples.push({ registry: 'dockerhub', repo: 'acme/app', collectedAt: at(dayN(n)), pullCount: 50 + 10 * (n - 40) });
    samples.push({ registry: 'ghcr', repo: 'acme/app', collectedAt: at(dayN(n)), pullCount: 7 + (n - 40) });
  }
  // flaky: 100 on 11-20, missing 11-21 and 11-22, 130 on 11-23; reset to 5 on 11-19 after 500 on 11-18.
  samples.push(
    { registry: 'dockerhub', repo: 'acme/flaky', collectedAt: at('2026-11-18'), pullCount: 500 },
    { registry: 'dockerhub', repo: 'acme/flaky', collectedAt: at('2026-11-19'), pullCount: 5 },
    { registry: 'dockerhub', repo: 'acme/flaky', collectedAt: at('2026-11-20'), pullCount: 100 },
    { registry: 'dockerhub', repo: 'acme/flaky', collectedAt: at('2026-11-23'), pullCount: 130 },
  );
  for (let n = 30; n <= 52; n++) samples.push({ registry: 'quay', repo: 'coreos/etcd', collectedAt: `${dayN(n)}T00:00:00Z`, pullCount: 3, measure: 'daily_actions' });
  return samples;
}

type TestDynamo = Awaited<ReturnType<typeof startTestDynamo>>;

/** Where the API reads series; the repos table is DynamoDB in both deployments. */
const SERIES_STORES: [string, (dynamo: TestDynamo) => { series: SeriesStore; queries?: () => number; close?: () => void }][] = [
  ['dynamodb', (dynamo) => ({ series: new DynamoSeriesStore(dynamo.doc, LOCAL_TABLES.series) })],
  [
    'timestream',
    () => {
      const twin = createTimestreamTwin({ database: 'pullwatch', table: 'pulls', now: () => NOW.getTime() });
      return { series: twin.store, queries: () => twin.queries.length, close: () => twin.restore() };
    },
  ],
];

describe.each(SERIES_STORES)('query API on %s', (_store, makeSeries) => {
  let dynamo: TestDynamo;
  let closeSeries: (() => void) | undefined;
  let app: ReturnType<typeof createApiApp>;
  let queries: (() => number) | undefined;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    const made = makeSeries(dynamo);
    const { series, close } = made;
    closeSeries = close;
    queries = made.queries;
    const repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
    // The read model is a DynamoDB table with either store; this one lives in the series table's key space.
    const readModel = new DynamoReadModel(dynamo.doc, LOCAL_TABLES.series, 0, () => NOW.getTime());
    await series.write(dataset());
    await readModel.apply(dataset());
    await readModel.touch();
    await repos.add(['dockerhub:library/nginx', 'dockerhub:acme/*', 'ghcr:acme/app', 'quay:coreos/etcd', 'Bad Ref']);
    await repos.recordSuccess('dockerhub:library/nginx', NOW.toISOString());
    await repos.recordError('ghcr:acme/app', { kind: 'format_changed', message: 'no label', at: NOW.toISOString() });
    app = createApiApp({ repos, series, readModel, pollMinutes: 60, now: () => NOW });
  });
  afterAll(async () => {
    closeSeries?.();
    await dynamo.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
  const json = async <T = Record<string, unknown>[]>(path: string): Promise<T> => {
    const response = await get(path);
    expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
    return (await response.json()) as T;
  };

  describe('GET /api/summary', () => {
    it('gives each repository its latest count and its increase over 1, 7 and 30 days', async () => {
      const rows = await json('/api/summary');
      expect(rows.find((row) => row.name === 'library/nginx')).toEqual({
        registry: 'dockerhub',
        name: 'library/nginx',
        measure: 'pulls',
        pull_count: 6_300,
        tag_count: null,
        star_count: 5,
        last_updated: null,
        collected_at: at('2026-11-23'),
        first_seen_at: at('2026-10-01'),
        pulls_1d: 100,
        pulls_yesterday: 100,
        pulls_7d: 700,
        pulls_30d: 3_000,
      });
    });

    it('counts the rise since tracking began on the first day, flagged first_seen with its time, per ref', async () => {
      const rows = await json(`/api/pulls/daily?by=ref&repo=acme/app&from=2026-11-10&to=2026-11-11`);
      expect(rows).toEqual([
        { timestamp: '2026-11-10T00:00:00Z', registry: 'dockerhub', repo: 'acme/app', daily_pulls: 0, first_seen: true, first_seen_at: at('2026-11-10') },
        { timestamp: '2026-11-11T00:00:00Z', registry: 'dockerhub', repo: 'acme/app', daily_pulls: 10 },
        { timestamp: '2026-11-10T00:00:00Z', registry: 'ghcr', repo: 'acme/app', daily_pulls: 0, first_seen: true, first_seen_at: at('2026-11-10') },
        { timestamp: '2026-11-11T00:00:00Z', registry: 'ghcr', repo: 'acme/app', daily_pulls: 1 },
      ]);
    });

    it('clamps a reset and spreads a gap instead of showing a dip', async () => {
      const flaky = (await json('/api/summary')).find((row) => row.name === 'acme/flaky');
      // 11-19 reset → 0; 100→130 over 11-21..11-23 → 10 a day; 11-20: 5→100 = 95; 11-18 is first seen (0).
      expect(flaky).toMatchObject({ pull_count: 130, pulls_1d: 10, pulls_7d: 0 + 0 + 95 + 10 + 10 + 10 });
    });

    it('labels Quay rows as actions, with no lifetime count', async () => {
      const etcd = (await json('/api/summary')).find((row) => row.registry === 'quay');
      expect(etcd).toMatchObject({ name: 'coreos/etcd', measure: 'actions', pull_count: null, pulls_7d: 18 });
    });

    it('filters by registry and repository', async () => {
      expect((await json('/api/summary?registry=ghcr')).map((row) => `${row.registry}:${row.name}`)).toEqual(['ghcr:acme/app']);
      expect((await json('/api/summary?repo=acme/app')).map((row) => row.registry)).toEqual(['dockerhub', 'ghcr']);
      expect((await json('/api/summary?repo={nginx,quay:coreos/etcd}')).map((row) => row.name)).toEqual(['library/nginx', 'coreos/etcd']);
      expect(await json('/api/summary?registry=$__all&repo=$__all')).toHaveLength(5);
    });
  });

  describe('GET /api/pulls', () => {
    it('answers one cumulative row per repository per day, a name in two registries summed', async () => {
      const rows = await json('/api/pulls?repo=acme/app&from=2026-11-22&to=2026-11-23');
      expect(rows).toEqual([
        { timestamp: '2026-11-22T00:00:00Z', repo: 'acme/app', pull_count: 50 + 120 + 7 + 12 },
        { timestamp: '2026-11-23T00:00:00Z', repo: 'acme/app', pull_count: 50 + 130 + 7 + 13 },
      ]);
    });

    it('carries the last count over days without a sample', async () => {
      const rows = await json('/api/pulls?repo=acme/flaky&from=2026-11-20&to=2026-11-23');
      expect(rows.map((row) => row.pull_count)).toEqual([100, 100, 100, 130]);
    });

    it('answers hourly with interval=hour', async () => {
      const rows = await json('/api/pulls?interval=hour&repo=nginx&from=2026-11-23T04:00:00Z&to=2026-11-23T07:00:00Z');
      expect(rows).toEqual([
        { timestamp: '2026-11-23T04:00:00Z', repo: 'library/nginx', pull_count: 6_200 },
        { timestamp: '2026-11-23T05:00:00Z', repo: 'library/nginx', pull_count: 6_200 },
        { timestamp: '2026-11-23T06:00:00Z', repo: 'library/nginx', pull_count: 6_300 },
        { timestamp: '2026-11-23T07:00:00Z', repo: 'library/nginx', pull_count: 6_300 },
      ]);
    });
  });

  describe('GET /api/pulls/daily', () => {
    it('starts at 0 with first_seen, then the daily increase', async () => {
      const rows = await json('/api/pulls/daily?repo=dockerhub:acme/app&from=2026-11-08&to=2026-11-12');
      expect(rows).toEqual([
        { timestamp: '2026-11-10T00:00:00Z', repo: 'acme/app', daily_pulls: 0, first_seen: true },
        { timestamp: '2026-11-11T00:00:00Z', repo: 'acme/app', daily_pulls: 10 },
        { timestamp: '2026-11-12T00:00:00Z', repo: 'acme/app', daily_pulls: 10 },
      ]);
    });

    it('clamps a drop to 0 and spreads a gap evenly', async () => {
      const rows = await json('/api/pulls/daily?repo=acme/flaky&from=2026-11-18&to=2026-11-23');
      expect(rows.map((row) => row.daily_pulls)).toEqual([0, 0, 95, 10, 10, 10]);
    });

    it('answers CSV with a header row on format=csv and on Accept: text/csv', async () => {
      const csv = await (await get('/api/pulls/daily?repo=acme/flaky&from=2026-11-19&to=2026-11-20&format=csv')).text();
      expect(csv).toBe('timestamp,repo,daily_pulls,first_seen,measure\r\n2026-11-19T00:00:00Z,acme/flaky,0,,\r\n2026-11-20T00:00:00Z,acme/flaky,95,,\r\n');
      const byAccept = await get('/api/pulls/daily?repo=acme/flaky&from=2026-11-19&to=2026-11-20', { accept: 'text/csv' });
      expect(byAccept.headers.get('content-type')).toContain('text/csv');
      expect(await byAccept.text()).toBe(csv);
    });
  });

  describe('GET /api/snapshot, /api/trends, /api/repos', () => {
    it('answers each repository as it stood at the end of a day', async () => {
      const rows = await json('/api/snapshot?date=2026-11-20&registry=dockerhub');
      expect(rows.map((row) => `${row.repo}=${row.pull_count}`)).toEqual(['acme/app=150', 'acme/flaky=100', 'library/nginx=6000']);
    });

    it('defaults the snapshot to the latest day with data', async () => {
      const rows = await json('/api/snapshot?repo=nginx');
      expect(rows).toEqual([{ timestamp: at('2026-11-23'), registry: 'dockerhub', repo: 'library/nginx', pull_count: 6_300, measure: 'pulls' }]);
    });

    it('ranks repositories by how much their last 7 days moved against the 7 before', async () => {
      const rows = await json('/api/trends?registry=dockerhub');
      expect(rows[0]).toMatchObject({ name: 'acme/flaky', pulls_7d: 125, previous_7d: 0, percent_7d: null });
      expect(rows.find((row) => row.name === 'library/nginx')).toMatchObject({ pulls_7d: 700, previous_7d: 700, change_7d: 0, percent_7d: 0, pulls_30d: 3_000 });
    });

    it('lists tracked refs with registry, name and last outcome', async () => {
      const rows = await json('/api/repos');
      expect(rows.find((row) => row.ref === 'ghcr:acme/app')).toMatchObject({ registry: 'ghcr', name: 'acme/app', last_error: { kind: 'format_changed' } });
      expect(rows.find((row) => row.ref === 'Bad Ref')).toMatchObject({ registry: null, name: null });
    });
  });

  describe('GET /api/metrics', () => {
    it('serves Prometheus text that promtool accepts', async () => {
      const response = await get('/api/metrics');
      expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const text = await response.text();
      expect(text).toContain('pullwatch_image_pulls{registry="dockerhub",owner="library",repo="nginx"} 6300');
      expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
    });
  });

  describe('GET /api/badge', () => {
    it('draws an SVG badge with the compact total', async () => {
      const response = await get('/api/badge/dockerhub/library/nginx.svg');
      expect(response.headers.get('content-type')).toContain('image/svg+xml');
      const svg = await response.text();
      expect(svg).toContain('aria-label="pulls: 6.3k"');
    });

    it('answers the shields.io endpoint schema for a window', async () => {
      expect(await json<Record<string, unknown>>('/api/badge/dockerhub/library/nginx.json?window=7d&label=downloads')).toEqual({
        schemaVersion: 1,
        label: 'downloads',
        message: '700',
        color: 'brightgreen',
      });
    });

    it('says "not tracked" with a 404 for an unknown repository', async () => {
      const response = await get('/api/badge/ghcr/nobody/nothing.json');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ message: 'not tracked', color: 'lightgrey' });
    });
  });

  describe('caching', () => {
    it('tags answers by the generation and revalidates them, keeping them until the next collection is due', async () => {
      const first = await get('/api/summary');
      const tag = first.headers.get('etag')!;
      expect(tag).toMatch(/^"1-2026-11-23-[\w-]{16}"$/);
      // Written "now": a collection may still be landing, so only a minute.
      expect(first.headers.get('cache-control')).toBe('public, max-age=60');
      const again = await get('/api/summary', { 'if-none-match': tag });
      expect([again.status, again.headers.get('etag')]).toEqual([304, tag]);
      // Another question, or CSV, is another answer.
      expect((await get('/api/summary?registry=ghcr')).headers.get('etag')).not.toBe(tag);
      expect((await get('/api/summary', { accept: 'text/csv' })).headers.get('etag')).not.toBe(tag);
      expect((await get('/api/summary', { accept: 'text/html,application/json;q=0.9' })).headers.get('etag')).toBe(tag);
    });

    it('answers the default views from the read model alone: no series store query', async () => {
      const before = queries?.();
      for (const path of ['/api/summary', '/api/trends', '/api/metrics', '/api/repos', '/api/badge/dockerhub/library/nginx.svg?window=7d', '/api/dashboard', '/api/dashboard?range=7d', '/api/pulls/daily', '/api/pulls', '/api/snapshot']) {
        expect((await get(path)).status, path).toBe(200);
      }
      expect(queries?.()).toBe(before);
      // Longer ranges still read the series store (and prove the count above could move).
      expect((await get('/api/dashboard?range=90d')).status).toBe(200);
      if (queries) expect(queries()).toBeGreaterThan(before!);
    });
  });

  describe('bad input', () => {
    it.each([
      ['/api/summary?registry=dockerhb', 'registry'],
      ['/api/pulls?from=2026-02-30', 'from'],
      ['/api/pulls?to=yesterday', 'to'],
      ['/api/pulls?from=2026-11-20&to=2026-11-01', 'from'],
      ['/api/pulls/daily?from=1990-01-01', 'from'],
      ['/api/pulls?interval=hour&from=60d', 'from'],
      ['/api/pulls?interval=minute', 'interval'],
      ['/api/pulls?repo=Not/Valid', 'repo'],
      ['/api/pulls?repo=dockerhub:acme/*', 'repo'],
      ['/api/summary?format=xml', 'format'],
      ['/api/snapshot?date=2026-13-01', 'date'],
      ['/api/badge/dockerhub/library/nginx.svg?window=2d', 'window'],
      ['/api/badge/nowhere/x/y.svg', 'path'],
    ])('%s → 400 naming %s', async (path, parameter) => {
      const response = await get(path);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; parameter: string };
      expect(body.parameter).toBe(parameter);
      expect(body.error).toContain(parameter);
    });

    it.each([
      ['/api/pulls?to=9999-12-31', 'to'],
      ['/api/pulls/daily?from=9999-12-20&to=9999-12-20', 'to'],
      ['/api/snapshot?date=9999-12-31', 'date'],
      ['/api/pulls?interval=hour&to=0100-01-01', 'to'],
    ])('refuses %s at once, naming %s, before any store call', async (path, parameter) => {
      const started = performance.now();
      const response = await get(path);
      expect([response.status, ((await response.json()) as { parameter: string }).parameter]).toEqual([400, parameter]);
      expect(performance.now() - started).toBeLessThan(100);
    });

    it('answers a snapshot of an old day from the series store', async () => {
      expect(await json('/api/snapshot?date=2026-10-02&repo=library/nginx')).toEqual([{ timestamp: at('2026-10-02'), registry: 'dockerhub', repo: 'library/nginx', pull_count: 1_100, measure: 'pulls' }]);
    });

    it('answers only 2xx or 4xx, whatever the query string', async () => {
      const paths = ['/api/summary', '/api/pulls', '/api/pulls/daily', '/api/snapshot', '/api/trends', '/api/badge/dockerhub/library/nginx.svg'];
      const names = ['from', 'to', 'registry', 'repo', 'interval', 'format', 'date', 'window', 'label'];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...paths), fc.array(fc.tuple(fc.constantFrom(...names), fc.string({ maxLength: 30 })), { maxLength: 4 }), async (path, params) => {
          const query = new URLSearchParams(params).toString();
          const response = await get(`${path}?${query}`);
          expect(response.status, `${path}?${query}`).toBeLessThan(500);
        }),
        { numRuns: 300 },
      );
    });

    it('answers unknown paths with a JSON 404 naming the route, uncached', async () => {
      const response = await get('/api/nope');
      expect(response.status).toBe(404);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ error: 'no route GET /api/nope' });
    });
  });

  describe('GET /api/health', () => {
    it('is ok while the store answers', async () => {
      // nginx succeeded at NOW: collection works, whatever the other refs did.
      expect(await json<Record<string, unknown>>('/api/health')).toEqual({ status: 'ok' });
      expect((await get('/api/health?ready')).status).toBe(200);
    });
  });
});

describe('API behaviour that does not depend on the store', () => {
  it('lets caches keep an answer until the next collection is due, never longer than the poll interval', () => {
    const written = (minutesAgo: number) => ({ value: 3, writtenAt: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString() });
    expect(cacheControl(60, written(10), NOW)).toBe('public, max-age=3000');
    expect(cacheControl(60, written(1), NOW)).toBe('public, max-age=60'); // still landing
    expect(cacheControl(60, written(59.5), NOW)).toBe('public, max-age=60'); // due now
    expect(cacheControl(60, written(90), NOW)).toBe('public, max-age=60'); // overdue
    expect(cacheControl(60, { value: 0 }, NOW)).toBe('public, max-age=60'); // nothing collected yet
    expect(cacheControl(0.5, written(10), NOW)).toBe('public, max-age=30'); // never past the poll interval
  });

  const failing = createApiApp({
    repos: { list: async () => [] },
    series: {
      daily: async () => [],
      samples: async () => [],
      health: async () => {
        throw Object.assign(new Error('secret detail'), { name: 'ResourceNotFoundException' });
      },
    },
    readModel: { generation: async () => ({ value: 0 }), views: async () => [] },
    pollMinutes: 60,
  });

  it('answers /api/health with a 503 and the reason when the store cannot be read, hiding internals', async () => {
    const response = await failing.request('/api/health');
    expect(response.status).toBe(503);
    const body = JSON.stringify(await response.json());
    expect(body).toContain('ResourceNotFoundException');
    expect(body).not.toContain('secret detail');
  });

  it('documents exactly the routes the query and ingest apps serve', async () => {
    const document = (await (await failing.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    const ingest = createIngestApp({ token: undefined, ingest: async () => Promise.reject(new Error('not called')) });
    const served = [...failing.routes, ...ingest.routes]
      .filter((route) => route.method !== 'ALL' && route.path.startsWith('/api/') && !route.path.endsWith('*'))
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`);
    expect(documented.sort()).toEqual([...new Set(served)].sort());
    expect(openApiDocument().openapi).toBe('3.1.0');
  });
});

describe('bounds that come from the deployment and from hand-written items', () => {
  const memoryApp = async (retentionDays: number) => {
    const series = new MemorySeries();
    const readModel = new MemoryReadModel();
    await writeCollected([{ registry: 'dockerhub', repo: 'library/nginx', collectedAt: NOW.toISOString(), pullCount: 5 }], series, readModel);
    return createApiApp({ repos: new MemoryRepos(), series, readModel, pollMinutes: 60, retentionDays, now: () => NOW });
  };

  it.each(['/api/pulls/daily?from=2026-01-01', '/api/pulls?from=40d', '/api/pulls/daily?from=2020-01-01&to=2021-01-01'])(
    'refuses %s with a range longer than the 30 days of history kept, naming from',
    async (path) => {
      const response = await (await memoryApp(30)).request(path);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ parameter: 'from', error: 'from: the range is longer than the 31 days of history kept (RETENTION_DAYS=30)' });
    },
  );

  it('keeps the default range and a range as long as the history kept, with retention or without', async () => {
    const kept = await memoryApp(7);
    expect((await kept.request('/api/pulls/daily')).status).toBe(200);
    expect((await kept.request('/api/pulls/daily?from=7d')).status).toBe(200);
    expect((await kept.request('/api/pulls/daily?from=9d')).status).toBe(400);
    expect((await (await memoryApp(0)).request('/api/pulls/daily?from=2020-01-01')).status).toBe(200);
  });

  it('serves /api/metrics when a repos item holds a last_success_at that is no time, written by hand', async () => {
    const dynamo = await startTestDynamo();
    try {
      for (const value of ['last tuesday', 1_764_000_000, '', '2026-11-23T10:00:00Z']) {
        await dynamo.doc.send(new PutCommand({ TableName: LOCAL_TABLES.repos, Item: { ref: `dockerhub:hand/${typeof value}-${String(value).length}`, last_success_at: value } }));
      }
      const app = createApiApp({ repos: new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos), series: new MemorySeries(), readModel: new MemoryReadModel(), pollMinutes: 60, now: () => NOW });
      const response = await app.request('/api/metrics');
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
      // The one real time counts; the others read as never collected.
      expect(text).toContain('pullwatch_ref_last_success_timestamp_seconds{registry="dockerhub",ref="dockerhub:hand/string-20"} 1795428000');
      expect(text).toContain('pullwatch_refs{registry="dockerhub",state="never"} 3');
      const repos = (await (await app.request('/api/repos')).json()) as { ref: string; last_success_at: string | null }[];
      expect(repos.map((repo) => repo.last_success_at)).toEqual([null, null, null, '2026-11-23T10:00:00.000Z']);
    } finally {
      await dynamo.close();
    }
  });
});
