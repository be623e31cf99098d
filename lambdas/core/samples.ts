// What a collection produces: one repository's count at one time, and how queries select repositories.
import { REGISTRIES, type Registry } from './refs.ts';

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
  /** Tags the repository has (Docker Hub), read at collectedAt; kept in the read model only, not in the history. */
  tagCount?: number;
}

/** Key of a repository's series: one per registry and path. */
export function seriesKey(sample: Pick<Sample, 'registry' | 'repo'>): string {
  return `${sample.registry}:${sample.repo}`;
}

/** Readings in series order, then time order: how history is written and exported. */
export function bySeriesThenTime(a: Sample, b: Sample): number {
  const [left, right] = [seriesKey(a), seriesKey(b)];
  return left < right ? -1 : left > right ? 1 : a.collectedAt < b.collectedAt ? -1 : 1;
}

/** One repository, or one path in every registry that has it (`nginx` tracked on Docker Hub and GHCR). */
export interface RepoSelector {
  registry?: Registry;
  path: string;
}

/** Which repositories a query reads; an absent field does not filter. */
export interface SeriesFilter {
  registries?: readonly Registry[];
  repos?: readonly RepoSelector[];
}

export function matchesFilter(sample: Pick<Sample, 'registry' | 'repo'>, filter: SeriesFilter = {}): boolean {
  if (filter.registries && !filter.registries.includes(sample.registry)) return false;
  if (!filter.repos) return true;
  return filter.repos.some((selector) => selector.path === sample.repo && (!selector.registry || selector.registry === sample.registry));
}

/** The series keys a filter can match when it names repositories; undefined when it selects by registry alone. */
export function candidateKeys(filter: SeriesFilter = {}): string[] | undefined {
  if (!filter.repos) return undefined;
  const keys = filter.repos.flatMap((selector) =>
    (selector.registry ? [selector.registry] : (filter.registries ?? REGISTRIES))
      .filter((registry) => !filter.registries || filter.registries.includes(registry))
      .map((registry) => seriesKey({ registry, repo: selector.path })),
  );
  return [...new Set(keys)];
}

/**
 * One sample per repository and time, the last one given winning: a repository that moves between two pages of a
 * listing while they are read comes back twice, and stores refuse one write holding the same key twice.
 */
export function uniqueSamples(samples: readonly Sample[]): Sample[] {
  return [...new Map(samples.map((sample) => [`${seriesKey(sample)} ${sample.collectedAt}`, sample])).values()];
}
