import { describe, expect, it } from 'vitest';
import { collectRef } from '../../lambdas/core/collect.ts';
import { UpstreamError } from '../../lambdas/core/errors.ts';
import type { RecordedError } from '../../lambdas/core/ports.ts';
import type { Sample } from '../../lambdas/core/samples.ts';

const NOW = new Date('2026-11-23T10:00:00Z');

function harness(fetchSamples: () => Promise<Sample[]>) {
  const written: Sample[] = [];
  const successes: string[] = [];
  const errors: [string, RecordedError][] = [];
  const deps = {
    fetchSamples,
    series: { write: async (samples: readonly Sample[]) => void written.push(...samples) },
    repos: {
      recordSuccess: async (ref: string) => void successes.push(ref),
      recordError: async (ref: string, error: RecordedError) => void errors.push([ref, error]),
    },
    now: () => NOW,
  };
  return { deps, written, successes, errors };
}

const sample: Sample = { registry: 'dockerhub', repo: 'library/nginx', collectedAt: NOW.toISOString(), pullCount: 0 };

describe('collectRef', () => {
  it('stores what the source read, a real zero included, and records the success', async () => {
    const h = harness(async () => [sample]);
    expect(await collectRef('nginx', h.deps)).toEqual({ status: 'stored', samples: 1 });
    expect(h.written).toEqual([sample]);
    expect(h.successes).toEqual(['nginx']);
  });

  it.each([
    ['transient', true],
    ['rate_limited', true],
    ['not_found', false],
    ['auth', false],
    ['format_changed', false],
  ] as const)('writes no sample when the fetch fails (%s) and retries only what may pass', async (kind, retry) => {
    const h = harness(async () => {
      throw new UpstreamError(kind, 'http://hub/x', 'boom', kind === 'rate_limited' ? 123 : undefined);
    });
    const result = await collectRef('dockerhub:a/b', h.deps);
    expect(result).toMatchObject({ status: 'failed', retry, error: { kind, at: NOW.toISOString() } });
    expect(h.written).toEqual([]);
    expect(h.errors).toEqual([['dockerhub:a/b', expect.objectContaining({ kind, message: expect.stringContaining('http://hub/x') })]]);
    if (kind === 'rate_limited') expect(result).toMatchObject({ retryAt: 123 });
  });

  it('records an invalid ref on its item instead of fetching', async () => {
    const h = harness(async () => {
      throw new Error('must not fetch');
    });
    expect(await collectRef('Not A Ref', h.deps)).toMatchObject({ status: 'failed', retry: false, error: { kind: 'invalid_ref' } });
    expect(h.errors[0]?.[0]).toBe('Not A Ref');
  });

  it('lets an unexpected failure through so the message is retried', async () => {
    const h = harness(async () => {
      throw new TypeError('bug');
    });
    await expect(collectRef('nginx', h.deps)).rejects.toThrow('bug');
    expect(h.errors).toEqual([]);
  });
});
