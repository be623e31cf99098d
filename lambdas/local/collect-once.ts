// `npm run collect`: one collection on local mode's store without the HTTP server, and which refs it collected or failed
// (cli/collect-report.ts prints it).
import type { Env } from '../core/config.ts';
import type { RecordedError, TrackedRepo } from '../core/ports.ts';
import { checkRef } from '../core/refs.ts';
import { type RefsFromEnv, openLocalPullwatch } from './wiring.ts';

/**
 * `collected`: a success recorded during the run and no error since. `partial`: a wildcard collected, but some of the
 * repositories behind it failed. `failed`: an error and no success during the run. `no_outcome`: nothing recorded.
 */
export type RefStatus = 'collected' | 'partial' | 'failed' | 'no_outcome';

export interface RefOutcome {
  ref: string;
  status: RefStatus;
  error?: RecordedError;
  /** What the successful collection said the user should know (a listing cut short). */
  warnings?: string[];
  /** For an item stored in another form than its canonical ref: the form it is stored in. */
  storedAs?: string;
}

export interface CollectProgress {
  /** Refs this run collects: the enabled, valid tracked refs. */
  total: number;
  /** Refs with an outcome so far. */
  done: number;
  failed: number;
  /** The outcome that moved the progress, if any. */
  latest?: { ref: string; ok: boolean; error?: RecordedError };
}

export interface CollectReport {
  dataDir: string;
  startedAt: string;
  finishedAt: string;
  /** What REPOS asked for, and the refs it added to the tracked list. */
  fromEnv: RefsFromEnv;
  added: string[];
  /** One per enabled, valid tracked ref, sorted by ref. */
  outcomes: RefOutcome[];
  /** Tracked items whose ref does not parse: the dispatcher skips them. */
  skipped: { ref: string; reason: string }[];
  disabled: number;
  /** Queue messages that failed every delivery. */
  deadLettered: string[];
}

export interface CollectOnceOptions {
  onProgress?: (progress: CollectProgress) => void;
  now?: () => Date;
}

/** Same environment contract as `npm start` (DATA_DIR, REPOS, upstream URLs, credentials); the HTTP settings are unused. */
export async function collectOnce(env: Env, options: CollectOnceOptions = {}): Promise<CollectReport> {
  const now = options.now ?? (() => new Date());
  let progress: ProgressTracker | undefined;
  const local = await openLocalPullwatch(env, {
    command: 'npm run collect',
    busyAdvice: 'stop it first (while it runs, `npm start` collects every POLL_INTERVAL itself), or point DATA_DIR elsewhere',
    now,
    // The collect handler records outcomes through the wiring, so progress moves as each ref finishes.
    observer: {
      success: (ref) => progress?.record(ref, true),
      error: (ref, error) => progress?.record(ref, false, error),
    },
  });
  try {
    progress = new ProgressTracker(collectedRefs(await local.repos.list()), options.onProgress);
    const startedAt = now().toISOString();
    progress.start();
    await local.dispatch();
    await local.queue.idle();
    const finishedAt = now().toISOString();

    const items = await local.repos.list();
    return {
      dataDir: local.settings.dataDir,
      startedAt,
      finishedAt,
      fromEnv: local.settings.initialRefs,
      added: local.added,
      outcomes: outcomesSince(items, startedAt, progress),
      skipped: items.flatMap((item) => {
        const checked = checkRef(item.ref);
        return item.enabled && !checked.ok ? [{ ref: item.ref, reason: checked.reason }] : [];
      }),
      disabled: items.filter((item) => !item.enabled).length,
      deadLettered: [...local.queue.deadLettered],
    };
  } finally {
    await local.close();
  }
}

/** The canonical refs a dispatch collects (enabled items whose ref parses), each with the items that stand for it. */
function collectedRefs(items: readonly TrackedRepo[]): Map<string, TrackedRepo[]> {
  const refs = new Map<string, TrackedRepo[]>();
  for (const item of items) {
    const checked = checkRef(item.ref);
    if (!item.enabled || !checked.ok) continue;
    refs.set(checked.ref, [...(refs.get(checked.ref) ?? []), item]);
  }
  return refs;
}

/**
 * Reads each ref's outcome from its item: collection records a success (clearing the error) or an error, each with the
 * time the attempt started, so anything at or after `since` comes from this run. Items stored in another form than
 * their canonical ref never get an outcome recorded (the collector records it under the canonical ref); for those
 * the run's own record is used.
 */
export function outcomesSince(items: readonly TrackedRepo[], since: string, observed?: Pick<ProgressTracker, 'statusOf'>): RefOutcome[] {
  const outcomes: RefOutcome[] = [];
  for (const [ref, standing] of collectedRefs(items)) {
    const item = standing.find((candidate) => candidate.ref === ref);
    if (item) {
      outcomes.push(outcomeOf(item, since));
      continue;
    }
    const status = observed?.statusOf(ref) ?? 'no_outcome';
    outcomes.push({ ref, status, storedAs: standing[0]!.ref });
  }
  return outcomes.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

export function outcomeOf(item: TrackedRepo, since: string): RefOutcome {
  const succeeded = item.lastSuccessAt !== undefined && item.lastSuccessAt >= since;
  const error = item.lastError && item.lastError.at >= since ? item.lastError : undefined;
  // A success clears the error, so an error next to a success of this run came after it: a repository behind a wildcard.
  const status: RefStatus = error ? (succeeded ? 'partial' : 'failed') : succeeded ? 'collected' : 'no_outcome';
  const warnings = succeeded && item.warnings?.length ? item.warnings : undefined;
  return { ref: item.ref, status, ...(error && { error }), ...(warnings && { warnings }) };
}

/** Follows the outcomes the collect handler records, by canonical ref, and reports progress on each. */
export class ProgressTracker {
  private readonly statuses = new Map<string, RefStatus>();

  constructor(
    private readonly refs: ReadonlyMap<string, unknown>,
    private readonly onProgress?: (progress: CollectProgress) => void,
  ) {}

  start(): void {
    this.onProgress?.(this.snapshot());
  }

  record(ref: string, ok: boolean, error?: RecordedError): void {
    if (!this.refs.has(ref)) return;
    const before = this.statuses.get(ref);
    this.statuses.set(ref, ok ? 'collected' : before === 'collected' || before === 'partial' ? 'partial' : 'failed');
    this.onProgress?.({ ...this.snapshot(), latest: { ref, ok, ...(error && { error }) } });
  }

  statusOf(ref: string): RefStatus | undefined {
    return this.statuses.get(ref);
  }

  private snapshot(): CollectProgress {
    const failed = [...this.statuses.values()].filter((status) => status === 'failed').length;
    return { total: this.refs.size, done: this.statuses.size, failed };
  }
}
