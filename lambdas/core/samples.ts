// What a collection produces: the cumulative count of one repository at one time.
import type { Registry } from './refs.ts';

export interface Sample {
  registry: Registry;
  /** Repository path within its registry, e.g. `library/nginx`. */
  repo: string;
  /** ISO-8601 UTC time the count was read. */
  collectedAt: string;
  /**
   * Lifetime pulls as the registry reports them (kept as a JS number: exact to 2^53, far past 2^31).
   * With `measure: 'daily_actions'` (Quay): the repository actions of the UTC day starting at collectedAt.
   */
  pullCount: number;
  /** Absent for lifetime pull counters. Quay reports daily counts of all repository actions, not pulls. */
  measure?: 'daily_actions';
  starCount?: number;
  /** When the registry says the repository last changed. */
  lastUpdated?: string;
}

/** Key of a repository's series: one per registry and path. */
export function seriesKey(sample: Pick<Sample, 'registry' | 'repo'>): string {
  return `${sample.registry}:${sample.repo}`;
}
