// Collecting a `github:` ref: run discovery when it is due (a day apart, within GitHub's budget), keep its progress on the
// ref's item, and fan out to the images found, like a wildcard's children. A child that turns out not to exist is a miss,
// not an error: it is left out until the next pass.
import type { CollectResult } from '../collect.ts';
import type { RefMessage } from '../dispatch.ts';
import { RefError, UpstreamError } from '../errors.ts';
import type { DiscoveryStates, ReadModel, RefQueue, RepoList } from '../ports.ts';
import { refOwner, tryParseRef } from '../refs.ts';
import { type Candidate, type DiscoveryState, discover } from './discover.ts';
import { GitHubClient, type GitHubEndpoint } from './github.ts';
import { isGitHubRef, parseGitHubRef } from './targets.ts';

export interface DiscoveryDeps {
  github: GitHubEndpoint;
  states: DiscoveryStates;
  intervalMs: number;
  /** Requests one collection may send; past it the ref goes back to the queue to carry on. */
  maxRequestsPerRun: number;
}

export interface GitHubCollectDeps {
  discovery: DiscoveryDeps;
  repos: Pick<RepoList, 'recordSuccess' | 'recordError'>;
  readModel: Pick<ReadModel, 'touch'>;
  queue: RefQueue;
  now: () => Date;
}

/** A short pause before a pass cut by `maxRequestsPerRun` carries on: another message, not a longer function. */
const CONTINUE_DELAY_SECONDS = 1;

export async function collectGitHubMessage(message: RefMessage, deps: GitHubCollectDeps): Promise<CollectResult> {
  const at = deps.now().toISOString();
  const item = message.item ?? message.ref;
  let parsed;
  try {
    parsed = parseGitHubRef(message.ref);
  } catch (error) {
    if (!(error instanceof RefError)) throw error;
    const recorded = { kind: 'invalid_ref' as const, message: error.message, at };
    await deps.repos.recordError(item, recorded);
    return { status: 'failed', error: recorded, retry: false };
  }
  const { states, github, intervalMs, maxRequestsPerRun } = deps.discovery;
  const before = (await states.load(item)) ?? {};
  const run = await discover(parsed.target, before, new GitHubClient(github), {
    now: deps.now,
    intervalMs,
    maxRequests: maxRequestsPerRun,
    checkpoint: (state) => states.save(item, state, { passCompleted: false }),
  });
  await states.save(item, run.state, { passCompleted: run.completed });

  // A continuation collects only what it found new: the images known before were sent by the message before it.
  const known = message.continues ? new Set(trackedCandidates(before, []).map((candidate) => candidate.ref)) : new Set<string>();
  const children = trackedCandidates(run.state, message.skip ?? []).filter((candidate) => !known.has(candidate.ref));
  if (children.length > 0) await deps.queue.send(children.map((child) => ({ ref: child.ref, parent: item })));
  const cut = !run.completed && !run.state.parkedUntil && !run.state.lastError && run.state.pass !== undefined;
  if (cut) await deps.queue.send([{ ...message, continues: true }], CONTINUE_DELAY_SECONDS);

  const failed = run.state.lastError;
  const warnings = discoveryWarnings(item, run.state);
  // Images found so far are collected all the same; the failure shows on the ref until a run gets through.
  if (failed) await deps.repos.recordError(item, failed);
  else await deps.repos.recordSuccess(item, at, warnings);
  await deps.readModel.touch();
  if (failed && children.length === 0) return { status: 'failed', error: failed, retry: failed.kind === 'transient' };
  return { status: 'stored', samples: 0, expanded: children.length, warnings, drops: [] };
}

/** A candidate's own collection found nothing there: remembered, so it is not probed again before the next pass. */
export async function recordMiss(message: RefMessage, error: unknown, states: DiscoveryStates | undefined): Promise<boolean> {
  if (!states || !message.parent || !isGitHubRef(message.parent)) return false;
  if (!(error instanceof UpstreamError) || error.kind !== 'not_found') return false;
  await states.addMiss(message.parent, message.ref);
  return true;
}

/**
 * What the ref tracks: the last complete pass's images and those the pass under way found so far, less misses, refs
 * tracked on their own, and refs a tracked wildcard (`dockerhub:acme/*`) already covers.
 */
export function trackedCandidates(state: DiscoveryState, skip: readonly string[]): Candidate[] {
  const skipped = new Set(skip);
  const misses = new Set(state.misses ?? []);
  const seen = new Set<string>();
  const tracked: Candidate[] = [];
  for (const candidate of [...(state.last?.candidates ?? []), ...(state.pass?.candidates ?? [])]) {
    if (seen.has(candidate.ref) || misses.has(candidate.ref) || skipped.has(candidate.ref)) continue;
    seen.add(candidate.ref);
    const parsed = tryParseRef(candidate.ref);
    if (parsed.ok && skipped.has(`${parsed.ref.registry}:${refOwner(parsed.ref)}/*`)) continue;
    tracked.push(candidate);
  }
  return tracked;
}

function discoveryWarnings(ref: string, state: DiscoveryState): string[] {
  const warnings: string[] = [];
  if (state.parkedUntil) warnings.push(`${ref}: GitHub's request budget is spent; discovery carries on at ${state.parkedUntil} (set GITHUB_TOKEN for 5,000 requests an hour)`);
  const skipped = state.last ?? state.pass;
  if (skipped && skipped.skippedCount > 0) {
    const first = skipped.skipped[0]!;
    warnings.push(`${ref}: ${skipped.skippedCount} image name${skipped.skippedCount === 1 ? '' : 's'} not tracked (first: ${first.written} in ${first.file}: ${first.reason})`);
  }
  return warnings;
}
