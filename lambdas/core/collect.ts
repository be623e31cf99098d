// Collect one ref: fetch its counts, store them, and record the outcome on the ref's item.
import { PERMANENT_KINDS, RefError, UpstreamError } from './errors.ts';
import type { RecordedError, RepoList, SeriesStore } from './ports.ts';
import { parseRef } from './refs.ts';
import type { Sample } from './samples.ts';
import type { Ref } from './refs.ts';
import { UnsupportedRefError } from './sources/index.ts';

export interface CollectDeps {
  fetchSamples: (ref: Ref) => Promise<Sample[]>;
  series: Pick<SeriesStore, 'write'>;
  repos: Pick<RepoList, 'recordSuccess' | 'recordError'>;
  now: () => Date;
}

export type CollectResult =
  | { status: 'stored'; samples: number }
  /** `retry`: the failure may pass (transient, rate limit), so the message goes back to the queue. */
  | { status: 'failed'; error: RecordedError; retry: boolean; retryAt?: number };

/**
 * A failed fetch writes no sample: a missing count is never recorded as 0.
 * Store failures are not caught: they fail the message so the queue retries it.
 */
export async function collectRef(refText: string, deps: CollectDeps): Promise<CollectResult> {
  const at = () => deps.now().toISOString();
  let samples: Sample[];
  try {
    samples = await deps.fetchSamples(parseRef(refText));
  } catch (error) {
    const failure = describeFailure(error, at());
    await deps.repos.recordError(refText, failure.error);
    return { status: 'failed', ...failure };
  }
  await deps.series.write(samples);
  await deps.repos.recordSuccess(refText, at());
  return { status: 'stored', samples: samples.length };
}

function describeFailure(error: unknown, at: string): { error: RecordedError; retry: boolean; retryAt?: number } {
  if (error instanceof UpstreamError) {
    return {
      error: { kind: error.kind, message: error.message, at },
      retry: !PERMANENT_KINDS.has(error.kind),
      ...(error.retryAt !== undefined && { retryAt: error.retryAt }),
    };
  }
  if (error instanceof RefError) return { error: { kind: 'invalid_ref', message: error.message, at }, retry: false };
  if (error instanceof UnsupportedRefError) return { error: { kind: 'unsupported', message: error.message, at }, retry: false };
  throw error;
}
