// `npm run collect`: one collection on local mode's store without the HTTP server, and which refs it collected or failed.
import { createCollectHandler } from '../collect/handler.ts';
import { type Env, sourcesFromEnv } from '../core/config.ts';
import { DEFAULTS } from '../core/defaults.ts';
import type { RecordedError, RepoList, TrackedRepo } from '../core/ports.ts';
import { describeError } from '../core/repo-commands.ts';
import { refString, tryParseRef } from '../core/refs.ts';
import { collectFromSource, type Sources } from '../core/sources/index.ts';
import { SelfHostedSource } from '../core/sources/registry.ts';
import { createDispatchHandler } from '../dispatch/handler.ts';
import { documentClient } from '../stores/dynamodb/client.ts';
import { storesFromEnv } from '../stores/from-env.ts';
import { openLocalDynamo } from './data-dir.ts';
import { localStoreEnv } from './dynamo.ts';
import { InProcessQueue } from './queue.ts';
import { localSettingsFromEnv } from './server.ts';

/**
 * `collected`: a success recorded during the run and no error since. `partial`: a wildcard collected, but some of the
 * repositories behind it failed. `failed`: an error and no success during the run. `no_outcome`: nothing recorded.
 */
export type RefStatus = 'collected' | 'partial' | 'failed' | 'no_outcome';

export interface RefOutcome {
  ref: string;
  status: RefStatus;
  error?: RecordedError;
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
  /** Refs REPOS added to the tracked list. */
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
  const settings = localSettingsFromEnv(env);
  // Built before the store opens, so a bad upstream setting is reported without touching DATA_DIR.
  const upstreams = sourcesFromEnv(env, { now });
  const dynamo = await openLocalDynamo(settings.dataDir, {
    create: true,
    busyAdvice: 'stop it first (while it runs, `npm start` collects every POLL_INTERVAL itself), or point DATA_DIR elsewhere',
  });
  let queue: InProcessQueue | undefined;
  try {
    const localEnv = localStoreEnv(env);
    const doc = documentClient(dynamo.client);
    const { repos, series, readModel } = storesFromEnv(localEnv, doc);
    const counters = dynamo.counters;
    const sources: Sources = { ...upstreams, registry: new SelfHostedSource(counters, now) };
    const added = await repos.add(settings.initialRefs);

    const progress = new ProgressTracker(collectedRefs(await repos.list()), options.onProgress);
    // The collect handler records outcomes through this, so progress moves as each ref finishes.
    const observedRepos: Pick<RepoList, 'recordSuccess' | 'recordError'> = {
      async recordSuccess(ref, at) {
        await repos.recordSuccess(ref, at);
        progress.record(ref, true);
      },
      async recordError(ref, error) {
        await repos.recordError(ref, error);
        progress.record(ref, false, error);
      },
    };
    const runQueue: InProcessQueue = new InProcessQueue({
      deliver: (event) => collectHandler(event),
      maxReceives: DEFAULTS.maxReceives,
      redeliveryMs: settings.redeliveryMs,
    });
    queue = runQueue;
    const collectHandler = createCollectHandler({
      collectFromSource: (ref) => collectFromSource(ref, sources),
      repos: observedRepos,
      series,
      readModel,
      queue: runQueue,
      now,
    });

    const startedAt = now().toISOString();
    progress.start();
    await createDispatchHandler({ repos, queue: runQueue })();
    await runQueue.idle();
    const finishedAt = now().toISOString();

    const items = await repos.list();
    return {
      dataDir: settings.dataDir,
      startedAt,
      finishedAt,
      added,
      outcomes: outcomesSince(items, startedAt, progress),
      skipped: items.flatMap((item) => {
        const parsed = tryParseRef(item.ref);
        return item.enabled && !parsed.ok ? [{ ref: item.ref, reason: parsed.error.reason }] : [];
      }),
      disabled: items.filter((item) => !item.enabled).length,
      deadLettered: [...runQueue.deadLettered],
    };
  } finally {
    await queue?.close();
    await dynamo.close();
  }
}

/** The canonical refs a dispatch collects (enabled items whose ref parses), each with the items that stand for it. */
function collectedRefs(items: readonly TrackedRepo[]): Map<string, TrackedRepo[]> {
  const refs = new Map<string, TrackedRepo[]>();
  for (const item of items) {
    const parsed = tryParseRef(item.ref);
    if (!item.enabled || !parsed.ok) continue;
    const ref = refString(parsed.ref);
    refs.set(ref, [...(refs.get(ref) ?? []), item]);
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
  return { ref: item.ref, status, ...(error && { error }) };
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

// --- what `npm run collect` prints --------------------------------------------------------------------------------

/** Exit status: 0 when at least one ref was collected; 1 when every ref failed or none is tracked and enabled. */
export function collectExitCode(report: CollectReport): number {
  return report.outcomes.some((outcome) => outcome.status === 'collected' || outcome.status === 'partial') ? 0 : 1;
}

/** The live line on a terminal: `collected 12/40 · 2 failed`. */
export function progressLine(progress: CollectProgress): string {
  return `collected ${progress.done}/${progress.total} · ${progress.failed} failed`;
}

/** One log line per outcome when the output is not a terminal; undefined for the start. */
export function progressLogLine(progress: CollectProgress): string | undefined {
  const { latest } = progress;
  if (!latest) return `collecting ${progress.total} ref${progress.total === 1 ? '' : 's'}`;
  const counter = `[${progress.done}/${progress.total}]`;
  return latest.ok ? `${counter} collected ${latest.ref}` : `${counter} failed ${latest.ref}: ${latest.error ? describeError(latest.error) : 'unknown error'}`;
}

/** The refs that need attention, one a line, then the summary line. */
export function renderReport(report: CollectReport): string {
  const lines: string[] = [];
  for (const outcome of report.outcomes) {
    const storedAs = outcome.storedAs ? ` (stored as "${outcome.storedAs}")` : '';
    if (outcome.status === 'failed') lines.push(`failed   ${outcome.ref}${storedAs}: ${outcome.error ? describeError(outcome.error) : 'unknown error'}`);
    if (outcome.status === 'partial') lines.push(`partial  ${outcome.ref}${storedAs}: ${outcome.error ? describeError(outcome.error) : 'some repositories failed'}`);
    if (outcome.status === 'no_outcome') lines.push(`unknown  ${outcome.ref}${storedAs}: no outcome recorded (see the log above)`);
  }
  for (const skipped of report.skipped) lines.push(`skipped  ${skipped.ref}: invalid ref: ${skipped.reason}`);
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

export function summaryLine(report: CollectReport): string {
  const count = (status: RefStatus) => report.outcomes.filter((outcome) => outcome.status === status).length;
  const seconds = ((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000).toFixed(1);
  if (report.outcomes.length === 0) {
    return `nothing to collect: no enabled refs in ${report.dataDir} (start with REPOS=..., or npm run repos -- --local add <ref>)`;
  }
  const parts = [`collected ${count('collected') + count('partial')}/${report.outcomes.length} refs in ${seconds} s`, `${count('failed') + count('no_outcome')} failed`];
  if (count('partial') > 0) parts.push(`${count('partial')} with failed repositories behind a wildcard`);
  if (report.skipped.length > 0) parts.push(`${report.skipped.length} invalid skipped`);
  if (report.disabled > 0) parts.push(`${report.disabled} disabled`);
  return parts.join(' · ');
}
