// Fuzzes the HTTP API with generated GET requests on every route: only 2xx and 4xx answers, each within a time budget
// (no parameter can make a request loop, allocate or wait in proportion to a number it names), and every 400 names its
// parameter; and the webhook with generated posts: never a 5xx, whatever the body.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../lambdas/api/app.ts';
import { TrackedRegistryRefs, ingestEvents } from '../../lambdas/core/ingest.ts';
import type { ReadModel, RegistryCounters, RepoList, SeriesStore } from '../../lambdas/core/ports.ts';
import { decodeEnvelope } from '../../lambdas/core/registry-events.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import { createIngestApp } from '../../lambdas/ingest/app.ts';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { DynamoRegistryCounters } from '../../lambdas/stores/dynamodb/counters-table.ts';
import { DynamoReadModel } from '../../lambdas/stores/dynamodb/read-model-table.ts';
import { DynamoRepoList } from '../../lambdas/stores/dynamodb/repo-table.ts';
import { DynamoSeriesStore } from '../../lambdas/stores/dynamodb/series-table.ts';
import { startTestDynamo } from '../stores/dynalite.ts';
import { FUZZ_RUNS, mutatedText } from './arbitraries.ts';
import { MemoryCounters, MemoryReadModel, MemoryRepos, MemorySeries } from './memory-ports.ts';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const HOST = 'registry.example.com:5000';

/** A small world: daily and hourly readings, one name in two registries, a nested GHCR package, Quay actions, a webhook repository. */
async function seed(series: SeriesStore, readModel: ReadModel, repos: RepoList, counters: RegistryCounters): Promise<void> {
  const samples: Sample[] = [];
  const daysAgo = (days: number, hour = 6) => new Date(Date.UTC(2026, 10, 23 - days, hour)).toISOString();
  for (let d = 40; d >= 0; d--) {
    samples.push({ registry: 'dockerhub', repo: 'library/nginx', collectedAt: daysAgo(d), pullCount: 1_000_000 + 500 * (40 - d), starCount: 12 });
    if (d <= 20) samples.push({ registry: 'dockerhub', repo: 'acme/app', collectedAt: daysAgo(d), pullCount: 100 + 7 * (20 - d) });
    if (d <= 20) samples.push({ registry: 'ghcr', repo: 'acme/app', collectedAt: daysAgo(d), pullCount: 50 + 3 * (20 - d) });
    if (d <= 10 && d !== 4) samples.push({ registry: 'ghcr', repo: 'acme/nested/pkg', collectedAt: daysAgo(d), pullCount: d === 2 ? 5 : 900 + d });
    samples.push({ registry: 'quay', repo: 'coreos/etcd', collectedAt: `${daysAgo(d).slice(0, 10)}T00:00:00.000Z`, pullCount: 30 + (d % 5), measure: 'daily_actions' });
  }
  for (let h = 30; h >= 1; h--) samples.push({ registry: 'dockerhub', repo: 'library/nginx', collectedAt: new Date(NOW.getTime() - h * 3_600_000 - 17 * 60_000).toISOString(), pullCount: 1_020_000 + 10 * (30 - h) });
  await series.write(samples);
  await readModel.apply(samples);
  await readModel.touch();
  await repos.add(['dockerhub:library/nginx', 'dockerhub:acme/*', 'dockerhub:acme/app', 'ghcr:acme/app', 'ghcr:acme/nested/pkg', 'quay:coreos/etcd', 'quay:coreos/*']);
  await repos.recordSuccess('dockerhub:library/nginx', NOW.toISOString());
  await repos.recordError('ghcr:acme/nested/pkg', { kind: 'format_changed', message: 'no "Total downloads" label', at: NOW.toISOString() });
  const at = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
  const events = [
    { id: 'p1', timestamp: at(50), action: 'pull', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'team/app', tag: 'v1' }, request: { method: 'GET', host: HOST } },
    { id: 'p2', timestamp: at(40), action: 'pull', target: { mediaType: 'application/vnd.oci.image.index.v1+json', repository: 'team/app', tag: 'latest' }, request: { method: 'GET', host: HOST } },
    { id: 'h1', timestamp: at(30), action: 'pull', target: { mediaType: 'application/vnd.oci.image.index.v1+json', repository: 'team/app', tag: 'latest' }, request: { method: 'HEAD', host: HOST } },
    { id: 'u1', timestamp: at(20), action: 'push', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'team/app', tag: 'v2' }, request: { method: 'PUT', host: HOST }, actor: { name: 'ci' } },
  ];
  await ingestEvents(decodeEnvelope(new TextEncoder().encode(JSON.stringify({ events })), 1_000), { counters, tracked: new TrackedRegistryRefs(repos, 100, 0) });
}

const KNOWN_PATHS = ['library/nginx', 'nginx', 'acme/app', 'acme/nested/pkg', 'coreos/etcd', `${HOST}/team/app`, 'acme/*'];
const odd = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('..', '.', '*', '%', '%2F', '%E0%A4%A', '%00', 'A', 'x y', '{a,b}', '$__all', '__proto__', 'constructor', 'toString', ''));

const values: Record<string, fc.Arbitrary<string>> = {
  from: fc.constantFrom('2026-11-01', '2026-02-30', '2026-11-23T10:00:00Z', '2026-11-23T10:00:00+02:00', '2026-11-23T25:00:00Z', '1795400000000', '17954000000000000', '30d', '12h', '2w', '1m', '0d', 'now', 'now-7d', 'now-99999d', '99999d', ' 30d ', '1990-01-01', '9999-12-31', '-1d'),
  to: fc.constantFrom('2026-11-23', '2026-11-24T00:00:00Z', 'now', '1d', '1795400000000', '2026-11-01', '0000-01-01', '2026-11-31'),
  registry: fc.constantFrom('dockerhub', 'ghcr', 'quay', 'registry', '$__all', '{dockerhub,ghcr}', '*', 'nope', 'dockerhub,,ghcr', 'DockerHub'),
  repo: fc.constantFrom(
    'nginx',
    'library/nginx',
    'acme/app',
    'ghcr:acme/app',
    'ghcr.io/acme/app',
    'dockerhub:acme/*',
    '{nginx,acme/app}',
    `registry:${HOST}/team/app`,
    `${HOST}/team/app`,
    'Bad Ref',
    'a//b',
    '$__all',
    'quay:coreos/etcd',
    'x'.repeat(300),
  ),
  interval: fc.constantFrom('hour', 'day', 'week', ''),
  format: fc.constantFrom('csv', 'json', 'xml', ''),
  date: fc.constantFrom('2026-11-23', '2026-11-01', '2026-02-30', 'today', '2026-11-23T00:00:00Z', '1999-01-01'),
  window: fc.constantFrom('total', '1d', '7d', '30d', '1y', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''),
  label: fc.oneof(fc.constantFrom('pulls', '<script>alert(1)</script>', '"quoted" & <b>', '', 'x'.repeat(500)), fc.string({ maxLength: 20 })),
};
const NAMES = Object.keys(values);

const param = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NAMES).chain((name) => fc.tuple(fc.constant(name), fc.oneof({ weight: 3, arbitrary: values[name]! }, { weight: 1, arbitrary: values[name]!.chain((v) => mutatedText(v, ['-', ':', ',', '{', '}', 'T', 'Z', '0', '9'])) }, { weight: 1, arbitrary: odd }))) },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(odd, fc.constantFrom(...NAMES)), odd) },
);

type Style = 'encoded' | 'raw' | 'plus';

/** Query parameters, usually encoded properly, sometimes raw (stray %, &, =, non-ASCII) as careless clients send them. */
function encodeParams(params: readonly (readonly [string, string])[], style: Style): string[] {
  const encode = style === 'encoded' ? encodeURIComponent : style === 'plus' ? (text: string) => encodeURIComponent(text).replaceAll('%20', '+') : (text: string) => text.replaceAll('#', '%23');
  return params.map(([name, value]) => `${encode(name)}=${encode(value)}`);
}

/** Repositories the seed holds, as their badge paths. */
const SEEDED_BADGES = ['dockerhub/library/nginx', 'dockerhub/acme/app', 'ghcr/acme/app', 'ghcr/acme/nested/pkg', 'quay/coreos/etcd', `registry/${HOST}/team/app`, 'dockerhub/nginx'];

const badgePath = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...SEEDED_BADGES), fc.constantFrom('.svg', '.json')).map(([path, extension]) => `/api/badge/${path}${extension}`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.constantFrom('dockerhub', 'ghcr', 'quay', 'registry'), odd),
        fc.oneof(fc.constantFrom(...KNOWN_PATHS), fc.array(odd, { minLength: 1, maxLength: 4 }).map((segments) => segments.map(encodeURIComponent).join('/')), fc.array(odd, { minLength: 1, maxLength: 3 }).map((segments) => segments.join('/'))),
        fc.constantFrom('.svg', '.json', '', '.png', '.svg.json', '.SVG'),
      )
      .map(([registry, path, extension]) => `/api/badge/${registry}/${path}${extension}`),
  },
);

/** A path, and parameters it needs to get past its own checks (the tags route answers one named repository). */
const route: fc.Arbitrary<[string, [string, string][]]> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('/api/health', '/api/repos', '/api/summary', '/api/pulls', '/api/pulls/daily', '/api/snapshot', '/api/trends', '/api/metrics', '/api/openapi.json', '/api/tags', '/api/dashboard').map((path): [string, [string, string][]] => [path, []]) },
  { weight: 1, arbitrary: fc.constantFrom(`registry:${HOST}/team/app`, `${HOST}/team/app`, `registry:${HOST}/none`).map((repo): [string, [string, string][]] => ['/api/tags', [['repo', repo]]]) },
  { weight: 4, arbitrary: badgePath.map((path): [string, [string, string][]] => [path, []]) },
  { weight: 1, arbitrary: fc.array(odd, { maxLength: 3 }).map((segments): [string, [string, string][]] => [`/api/${segments.map(encodeURIComponent).join('/')}`, []]) },
);

const url = fc.tuple(route, fc.array(param, { maxLength: 5 }), fc.constantFrom<Style>('encoded', 'encoded', 'raw', 'plus')).map(([[path, needed], params, style]) => {
  const query = [...encodeParams(needed, 'encoded'), ...encodeParams(params, style)];
  return query.length === 0 ? path : `${path}?${query.join('&')}`;
});

const request = fc.record({
  url,
  accept: fc.option(fc.constantFrom('application/json', 'text/csv', 'text/csv;q=0.9, */*', '*/*', 'image/svg+xml'), { nil: undefined }),
  ifNoneMatch: fc.option(fc.constantFrom('"abc"', '*', 'W/"x"'), { nil: undefined }),
});

type App = ReturnType<typeof createApiApp>;

/** Sends one request; returns a description of what is wrong with the answer, if anything. */
async function problemWith(app: App, sent: { url: string; accept: string | undefined; ifNoneMatch: string | undefined }): Promise<{ problem?: string; status: number }> {
  let response: Response;
  try {
    response = await app.request(`http://pullwatch.test${sent.url}`, { headers: { ...(sent.accept && { accept: sent.accept }), ...(sent.ifNoneMatch && { 'if-none-match': sent.ifNoneMatch }) } });
  } catch (error) {
    return { problem: `threw ${String(error)}`, status: 0 };
  }
  const problem = await answerProblem(sent.url, response);
  return { ...(problem && { problem }), status: response.status };
}

async function answerProblem(url: string, response: Response): Promise<string | undefined> {
  const text = await response.text();
  if (response.status >= 500 || response.status < 200) return `answered ${response.status}: ${text.slice(0, 200)}`;
  // Every answer under /api says how long it may be cached (`/api/..` normalises to `/`, outside the API).
  if (new URL(`http://pullwatch.test${url}`).pathname.startsWith('/api/') && !response.headers.get('cache-control')) return 'no cache-control header';
  if (response.status === 400) {
    let body: { error?: unknown; parameter?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return `a 400 that is not JSON: ${text.slice(0, 200)}`;
    }
    if (typeof body.parameter !== 'string' || body.parameter === '') return `a 400 that names no parameter: ${text}`;
    if (typeof body.error !== 'string' || !body.error.startsWith(`${body.parameter}: `)) return `a 400 whose error does not start with its parameter: ${text}`;
  }
  return undefined;
}

/** Answers per route and status, so a test can tell the generated requests reach past the parameter checks. */
type Tally = Map<string, Map<number, number>>;

/** Requests this test once answered with a 500, kept as the first cases of every run. */
const FOUND: { url: string; accept: string | undefined; ifNoneMatch: string | undefined }[] = [
  // A tracked ref's last_error (an object) had no CSV form.
  { url: '/api/repos?format=csv', accept: undefined, ifNoneMatch: undefined },
  { url: '/api/repos', accept: 'text/csv', ifNoneMatch: undefined },
  // `window` was looked up with `in`, so Object.prototype's keys passed as badge windows.
  { url: '/api/badge/dockerhub/library/nginx.svg?window=toString', accept: undefined, ifNoneMatch: undefined },
  { url: '/api/badge/dockerhub/library/nginx.json?window=__proto__', accept: undefined, ifNoneMatch: undefined },
  // The default `from`, 30 days before to=0000-01-01, fell in year -1, which has no YYYY-MM-DD form.
  { url: '/api/pulls/daily?to=0000-01-01', accept: undefined, ifNoneMatch: undefined },
  { url: '/api/pulls/daily?to=0000-02-15', accept: undefined, ifNoneMatch: undefined },
  { url: '/api/pulls?interval=hour&to=0000-01-01', accept: undefined, ifNoneMatch: undefined },
  // Years past 9999 made the month loop compare "+010000-01" <= "9999-12" as strings, for ever (8-10 s, then a 500).
  ...['/api/pulls?to=9999-12-31', '/api/pulls/daily?from=9999-12-20&to=9999-12-20', '/api/snapshot?date=9999-12-31', '/api/pulls?from=1000-01-01', '/api/pulls?to=99999d', '/api/pulls/daily?from=now-99999d', '/api/pulls?interval=hour&from=2000-01-01&to=2100-12-31', '/api/pulls/daily?to=275760-09-13', '/api/pulls/daily?from=8640000000000000'].map((url) => ({ url, accept: undefined, ifNoneMatch: undefined })),
];

/** The longest one request may take, on either store: far below what the 9999 requests once took (8-10 s). */
const REQUEST_BUDGET_MS = 250;

async function fuzzApi(app: App, numRuns: number): Promise<Tally> {
  const tally: Tally = new Map();
  await fc.assert(
    fc.asyncProperty(request, async (sent) => {
      const started = performance.now();
      const { problem, status } = await problemWith(app, sent);
      const took = performance.now() - started;
      expect(problem, `GET ${sent.url} (accept: ${sent.accept ?? '-'})`).toBeUndefined();
      expect(took, `GET ${sent.url} took ${Math.round(took)} ms`).toBeLessThan(REQUEST_BUDGET_MS);
      const routeName = /^\/api\/badge\//.test(sent.url) ? '/api/badge' : sent.url.split('?')[0]!;
      const statuses = tally.get(routeName) ?? new Map<number, number>();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      tally.set(routeName, statuses);
    }),
    { numRuns, examples: FOUND.map((sent) => [sent]) },
  );
  return tally;
}

describe('the query API under fuzzing, on in-memory ports', () => {
  let app: App;
  beforeAll(async () => {
    const series = new MemorySeries();
    const readModel = new MemoryReadModel();
    const repos = new MemoryRepos();
    const counters = new MemoryCounters();
    await seed(series, readModel, repos, counters);
    app = createApiApp({ repos, series, readModel, counters, pollMinutes: 60, now: () => NOW });
  });

  it(`answers ${FUZZ_RUNS} generated GET requests with 2xx or 4xx within ${REQUEST_BUDGET_MS} ms each, and names the parameter of every 400`, async () => {
    const tally = await fuzzApi(app, FUZZ_RUNS);
    // The requests get past the parameter checks often enough to exercise every route's answer.
    const ok = (route: string) => tally.get(route)?.get(200) ?? 0;
    const routes = ['/api/health', '/api/repos', '/api/summary', '/api/pulls', '/api/pulls/daily', '/api/snapshot', '/api/trends', '/api/metrics', '/api/openapi.json', '/api/tags', '/api/badge', '/api/dashboard'];
    expect(routes.filter((route) => ok(route) < 20), JSON.stringify([...tally].filter(([route]) => routes.includes(route)).map(([route, statuses]) => [route, Object.fromEntries(statuses)]))).toEqual([]);
  });

  it('answers the webhook only with 200, 400, 401, 413 or 415, whatever is posted', async () => {
    const counters = new MemoryCounters();
    const tracked = new TrackedRegistryRefs(new MemoryRepos(), 50, 0);
    const ingest = createIngestApp({ token: 'secret-token', maxEvents: 20, ingest: (envelope) => ingestEvents(envelope, { counters, tracked }) });
    const hostile = { id: 'h', timestamp: NOW.toISOString(), action: 'pull', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'team/app', tag: 't'.repeat(2_000), digest: 'sha256:00' }, request: { method: 'GET', host: HOST }, actor: { name: 'a'.repeat(2_000) } };
    const post = fc.record({
      authorization: fc.constantFrom('Bearer secret-token', 'bearer secret-token', 'Bearer wrong', '', 'Bearer ', 'Basic c2VjcmV0'),
      contentType: fc.constantFrom('application/vnd.docker.distribution.events.v1+json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', ''),
      body: fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc.constant(JSON.stringify({ events: [] })),
        // Up to twice the 20-event cap, every other event invalid (a 2,000-character tag and actor), the others new repositories.
        fc.nat(40).map((n) => JSON.stringify({ events: Array.from({ length: n }, (_, i) => (i % 2 ? { ...hostile, id: `h${i}` } : { ...hostile, id: `h${i}`, target: { mediaType: hostile.target.mediaType, repository: `r/${i}`, tag: 'v1' }, actor: {} })) })),
        mutatedText(JSON.stringify({ events: [hostile] }), ['"', '{', '}', ',', 'null', '[]', '\\ud800', 't'.repeat(300)]),
        mutatedText(JSON.stringify({ events: [{ id: 'a', timestamp: NOW.toISOString(), action: 'pull', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'team/app' }, request: { method: 'GET', host: HOST } }] }), ['"', '{', '}', ',', 'null', '[]'])),
    });
    await fc.assert(
      fc.asyncProperty(post, async ({ authorization, contentType, body }) => {
        const response = await ingest.request('http://pullwatch.test/api/ingest/registry', { method: 'POST', body, headers: { ...(authorization && { authorization }), ...(contentType && { 'content-type': contentType }) } });
        expect([200, 400, 401, 413, 415], `${response.status}: ${await response.clone().text()}`).toContain(response.status);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('the query API under fuzzing, on the DynamoDB store (dynalite)', () => {
  let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
  let app: App;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    const series = new DynamoSeriesStore(dynamo.doc, LOCAL_TABLES.series);
    const repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
    const counters = new DynamoRegistryCounters(dynamo.transactional, LOCAL_TABLES.counters);
    const readModel = new DynamoReadModel(dynamo.doc, LOCAL_TABLES.series);
    await seed(series, readModel, repos, counters);
    app = createApiApp({ repos, series, readModel, counters, pollMinutes: 60, now: () => NOW });
  });
  afterAll(async () => {
    await dynamo.close();
  });

  // Fewer cases: each one is several dynalite round trips; these look for what only a real adapter can refuse.
  it(`answers 500 generated GET requests with 2xx or 4xx within ${REQUEST_BUDGET_MS} ms each`, async () => {
    await fuzzApi(app, 500);
  });
});
