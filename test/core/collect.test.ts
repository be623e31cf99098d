import { describe, expect, it } from 'vitest';
import { MAX_RATE_LIMITED_ATTEMPTS, collectMessage } from '../../lambdas/core/collect.ts';
import type { RefMessage } from '../../lambdas/core/dispatch.ts';
import { UpstreamError } from '../../lambdas/core/errors.ts';
import type { RecordedError } from '../../lambdas/core/ports.ts';
import type { Ref } from '../../lambdas/core/refs.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import type { Collected } from '../../lambdas/core/sources/index.ts';

const NOW = new Date('2026-11-23T10:00:00Z');

function harness(collectFromSource: (ref: Ref) => Promise<Collected>) {
  const written: Sample[] = [];
  const successes: string[] = [];
  const errors: [string, RecordedError][] = [];
  const sent: { messages: RefMessage[]; delaySeconds?: number }[] = [];
  /** Samples written when each touch of the generation came. */
  const touches: number[] = [];
  const deps = {
    collectFromSource,
    series: {
      write: async (samples: readonly Sample[]) => void written.push(...samples),
    },
    readModel: {
      apply: async (samples: readonly Sample[]) => ({ drops: samples.filter((one) => one.pullCount < 0).map((one) => ({ key: `dockerhub:${one.repo}`, previous: 0, current: one.pullCount })) }),
      touch: async () => void touches.push(written.length),
    },
    repos: {
      recordSuccess: async (ref: string) => void successes.push(ref),
      recordError: async (ref: string, error: RecordedError) => void errors.push([ref, error]),
    },
    queue: { send: async (messages: readonly RefMessage[], delaySeconds?: number) => void sent.push({ messages: [...messages], delaySeconds }) },
    now: () => NOW,
  };
  return { deps, written, successes, errors, sent, touches };
}

const sample = (repo: string, pullCount = 0): Sample => ({ registry: 'dockerhub', repo, collectedAt: NOW.toISOString(), pullCount });
const failing = (kind: UpstreamError['kind'], retryAt?: number) => async (): Promise<Collected> => {
  throw new UpstreamError(kind, 'http://hub/x', 'boom', retryAt);
};

describe('collectMessage', () => {
  it('stores what the source read, a real zero included, and records the success', async () => {
    const h = harness(async () => ({ samples: [sample('library/nginx')] }));
    expect(await collectMessage({ ref: 'nginx' }, h.deps)).toEqual({ status: 'stored', samples: 1, expanded: 0, warnings: [], drops: [] });
    expect(h.written).toEqual([sample('library/nginx')]);
    expect(h.successes).toEqual(['nginx']);
    // The generation moves once, after the samples were written.
    expect(h.touches).toEqual([1]);
  });

  it('reports the counters that went down, as the read model saw them', async () => {
    const h = harness(async () => ({ samples: [sample('acme/reset', -1)] }));
    expect(await collectMessage({ ref: 'acme/reset' }, h.deps)).toMatchObject({ status: 'stored', drops: [{ key: 'dockerhub:acme/reset', current: -1 }] });
  });

  it.each([
    ['transient', true],
    ['not_found', false],
    ['auth', false],
    ['format_changed', false],
  ] as const)('writes no sample when the fetch fails (%s) and retries only what may pass', async (kind, retry) => {
    const h = harness(failing(kind));
    const result = await collectMessage({ ref: 'dockerhub:a/b' }, h.deps);
    expect(result).toMatchObject({ status: 'failed', retry, error: { kind, at: NOW.toISOString() } });
    expect(h.written).toEqual([]);
    expect(h.errors).toEqual([['dockerhub:a/b', expect.objectContaining({ kind, message: expect.stringContaining('http://hub/x') })]]);
    // Cached answers must show the error: the generation moves.
    expect(h.touches).toEqual([0]);
  });

  it('sends a rate-limited ref back to the queue with the delay the registry asked for, capped at 15 minutes', async () => {
    const h = harness(failing('rate_limited', NOW.getTime() + 42_500));
    expect(await collectMessage({ ref: 'dockerhub:a/b' }, h.deps)).toMatchObject({ status: 'delayed', delaySeconds: 43 });
    expect(h.sent).toEqual([{ messages: [{ ref: 'dockerhub:a/b', attempt: 1 }], delaySeconds: 43 }]);

    const later = harness(failing('rate_limited', NOW.getTime() + 3_600_000));
    await collectMessage({ ref: 'dockerhub:a/b', attempt: 2 }, later.deps);
    expect(later.sent).toEqual([{ messages: [{ ref: 'dockerhub:a/b', attempt: 3 }], delaySeconds: 900 }]);
    expect(later.written).toEqual([]);
  });

  it('passes on who stopped a rate-limited ref and the budget the pacer believed, so a 429 can be told from a hold', async () => {
    const belief = { limit: 180, remaining: 12, inFlight: 1, gapMs: 351 };
    const h = harness(async () => {
      throw new UpstreamError('rate_limited', 'http://hub/x', 'HTTP 429', NOW.getTime() + 5_000, { by: 'registry', belief });
    });
    expect(await collectMessage({ ref: 'dockerhub:a/b' }, h.deps)).toMatchObject({ status: 'delayed', rateLimit: { by: 'registry', belief } });
  });

  it('gives a ref rate-limited too many times in a row up until the next poll', async () => {
    const h = harness(failing('rate_limited', NOW.getTime() + 1_000));
    expect(await collectMessage({ ref: 'dockerhub:a/b', attempt: MAX_RATE_LIMITED_ATTEMPTS }, h.deps)).toMatchObject({ status: 'failed', retry: false });
    expect(h.sent).toEqual([]);
  });

  it('queues the repositories a wildcard expands to, naming the wildcard as their parent', async () => {
    const h = harness(async () => ({ samples: [], expand: ['ghcr:o/a', 'ghcr:o/b'] }));
    expect(await collectMessage({ ref: 'ghcr:o/*' }, h.deps)).toMatchObject({ status: 'stored', expanded: 2 });
    expect(h.sent).toEqual([{ messages: [{ ref: 'ghcr:o/a', parent: 'ghcr:o/*' }, { ref: 'ghcr:o/b', parent: 'ghcr:o/*' }], delaySeconds: undefined }]);
    expect(h.successes).toEqual(['ghcr:o/*']);
  });

  it('records covered refs from the listing, and collects the ones it did not show on their own', async () => {
    const h = harness(async () => ({ samples: [sample('org/a', 5), sample('org/b', 6)], warnings: ['listing cut'] }));
    const result = await collectMessage({ ref: 'dockerhub:org/*', covers: ['dockerhub:org/a', 'dockerhub:org/private'] }, h.deps);
    expect(result).toEqual({ status: 'stored', samples: 2, expanded: 1, warnings: ['listing cut'], drops: [] });
    expect(h.successes).toEqual(['dockerhub:org/*', 'dockerhub:org/a']);
    expect(h.sent[0]?.messages).toEqual([{ ref: 'dockerhub:org/private', parent: 'dockerhub:org/*' }]);
  });

  it('does not fan out to refs that are collected on their own', async () => {
    const h = harness(async () => ({ samples: [], expand: ['ghcr:o/a', 'ghcr:o/b'] }));
    await collectMessage({ ref: 'ghcr:o/*', skip: ['ghcr:o/a'] }, h.deps);
    expect(h.sent[0]?.messages).toEqual([{ ref: 'ghcr:o/b', parent: 'ghcr:o/*' }]);
  });

  it('collects the refs folded into a wildcard on their own when the listing fails for good', async () => {
    const h = harness(failing('not_found'));
    await collectMessage({ ref: 'dockerhub:gone/*', covers: ['dockerhub:gone/a'] }, h.deps);
    expect(h.sent).toEqual([{ messages: [{ ref: 'dockerhub:gone/a' }], delaySeconds: undefined }]);
    const transient = harness(failing('transient'));
    await collectMessage({ ref: 'dockerhub:gone/*', covers: ['dockerhub:gone/a'] }, transient.deps);
    expect(transient.sent).toEqual([]);
  });

  it('writes a repository listed twice (it moved between two pages) once', async () => {
    const h = harness(async () => ({ samples: [sample('org/a', 5), sample('org/b', 6), sample('org/a', 7)] }));
    expect(await collectMessage({ ref: 'dockerhub:org/*' }, h.deps)).toMatchObject({ status: 'stored', samples: 2 });
    expect(h.written).toEqual([sample('org/a', 7), sample('org/b', 6)]);
  });

  it('shows the failure of a ref found behind a wildcard on the wildcard too', async () => {
    const h = harness(failing('format_changed'));
    await collectMessage({ ref: 'ghcr:o/a', parent: 'ghcr:o/*' }, h.deps);
    // On the wildcard, a field names the repository: no prefix of the message to parse back.
    expect(h.errors.map(([ref, error]) => [ref, error.ref, error.message])).toEqual([
      ['ghcr:o/a', undefined, expect.stringContaining('http://hub/x')],
      ['ghcr:o/*', 'ghcr:o/a', expect.stringMatching(/^(?!ghcr:o\/a: )/)],
    ]);
  });

  it('records outcomes on the item as it was typed', async () => {
    const ok = harness(async () => ({ samples: [sample('library/nginx')] }));
    await collectMessage({ ref: 'dockerhub:library/nginx', item: 'nginx' }, ok.deps);
    expect(ok.successes).toEqual(['nginx']);
    const failed = harness(failing('not_found'));
    await collectMessage({ ref: 'dockerhub:library/nginx', item: 'nginx' }, failed.deps);
    expect(failed.errors.map(([ref]) => ref)).toEqual(['nginx']);
  });

  it('records an invalid ref on its item instead of fetching', async () => {
    const h = harness(async () => {
      throw new Error('must not fetch');
    });
    expect(await collectMessage({ ref: 'Not A Ref' }, h.deps)).toMatchObject({ status: 'failed', retry: false, error: { kind: 'invalid_ref' } });
    expect(h.errors[0]?.[0]).toBe('Not A Ref');
  });

  it('lets an unexpected failure through so the message is retried', async () => {
    const h = harness(async () => {
      throw new TypeError('bug');
    });
    await expect(collectMessage({ ref: 'nginx' }, h.deps)).rejects.toThrow('bug');
    expect(h.errors).toEqual([]);
  });
});

describe('collectMessage: when a failed ref is tried next', () => {
  const redelivery = { delayMs: 5_000, maxReceives: 3 };

  it('records the redelivery time of a transient failure while receives are left, and none on the last', async () => {
    const h = harness(failing('transient'));
    await collectMessage({ ref: 'dockerhub:a/b' }, { ...h.deps, redelivery }, 1);
    await collectMessage({ ref: 'dockerhub:a/b' }, { ...h.deps, redelivery }, 3);
    expect(h.errors.map(([, error]) => error.retryAt)).toEqual(['2026-11-23T10:00:05.000Z', undefined]);
  });

  it('records the delay a rate limit asked for, and no time for a failure no retry will fix, or when redelivery is unknown', async () => {
    const limited = harness(failing('rate_limited', NOW.getTime() + 42_500));
    await collectMessage({ ref: 'dockerhub:a/b' }, limited.deps);
    expect(limited.errors[0]?.[1].retryAt).toBe('2026-11-23T10:00:43.000Z');
    const gone = harness(failing('not_found'));
    await collectMessage({ ref: 'dockerhub:a/b' }, { ...gone.deps, redelivery });
    const unknown = harness(failing('transient'));
    await collectMessage({ ref: 'dockerhub:a/b' }, unknown.deps);
    expect([gone.errors[0]?.[1], unknown.errors[0]?.[1]].map((error) => error && 'retryAt' in error)).toEqual([false, false]);
  });

  it('suggests the wildcard when an official image is not found', async () => {
    const h = harness(failing('not_found'));
    await collectMessage({ ref: 'dockerhub:library/bigorg' }, h.deps);
    await collectMessage({ ref: 'dockerhub:acme/app' }, h.deps);
    expect(h.errors.map(([, error]) => error.message)).toEqual([
      'not_found: boom (http://hub/x); did you mean dockerhub:bigorg/* (every repository of bigorg)?',
      'not_found: boom (http://hub/x)',
    ]);
  });
});
