// Figure views, straight from the read model: the summary, trends, badges, Prometheus metrics and day snapshots.
import { sortByMovement } from '../history.ts';
import { labelFor, measureOf } from '../measures.ts';
import type { SeriesStore, TrackedRepo } from '../ports.ts';
import { addDays, dayOf, isoSeconds } from '../days.ts';
import { FIGURE_DAYS, type SeriesView, figuresOn, foldSamples, lifetimeTotal, viewSamples } from '../read-model.ts';
import { tryParseRef } from '../refs.ts';
import { badgeColor, type BadgeWindow } from '../render/badge.ts';
import { compactNumber } from '../render/numbers.ts';
import type { PrometheusInput } from '../render/prometheus.ts';
import { type SeriesFilter, seriesKey } from '../samples.ts';
import { groupBySeries, matchingViews, readModelCovers } from './series.ts';

export const SUMMARY_COLUMNS = [
  'registry', 'name', 'measure', 'pull_count', 'tag_count', 'star_count', 'last_updated', 'collected_at', 'first_seen_at',
  'pulls_1d', 'pulls_yesterday', 'pulls_7d', 'pulls_30d',
] as const;

/** `/api/summary`: one row per series, sorted by series key; windows end today (UTC), `1d` being today so far. */
export function summaryRows(views: readonly SeriesView[], filter: SeriesFilter, today: string) {
  return sortedByKey(matchingViews(views, filter)).map((view) => summaryRow(view, today));
}

/**
 * `/api/summary?date=`: each series as it stood at the end of `date`: its last reading of that day or before, and the
 * windows ending that day. From the read model's kept days when they reach back far enough, else the series store.
 * A series first seen after `date` has no row. The tag count is the latest known: tag counts are not kept per day.
 */
export async function summaryRowsOn(views: readonly SeriesView[], series: Pick<SeriesStore, 'daily'>, filter: SeriesFilter, date: string, today: string) {
  const from = addDays(date, -FIGURE_DAYS);
  const matching = new Map(matchingViews(views, filter).map((view) => [view.key, view]));
  const samples = readModelCovers(from, today, date) ? [...matching.values()].flatMap(viewSamples) : await series.daily(from, date, filter);
  const past = groupBySeries(samples.filter((sample) => dayOf(sample.collectedAt) <= date)).flatMap((history) => {
    const view = matching.get(history.key);
    if (!view || history.samples.length === 0) return [];
    const then = foldSamples(undefined, history.samples).view;
    return [{ ...then, first: view.first, ...(view.tags && { tags: view.tags }) }];
  });
  return sortedByKey(past).map((view) => summaryRow(view, date));
}

function summaryRow(view: SeriesView, day: string) {
  const figures = figuresOn(view, day);
  return {
    registry: view.registry,
    name: view.repo,
    measure: measureOf(view),
    pull_count: lifetimeTotal(view),
    // registry-stats v1's field: Docker Hub's count of tags; other registries publish none.
    tag_count: view.tags?.count ?? null,
    star_count: view.latest.starCount ?? null,
    last_updated: view.latest.lastUpdated ?? null,
    collected_at: isoSeconds(view.latest.collectedAt),
    first_seen_at: isoSeconds(view.first.at),
    pulls_1d: figures.pulls_1d,
    pulls_yesterday: figures.pulls_yesterday,
    pulls_7d: figures.pulls_7d,
    pulls_30d: figures.pulls_30d,
  };
}

export const TREND_COLUMNS = [
  'registry', 'name', 'measure', 'pulls_7d', 'previous_7d', 'change_7d', 'percent_7d', 'pulls_30d', 'previous_30d', 'change_30d', 'percent_30d',
] as const;

/** `/api/trends`: last 7 days against the 7 before and 30 against 30, biggest movers (over 7 days) first. */
export function trendRows(views: readonly SeriesView[], filter: SeriesFilter, today: string) {
  const rows = matchingViews(views, filter).map((view) => {
    const { week, month } = figuresOn(view, today);
    return {
      registry: view.registry,
      name: view.repo,
      measure: measureOf(view),
      change: week.change,
      pulls_7d: week.current,
      previous_7d: week.previous,
      change_7d: week.change,
      percent_7d: week.percent,
      pulls_30d: month.current,
      previous_30d: month.previous,
      change_30d: month.change,
      percent_30d: month.percent,
    };
  });
  return sortByMovement(rows).map(({ change: _sortKey, ...row }) => row);
}

export const BADGE_WINDOWS = { total: 'total', '1d': 'day', '7d': 'week', '30d': 'month' } as const satisfies Record<string, BadgeWindow>;
export type BadgeWindowName = keyof typeof BADGE_WINDOWS;
const BADGE_LABELS: Record<BadgeWindowName, string> = { total: 'pulls', '1d': 'pulls/day', '7d': 'pulls/week', '30d': 'pulls/month' };

export interface BadgeAnswer {
  tracked: boolean;
  badge: { label: string; message: string; color: ReturnType<typeof badgeColor> | 'lightgrey' };
}

/** A badge for one series: its total or a window's pulls; `not tracked` for a series the read model does not hold. */
export function badgeOf(view: SeriesView | undefined, window: BadgeWindowName, today: string, label?: string): BadgeAnswer {
  const measure = view ? measureOf(view) : 'pulls';
  const text = label ?? labelFor(measure, BADGE_LABELS[window]);
  if (!view) return { tracked: false, badge: { label: text, message: 'not tracked', color: 'lightgrey' } };
  const figures = figuresOn(view, today);
  const value = window === 'total' ? lifetimeTotal(view) : figures[`pulls_${window}`];
  return {
    tracked: true,
    badge: value === null ? { label: text, message: 'n/a', color: 'lightgrey' } : { label: text, message: compactNumber(value), color: badgeColor(BADGE_WINDOWS[window]) },
  };
}

/** What `/api/metrics` renders: each series' latest reading, windows and tag count, and each tracked ref's last outcome. */
export function metricsInput(views: readonly SeriesView[], repos: readonly TrackedRepo[], today: string, pollMinutes?: number): PrometheusInput {
  const refs = repos.flatMap((repo) => {
    const parsed = tryParseRef(repo.ref);
    return parsed.ok ? [{ ref: repo.ref, registry: parsed.ref.registry, ...(repo.lastSuccessAt && { lastSuccessAt: repo.lastSuccessAt }), ...(repo.lastError && { lastError: repo.lastError }) }] : [];
  });
  const samples = sortedByKey(views).map((view) => {
    const figures = figuresOn(view, today);
    return {
      ...view.latest,
      windows: { '1d': figures.pulls_1d, '7d': figures.pulls_7d, '30d': figures.pulls_30d },
      ...(view.tags && { tagCount: view.tags.count }),
    };
  });
  return { samples, refs, ...(pollMinutes !== undefined && { pollSeconds: Math.round(pollMinutes * 60) }) };
}

export interface SnapshotRow {
  timestamp: string;
  registry: string;
  repo: string;
  pull_count: number;
  measure: 'pulls' | 'actions';
}

/** The UTC day of the newest reading of any series; undefined before the first collection. */
export function latestDay(views: readonly SeriesView[]): string | undefined {
  let latest: string | undefined;
  for (const view of views) if (!latest || view.latest.collectedAt > latest) latest = view.latest.collectedAt;
  return latest?.slice(0, 10);
}

/** `/api/snapshot`: each series' last reading of the day, from the read model's day closings when it still keeps the day. */
export async function snapshotRows(views: readonly SeriesView[], series: Pick<SeriesStore, 'daily'>, date: string, today: string, filter: SeriesFilter): Promise<SnapshotRow[]> {
  const samples = readModelCovers(date, today, date)
    ? sortedByKey(matchingViews(views, filter)).flatMap((view) => {
        const closing = view.days[date];
        return closing ? [{ ...view.latest, collectedAt: closing[1], pullCount: closing[0] }] : [];
      })
    : await series.daily(date, date, filter);
  return samples.map((sample) => ({
    timestamp: isoSeconds(sample.collectedAt),
    registry: sample.registry,
    repo: sample.repo,
    pull_count: sample.pullCount,
    measure: measureOf(sample),
  }));
}

function sortedByKey(views: readonly SeriesView[]): SeriesView[] {
  return [...views].sort((a, b) => (seriesKey(a) < seriesKey(b) ? -1 : seriesKey(a) > seriesKey(b) ? 1 : 0));
}

