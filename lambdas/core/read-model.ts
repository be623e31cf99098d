// The read model: per series, the figures every default view needs, folded from samples once per collection.
import type { CountDrop } from './ports.ts';
import { addDays, dayOf, daysBetween } from './days.ts';
import { type DeltaPoint, type Reading, type Trend, dailyCumulative, dailyDeltas, sumWindow, trend, windowTotals } from './history.ts';
import type { Registry } from './refs.ts';
import { type Sample, seriesKey } from './samples.ts';

/** Day closings a view keeps: the last 30 days against the 30 before, with room for today and yesterday. */
export const KEPT_DAYS = 62;
/** Days the derived figures look back: two 30-day windows. */
export const FIGURE_DAYS = 60;

/** Everything before a view's kept days, as one observation on the latest of them. */
export interface Baseline {
  day: string;
  /** The last reading before the kept days (lifetime counters), or the sum of their daily counts (Quay). */
  count: number;
  at: string;
}

/** The derived figures of one series for one UTC day (`day`); windows are `null` when none of their days is tracked. */
export interface Figures {
  day: string;
  pulls_1d: number | null;
  pulls_yesterday: number | null;
  pulls_7d: number | null;
  pulls_30d: number | null;
  /** The 7 and 30 days before those windows; `null` when none of their days is tracked (nothing to compare with). */
  previous_7d: number | null;
  previous_30d: number | null;
  week: Trend;
  month: Trend;
}

export interface SeriesView {
  key: string;
  registry: Registry;
  repo: string;
  measure?: 'daily_actions';
  /** The newest sample. */
  latest: Sample;
  /** The first reading ever seen: when tracking began. */
  first: Reading;
  /** Per UTC day of the kept window: [count, time of the reading]; the day's last reading, or Quay's count for the day. */
  days: Record<string, [number, string]>;
  before?: Baseline;
  /** Docker Hub's tag count and when it was read: refreshed at most once a UTC day (see `tagCountDue`). */
  tags?: { count: number; at: string };
  /** The figures as of the day of the newest reading, computed when the view last changed. */
  figures: Figures;
  /** Bumped by every write that changes the view: guards its read-modify-write. */
  version: number;
}

export interface Folded {
  view: SeriesView;
  /** False when the samples were all known already (a redelivery): nothing to write. */
  changed: boolean;
  drop?: CountDrop;
  /** The series' tag count is older than the day of its newest reading (or was never read): read it again. */
  tagCountDue?: true;
}

/**
 * Folds one series' samples into its view (or a new one), in any order and any number of times: the result depends
 * only on the set of samples ever folded. For lifetime counters the latest reading of a day wins; a Quay day's count
 * only grows (Quay shows yesterday as 0 until its counter runs). A Quay day older than the kept window that arrives
 * after its window closed is not added twice: it is ignored.
 */
export function foldSamples(view: SeriesView | undefined, samples: readonly Sample[]): Folded {
  const first = view?.latest ?? samples[0];
  if (!first) throw new RangeError('nothing to fold: no view and no samples');
  const key = seriesKey(first);
  const actions = first.measure === 'daily_actions';
  for (const sample of samples) {
    if (seriesKey(sample) !== key) throw new RangeError(`samples of ${seriesKey(sample)} folded into the view of ${key}`);
    if ((sample.measure === 'daily_actions') !== actions) {
      throw new RangeError(`${key} mixes daily action counts and lifetime counters (at ${sample.collectedAt})`);
    }
  }

  let latest = view?.latest;
  let origin = view?.first;
  const days: Record<string, [number, string]> = { ...view?.days };
  let before = view?.before;
  let tags = view?.tags;
  for (const sample of samples) {
    if (sample.tagCount !== undefined && (!tags || sample.collectedAt >= tags.at)) tags = { count: sample.tagCount, at: sample.collectedAt };
    // Two readings at one time: the higher wins, so the order of arrival never matters.
    if (!latest || sample.collectedAt > latest.collectedAt || (sample.collectedAt === latest.collectedAt && sample.pullCount > latest.pullCount)) {
      latest = sample;
    }
    if (!origin || sample.collectedAt < origin.at || (sample.collectedAt === origin.at && sample.pullCount > origin.count)) {
      origin = { at: sample.collectedAt, count: sample.pullCount };
    }
  }
  const keptFrom = addDays(dayOf(latest!.collectedAt), 1 - KEPT_DAYS);
  // Days that fell out of the window go into the baseline first, so a sample of such a day is not added twice.
  for (const day of Object.keys(days).sort()) {
    if (day >= keptFrom) break;
    const [count, at] = days[day]!;
    delete days[day];
    before = actions ? { day, count: (before?.count ?? 0) + count, at } : later(before, { day, count, at });
  }
  // Ascending, so Quay days before the window are summed in order whatever order they came in.
  for (const sample of [...samples].sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : 1))) {
    const day = dayOf(sample.collectedAt);
    const reading = { day, count: sample.pullCount, at: sample.collectedAt };
    if (day < keptFrom) {
      // Quay: a day at or before the baseline's is in its sum already.
      if (!actions) before = later(before, reading);
      else if (!before || day > before.day) before = { ...reading, count: (before?.count ?? 0) + reading.count };
      continue;
    }
    const current = days[day];
    const wins = !current || (actions ? current[0] < reading.count : current[1] < reading.at || (current[1] === reading.at && current[0] < reading.count));
    if (wins) days[day] = [reading.count, reading.at];
  }

  const ordered = Object.fromEntries(Object.entries(days).sort(([a], [b]) => (a < b ? -1 : 1)));
  const next: SeriesView = {
    key,
    registry: first.registry,
    repo: first.repo,
    ...(actions && { measure: 'daily_actions' as const }),
    latest: latest!,
    first: origin!,
    days: ordered,
    ...(before && { before }),
    ...(tags && { tags }),
    figures: { day: '', pulls_1d: null, pulls_yesterday: null, pulls_7d: null, pulls_30d: null, previous_7d: null, previous_30d: null, week: NO_TREND, month: NO_TREND },
    version: view?.version ?? 0,
  };
  next.figures = figuresOn(next, dayOf(latest!.collectedAt));
  const changed = !view || canonical({ ...view, version: 0 }) !== canonical({ ...next, version: 0 });
  if (changed) next.version += 1;
  const previous = view?.latest;
  const drop =
    !actions && previous && latest !== previous && latest!.pullCount < previous.pullCount
      ? { key, previous: previous.pullCount, current: latest!.pullCount }
      : undefined;
  const kept = changed ? next : view!;
  return { view: kept, changed, ...(drop && { drop }), ...(tagCountDue(kept) && { tagCountDue: true as const }) };
}

/** Only Docker Hub publishes a tag count; one read a day keeps its cost to one request per repository a day. */
function tagCountDue(view: SeriesView): boolean {
  return view.registry === 'dockerhub' && (!view.tags || dayOf(view.tags.at) < dayOf(view.latest.collectedAt));
}

const NO_TREND: Trend = { current: 0, previous: 0, change: 0, percent: null };

/** JSON with object keys sorted: a view read back from a store and one built here compare equal when they are. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field && typeof field === 'object' && !Array.isArray(field) ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => (a < b ? -1 : 1))) : field,
  );
}

/** The later of two readings (the higher of two at one time). */
function later(current: Baseline | undefined, reading: Baseline): Baseline {
  if (!current || reading.at > current.at || (reading.at === current.at && reading.count > current.count)) return reading;
  return current;
}

/** The lifetime total a view shows; Quay publishes daily counts of all repository actions and no total at all. */
export function lifetimeTotal(view: SeriesView): number | null {
  return view.measure === 'daily_actions' ? null : view.latest.pullCount;
}

/** The view's observations as samples: the baseline, then one per kept day. */
export function viewSamples(view: SeriesView): Sample[] {
  const series = { registry: view.registry, repo: view.repo, ...(view.measure && { measure: view.measure }) };
  const samples: Sample[] = [];
  if (view.before) samples.push({ ...series, collectedAt: view.before.at, pullCount: view.before.count });
  for (const [count, at] of Object.values(view.days)) samples.push({ ...series, collectedAt: at, pullCount: count });
  return samples;
}

/** Daily deltas over the days (ascending, within the kept window plus its baseline), by the rules of `dailyDeltas`. */
export function viewDeltas(view: SeriesView, days: readonly string[]): DeltaPoint[] {
  return dailyDeltas(viewSamples(view), days, view.first);
}

/** Cumulative count at the end of each day, carried forward; Quay's is the running sum of actions since tracking began. */
export function viewCumulative(view: SeriesView, days: readonly string[]): (number | null)[] {
  return dailyCumulative(viewSamples(view), days).map((point) => point.count);
}

/**
 * The figures as of `today` (UTC): the stored ones when they are for that day, otherwise computed again from the
 * kept days, so windows roll forward at midnight even when no collection has run since.
 */
export function figuresOn(view: SeriesView, today: string): Figures {
  if (view.figures.day === today) return view.figures;
  const days = daysBetween(addDays(today, 1 - FIGURE_DAYS), today);
  const deltas = viewDeltas(view, days);
  const windows = windowTotals(deltas, today);
  const yesterday = addDays(today, -1);
  return {
    day: today,
    ...windows,
    pulls_yesterday: deltas.find((point) => point.day === yesterday)?.delta ?? null,
    previous_7d: sumWindow(deltas, addDays(today, -13), addDays(today, -7)),
    previous_30d: sumWindow(deltas, addDays(today, -59), addDays(today, -30)),
    week: trend(deltas, today, 7),
    month: trend(deltas, today, 30),
  };
}
