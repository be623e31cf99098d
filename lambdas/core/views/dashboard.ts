// The dashboard's view in one answer: a row per repository with its figures, error and the range's daily and
// cumulative series, on one axis of days (or hours, while tracking is younger than the 7-day range).
import { HOUR_MS, addDays, dayOf, daysBetween } from '../days.ts';
import { dailyCumulative } from '../history.ts';
import { type Measure, measureOf } from '../measures.ts';
import type { RecordedError, SeriesStore, TrackedRepo } from '../ports.ts';
import { RANGE_DAYS, type Range } from '../ranges.ts';
import { type SeriesView, figuresOn, lifetimeTotal } from '../read-model.ts';
import { discoveredByRef } from '../discovery/summary.ts';
import { refString, tryParseRef } from '../refs.ts';
import { seriesKey } from '../samples.ts';
import { type SeriesHistory, dailyHistories, historyDeltas, hourBuckets, hourlyHistories, hourlySeries } from './series.ts';

/** A failure as a row shows it: `wildcard` names the `owner/*` item it was recorded on, for a repository found behind one. */
export interface RowError {
  kind: string;
  message: string;
  at: string;
  wildcard?: string;
  /** When the next attempt is due (ISO-8601), when one is scheduled. */
  retryAt?: string;
}

export interface DashboardRow {
  ref: string;
  registry: string;
  name: string;
  label: string | null;
  measure: Measure;
  enabled: boolean;
  /** False for a tracked ref with no reading yet (failing, or not collected yet). */
  has_data: boolean;
  pull_count: number | null;
  collected_at: string | null;
  first_seen_at: string | null;
  pulls_1d: number | null;
  pulls_yesterday: number | null;
  pulls_7d: number | null;
  previous_7d: number | null;
  change_7d: number | null;
  percent_7d: number | null;
  pulls_30d: number | null;
  previous_30d: number | null;
  /** Sum of `daily` where known. */
  in_range: number | null;
  last_success_at: string | null;
  error: RowError | null;
  /**
   * What the last successful collection said a person should know (a listing cut at the anonymous cap, malformed
   * rows): the item's own, or the wildcard's that found the repository. Absent when nothing.
   */
  warnings?: string[];
  /** For an image found through discovery: the `github:` ref that found it, and where. */
  discovered_by?: string;
  found_in?: string;
  /** Per bucket of the axis; `null` before tracking began. */
  daily: (number | null)[];
  cumulative: (number | null)[];
}

/** Where pullwatch runs: the empty state tells how to add a repository there. */
export type RunMode = 'local' | 'aws';

export interface DashboardAnswer {
  mode: RunMode;
  today: string;
  range: Range;
  interval: 'day' | 'hour';
  /** Days (`YYYY-MM-DD`) or hour starts (ISO-8601), oldest first. */
  buckets: string[];
  repositories: DashboardRow[];
}

export interface DashboardInput {
  views: readonly SeriesView[];
  repos: readonly TrackedRepo[];
  series: Pick<SeriesStore, 'daily' | 'samples'>;
  now: Date;
  range: Range;
  mode: RunMode;
}

/** 7d and 30d come from the read model alone; longer ranges, and hours, read the series store. */
export async function dashboardView({ views, repos, series, now, range, mode }: DashboardInput): Promise<DashboardAnswer> {
  const today = dayOf(now.toISOString());
  const sources = { views, series };
  const firstAt = earliestReading(views);
  // Quay back-fills 92 days of stats on its first collection: only lifetime counters say how young tracking is.
  const countersSince = earliestReading(views.filter((view) => view.measure === undefined));
  const hourly = range === '7d' && countersSince !== undefined && dayOf(countersSince) > addDays(today, 1 - RANGE_DAYS['7d']);

  let buckets: string[];
  let seriesOf: (history: SeriesHistory | undefined) => { daily: (number | null)[]; cumulative: (number | null)[] };
  let histories: SeriesHistory[];
  if (hourly) {
    buckets = hourBuckets(new Date(Math.floor(Date.parse(countersSince) / HOUR_MS) * HOUR_MS), now);
    histories = await hourlyHistories(sources, buckets, {});
    seriesOf = (history) => {
      if (!history) return { daily: buckets.map(() => null), cumulative: buckets.map(() => null) };
      const { cumulative, deltas } = hourlySeries(history, buckets);
      return { daily: deltas, cumulative };
    };
  } else {
    const earliest = addDays(today, 1 - RANGE_DAYS[range]);
    // `all` starts where tracking began, within its ten years.
    const start = range === 'all' && firstAt && dayOf(firstAt) > earliest ? dayOf(firstAt) : range === 'all' && !firstAt ? today : earliest;
    buckets = daysBetween(start, today);
    histories = await dailyHistories(sources, buckets[0]!, today, today, {});
    seriesOf = (history) => {
      if (!history) return { daily: buckets.map(() => null), cumulative: buckets.map(() => null) };
      const deltas = new Map(historyDeltas(history, buckets).map((point) => [point.day, point.delta]));
      return { daily: buckets.map((day) => deltas.get(day) ?? null), cumulative: dailyCumulative(history.samples, buckets).map((point) => point.count) };
    };
  }
  const historyByKey = new Map(histories.map((history) => [history.key, history]));
  return { mode, today, range, interval: hourly ? 'hour' : 'day', buckets, repositories: dashboardRows(views, repos, today, buckets.length, (view) => seriesOf(historyByKey.get(view.key))) };
}

function dashboardRows(
  views: readonly SeriesView[],
  repos: readonly TrackedRepo[],
  today: string,
  width: number,
  seriesOf: (view: SeriesView) => { daily: (number | null)[]; cumulative: (number | null)[] },
): DashboardRow[] {
  const tracked = canonicalItems(repos);
  const own = new Map(tracked.map((item) => [item.ref, item]));
  const wildcards = tracked.filter((item) => item.ref.endsWith('/*'));
  const discovered = discoveredByRef(repos);
  const sorted = [...views].sort((a, b) => (seriesKey(a) < seriesKey(b) ? -1 : 1));
  const rows = sorted.map((view): DashboardRow => {
    const item = own.get(view.key);
    // A repository found behind a wildcard, or through discovery, shows that item's state.
    const wildcard = item ? undefined : (coveringWildcard(view.key, wildcards) ?? own.get(discovered.get(view.key)?.by ?? ''));
    const figures = figuresOn(view, today);
    const measure = measureOf(view);
    const { daily, cumulative } = seriesOf(view);
    return {
      ref: view.key,
      registry: view.registry,
      name: view.repo,
      label: item?.label ?? null,
      measure,
      enabled: (item ?? wildcard)?.enabled ?? true,
      has_data: true,
      pull_count: lifetimeTotal(view),
      collected_at: view.latest.collectedAt,
      first_seen_at: view.first.at,
      pulls_1d: figures.pulls_1d,
      pulls_yesterday: figures.pulls_yesterday,
      pulls_7d: figures.pulls_7d,
      // Nothing tracked before: no comparison, rather than a rise from 0.
      previous_7d: figures.previous_7d,
      change_7d: figures.previous_7d === null ? null : figures.week.change,
      percent_7d: figures.week.percent,
      pulls_30d: figures.pulls_30d,
      previous_30d: figures.previous_30d,
      in_range: sumKnown(daily),
      // A sample exists only after a successful read, so collected_at is a last success too (Quay's is a stats day).
      last_success_at: item?.lastSuccessAt ?? wildcard?.lastSuccessAt ?? (measure === 'pulls' ? view.latest.collectedAt : null),
      error: item ? rowError(item.lastError) : wildcardError(view.key, wildcard),
      ...warningsOf(item ?? wildcard),
      ...discoveredAs(discovered.get(view.key)),
      daily,
      cumulative,
    };
  });

  // Tracked refs with nothing to show yet still get a row, so a failing ref is seen rather than missing.
  const shown = new Set(rows.map((row) => row.ref));
  for (const item of tracked) {
    const covered = item.ref.endsWith('/*') ? rows.some((row) => row.ref.startsWith(item.ref.slice(0, -1))) : shown.has(item.ref);
    if (covered) continue;
    const parsed = tryParseRef(item.ref);
    const colon = item.ref.indexOf(':');
    const registry = parsed.ok ? parsed.ref.registry : colon > 0 ? item.ref.slice(0, colon) : '?';
    rows.push({
      ref: item.ref,
      registry,
      name: colon > 0 ? item.ref.slice(colon + 1) : item.ref,
      label: item.label ?? null,
      measure: registry === 'quay' ? 'actions' : 'pulls',
      enabled: item.enabled,
      has_data: false,
      pull_count: null,
      collected_at: null,
      first_seen_at: null,
      pulls_1d: null,
      pulls_yesterday: null,
      pulls_7d: null,
      previous_7d: null,
      change_7d: null,
      percent_7d: null,
      pulls_30d: null,
      previous_30d: null,
      in_range: null,
      last_success_at: item.lastSuccessAt ?? null,
      error: rowError(item.lastError),
      ...warningsOf(item),
      daily: Array.from({ length: width }, () => null),
      cumulative: Array.from({ length: width }, () => null),
    });
  }
  return rows;
}

/**
 * The items under their canonical refs, as the views are keyed (`nginx` typed in the console is
 * `dockerhub:library/nginx`), once each: where both forms are stored, the canonical item, which dispatch records on.
 */
function canonicalItems(repos: readonly TrackedRepo[]): TrackedRepo[] {
  const items = new Map<string, TrackedRepo>();
  for (const item of repos) {
    const parsed = tryParseRef(item.ref);
    const ref = parsed.ok ? refString(parsed.ref) : item.ref;
    if (!items.has(ref) || item.ref === ref) items.set(ref, { ...item, ref });
  }
  return [...items.values()];
}

function earliestReading(views: readonly SeriesView[]): string | undefined {
  return views.reduce<string | undefined>((first, view) => (!first || view.first.at < first ? view.first.at : first), undefined);
}

/** The wildcard item (`registry:owner/*`) that covers a ref, the most specific one when several do. */
function coveringWildcard(ref: string, wildcards: readonly TrackedRepo[]): TrackedRepo | undefined {
  let best: TrackedRepo | undefined;
  for (const item of wildcards) {
    const prefix = item.ref.slice(0, -1);
    if (ref.startsWith(prefix) && (!best || prefix.length > best.ref.length - 1)) best = item;
  }
  return best;
}

/** A wildcard's error concerns a repository under it when the listing failed, or when it is that repository's. */
function wildcardError(ref: string, wildcard: TrackedRepo | undefined): RowError | null {
  const error = wildcard?.lastError;
  if (!error || (error.ref !== undefined && error.ref !== ref)) return null;
  return { ...rowError(error)!, wildcard: wildcard.ref };
}

function rowError(error: RecordedError | undefined): RowError | null {
  return error ? { kind: error.kind, message: error.message, at: error.at, ...(error.retryAt !== undefined && { retryAt: error.retryAt }) } : null;
}

function warningsOf(item: TrackedRepo | undefined): Pick<DashboardRow, 'warnings'> {
  return item?.warnings?.length ? { warnings: [...item.warnings] } : {};
}

function sumKnown(values: readonly (number | null)[]): number | null {
  let sum: number | null = null;
  for (const value of values) if (value !== null) sum = (sum ?? 0) + value;
  return sum;
}

function discoveredAs(found: { by: string; foundIn: string } | undefined): Pick<DashboardRow, 'discovered_by' | 'found_in'> {
  return found ? { discovered_by: found.by, found_in: found.foundIn } : {};
}
