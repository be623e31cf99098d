// Reads the stores and shapes history for the endpoints: per-repository series, deltas and window totals.
import { addDays, dailyCumulative, dailyDeltas, type DeltaPoint, sumByName } from '../core/history.ts';
import type { SeriesStore } from '../core/ports.ts';
import { type Sample, type SeriesFilter, seriesKey } from '../core/samples.ts';

/** Days before a range read for a baseline, so a range's first day gets a real delta and carry-forward starts right. */
export const BASELINE_LOOKBACK_DAYS = 31;

export interface RepositorySeries {
  key: string;
  registry: Sample['registry'];
  name: string;
  measure?: 'daily_actions';
  samples: Sample[];
}

/** Every matching repository's daily samples over [fromDay, toDay] plus a baseline before it, grouped by series. */
export async function readDailySeries(store: Pick<SeriesStore, 'daily'>, fromDay: string, toDay: string, filter: SeriesFilter): Promise<RepositorySeries[]> {
  const samples = await store.daily(addDays(fromDay, -BASELINE_LOOKBACK_DAYS), toDay, filter);
  return groupBySeries(samples);
}

export function groupBySeries(samples: readonly Sample[]): RepositorySeries[] {
  const groups = new Map<string, RepositorySeries>();
  for (const sample of samples) {
    const key = seriesKey(sample);
    let group = groups.get(key);
    if (!group) {
      group = { key, registry: sample.registry, name: sample.repo, ...(sample.measure && { measure: sample.measure }), samples: [] };
      groups.set(key, group);
    }
    group.samples.push(sample);
  }
  return [...groups.values()];
}

/** Series of one name and one meaning are summed (registry-stats v1); Quay's actions never mix with pulls. */
function nameKey(series: RepositorySeries): string {
  return series.measure ? `${series.name}\u0000${series.measure}` : series.name;
}

export interface NamedDeltas {
  name: string;
  measure?: 'daily_actions';
  points: DeltaPoint[];
}

/** Daily deltas per name over the days, summed across registries; a day is first_seen only when it is for every one. */
export function deltasByName(series: readonly RepositorySeries[], days: readonly string[]): NamedDeltas[] {
  const byName = new Map<string, { name: string; measure?: 'daily_actions'; perDay: Map<string, { delta: number; firstSeen: boolean }> }>();
  for (const one of series) {
    const key = nameKey(one);
    let entry = byName.get(key);
    if (!entry) {
      entry = { name: one.name, ...(one.measure && { measure: one.measure }), perDay: new Map() };
      byName.set(key, entry);
    }
    for (const point of dailyDeltas(one.samples, days)) {
      const current = entry.perDay.get(point.day);
      entry.perDay.set(point.day, {
        delta: (current?.delta ?? 0) + point.delta,
        firstSeen: (current?.firstSeen ?? true) && point.firstSeen === true,
      });
    }
  }
  return [...byName.values()].map(({ name, measure, perDay }) => ({
    name,
    ...(measure && { measure }),
    points: [...perDay]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, { delta, firstSeen }]) => ({ day, delta, ...(firstSeen && { firstSeen: true as const }) })),
  }));
}

export interface NamedCumulative {
  name: string;
  measure?: 'daily_actions';
  points: { day: string; count: number | null }[];
}

/** Cumulative count at the end of each day per name, summed across registries. */
export function cumulativeByName(series: readonly RepositorySeries[], days: readonly string[]): NamedCumulative[] {
  const named = new Map<string, { name: string; measure?: 'daily_actions'; series: { name: string; points: { day: string; count: number | null }[] }[] }>();
  for (const one of series) {
    const key = nameKey(one);
    const entry = named.get(key) ?? { name: one.name, ...(one.measure && { measure: one.measure }), series: [] };
    entry.series.push({ name: key, points: dailyCumulative(one.samples, days) });
    named.set(key, entry);
  }
  return [...named.values()].map(({ name, measure, series }) => ({ name, ...(measure && { measure }), points: sumByName(series)[0]!.points }));
}

