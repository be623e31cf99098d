// What a person sees of a `github:` ref: repositories read, images found and tracked, misses, and when discovery runs next.
import type { DiscoveryState } from './discover.ts';
import { trackedCandidates } from './collect-github.ts';

export interface DiscoverySummary {
  /** Repositories read by the last complete pass (or by the pass under way, before one completed). */
  repositoriesRead: number;
  /** Images found, each with where, less the misses. */
  images: { ref: string; foundIn: string }[];
  misses: string[];
  /** Names in build files that could not become refs, with the first few as examples. */
  skipped: number;
  /** When discovery next sends a request: now while a pass is under way, the reset when parked, else the next pass. */
  nextRunAt?: string;
  /** Set while a pass is under way: repositories read in it so far. */
  inProgress?: { repositoriesRead: number };
}

export function discoverySummary(state: DiscoveryState, now: Date): DiscoverySummary {
  const done = state.last ?? state.pass;
  const next = state.parkedUntil ?? (state.pass ? now.toISOString() : state.nextRunAt);
  return {
    repositoriesRead: done?.repositoriesRead ?? 0,
    images: trackedCandidates(state, []),
    misses: state.misses ?? [],
    skipped: done?.skippedCount ?? 0,
    ...(next && { nextRunAt: next }),
    ...(state.pass && { inProgress: { repositoriesRead: state.pass.repositoriesRead } }),
  };
}
