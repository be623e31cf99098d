import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambdas/core/errors.ts';
import { type DockerHubCredentials, DockerHubSource, parseDockerHubRepository } from '../../../lambdas/core/sources/dockerhub.ts';
import { installFakeDockerHub, ownerRepos } from '../../fakes/dockerhub.ts';
import { testEndpoint } from '../../fakes/endpoint.ts';
import { type FakeUpstream, dockerHubRepository, json, startFakeUpstream } from '../../fakes/upstream.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
let fake: FakeUpstream;
let hub: DockerHubSource;

beforeAll(async () => {
  fake = await startFakeUpstream();
  hub = new DockerHubSource(testEndpoint(fake.url, { now: () => NOW }));
  fake.route('/v2/repositories/library/nginx/', (_req, res) => json(res, 200, dockerHubRepository('library', 'nginx', 2_147_483_647 + 5, 20_000)));
  fake.route('/v2/repositories/new/empty/', (_req, res) => json(res, 200, dockerHubRepository('new', 'empty', 0)));
  fake.route('/v2/repositories/odd/shape/', (_req, res) => json(res, 200, { name: 'shape', pull_count: '12' }));
});
afterAll(() => fake.close());

describe('Docker Hub repository', () => {
  it('reads pull_count, star_count and last_updated, exact past 2^31', async () => {
    expect(await hub.repository('library/nginx')).toEqual({
      registry: 'dockerhub',
      repo: 'library/nginx',
      collectedAt: NOW.toISOString(),
      pullCount: 2_147_483_652,
      starCount: 20_000,
      lastUpdated: '2026-11-20T08:15:30.123456Z',
    });
    expect(fake.requests).toContain('GET /v2/repositories/library/nginx/');
  });

  it('records a real zero as zero', async () => {
    expect((await hub.repository('new/empty')).pullCount).toBe(0);
  });

  it('reports a missing repository as not_found', async () => {
    await expect(hub.repository('nobody/nothing')).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('reports a pull_count that is not a number as a format change, never a count', async () => {
    await expect(hub.repository('odd/shape')).rejects.toMatchObject({ kind: 'format_changed', message: expect.stringContaining('pull_count') });
  });

  it('returns a sample or a format_changed error for any JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ pull_count: fc.jsonValue(), star_count: fc.jsonValue() })), (body) => {
        try {
          const sample = parseDockerHubRepository(body, 'a/b', 'http://fake/', NOW);
          expect(Number.isSafeInteger(sample.pullCount) && sample.pullCount >= 0).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(UpstreamError);
          expect((error as UpstreamError).kind).toBe('format_changed');
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('Docker Hub owner listing', () => {
  let fakeHub: FakeUpstream;
  const state = { repos: new Map<string, number>(), credentials: { identifier: 'bot', secret: 'dckr_pat_x' }, tags: new Map<string, number>() };

  beforeAll(async () => {
    fakeHub = await startFakeUpstream();
    installFakeDockerHub(fakeHub, state);
    for (const [path, pulls] of [...ownerRepos('small', 150), ...ownerRepos('large', 250), ...ownerRepos('exact', 99)]) state.repos.set(path, pulls);
  });
  afterAll(() => fakeHub.close());

  const listing = (namespace: string, credentials?: DockerHubCredentials) => new DockerHubSource(testEndpoint(fakeHub.url), credentials).owner(namespace);

  it('follows the pages, 99 rows at a time, and reads every count', async () => {
    fakeHub.requests.length = 0;
    const { samples, truncated } = await listing('small');
    expect(truncated).toBeUndefined();
    expect(samples).toHaveLength(150);
    expect(samples[149]).toMatchObject({ registry: 'dockerhub', repo: 'small/repo-149', pullCount: 1149 });
    expect(fakeHub.requests).toEqual(['GET /v2/namespaces/small/repositories?page_size=99&page=1', 'GET /v2/namespaces/small/repositories?page_size=99&page=2']);
  });

  it('stops after the last full page without asking past the end', async () => {
    fakeHub.requests.length = 0;
    expect((await listing('exact')).samples).toHaveLength(99);
    expect(fakeHub.requests).toHaveLength(1);
  });

  it('anonymously reads 198 repositories, never asks for the capped offset, and says the listing was cut', async () => {
    fakeHub.requests.length = 0;
    const { samples, truncated } = await listing('large');
    expect(samples).toHaveLength(198);
    expect(truncated).toContain('large/*: 198 of 250 repositories (anonymous listing cap');
    expect(truncated).toContain('DOCKERHUB_TOKEN');
    expect(fakeHub.requests.some((request) => request.includes('page=3'))).toBe(false);
  });

  it('with a token, authenticates once and reads past 198', async () => {
    fakeHub.requests.length = 0;
    const { samples, truncated } = await listing('large', state.credentials);
    expect(truncated).toBeUndefined();
    expect(samples).toHaveLength(250);
    expect(fakeHub.requests.filter((request) => request === 'POST /v2/auth/token')).toHaveLength(1);
  });

  it('treats a 403 on a later page as the anonymous cap, not a failure', async () => {
    const limited = await startFakeUpstream();
    limited.route('/v2/namespaces/capped/repositories', (_req, res, url) =>
      url.searchParams.get('page') === '1'
        ? json(res, 200, { count: 500, next: 'x', previous: null, results: [dockerHubRepository('capped', 'one', 1)] })
        : json(res, 403, { message: 'pagination offset too large for anonymous requests' }),
    );
    try {
      const { samples, truncated } = await new DockerHubSource(testEndpoint(limited.url)).owner('capped');
      expect(samples).toHaveLength(1);
      expect(truncated).toBeDefined();
    } finally {
      await limited.close();
    }
  });

  it('keeps the valid rows of a page with malformed ones, and says how many were skipped and the first', async () => {
    const odd = await startFakeUpstream();
    odd.route('/v2/namespaces/mixed/repositories', (_req, res) =>
      json(res, 200, {
        count: 4,
        next: null,
        results: [dockerHubRepository('mixed', 'a', 1), { name: 'b', star_count: 1 }, dockerHubRepository('mixed', 'c', 3), { name: 'd', pull_count: -4 }],
      }),
    );
    odd.route('/v2/namespaces/broken/repositories', (_req, res) => json(res, 200, { count: 1, next: null, results: [{ name: 'x' }] }));
    try {
      const mixed = await new DockerHubSource(testEndpoint(odd.url)).collect({ registry: 'dockerhub', path: 'mixed/*', wildcard: true });
      expect(mixed.samples.map((sample) => `${sample.repo}=${sample.pullCount}`)).toEqual(['mixed/a=1', 'mixed/c=3']);
      expect(mixed.warnings).toEqual(['mixed/*: 2 listing rows skipped as malformed (first: row 2 has no pull_count)']);
      // Nothing valid at all is no listing: the format changed.
      await expect(new DockerHubSource(testEndpoint(odd.url)).owner('broken')).rejects.toMatchObject({ kind: 'format_changed', message: expect.stringContaining('row 1 has no pull_count') });
    } finally {
      await odd.close();
    }
  });

  it('reads a tag count from the tags listing, one small page, through the pacer', async () => {
    state.repos.set('small/tagged', 5);
    state.tags.set('small/tagged', 42);
    fakeHub.requests.length = 0;
    const source = new DockerHubSource(testEndpoint(fakeHub.url));
    const collected = await source.collect({ registry: 'dockerhub', path: 'small/tagged', wildcard: false });
    expect(await collected.readTagCount!('small/tagged')).toBe(42);
    expect(fakeHub.requests).toEqual(['GET /v2/repositories/small/tagged/', 'GET /v2/repositories/small/tagged/tags?page_size=1']);
    await expect(source.tagCount('small/missing')).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('reads an owner with no public repositories as an empty listing', async () => {
    expect(await listing('nobody')).toEqual({ samples: [] });
  });

  it('reports wrong credentials as an auth error', async () => {
    await expect(listing('large', { identifier: 'bot', secret: 'wrong' })).rejects.toMatchObject({ kind: 'auth' });
  });
});
