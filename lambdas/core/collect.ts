// Collect one queue message: fetch the counts its ref stands for, store them, record the outcome on the tracked items.
import { type DiscoveryDeps, collectGitHubMessage, recordMiss } from './discovery/collect-github.ts';
import { isGitHubRef } from './discovery/targets.ts';
import { DEFAULTS } from './defaults.ts';
import type { RefMessage } from './dispatch.ts';
import { PERMANENT_KINDS, type RateLimitDetail, RefError, UpstreamError } from './errors.ts';
import type { CountDrop, ReadModel, RecordedError, RefQueue, RepoList, SeriesStore } from './ports.ts';
import { type Ref, notFoundHint, parseRef, refString, tryParseRef } from './refs.ts';
import { type Sample, seriesKey, uniqueSamples } from './samples.ts';
import type { Collected } from './sources/index.ts';

/** SQS's longest message delay. */
export const MAX_DELAY_SECONDS = 900;
/** A ref rate-limited this many times in a row waits for the next poll instead. */
export const MAX_RATE_LIMITED_ATTEMPTS = 8;

export interface CollectDeps {
  collectFromSource: (ref: Ref) => Promise<Collected>;
  series: Pick<SeriesStore, 'write'>;
  readModel: Pick<ReadModel, 'apply' | 'touch'>;
  repos: Pick<RepoList, 'recordSuccess' | 'recordError'>;
  queue: RefQueue;
  now: () => Date;
  /** Absent where `github:` refs are not collected. */
  discovery?: DiscoveryDeps;
  /** How the queue redelivers a failed message, when known: lets a transient error say when the next try is due. */
  redelivery?: { delayMs: number; maxReceives: number };
}

export type CollectResult =
  | { status: 'stored'; samples: number; expanded: number; warnings: string[]; drops: CountDrop[] }
  /** Sent back to the queue with a delay: the registry asked us to wait. The message itself succeeded. */
  | { status: 'delayed'; error: RecordedError; delaySeconds: number; rateLimit?: RateLimitDetail }
  /** `retry`: the failure may pass (transient), so the message fails and the queue redelivers it. */
  | { status: 'failed'; error: RecordedError; retry: boolean }
  /** A discovered candidate that does not exist: remembered on its `github:` ref, not an error. */
  | { status: 'missed'; parent: string };

/**
 * A failed fetch writes no sample: a missing count is never recorded as 0.
 * Store and queue failures are not caught: they fail the message so the queue retries it.
 */
export async function collectMessage(message: RefMessage, deps: CollectDeps, receiveCount = 1): Promise<CollectResult> {
  if (isGitHubRef(message.ref) && deps.discovery) return collectGitHubMessage(message, { ...deps, discovery: deps.discovery });
  const at = deps.now().toISOString();
  let ref: Ref;
  let collected: Collected;
  try {
    ref = parseRef(message.ref);
    collected = await deps.collectFromSource(ref);
  } catch (error) {
    if (await recordMiss(message, error, deps.discovery?.states)) return { status: 'missed', parent: message.parent! };
    const failure = describeFailure(error, at, message.ref);
    const delaySeconds = rateLimitDelay(failure.retryAt, message, deps.now());
    const nextTry = delaySeconds !== undefined ? deps.now().getTime() + delaySeconds * 1000 : redeliveryAt(failure, deps, receiveCount);
    const recorded: RecordedError = { ...failure.error, ...(nextTry !== undefined && { retryAt: new Date(nextTry).toISOString() }) };
    await recordError(message, recorded, deps);
    // Cached answers are tagged by the generation: the error must show.
    await deps.readModel.touch();
    if (failure.retryAt !== undefined) {
      if (delaySeconds === undefined) return { status: 'failed', error: recorded, retry: false };
      await deps.queue.send([{ ...message, attempt: (message.attempt ?? 0) + 1 }], delaySeconds);
      return { status: 'delayed', error: recorded, delaySeconds, ...(failure.rateLimit && { rateLimit: failure.rateLimit }) };
    }
    // Refs folded into a wildcard that failed for good are collected on their own, so they do not miss this poll.
    if (!failure.retry && message.covers?.length) await deps.queue.send(message.covers.map((covered) => ({ ref: covered })));
    return { status: 'failed', error: recorded, retry: failure.retry };
  }

  const samples = uniqueSamples(collected.samples);
  // The views first, then the history: a crash in between is redelivered (both writes are idempotent), and the view
  // keeps the first reading ever fetched, which every answer counts from, even if the history never got it.
  const { drops, tagCountsDue } = await deps.readModel.apply(samples);
  await deps.series.write(samples);

  // A single repository's canonical ref is its series key. Covered refs the listing did not show
  // (private, or past an anonymous cap) are collected on their own.
  const listed = new Set(samples.map(seriesKey));
  const coveredUnlisted = (message.covers ?? []).filter((covered) => !listed.has(covered));
  const skip = new Set(message.skip);
  const expand = [...new Set([...(collected.expand ?? []).filter((child) => !skip.has(child)), ...coveredUnlisted])];
  if (expand.length > 0) await deps.queue.send(expand.map((child) => ({ ref: child, parent: refString(ref) })));

  await deps.repos.recordSuccess(message.item ?? message.ref, at, collected.warnings);
  for (const covered of message.covers ?? []) {
    if (listed.has(covered)) await deps.repos.recordSuccess(covered, at);
  }
  // Last, so an answer cached under the new generation already sees the outcomes recorded above.
  await deps.readModel.touch();
  // After the outcomes are visible: a tags request waits its turn behind the registry's other requests.
  if (tagCountsDue && collected.readTagCount) await refreshTagCounts(samples, tagCountsDue, collected.readTagCount, deps);
  return { status: 'stored', samples: samples.length, expanded: expand.length, warnings: collected.warnings ?? [], drops };
}

/**
 * Reads the tag counts that are due, up to DEFAULTS.tagCountsPerCollection, and folds them into the views on the
 * newest sample. The rest, and a count that cannot be read now (the registry's budget is spent, it failed), wait for
 * the next poll: the pull counts are stored already.
 */
async function refreshTagCounts(samples: readonly Sample[], due: readonly string[], readTagCount: (path: string) => Promise<number>, deps: CollectDeps): Promise<void> {
  const newest = new Map<string, Sample>();
  for (const sample of samples) {
    const known = newest.get(seriesKey(sample));
    if (!known || sample.collectedAt > known.collectedAt) newest.set(seriesKey(sample), sample);
  }
  const counted: Sample[] = [];
  for (const key of due.slice(0, DEFAULTS.tagCountsPerCollection)) {
    const sample = newest.get(key);
    if (!sample) continue;
    try {
      counted.push({ ...sample, tagCount: await readTagCount(sample.repo) });
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      break;
    }
  }
  if (counted.length === 0) return;
  await deps.readModel.apply(counted);
  await deps.readModel.touch();
}

/** How long a rate-limited message waits in the queue; undefined when it was rate-limited too often to wait again. */
function rateLimitDelay(retryAt: number | undefined, message: RefMessage, now: Date): number | undefined {
  if (retryAt === undefined || (message.attempt ?? 0) >= MAX_RATE_LIMITED_ATTEMPTS) return undefined;
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((retryAt - now.getTime()) / 1000)));
}

/** When the queue delivers a failure that may pass again (epoch ms); undefined on its last receive, or when unknown. */
function redeliveryAt(failure: { retry: boolean; retryAt?: number }, deps: CollectDeps, receiveCount: number): number | undefined {
  if (!failure.retry || failure.retryAt !== undefined || !deps.redelivery || receiveCount >= deps.redelivery.maxReceives) return undefined;
  return deps.now().getTime() + deps.redelivery.delayMs;
}

/** Failures show on the ref's own item and, for a ref found behind a wildcard, on the wildcard's item. */
async function recordError(message: RefMessage, error: RecordedError, deps: CollectDeps): Promise<void> {
  await deps.repos.recordError(message.item ?? message.ref, error);
  if (message.parent) await deps.repos.recordError(message.parent, { ...error, ref: message.ref });
}

function describeFailure(error: unknown, at: string, ref: string): { error: RecordedError; retry: boolean; retryAt?: number; rateLimit?: RateLimitDetail } {
  if (error instanceof UpstreamError) {
    const parsed = tryParseRef(ref);
    const hint = error.kind === 'not_found' && parsed.ok ? notFoundHint(parsed.ref) : undefined;
    return {
      error: { kind: error.kind, message: hint ? `${error.message}; ${hint}` : error.message, at },
      retry: !PERMANENT_KINDS.has(error.kind),
      ...(error.retryAt !== undefined && { retryAt: error.retryAt }),
      ...(error.rateLimit && { rateLimit: error.rateLimit }),
    };
  }
  if (error instanceof RefError) return { error: { kind: 'invalid_ref', message: error.message, at }, retry: false };
  throw error;
}
