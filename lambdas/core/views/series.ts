// History views: daily pulls and cumulative counts per day or hour, per repository (ref) or summed by name.
import { DAY_MS, HOUR_MS, addDays, isoSeconds } from '../days.ts';
import { type DeltaPoint, type Reading, dailyCumulative, dailyDeltas, intervalCumulative, intervalDeltas } from '../history.ts';
import { type Measure, measureOf } from '../measures.ts';
import type { SeriesStore } from '../ports.ts';
import { KEPT_DAYS, type SeriesView, viewSamples } from '../read-model.ts';
import type { Registry } from '../refs.ts';
import { type Sample, type SeriesFilter, matchesFilter, seriesKey } from '../samples.ts';

/** Days before a range the series store is read for a baseline, so the range's first day gets a real delta. */
export const BASELINE_LOOKBACK_DAYS = 31;

/** How rows are keyed: per repository of one registry (`ref`), or per name summed across registries (registry-stats v1). */
export type Grouping = 'ref' | 'name';

/** One series' observations over a range, from the read model or the series store: what every history view folds. */
export interface SeriesHistory {
  key: string;
  registry: Registry;
  name: string;
  measure: Measure;
  samples: Sample[];
  /** The first reading ever, from the read model. */
  first?: Reading;
}

export interface HistorySources {
  views: readonly SeriesView[];
  series: Pick<SeriesStore, 'daily' | 'samples'>;
}

/**
 * Whether the read model answers a range by itself: its day closings and baseline cover every day from 61 days ago,
 * and a range reaching past tomorrow is the series store's (whatever it is for, it is not a default view).
 */
export function readModelCovers(fromDay: string, today: string, toDay = today): boolean {
  return fromDay >= addDays(today, 1 - KEPT_DAYS) && toDay <= addDays(today, 1);
}

export function matchingViews(views: readonly SeriesView[], filter: SeriesFilter): SeriesView[] {
  return views.filter((view) => matchesFilter(view, filter));
}

/** Daily observations of every matching series: from the read model when it covers the range, else the series store. */
export async function dailyHistories(sources: HistorySources, fromDay: string, toDay: string, today: string, filter: SeriesFilter): Promise<SeriesHistory[]> {
  const views = matchingViews(sources.views, filter);
  if (readModelCovers(fromDay, today, toDay)) return views.map((view) => historyOf(view, viewSamples(view), view.first));
  return withFirstReadings(await sources.series.daily(addDays(fromDay, -BASELINE_LOOKBACK_DAYS), toDay, filter), sources.views);
}

function historyOf(series: Pick<Sample, 'registry' | 'repo' | 'measure'>, samples: Sample[], first?: Reading): SeriesHistory {
  return { key: seriesKey(series), registry: series.registry, name: series.repo, measure: measureOf(series), samples, ...(first && { first }) };
}

/** The series store's samples grouped by series, each with its first reading from the read model: the store may lack it. */
function withFirstReadings(samples: readonly Sample[], views: readonly SeriesView[]): SeriesHistory[] {
  const firsts = new Map(views.map((view) => [view.key, view.first]));
  return groupBySeries(samples).map((history) => ({ ...history, ...(firsts.has(history.key) && { first: firsts.get(history.key)! }) }));
}

export function groupBySeries(samples: readonly Sample[]): SeriesHistory[] {
  const groups = new Map<string, SeriesHistory>();
  for (const sample of samples) {
    const key = seriesKey(sample);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = historyOf(sample, [])));
    group.samples.push(sample);
  }
  return [...groups.values()];
}

export function historyDeltas(history: SeriesHistory, days: readonly string[]): DeltaPoint[] {
  return dailyDeltas(history.samples, days, history.first);
}

// ---------------------------------------------------------------------------------------------------------------
// Rows

export interface DailyRow {
  timestamp: string;
  registry?: Registry;
  repo: string;
  daily_pulls: number;
  first_seen?: true;
  /** With `first_seen`: when tracking began, per ref only (a sum by name has several beginnings). */
  first_seen_at?: string;
  measure?: 'actions';
}

/** `/api/pulls/daily`: the deltas of `dailyDeltas`, per ref or summed by name (first_seen only when it is for every one). */
export function dailyRows(histories: readonly SeriesHistory[], days: readonly string[], by: Grouping): DailyRow[] {
  const rows = new Map<string, DailyRow>();
  for (const history of histories) {
    for (const point of historyDeltas(history, days)) {
      const key = `${groupKey(history, by)}\u0000${point.day}`;
      const row = rows.get(key);
      if (row) {
        row.daily_pulls += point.delta;
        if (!point.firstSeen) delete row.first_seen;
        continue;
      }
      rows.set(key, {
        timestamp: `${point.day}T00:00:00Z`,
        ...(by === 'ref' && { registry: history.registry }),
        repo: history.name,
        daily_pulls: point.delta,
        ...(point.firstSeen && { first_seen: true as const }),
        ...(point.firstSeen && by === 'ref' && history.first && { first_seen_at: isoSeconds(history.first.at) }),
        ...(history.measure === 'actions' && { measure: 'actions' as const }),
      });
    }
  }
  return [...rows.values()].sort(byRepoThenTime);
}

export interface CumulativeRow {
  timestamp: string;
  registry?: Registry;
  repo: string;
  pull_count: number;
  measure?: 'actions';
}

/** `/api/pulls`: the count at the end of each day, carried over gaps; summed by name, a name counts once it has a count. */
export function cumulativeRows(histories: readonly SeriesHistory[], days: readonly string[], by: Grouping): CumulativeRow[] {
  const rows = new Map<string, CumulativeRow>();
  for (const history of histories) {
    for (const point of dailyCumulative(history.samples, days)) {
      if (point.count === null) continue;
      addCumulative(rows, history, by, `${point.day}T00:00:00Z`, point.count);
    }
  }
  return [...rows.values()].sort(byTimeThenRepo);
}

/** Whole UTC hours from the one `from` falls in to the one `to` falls in. */
export function hourBuckets(from: Date, to: Date): string[] {
  const start = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
  return Array.from({ length: Math.floor((to.getTime() - start) / HOUR_MS) + 1 }, (_, i) => new Date(start + i * HOUR_MS).toISOString());
}

/** Lifetime-counter samples over the buckets plus a day before them, for a baseline; Quay has no hours. */
export async function hourlyHistories(sources: HistorySources, buckets: readonly string[], filter: SeriesFilter): Promise<SeriesHistory[]> {
  if (buckets.length === 0) return [];
  const end = new Date(Date.parse(buckets.at(-1)!) + HOUR_MS).toISOString();
  const samples = await sources.series.samples(new Date(Date.parse(buckets[0]!) - DAY_MS).toISOString(), end, filter);
  return withFirstReadings(samples, sources.views);
}

/** `/api/pulls?interval=hour`: the count at the end of each hour. */
export function hourlyRows(histories: readonly SeriesHistory[], buckets: readonly string[], by: Grouping): CumulativeRow[] {
  const rows = new Map<string, CumulativeRow>();
  for (const history of histories) {
    for (const point of intervalCumulative(history.samples, buckets)) {
      if (point.count !== null) addCumulative(rows, history, by, isoSeconds(point.start), point.count);
    }
  }
  return [...rows.values()].sort(byTimeThenRepo);
}

/** Per hour: the count at its end and the pulls within it, `null` before tracking began. */
export function hourlySeries(history: SeriesHistory, buckets: readonly string[]): { cumulative: (number | null)[]; deltas: (number | null)[] } {
  // One hour more at the front, so the first bucket's rise has the hour before it as its baseline.
  const withBaseline = [new Date(Date.parse(buckets[0]!) - HOUR_MS).toISOString(), ...buckets];
  const points = intervalCumulative(history.samples, withBaseline);
  return { cumulative: points.slice(1).map((point) => point.count), deltas: intervalDeltas(points, history.first).slice(1) };
}

function addCumulative(rows: Map<string, CumulativeRow>, history: SeriesHistory, by: Grouping, timestamp: string, count: number): void {
  const key = `${groupKey(history, by)}\u0000${timestamp}`;
  const row = rows.get(key);
  if (row) row.pull_count += count;
  else {
    rows.set(key, {
      timestamp,
      ...(by === 'ref' && { registry: history.registry }),
      repo: history.name,
      pull_count: count,
      ...(history.measure === 'actions' && { measure: 'actions' as const }),
    });
  }
}

/** Series of one name and one measure sum together; Quay's actions never mix with pulls. */
function groupKey(history: SeriesHistory, by: Grouping): string {
  return by === 'ref' ? history.key : `${history.name}\u0000${history.measure}`;
}

type Row = { timestamp: string; repo: string; registry?: string };

/** Daily pulls: each repository's days together. */
function byRepoThenTime(a: Row, b: Row): number {
  return a.repo.localeCompare(b.repo) || (a.registry ?? '').localeCompare(b.registry ?? '') || a.timestamp.localeCompare(b.timestamp);
}

/** Cumulative counts in registry-stats v1's order: by time, then repository. */
function byTimeThenRepo(a: Row, b: Row): number {
  return a.timestamp.localeCompare(b.timestamp) || a.repo.localeCompare(b.repo) || (a.registry ?? '').localeCompare(b.registry ?? '');
}

