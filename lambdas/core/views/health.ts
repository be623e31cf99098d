// `/api/health`: whether collection works, read from the tracked refs' last outcomes (the store being readable is the
// API's own check).
import { durationText } from '../days.ts';
import type { TrackedRepo } from '../ports.ts';

/** Polls without any successful collection before the service says it is degraded. */
const STALLED_POLLS = 3;

export interface CollectionHealth {
  status: 'ok' | 'degraded';
  /** Why it is degraded. */
  reason?: string;
  /** A collection has succeeded at least once: what a container readiness check waits for. */
  ready: boolean;
}

/**
 * Degraded when refs are tracked but none was collected successfully within the last STALLED_POLLS polls, or, before
 * any success at all, when every enabled ref has already failed. Refs not tried yet (a fresh start) are not a fault:
 * `ready` tells that state apart.
 */
export function collectionHealth(repos: readonly TrackedRepo[], now: Date, pollMinutes: number): CollectionHealth {
  const enabled = repos.filter((repo) => repo.enabled);
  const last = enabled.reduce<string | undefined>((newest, repo) => (repo.lastSuccessAt && (!newest || repo.lastSuccessAt > newest) ? repo.lastSuccessAt : newest), undefined);
  // Nothing to collect is a state to fix, not one to wait out: a container health check must not restart it forever.
  const ready = last !== undefined || enabled.length === 0;
  const failing = enabled.filter((repo) => repo.lastError).length;
  const stalledFor = STALLED_POLLS * pollMinutes * 60_000;
  const stalled = last === undefined ? enabled.length > 0 && failing === enabled.length : now.getTime() - Date.parse(last) > stalledFor;
  if (!stalled) return { status: 'ok', ready };
  const since = last === undefined ? 'no tracked ref has ever been collected successfully' : `no tracked ref was collected successfully within the last ${STALLED_POLLS} polls (${durationText(stalledFor)}); the last success was at ${last}`;
  return { status: 'degraded', reason: `${since}; ${failing} of ${enabled.length} enabled refs failed their last collection`, ready };
}
