// What a person sees of a `github:` ref: repositories read, images found and tracked, misses, and when discovery runs next.
import type { TrackedRepo } from '../ports.ts';
import { trackedCandidates } from './collect-github.ts';
import type { DiscoveryState } from './discover.ts';

export interface DiscoverySummary {
  /** Repositories read by the last complete pass (or by the pass under way, before one completed). */
  repositoriesRead: number;
  /** Images found, each with where, less the misses. */
  images: { ref: string; foundIn: string }[];
  misses: string[];
  /** How many names in build files could not become refs (the ref's warning gives the first). */
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

/** For each discovered image, by its ref: the `github:` item that found it and where (`github:acme/api .github/…`). */
export function discoveredByRef(repos: readonly TrackedRepo[]): Map<string, { by: string; foundIn: string }> {
  const found = new Map<string, { by: string; foundIn: string }>();
  for (const repo of repos) {
    if (!repo.discovery) continue;
    for (const image of trackedCandidates(repo.discovery, [])) if (!found.has(image.ref)) found.set(image.ref, { by: repo.ref, foundIn: image.foundIn });
  }
  return found;
}

/** Rows of series found through discovery gain `found_in`; the others stay as they are (registry-stats' shape). */
export function withFoundIn<Row extends { registry: string; name: string }>(rows: Row[], repos: readonly TrackedRepo[]): (Row & { found_in?: string })[] {
  const found = discoveredByRef(repos);
  if (found.size === 0) return rows;
  return rows.map((row) => {
    const discovered = found.get(`${row.registry}:${row.name}`);
    return discovered ? { ...row, found_in: discovered.foundIn } : row;
  });
}
