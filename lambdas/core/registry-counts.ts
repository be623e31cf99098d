// What counted webhook events add to the counters, per repository and per tag: the one rule both counter stores apply.
// Times are the earliest and latest event times, so they do not depend on the order a registry (re)delivers events in.
import type { RepositoryCounts, TagCount } from './ports.ts';
import type { CountedEvent } from './registry-events.ts';

/** What a group of events adds to one repository: counts, and the earliest and latest time of each kind (the same fields as its totals). */
export type RepositoryDelta = RepositoryCounts;

/** What a group of events adds to one tag: pulls and version checks only (a push or delete of a tag is not a pull of it). */
export interface TagDelta {
  ref: string;
  tag: string;
  pulls: number;
  versionChecks: number;
  lastPullAt?: string;
}

export interface CounterDeltas {
  repositories: RepositoryDelta[];
  tags: TagDelta[];
}

/** One delta per repository and per tag the events touch, in first-seen order. */
export function counterDeltas(events: readonly CountedEvent[]): CounterDeltas {
  const repositories = new Map<string, RepositoryDelta>();
  const tags = new Map<string, TagDelta>();
  for (const event of events) {
    let repository = repositories.get(event.ref);
    if (!repository) repositories.set(event.ref, (repository = { ref: event.ref, pulls: 0, versionChecks: 0, pushes: 0, deletes: 0, pushers: [] }));
    if (event.kind === 'pull') {
      repository.pulls++;
      repository.firstPullAt = earliest(repository.firstPullAt, event.at);
      repository.lastPullAt = latest(repository.lastPullAt, event.at);
    } else if (event.kind === 'version_check') repository.versionChecks++;
    else if (event.kind === 'push') {
      repository.pushes++;
      repository.firstPushAt = earliest(repository.firstPushAt, event.at);
      repository.lastPushAt = latest(repository.lastPushAt, event.at);
      if (event.actor && !repository.pushers.includes(event.actor)) repository.pushers.push(event.actor);
    } else {
      repository.deletes++;
      repository.lastDeleteAt = latest(repository.lastDeleteAt, event.at);
    }

    if (!event.tag || (event.kind !== 'pull' && event.kind !== 'version_check')) continue;
    const key = JSON.stringify([event.ref, event.tag]);
    let tag = tags.get(key);
    if (!tag) tags.set(key, (tag = { ref: event.ref, tag: event.tag, pulls: 0, versionChecks: 0 }));
    if (event.kind === 'pull') {
      tag.pulls++;
      tag.lastPullAt = latest(tag.lastPullAt, event.at);
    } else tag.versionChecks++;
  }
  return { repositories: [...repositories.values()], tags: [...tags.values()] };
}

/** ISO-8601 UTC times (toISOString's form) sort as strings; undefined is no time yet. */
function earliest(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined || (b !== undefined && b < a) ? b : a;
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined || (b !== undefined && b > a) ? b : a;
}

/** Counts add up; first times keep the earliest, last times the latest; pushers are a set. */
export function addRepositoryDelta(counts: RepositoryCounts | undefined, delta: RepositoryDelta): RepositoryCounts {
  const firstPullAt = earliest(counts?.firstPullAt, delta.firstPullAt);
  const lastPullAt = latest(counts?.lastPullAt, delta.lastPullAt);
  const firstPushAt = earliest(counts?.firstPushAt, delta.firstPushAt);
  const lastPushAt = latest(counts?.lastPushAt, delta.lastPushAt);
  const lastDeleteAt = latest(counts?.lastDeleteAt, delta.lastDeleteAt);
  return {
    ref: delta.ref,
    pulls: (counts?.pulls ?? 0) + delta.pulls,
    versionChecks: (counts?.versionChecks ?? 0) + delta.versionChecks,
    pushes: (counts?.pushes ?? 0) + delta.pushes,
    deletes: (counts?.deletes ?? 0) + delta.deletes,
    ...(firstPullAt && { firstPullAt }),
    ...(lastPullAt && { lastPullAt }),
    ...(firstPushAt && { firstPushAt }),
    ...(lastPushAt && { lastPushAt }),
    ...(lastDeleteAt && { lastDeleteAt }),
    pushers: [...new Set([...(counts?.pushers ?? []), ...delta.pushers])].sort(),
  };
}

export function addTagDelta(count: TagCount | undefined, delta: TagDelta): TagCount {
  const lastPullAt = latest(count?.lastPullAt, delta.lastPullAt);
  return {
    tag: delta.tag,
    pulls: (count?.pulls ?? 0) + delta.pulls,
    versionChecks: (count?.versionChecks ?? 0) + delta.versionChecks,
    ...(lastPullAt && { lastPullAt }),
  };
}
