// Turns one repository's stored samples into history: cumulative counts, daily deltas, window totals and trends.
import { addDays, DAY_MS, dayNumber, HOUR_MS, instantMs } from './days.ts';
import { seriesKey, type Sample } from './samples.ts';

/** Counts stay exact up to here: a JS number holds every integer up to 2^53. */
const MAX_COUNT = 2 ** 53;

/** Cumulative count at the end of a UTC day; `null` before the repository was first sampled. */
export interface CumulativePoint {
  day: string;
  count: number | null;
}

/** Cumulative count at the end of a bucket that starts at `start` (ISO-8601, as requested). */
export interface IntervalPoint {
  start: string;
  count: number | null;
}

/** A repository's first reading: when its tracking began and the count it started from. */
export interface Reading {
  at: string;
  count: number;
}

/** Pulls attributed to one UTC day. `firstSeen` marks the first tracked day, whose delta is the rise since the first reading. */
export interface DeltaPoint {
  day: string;
  delta: number;
  firstSeen?: true;
}

/** Pulls over the windows ending today; `pulls_1d` is the current UTC day so far. `null`: no tracked day in the window. */
export interface WindowTotals {
  pulls_1d: number | null;
  pulls_7d: number | null;
  pulls_30d: number | null;
}

/** One window against the window before it. `percent` is whole percent, `null` when there is nothing fair to divide by. */
export interface Trend {
  current: number;
  previous: number;
  change: number;
  percent: number | null;
}

/** The same day list is asked for once per repository: validate and convert it once. */
const dayNumbersOf = new WeakMap<readonly string[], number[]>();

/** Day numbers of a strictly ascending list of days; throws naming the day that breaks the order. */
function ascendingDayNumbers(days: readonly string[]): number[] {
  const known = dayNumbersOf.get(days);
  if (known) return known;
  const numbers = days.map(dayNumber);
  numbers.forEach((n, i) => {
    if (i > 0 && n <= numbers[i - 1]!) throw new RangeError(`days must be ascending without repeats: ${days[i]} follows ${days[i - 1]}`);
  });
  dayNumbersOf.set(days, numbers);
  return numbers;
}

// ---------------------------------------------------------------------------------------------------------------
// Samples to observations

/** One repository's samples reduced to the last count of each bucket, buckets ascending. */
interface Observations {
  dailyActions: boolean;
  buckets: number[];
  counts: number[];
  /** The count of the earliest sample: the baseline of the first bucket. */
  firstCount: number;
}

/**
 * Validates that the samples are one repository's, of one measure, with whole counts in [0, 2^53], then keeps the
 * last sample of each bucket. Sorts by time itself, so the store's order is not load-bearing.
 */
function observe(samples: readonly Sample[], bucketOf: (ms: number) => number): Observations {
  const first = samples[0];
  const dailyActions = first?.measure === 'daily_actions';
  const timed = samples.map((sample) => {
    if (seriesKey(sample) !== seriesKey(first!)) {
      throw new RangeError(`samples of ${seriesKey(sample)} mixed into the history of ${seriesKey(first!)}`);
    }
    if ((sample.measure === 'daily_actions') !== dailyActions) {
      throw new RangeError(`${seriesKey(sample)} mixes daily action counts and lifetime counters (at ${sample.collectedAt})`);
    }
    const { pullCount } = sample;
    if (!Number.isInteger(pullCount) || pullCount < 0 || pullCount > MAX_COUNT) {
      throw new RangeError(`${seriesKey(sample)} at ${sample.collectedAt}: count ${pullCount} is not a whole number in [0, 2^53]`);
    }
    return { ms: instantMs(sample.collectedAt), pullCount };
  });
  timed.sort((a, b) => a.ms - b.ms);

  const buckets: number[] = [];
  const counts: number[] = [];
  for (const { ms, pullCount } of timed) {
    const bucket = bucketOf(ms);
    if (buckets.at(-1) === bucket) counts[counts.length - 1] = pullCount;
    else {
      buckets.push(bucket);
      counts.push(pullCount);
    }
  }
  return { dailyActions, buckets, counts, firstCount: timed[0]?.pullCount ?? 0 };
}

/** Count at the end of each requested bucket: the last observation at or before it, or the running sum of daily actions. */
function carryForward({ dailyActions, buckets, counts }: Observations, requested: readonly number[]): (number | null)[] {
  let known: number | null = null;
  let next = 0;
  return requested.map((bucket) => {
    for (; next < buckets.length && buckets[next]! <= bucket; next++) {
      known = dailyActions ? (known ?? 0) + counts[next]! : counts[next]!;
    }
    return known;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Cumulative series

/**
 * The count at the end of each requested day (ascending days). A day without a sample carries the last known count
 * forward, so a failed collection never looks like a dip; days before the first sample are `null`. Pass the latest
 * sample before `days[0]` along (samples may start before the range) so the carry-forward starts right.
 * For Quay (`daily_actions`) the count is the running sum of the daily counts passed in: actions since tracking
 * began when every sample since then is passed, never the lifetime total, and of all repository actions, not pulls.
 */
export function dailyCumulative(samples: readonly Sample[], days: readonly string[]): CumulativePoint[] {
  const counts = carryForward(observe(samples, dayBucket), ascendingDayNumbers(days));
  return days.map((day, i) => ({ day, count: counts[i]! }));
}

/**
 * Like `dailyCumulative` for sub-day buckets: `bucketStarts` are ascending ISO-8601 starts aligned to `bucketMs`
 * since the epoch (whole UTC hours by default). Lifetime counters only: a daily action count has no place in an hour.
 */
export function intervalCumulative(samples: readonly Sample[], bucketStarts: readonly string[], bucketMs = HOUR_MS): IntervalPoint[] {
  if (!Number.isSafeInteger(bucketMs) || bucketMs <= 0 || DAY_MS % bucketMs !== 0) {
    throw new RangeError(`bucket length ${bucketMs} ms does not divide a day`);
  }
  const observations = observe(samples, (ms) => Math.floor(ms / bucketMs));
  if (observations.dailyActions) {
    throw new RangeError(`${seriesKey(samples[0]!)} counts daily actions, which have no sub-day history`);
  }
  const requested = bucketStarts.map((start, i) => {
    const ms = instantMs(start);
    if (ms % bucketMs !== 0) throw new RangeError(`bucket start ${start} is not on a ${bucketMs} ms boundary`);
    if (i > 0 && ms <= instantMs(bucketStarts[i - 1]!)) {
      throw new RangeError(`bucket starts must be ascending without repeats: ${start} follows ${bucketStarts[i - 1]}`);
    }
    return ms / bucketMs;
  });
  const counts = carryForward(observations, requested);
  return bucketStarts.map((start, i) => ({ start, count: counts[i]! }));
}

/**
 * Pulls per sub-day bucket from `intervalCumulative`'s points: the rise over the bucket before, a drop counting 0.
 * The first bucket with a count is the rise since `origin` when tracking began inside it, else 0 for want of a
 * baseline; buckets without a count stay `null`.
 */
export function intervalDeltas(points: readonly IntervalPoint[], origin?: Reading, bucketMs = HOUR_MS): (number | null)[] {
  let previous: number | null = null;
  return points.map(({ start, count }) => {
    if (count === null) return null;
    let delta = 0;
    if (previous !== null) delta = Math.max(0, count - previous);
    else if (origin && Math.floor(instantMs(origin.at) / bucketMs) * bucketMs === instantMs(start)) delta = Math.max(0, count - origin.count);
    previous = count;
    return delta;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Deltas

/**
 * Pulls per requested day (ascending days), from the samples of one repository:
 * - the first day with a sample is `firstSeen`: its delta is the rise from the first reading to that day's last one
 *   (tracking began that day, so pulls before the first reading are unknown). Give `origin`, the first reading ever,
 *   when the samples hold only the last reading of each day; otherwise the earliest sample passed is the baseline.
 *   Pass earlier samples along and the range has no first day: its days get normal deltas from them;
 * - days before the first sample are left out (not tracked), not reported as 0;
 * - a drop (counter reset, restatement) counts as 0;
 * - the difference over a gap of k days without a sample is spread over the k+1 days ending at the next sample, in
 *   whole numbers that sum to it exactly; the remainder goes one each to the latest days of the span, those closest
 *   to the sample that saw it. A gap straddling `days[0]` gives the range only its days' share, so a day's delta does
 *   not depend on the range asked for, and samples after the range spread back into it likewise;
 * - days after the last sample (today not collected yet, or failing) are 0 until a later sample spreads over them.
 * For Quay (`daily_actions`) a day's delta is that day's count, 0 on a day without one (Quay zero-fills its stats, and
 * only reports closed days, so today is 0), never spread and never `firstSeen`, as a daily count needs no baseline.
 */
export function dailyDeltas(samples: readonly Sample[], days: readonly string[], origin?: Reading): DeltaPoint[] {
  const { dailyActions, buckets, counts, firstCount } = observe(samples, dayBucket);
  const baseline = origin && buckets.length > 0 && dayBucket(instantMs(origin.at)) === buckets[0] ? origin.count : firstCount;
  const requested = ascendingDayNumbers(days);
  const points: DeltaPoint[] = [];
  let next = 0; // index of the first observation on or after the day
  requested.forEach((n, i) => {
    const day = days[i]!;
    if (buckets.length === 0 || n < buckets[0]!) return;
    while (next < buckets.length && buckets[next]! < n) next++;
    if (dailyActions) points.push({ day, delta: buckets[next] === n ? counts[next]! : 0 });
    else if (n === buckets[0]) points.push({ day, delta: Math.max(0, counts[0]! - baseline), firstSeen: true });
    else if (next === buckets.length) points.push({ day, delta: 0 });
    else {
      const span = buckets[next]! - buckets[next - 1]!;
      const difference = Math.max(0, counts[next]! - counts[next - 1]!);
      points.push({ day, delta: shareOfSpread(difference, span, n - buckets[next - 1]!) });
    }
  });
  return points;
}

/** Day `position` (1..span)'s whole share of `difference` spread over `span` days, remainder on the last days. */
function shareOfSpread(difference: number, span: number, position: number): number {
  const remainder = difference % span;
  const base = (difference - remainder) / span; // exact: the division has no remainder left
  return position > span - remainder ? base + 1 : base;
}

function dayBucket(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

// ---------------------------------------------------------------------------------------------------------------
// Windows and trends

/**
 * Pulls over the last 1, 7 and 30 days ending at `today`, inclusive: days [today−N+1 .. today]. `pulls_1d` is the
 * current UTC day so far (0 until today's first sample). A window is `null` when none of its days is tracked (no data
 * at all, or deltas that end before it); otherwise it sums the tracked days it holds.
 */
export function windowTotals(deltas: readonly DeltaPoint[], today: string): WindowTotals {
  return {
    pulls_1d: sumWindow(deltas, today, today),
    pulls_7d: sumWindow(deltas, addDays(today, -6), today),
    pulls_30d: sumWindow(deltas, addDays(today, -29), today),
  };
}

/**
 * Pulls over the last `windowDays` days ending at `today` against the `windowDays` days before them. `percent` is
 * the change in whole percent (rounded half away from zero), `null` when the previous window sums to 0 or is not
 * tracked in full (a repository first seen inside it would show a jump from a partial window). Untracked days count 0.
 */
export function trend(deltas: readonly DeltaPoint[], today: string, windowDays: number): Trend {
  if (!Number.isSafeInteger(windowDays) || windowDays < 1) throw new RangeError(`trend window of ${windowDays} days: must be a whole number ≥ 1`);
  const previousEnd = addDays(today, -windowDays);
  const previousStart = addDays(previousEnd, 1 - windowDays);
  const current = sumWindow(deltas, addDays(today, 1 - windowDays), today) ?? 0;
  const previous = sumWindow(deltas, previousStart, previousEnd) ?? 0;
  const change = current - previous;
  const trackedPreviousDays = new Set(deltas.filter((p) => inWindow(p.day, previousStart, previousEnd) && !p.firstSeen).map((p) => p.day));
  const comparable = previous > 0 && trackedPreviousDays.size === windowDays;
  return { current, previous, change, percent: comparable ? wholePercent(change, previous) : null };
}

/** Rows by absolute change, largest first; ties by name. Returns a new array. */
export function sortByMovement<T extends { change: number; name: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => {
    const byMovement = Math.abs(b.change) - Math.abs(a.change);
    if (byMovement !== 0) return byMovement;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

/** Pulls over [from, to] (days, inclusive); `null` when none of its days is tracked. */
export function sumWindow(deltas: readonly DeltaPoint[], from: string, to: string): number | null {
  let sum: number | null = null;
  for (const point of deltas) if (inWindow(point.day, from, to)) sum = (sum ?? 0) + point.delta;
  return sum;
}

/** YYYY-MM-DD days order as strings. */
function inWindow(day: string, from: string, to: string): boolean {
  return from <= day && day <= to;
}

/** `100 × change / previous` rounded half away from zero, exactly (BigInt: `change × 100` may pass 2^53). */
function wholePercent(change: number, previous: number): number {
  const numerator = BigInt(Math.abs(change)) * 100n;
  const denominator = BigInt(previous);
  const rounded = (2n * numerator + denominator) / (2n * denominator);
  return Number(change < 0 ? -rounded : rounded);
}
