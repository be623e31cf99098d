// The storage and queue ports the domain needs; adapters live in lambdas/stores and lambdas/local.
import type { DiscoveryState } from './discovery/discover.ts';
import type { RefMessage } from './dispatch.ts';
import type { UpstreamErrorKind } from './errors.ts';
import type { SeriesView } from './read-model.ts';
import type { CountedEvent } from './registry-events.ts';
import type { Sample, SeriesFilter } from './samples.ts';

export type RecordedErrorKind = UpstreamErrorKind | 'invalid_ref';

export interface RecordedError {
  kind: RecordedErrorKind;
  message: string;
  at: string;
  /** On a wildcard's item: the repository found behind it whose collection failed (absent: the listing itself failed). */
  ref?: string;
  /** When the next attempt is due (ISO-8601), when one is scheduled: a redelivery or a rate-limit delay. */
  retryAt?: string;
}

/** One item of the repos table. */
export interface TrackedRepo {
  ref: string;
  enabled: boolean;
  label?: string;
  lastSuccessAt?: string;
  lastError?: RecordedError;
  /** On a `github:` item: discovery's progress and findings. */
  discovery?: DiscoveryState;
  /** What the last successful collection said the user should know (a cut or partly malformed listing); absent when nothing. */
  warnings?: string[];
}

export interface RepoList {
  list(): Promise<TrackedRepo[]>;
  /** Adds refs that are not tracked yet; returns the ones it added. */
  add(refs: readonly string[]): Promise<string[]>;
  /**
   * Outcomes are recorded only on refs still tracked: a ref removed mid-collection stays removed. A success clears the
   * error; its `warnings` replace the item's previous ones (none given: the item has none).
   */
  recordSuccess(ref: string, at: string, warnings?: readonly string[]): Promise<void>;
  recordError(ref: string, error: RecordedError): Promise<void>;
}

/** A RepoList whose items can also be paused, resumed and removed: what the repos CLI manages. */
export interface EditableRepoList extends RepoList {
  /** Pauses (false) or resumes (true) collection of a tracked ref; false when the ref is not tracked. */
  setEnabled(ref: string, enabled: boolean): Promise<boolean>;
  /** Stops tracking a ref (its samples stay); false when the ref was not tracked. */
  remove(ref: string): Promise<boolean>;
  /** Sets a tracked ref's display label, or removes it (undefined); false when the ref is not tracked. */
  setLabel(ref: string, label: string | undefined): Promise<boolean>;
}

/** A lifetime counter read lower than the newest reading stored before it (a reset or a restatement). */
export interface CountDrop {
  key: string;
  previous: number;
  current: number;
}

export interface WriteReport {
  /** Counters that went down. */
  drops: CountDrop[];
  /** Series keys whose tag count is due for its daily read (read-model.ts `tagCountDue`). */
  tagCountsDue?: string[];
}

/** Changes whenever a collection changed what the views show: answers are cached and tagged by it. */
export interface Generation {
  value: number;
  /** When it last changed (ISO-8601); absent before the first collection. */
  writtenAt?: string;
}

/**
 * The read model: per series, the latest reading, recent day closings, the first reading and the derived figures
 * (lambdas/core/read-model.ts), kept in DynamoDB whichever series store holds the history.
 */
export interface ReadModel {
  /** Folds the samples into their views; safe under concurrent writers, a no-op for samples folded before. */
  apply(samples: readonly Sample[]): Promise<WriteReport>;
  /** Moves the generation on: called once a message's samples and outcomes are all recorded. */
  touch(): Promise<void>;
  generation(): Promise<Generation>;
  views(): Promise<SeriesView[]>;
}

export interface SeriesStore {
  write(samples: readonly Sample[]): Promise<void>;
  /** The newest sample of every repository. */
  latest(): Promise<Sample[]>;
  /**
   * Per matching repository, the last sample of each UTC day from `fromDay` to `toDay` (YYYY-MM-DD, inclusive),
   * sorted by series key, then time. Quay's daily action counts come back one per day.
   */
  daily(fromDay: string, toDay: string, filter?: SeriesFilter): Promise<Sample[]>;
  /** Every lifetime-counter sample collected in [from, to) (ISO-8601), sorted by series key, then time. */
  samples(from: string, to: string, filter?: SeriesFilter): Promise<Sample[]>;
  /** Resolves when the store can be read, cheaply (no query billing); rejects with the reason otherwise. */
  health(): Promise<void>;
}

/** When one registry's next requests may go: shared by every collector instance in AWS, so together they keep one pace. */
export interface RequestSchedule {
  /**
   * Reserves `count` slots `gapMs` apart, the first no earlier than `now`; when the registry is booked past `latest`,
   * reserves nothing and says until when it is booked.
   */
  reserve(registry: string, request: SlotRequest): Promise<Reservation>;
}

export interface SlotRequest {
  count: number;
  gapMs: number;
  now: number;
  latest: number;
}

export type Reservation = { firstAt: number } | { bookedUntil: number };

export interface RefQueue {
  /** `delaySeconds` (≤ 900, as SQS allows) keeps the messages out of sight that long. */
  send(messages: readonly RefMessage[], delaySeconds?: number): Promise<void>;
}

/** Discovery's progress for each `github:` ref, kept on the ref's item. */
export interface DiscoveryStates {
  load(ref: string): Promise<DiscoveryState | undefined>;
  /** Kept only while the ref is tracked; a completed pass clears the misses, so the next pass probes again. */
  save(ref: string, state: DiscoveryState, options: { passCompleted: boolean }): Promise<void>;
  /** A candidate found not to exist; safe to call from many collections at once. */
  addMiss(ref: string, miss: string): Promise<void>;
}

/** What the webhook counted for one self-hosted repository. Times are the earliest and latest event times of each kind. */
export interface RepositoryCounts {
  ref: string;
  pulls: number;
  versionChecks: number;
  pushes: number;
  deletes: number;
  firstPullAt?: string;
  lastPullAt?: string;
  firstPushAt?: string;
  lastPushAt?: string;
  lastDeleteAt?: string;
  /** Distinct actor names that pushed. */
  pushers: string[];
}

export interface TagCount {
  tag: string;
  pulls: number;
  versionChecks: number;
  lastPullAt?: string;
}

/** What RegistryCounters.record did with the events it was given. */
export interface RecordOutcome {
  /** The events newly counted, in the order given. */
  counted: CountedEvent[];
  /** Events whose id was recorded before, or appears earlier in the same call. */
  duplicates: number;
}

export interface RegistryCounters {
  /**
   * Counts each event whose id was never recorded. An id and its effect on every counter are written atomically, so
   * whenever the writer stops, a redelivery of the same events leaves every counter as if each had come once.
   */
  record(events: readonly CountedEvent[]): Promise<RecordOutcome>;
  repository(ref: string): Promise<RepositoryCounts | undefined>;
  tags(ref: string): Promise<TagCount[]>;
}
