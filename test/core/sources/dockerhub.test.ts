import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambdas/core/errors.ts';
import type { SourceContext } from '../../../lambdas/core/sources/context.ts';
import { fetchDockerHubRepository, parseDockerHubRepository } from '../../../lambdas/core/sources/dockerhub.ts';
import { testSourceContext } from '../../fakes/source-context.ts';
import { type FakeUpstream, dockerHubRepository, json, startFakeUpstream } from '../../fakes/upstream.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
let fake: FakeUpstream;
let ctx: SourceContext;

beforeAll(async () => {
  fake = await startFakeUpstream();
  ctx = testSourceContext(fake.url, { now: () => NOW });
  fake.route('/v2/repositories/library/nginx/', (_req, res) => json(res, 200, dockerHubRepository('library', 'nginx', 2_147_483_647 + 5, 20_000)));
  fake.route('/v2/repositories/new/empty/', (_req, res) => json(res, 200, dockerHubRepository('new', 'empty', 0)));
  fake.route('/v2/repositories/odd/shape/', (_req, res) => json(res, 200, { name: 'shape', pull_count: '12' }));
});
afterAll(() => fake.close());

describe('Docker Hub repository', () => {
  it('reads pull_count, star_count and last_updated, exact past 2^31', async () => {
    expect(await fetchDockerHubRepository('library/nginx', ctx)).toEqual({
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
    expect((await fetchDockerHubRepository('new/empty', ctx)).pullCount).toBe(0);
  });

  it('reports a missing repository as not_found', async () => {
    await expect(fetchDockerHubRepository('nobody/nothing', ctx)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('reports a pull_count that is not a number as a format change, never a count', async () => {
    await expect(fetchDockerHubRepository('odd/shape', ctx)).rejects.toMatchObject({ kind: 'format_changed', message: expect.stringContaining('pull_count') });
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
