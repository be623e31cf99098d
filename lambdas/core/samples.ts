// What a collection produces: the cumulative count of one repository at one time.
import type { Registry } from './refs.ts';

export interface Sample {
  registry: Registry;
  /** Repository path within its registry, e.g. `library/nginx`. */
  repo: string;
  /** ISO-8601 UTC time the count was read. */
  collectedAt: string;
  /** Lifetime pulls as the registry reports them (64-bit safe: kept as a JS number, exact to 2^53). */
  pullCount: number;
  starCount?: number;
  /** When the registry says the repository last changed. */
  lastUpdated?: string;
}

/** Key of a repository's series: one per registry and path. */
export function seriesKey(sample: Pick<Sample, 'registry' | 'repo'>): string {
  return `${sample.registry}:${sample.repo}`;
}
