import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambdas/core/errors.ts';
import { MAX_LISTING_PAGES, QuaySource, parseQuayListing, parseQuayRepository } from '../../../lambdas/core/sources/quay.ts';
import { testEndpoint } from '../../fakes/endpoint.ts';
import { type FakeUpstream, json, startFakeUpstream } from '../../fakes/upstream.ts';

interface Stat {
  date: string;
  count: number;
}

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/quay/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

const REPO_URL = 'https://quay.example/api/v1/repository/coreos/etcd?includeStats=true&includeTags=false';
/** The fixture was captured as if on this morning: its newest day is yesterday, its oldest 92 days back. */
const NOW = new Date('2026-11-21T10:00:00.000Z');

const repository = fixture('repository.json');
const fixtureStats = repository.stats as Stat[];
const withStats = (stats: unknown): Record<string, unknown> => ({ ...repository, stats });
const parse = (body: unknown, now = NOW) => parseQuayRepository(body, 'coreos/etcd', REPO_URL, now);

function formatChanged(run: () => unknown): UpstreamError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe('format_changed');
    return error as UpstreamError;
  }
  throw new Error('expected a format_changed UpstreamError, got a result');
}

describe('parseQuayRepository', () => {
  it('returns one sample per day, oldest first, from Quay’s unsorted list', () => {
    const dates = fixtureStats.map((s) => s.date);
    expect(dates).not.toEqual([...dates].sort());
    const samples = parse(repository);
    expect(samples).toHaveLength(92);
    expect(samples[0]!.collectedAt).toBe('2026-08-21T00:00:00.000Z');
    expect(samples.at(-1)!.collectedAt).toBe('2026-11-20T00:00:00.000Z');
    for (let i = 1; i < samples.length; i++) expect(samples[i]!.collectedAt > samples[i - 1]!.collectedAt).toBe(true);
  });

  it('carries each day’s count at UTC midnight of that day, as daily actions of the repository', () => {
    const byDate = new Map(fixtureStats.map((s) => [s.date, s.count]));
    for (const sample of parse(repository)) {
      const date = sample.collectedAt.slice(0, 10);
      expect(sample).toEqual({
        registry: 'quay',
        repo: 'coreos/etcd',
        collectedAt: `${date}T00:00:00.000Z`,
        pullCount: byDate.get(date),
        measure: 'daily_actions',
      });
    }
  });

  it('keeps days without activity as real zeros', () => {
    const zeroDays = fixtureStats.filter((s) => s.count === 0).map((s) => `${s.date}T00:00:00.000Z`);
    const zeros = parse(repository).filter((s) => s.pullCount === 0);
    expect(zeros.map((s) => s.collectedAt).sort()).toEqual(zeroDays.sort());
  });

  it('returns no samples for a new repository whose stats are empty', () => {
    expect(parse(withStats([]))).toEqual([]);
  });

  it('reports a body without stats as a format change naming the URL, never as zero activity', () => {
    const { stats: _stats, ...withoutStats } = repository;
    const error = formatChanged(() => parse(withoutStats));
    expect(error.url).toBe(REPO_URL);
    expect(error.message).toContain(REPO_URL);
    expect(error.message).toContain('stats is missing');
  });

  it.each([
    ['negative', -1],
    ['a string', '12'],
    ['a fraction', 1.5],
    ['null', null],
    ['beyond 2^53', 2 ** 53],
  ])('rejects a count that is %s', (_label, count) => {
    const error = formatChanged(() => parse(withStats([{ date: '2026-11-20', count }])));
    expect(error.message).toContain('stats.0.count');
  });

  it.each([
    ['US order', '11/20/2026'],
    ['an impossible day', '2026-11-31'],
    ['a timestamp', '2026-11-20T00:00:00'],
    ['a number', 20261120],
    ['missing', undefined],
  ])('rejects a date that is %s', (_label, date) => {
    const error = formatChanged(() => parse(withStats([{ date, count: 3 }])));
    expect(error.message).toContain('stats.0.date');
  });

  it('counts a day listed twice with the same count once', () => {
    const samples = parse(withStats([{ date: '2026-11-19', count: 4 }, { date: '2026-11-20', count: 7 }, { date: '2026-11-19', count: 4 }]));
    expect(samples.map((s) => [s.collectedAt, s.pullCount])).toEqual([
      ['2026-11-19T00:00:00.000Z', 4],
      ['2026-11-20T00:00:00.000Z', 7],
    ]);
  });

  it('rejects a day listed twice with different counts, naming the day', () => {
    const error = formatChanged(() => parse(withStats([{ date: '2026-11-19', count: 4 }, { date: '2026-11-19', count: 0 }])));
    expect(error.message).toContain('2026-11-19 twice with different counts (4 and 0)');
  });

  it('drops days after the current UTC day and keeps the current one', () => {
    const stats = [
      { date: '2026-11-22', count: 9 },
      { date: '2027-01-01', count: 9 },
      { date: '2026-11-21', count: 5 },
      { date: '2026-11-20', count: 6 },
    ];
    const samples = parse(withStats(stats), new Date('2026-11-21T23:59:59.999Z'));
    expect(samples.map((s) => s.collectedAt)).toEqual(['2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z']);
  });

  it.each([null, [], 'not found', 42])('rejects a body that is not a repository object (%j)', (body) => {
    formatChanged(() => parse(body));
  });
});

describe('parseQuayRepository properties', () => {
  const outcome = (body: unknown): 'samples' | 'format_changed' => {
    try {
      const samples = parse(body);
      for (const sample of samples) {
        expect(Number.isSafeInteger(sample.pullCount) && sample.pullCount >= 0).toBe(true);
        expect(sample.measure).toBe('daily_actions');
      }
      expect(samples.map((s) => s.collectedAt)).toEqual([...new Set(samples.map((s) => s.collectedAt))].sort());
      return 'samples';
    } catch (error) {
      if (error instanceof UpstreamError && error.kind === 'format_changed' && error.url === REPO_URL) return 'format_changed';
      throw error;
    }
  };

  it('answers any JSON value with samples or a format change, nothing else', () => {
    fc.assert(fc.property(fc.jsonValue(), (body) => void outcome(body)), { numRuns: 500 });
  });

  it('answers near-repository objects with sorted, valid samples or a format change, nothing else', () => {
    const date = fc.oneof(
      fc.date({ min: new Date('2026-08-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.constantFrom('2026-02-30', '2026-11-20T00:00:00Z', '', '2026-1-5'),
      fc.string(),
      fc.integer(),
    );
    const count = fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.constant(2 ** 53));
    const stat = fc.record({ date, count }, { requiredKeys: [] });
    const body = fc.record(
      {
        namespace: fc.constant('coreos'),
        name: fc.constant('etcd'),
        is_public: fc.boolean(),
        popularity: fc.double(),
        stats: fc.oneof(fc.array(stat, { maxLength: 95 }), fc.jsonValue()),
      },
      { requiredKeys: ['namespace', 'name'] },
    );
    const seen = new Set<string>();
    fc.assert(fc.property(body, (b) => void seen.add(outcome(b))), { numRuns: 1000 });
    expect(seen).toEqual(new Set(['samples', 'format_changed']));
  });
});

describe('parseQuayListing', () => {
  const LIST_URL = 'https://quay.example/api/v1/repository?namespace=coreos&public=true';

  it('reads paths and the next page token from a listing page', () => {
    expect(parseQuayListing(fixture('repositories-page-1.json'), 'coreos', LIST_URL)).toEqual({
      repositories: ['coreos/etcd', 'coreos/flannel', 'coreos/dex'],
      nextPage: 'gAAAAABnQ2x1c3Rlci1wYWdlLTI_c3RhcnRfaW5kZXg9MTAw==',
    });
  });

  it('stops when a row belongs to another namespace, since Quay would then be listing everyone’s repositories', () => {
    const body = { repositories: [{ namespace: 'coreos', name: 'etcd' }, { namespace: 'someone-else', name: 'app' }] };
    const error = formatChanged(() => parseQuayListing(body, 'coreos', LIST_URL));
    expect(error.message).toContain('someone-else/app');
  });

  it.each([
    ['no repositories field', { next_page: 'abc' }],
    ['a row without a name', { repositories: [{ namespace: 'coreos' }] }],
    ['a numeric next_page', { repositories: [], next_page: 2 }],
  ])('reports a listing with %s as a format change', (_label, body) => {
    expect(formatChanged(() => parseQuayListing(body, 'coreos', LIST_URL)).url).toBe(LIST_URL);
  });
});

describe('Quay against a fake upstream', () => {
  let fake: FakeUpstream;
  let quay: QuaySource;

  beforeEach(async () => {
    fake = await startFakeUpstream();
    quay = new QuaySource(testEndpoint(fake.url, { now: () => NOW }));
  });

  afterEach(async () => {
    await fake.close();
  });

  it('asks the repository API for stats without tags, as JSON', async () => {
    let accept: string | undefined;
    fake.route('/api/v1/repository/coreos/etcd', (request, response) => {
      accept = request.headers.accept;
      json(response, 200, repository);
    });
    await quay.repository('coreos/etcd');
    expect(fake.requests).toEqual(['GET /api/v1/repository/coreos/etcd?includeStats=true&includeTags=false']);
    expect(accept).toBe('application/json');
  });

  it('returns the unsorted stats of the answer sorted by day', async () => {
    fake.route('/api/v1/repository/coreos/etcd', (_request, response) => json(response, 200, repository));
    const samples = await quay.repository('coreos/etcd');
    expect(samples).toHaveLength(92);
    expect(samples.map((s) => s.collectedAt)).toEqual(samples.map((s) => s.collectedAt).sort());
    expect(samples.every((s) => s.repo === 'coreos/etcd' && s.measure === 'daily_actions')).toBe(true);
  });

  it('reports a missing repository as not_found', async () => {
    await expect(quay.repository('coreos/gone')).rejects.toMatchObject({ kind: 'not_found', url: expect.stringContaining('/coreos/gone?') });
  });

  it('reports a server error as transient', async () => {
    fake.route('/api/v1/repository/coreos/etcd', (_request, response) => json(response, 503, { error: 'unavailable' }));
    await expect(quay.repository('coreos/etcd')).rejects.toMatchObject({ kind: 'transient' });
  });

  it('reports an answer without stats as format_changed naming the URL', async () => {
    const { stats: _stats, ...withoutStats } = repository;
    fake.route('/api/v1/repository/coreos/etcd', (_request, response) => json(response, 200, withoutStats));
    await expect(quay.repository('coreos/etcd')).rejects.toMatchObject({
      kind: 'format_changed',
      url: `${fake.url}/api/v1/repository/coreos/etcd?includeStats=true&includeTags=false`,
    });
  });

  it('follows next_page through three pages and returns every path in order', async () => {
    const pages = [1, 2, 3].map((n) => fixture(`repositories-page-${n}.json`));
    const tokens: (string | null)[] = [];
    fake.route('/api/v1/repository', (_request, response, url) => {
      const token = url.searchParams.get('next_page');
      tokens.push(token);
      const page = token === null ? 0 : pages.findIndex((p) => p.next_page === token) + 1;
      json(response, 200, pages[page]);
    });
    expect(await quay.repositories('coreos')).toEqual([
      'coreos/etcd',
      'coreos/flannel',
      'coreos/dex',
      'coreos/prometheus-operator',
      'coreos/kube-state-metrics',
      'coreos/configmap-reload',
    ]);
    expect(tokens).toEqual([null, pages[0]!.next_page, pages[1]!.next_page]);
    expect(fake.requests[0]).toBe('GET /api/v1/repository?namespace=coreos&public=true');
  });

  it('lists a repository that appears on two pages once', async () => {
    fake.route('/api/v1/repository', (_request, response, url) =>
      url.searchParams.has('next_page')
        ? json(response, 200, { repositories: [{ namespace: 'coreos', name: 'dex' }, { namespace: 'coreos', name: 'etcd' }] })
        : json(response, 200, { repositories: [{ namespace: 'coreos', name: 'etcd' }], next_page: 'p2' }),
    );
    expect(await quay.repositories('coreos')).toEqual(['coreos/etcd', 'coreos/dex']);
  });

  it('stops with an error when a next_page token comes back again', async () => {
    fake.route('/api/v1/repository', (_request, response, url) =>
      json(response, 200, { repositories: [{ namespace: 'coreos', name: `r${url.searchParams.get('next_page') ?? 0}` }], next_page: 'same-token' }),
    );
    await expect(quay.repositories('coreos')).rejects.toMatchObject({ kind: 'format_changed', message: expect.stringContaining('"same-token" came back again') });
    expect(fake.requests).toHaveLength(2);
  });

  it(`stops with an error after ${MAX_LISTING_PAGES} pages of fresh tokens`, async () => {
    let served = 0;
    fake.route('/api/v1/repository', (_request, response) => {
      served++;
      json(response, 200, { repositories: [{ namespace: 'coreos', name: `r${served}` }], next_page: `t${served}` });
    });
    await expect(quay.repositories('coreos')).rejects.toMatchObject({
      kind: 'format_changed',
      message: expect.stringContaining(`past ${MAX_LISTING_PAGES} pages`),
    });
    expect(served).toBe(MAX_LISTING_PAGES);
  });

  it('returns no paths for a namespace without public repositories', async () => {
    fake.route('/api/v1/repository', (_request, response) => json(response, 200, { repositories: [] }));
    expect(await quay.repositories('empty-org')).toEqual([]);
    expect(fake.requests).toEqual(['GET /api/v1/repository?namespace=empty-org&public=true']);
  });
});
