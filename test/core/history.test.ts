import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayOf, daysBetween, monthsBetween } from '../../lambdas/core/days.ts';
import {
  dailyCumulative,
  dailyDeltas,
  intervalCumulative,
  intervalDeltas,
  sortByMovement,
  trend,
  windowTotals,
  type DeltaPoint,
} from '../../lambdas/core/history.ts';
import type { Sample } from '../../lambdas/core/samples.ts';

/** A Docker Hub lifetime-counter sample; a bare day means noon of that day. */
const pulls = (at: string, pullCount: number): Sample => ({
  registry: 'dockerhub',
  repo: 'library/nginx',
  collectedAt: at.length === 10 ? `${at}T12:00:00.000Z` : at,
  pullCount,
});
const counter = (byDay: Record<string, number>): Sample[] => Object.entries(byDay).map(([day, count]) => pulls(day, count));
/** A Quay sample: the repository actions of one UTC day. */
const actions = (day: string, pullCount: number): Sample => ({
  registry: 'quay',
  repo: 'ns/app',
  collectedAt: `${day}T00:00:00.000Z`,
  pullCount,
  measure: 'daily_actions',
});
const deltasOf = (points: DeltaPoint[]) => points.map((p) => p.delta);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** One delta per day from `from`, with the given values. */
const deltaRun = (from: string, values: number[]): DeltaPoint[] => values.map((delta, i) => ({ day: addDays(from, i), delta }));

describe('day helpers', () => {
  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-11-23', 0)).toBe('2026-11-23');
    expect(addDays('2026-11-23', -365)).toBe('2025-11-23');
  });

  it('takes the UTC day of an instant, whatever zone it is written in', () => {
    expect(dayOf('2026-11-23T23:59:59.999Z')).toBe('2026-11-23');
    expect(dayOf('2026-11-24T00:00:00.000Z')).toBe('2026-11-24');
    expect(dayOf('2026-11-23T23:30:00-02:00')).toBe('2026-11-24');
    expect(dayOf('2026-11-24T01:00:00+02:00')).toBe('2026-11-23');
    expect(dayOf('2026-11-23')).toBe('2026-11-23');
  });

  it('lists a range of days with both ends included', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(daysBetween('2026-11-23', '2026-11-23')).toEqual(['2026-11-23']);
    expect(daysBetween('2026-11-24', '2026-11-23')).toEqual([]);
  });

  it.each(['2026-02-30', '2026-2-5', '26-11-23', '', '2026-11-23T00:00:00Z'])('rejects %j as a day, naming it', (day) => {
    expect(() => addDays(day, 1)).toThrow(RangeError);
    expect(() => daysBetween(day, '2026-12-01')).toThrow(JSON.stringify(day));
  });

  it.each(['Nov 23 2026', '2026-11-23T10:00:00', '2026-02-30T10:00:00Z', '2026-11-23T24:00:00Z', 'yesterday'])(
    'rejects %j as an instant rather than guess its zone or roll it over',
    (iso) => {
      expect(() => dayOf(iso)).toThrow(iso);
    },
  );

  it('rejects a fractional day count and days past year 9999', () => {
    expect(() => addDays('2026-11-23', 0.5)).toThrow('0.5');
    expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
  });

  it('adds and subtracts days symmetrically, and a range holds one entry per day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: -400, max: 400 }), (offset, n) => {
        const day = addDays('1990-01-01', offset);
        expect(addDays(addDays(day, n), -n)).toBe(day);
        const range = daysBetween(day, addDays(day, Math.abs(n)));
        expect(range).toHaveLength(Math.abs(n) + 1);
        expect(range.every((d, i) => i === 0 || addDays(range[i - 1]!, 1) === d)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('dailyCumulative', () => {
  const week = daysBetween('2026-11-01', '2026-11-07');

  it('carries the last known count forward over days without a sample', () => {
    const samples = counter({ '2026-11-02': 100, '2026-11-03': 110, '2026-11-06': 150 });
    expect(dailyCumulative(samples, week).map((p) => p.count)).toEqual([null, 100, 110, 110, 110, 150, 150]);
  });

  it('is null before the first sample and for a repository without samples', () => {
    expect(dailyCumulative(counter({ '2026-11-05': 7 }), week).map((p) => p.count)).toEqual([null, null, null, null, 7, 7, 7]);
    expect(dailyCumulative([], week)).toEqual(week.map((day) => ({ day, count: null })));
  });

  it('starts the carry-forward from a sample before the range', () => {
    const samples = counter({ '2026-10-20': 90, '2026-11-03': 120 });
    expect(dailyCumulative(samples, week).map((p) => p.count)).toEqual([90, 90, 120, 120, 120, 120, 120]);
  });

  it('keeps the last sample of a day, in whatever order the samples come', () => {
    const samples = [pulls('2026-11-02T23:00:00Z', 130), pulls('2026-11-02T01:00:00Z', 100), pulls('2026-11-02T12:00:00Z', 120)];
    expect(dailyCumulative(samples, ['2026-11-02'])).toEqual([{ day: '2026-11-02', count: 130 }]);
  });

  it('shows a counter reset as the registry reports it', () => {
    const samples = counter({ '2026-11-01': 500, '2026-11-02': 3, '2026-11-03': 9 });
    expect(dailyCumulative(samples, week.slice(0, 4)).map((p) => p.count)).toEqual([500, 3, 9, 9]);
  });

  it('counts Quay daily actions as a running sum since the first sample passed in', () => {
    const samples = [actions('2026-10-30', 4), actions('2026-11-02', 5), actions('2026-11-03', 0), actions('2026-11-05', 2)];
    expect(dailyCumulative(samples, week).map((p) => p.count)).toEqual([4, 9, 9, 9, 11, 11, 11]);
    expect(dailyCumulative(samples.slice(1), week).map((p) => p.count)).toEqual([null, 5, 5, 5, 7, 7, 7]);
  });

  it('rejects days out of order, and samples of another repository or measure, naming them', () => {
    expect(() => dailyCumulative([], ['2026-11-02', '2026-11-01'])).toThrow('2026-11-01 follows 2026-11-02');
    expect(() => dailyCumulative([], ['2026-11-02', '2026-11-02'])).toThrow(RangeError);
    expect(() => dailyCumulative([pulls('2026-11-01', 1), { ...pulls('2026-11-02', 2), repo: 'library/redis' }], week)).toThrow(
      'dockerhub:library/redis',
    );
    expect(() => dailyCumulative([pulls('2026-11-01', 1), { ...pulls('2026-11-02', 2), measure: 'daily_actions' }], week)).toThrow(
      'mixes daily action counts',
    );
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53 + 2])('rejects a count of %d, naming the sample', (count) => {
    expect(() => dailyCumulative([pulls('2026-11-02', count)], week)).toThrow('2026-11-02T12:00:00.000Z');
  });
});

describe('intervalCumulative', () => {
  const hours = ['2026-11-23T08:00:00.000Z', '2026-11-23T09:00:00.000Z', '2026-11-23T10:00:00.000Z', '2026-11-23T11:00:00.000Z'];

  it('carries hourly counts forward, null before the first, the last sample of an hour winning', () => {
    const samples = [pulls('2026-11-23T09:10:00Z', 10), pulls('2026-11-23T09:50:00Z', 12), pulls('2026-11-23T11:05:00Z', 20)];
    expect(intervalCumulative(samples, hours)).toEqual([
      { start: hours[0], count: null },
      { start: hours[1], count: 12 },
      { start: hours[2], count: 12 },
      { start: hours[3], count: 20 },
    ]);
  });

  it('takes buckets of another length that divides a day', () => {
    const samples = [pulls('2026-11-23T08:20:00Z', 1), pulls('2026-11-23T08:40:00Z', 2)];
    const quarters = ['2026-11-23T08:15:00Z', '2026-11-23T08:30:00Z', '2026-11-23T08:45:00Z'];
    expect(intervalCumulative(samples, quarters, 15 * 60_000).map((p) => p.count)).toEqual([1, 2, 2]);
  });

  it('rejects starts off the hour, out of order, and Quay daily counts', () => {
    expect(() => intervalCumulative([], ['2026-11-23T08:30:00Z'])).toThrow('2026-11-23T08:30:00Z');
    expect(() => intervalCumulative([], [hours[1]!, hours[0]!])).toThrow('follows');
    expect(() => intervalCumulative([actions('2026-11-23', 3)], hours)).toThrow('quay:ns/app');
    expect(() => intervalCumulative([], hours, 7 * 60_000)).toThrow('does not divide a day');
  });
});

describe('dailyDeltas', () => {
  const week = daysBetween('2026-11-01', '2026-11-07');

  it('marks the first tracked day as first seen with 0 and leaves out the days before it', () => {
    const samples = counter({ '2026-11-03': 1_000, '2026-11-04': 1_040 });
    expect(dailyDeltas(samples, week)).toEqual([
      { day: '2026-11-03', delta: 0, firstSeen: true },
      { day: '2026-11-04', delta: 40 },
      { day: '2026-11-05', delta: 0 },
      { day: '2026-11-06', delta: 0 },
      { day: '2026-11-07', delta: 0 },
    ]);
  });

  it('gives the first day of the range a normal delta when a sample precedes the range', () => {
    const samples = counter({ '2026-10-31': 900, '2026-11-01': 1_000, '2026-11-02': 1_025 });
    expect(dailyDeltas(samples, week).slice(0, 2)).toEqual([
      { day: '2026-11-01', delta: 100 },
      { day: '2026-11-02', delta: 25 },
    ]);
  });

  it('returns nothing for a repository without samples, or first sampled after the range', () => {
    expect(dailyDeltas([], week)).toEqual([]);
    expect(dailyDeltas(counter({ '2026-11-09': 5 }), week)).toEqual([]);
  });

  it('clamps a counter reset to zero and counts on from the reset value', () => {
    const samples = counter({ '2026-11-01': 500, '2026-11-02': 520, '2026-11-03': 4, '2026-11-04': 10, '2026-11-05': 30 });
    expect(deltasOf(dailyDeltas(samples, week))).toEqual([0, 20, 0, 6, 20, 0, 0]);
  });

  it('spreads a one-day gap evenly over the missing day and the day of the next sample', () => {
    const samples = counter({ '2026-11-01': 100, '2026-11-03': 140 });
    expect(deltasOf(dailyDeltas(samples, week.slice(0, 3)))).toEqual([0, 20, 20]);
  });

  it('spreads a two-day gap whose difference does not divide by 3, the remainder on the latest days', () => {
    const samples = counter({ '2026-11-01': 100, '2026-11-04': 110 });
    expect(deltasOf(dailyDeltas(samples, week.slice(0, 4)))).toEqual([0, 3, 3, 4]);
  });

  it('spreads a three-day gap whose difference does not divide by 4 or 3, summing exactly to it', () => {
    const samples = counter({ '2026-11-01': 100, '2026-11-05': 111 });
    expect(deltasOf(dailyDeltas(samples, week.slice(0, 5)))).toEqual([0, 2, 3, 3, 3]);
    const fewer = counter({ '2026-11-01': 100, '2026-11-05': 102 });
    expect(deltasOf(dailyDeltas(fewer, week.slice(0, 5)))).toEqual([0, 0, 0, 1, 1]);
  });

  it('does not spread a drop across a gap: the whole gap is 0', () => {
    const samples = counter({ '2026-11-01': 100, '2026-11-04': 40, '2026-11-05': 43 });
    expect(deltasOf(dailyDeltas(samples, week.slice(0, 5)))).toEqual([0, 0, 0, 0, 3]);
  });

  it('gives the range only its share of a gap that straddles its start', () => {
    const samples = counter({ '2026-10-29': 0, '2026-11-02': 40 });
    expect(dailyDeltas(samples, week.slice(0, 3))).toEqual([
      { day: '2026-11-01', delta: 10 },
      { day: '2026-11-02', delta: 10 },
      { day: '2026-11-03', delta: 0 },
    ]);
  });

  it('invents no increase after the last sample, and spreads a later sample back over those days', () => {
    const today = '2026-11-07';
    const sofar = counter({ '2026-11-04': 100, '2026-11-05': 130 });
    expect(deltasOf(dailyDeltas(sofar, daysBetween('2026-11-04', today)))).toEqual([0, 30, 0, 0]);
    const later = [...sofar, pulls('2026-11-07T06:00:00Z', 160)];
    expect(deltasOf(dailyDeltas(later, daysBetween('2026-11-04', today)))).toEqual([0, 30, 15, 15]);
  });

  it('uses a sample after the range to spread into its last days, so a past week matches what later views show', () => {
    const samples = counter({ '2026-11-05': 0, '2026-11-09': 40 });
    expect(deltasOf(dailyDeltas(samples, week))).toEqual([0, 10, 10]);
  });

  it('stays exact for counts near 2^53', () => {
    const parts = deltasOf(dailyDeltas(counter({ '2026-11-01': 0, '2026-11-04': 2 ** 53 }), week.slice(0, 4)));
    expect(parts).toEqual([0, 3002399751580330, 3002399751580331, 3002399751580331]);
    expect(parts.reduce((a, b) => a + BigInt(b), 0n)).toBe(2n ** 53n);
    const top = deltasOf(dailyDeltas(counter({ '2026-11-01': 2 ** 53 - 7, '2026-11-03': 2 ** 53 }), week.slice(0, 3)));
    expect(top).toEqual([0, 3, 4]);
  });

  it('takes a Quay day count as the delta, 0 on days without one, never spread and never first seen', () => {
    const samples = [actions('2026-11-02', 5), actions('2026-11-03', 0), actions('2026-11-05', 9)];
    expect(dailyDeltas(samples, week)).toEqual([
      { day: '2026-11-02', delta: 5 },
      { day: '2026-11-03', delta: 0 },
      { day: '2026-11-04', delta: 0 },
      { day: '2026-11-05', delta: 9 },
      { day: '2026-11-06', delta: 0 },
      { day: '2026-11-07', delta: 0 },
    ]);
    expect(deltasOf(dailyDeltas([actions('2026-10-01', 3), ...samples], week.slice(0, 2)))).toEqual([0, 5]);
  });
});

describe('dailyDeltas properties', () => {
  const START = '2026-01-01';
  const TIMELINE = 60;
  const anyCount = fc.oneof(fc.nat(1_000), fc.maxSafeNat(), fc.constant(2 ** 53));
  /** Samples on distinct days of a 60-day timeline, any counts (resets and restatements included). */
  const anySamples = fc
    .uniqueArray(fc.record({ offset: fc.nat(TIMELINE - 1), count: anyCount }), { selector: (s) => s.offset, maxLength: 25 })
    .map((entries) => entries.sort((a, b) => a.offset - b.offset).map(({ offset, count }) => pulls(addDays(START, offset), count)));
  /** A range somewhere on the timeline, possibly before or after every sample. */
  const anyRange = fc.record({ from: fc.nat(TIMELINE - 1), length: fc.nat(TIMELINE) }).map(({ from, length }) => daysBetween(addDays(START, from), addDays(START, from + length)));
  /** Offsets and counts of a counter that never goes down, near 2^53 at times. */
  const growing = (maxOffset: number) =>
    fc
      .record({
        start: fc.oneof(fc.nat(1_000), fc.constant(2 ** 53 - 10_000_000)),
        steps: fc.uniqueArray(fc.record({ offset: fc.nat(maxOffset), increase: fc.nat(100_000) }), { selector: (s) => s.offset, maxLength: 25 }),
      })
      .map(({ start, steps }) => {
        let count = start;
        return steps.sort((a, b) => a.offset - b.offset).map(({ offset, increase }) => ({ offset, count: (count += increase) }));
      });

  it('never reports a negative delta', () => {
    fc.assert(
      fc.property(anySamples, anyRange, (samples, days) => {
        for (const point of dailyDeltas(samples, days)) {
          expect(point.delta).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(point.delta)).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('covers a contiguous ascending suffix of the requested days: every day from the first sample on', () => {
    fc.assert(
      fc.property(anySamples, anyRange, (samples, days) => {
        const out = dailyDeltas(samples, days).map((p) => p.day);
        expect(out).toEqual(days.slice(days.length - out.length));
        const firstSampled = samples[0] ? dayOf(samples[0].collectedAt) : undefined;
        expect(out).toEqual(firstSampled === undefined ? [] : days.filter((d) => d >= firstSampled));
      }),
      { numRuns: 2_000 },
    );
  });

  it('sums a growing counter exactly to the last count less the baseline: the sample the day before the range, or the first', () => {
    const range = daysBetween(START, addDays(START, 39));
    fc.assert(
      fc.property(growing(39), fc.boolean(), (steps, withBaselineBefore) => {
        const samples = steps.map(({ offset, count }) => pulls(addDays(START, offset), count));
        if (withBaselineBefore) samples.unshift(pulls(addDays(START, -1), steps[0] ? steps[0].count - (steps[0].count % 1_000) : 0));
        const total = sum(deltasOf(dailyDeltas(samples, range)));
        const baseline = samples[0]?.pullCount ?? 0;
        const last = samples.at(-1)?.pullCount ?? 0;
        expect(total).toBe(last - baseline);
      }),
      { numRuns: 2_000 },
    );
  });

  it('sums a growing counter from its first day to each sample day to that sample count less the first', () => {
    const range = daysBetween(START, addDays(START, TIMELINE - 1));
    fc.assert(
      fc.property(growing(TIMELINE - 1), (steps) => {
        const samples = steps.map(({ offset, count }) => pulls(addDays(START, offset), count));
        const sampled = new Set(samples.map((s) => dayOf(s.collectedAt)));
        const cumulative = new Map(dailyCumulative(samples, range).map((p) => [p.day, p.count]));
        let running = 0;
        for (const { day, delta } of dailyDeltas(samples, range)) {
          running += delta;
          if (sampled.has(day)) expect(running).toBe(cumulative.get(day)! - samples[0]!.pullCount);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('adds up over any split of the range: each day gets the same delta whichever range it is asked in', () => {
    fc.assert(
      fc.property(anySamples, anyRange, fc.nat(), (samples, days, cut) => {
        const split = cut % (days.length + 1);
        const whole = dailyDeltas(samples, days);
        const parts = [...dailyDeltas(samples, days.slice(0, split)), ...dailyDeltas(samples, days.slice(split))];
        expect(parts).toEqual(whole);
        expect(sum(deltasOf(parts))).toBe(sum(deltasOf(whole)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes Quay deltas as the day counts, matching the growth of the running sum', () => {
    const daily = fc
      .uniqueArray(fc.record({ offset: fc.nat(TIMELINE - 1), count: fc.nat(10_000) }), { selector: (s) => s.offset, maxLength: 25 })
      .map((entries) => entries.sort((a, b) => a.offset - b.offset).map(({ offset, count }) => actions(addDays(START, offset), count)));
    fc.assert(
      fc.property(daily, anyRange, (samples, days) => {
        const deltas = dailyDeltas(samples, days);
        const countOn = new Map(samples.map((s) => [dayOf(s.collectedAt), s.pullCount]));
        for (const { day, delta, firstSeen } of deltas) {
          expect(delta).toBe(countOn.get(day) ?? 0);
          expect(firstSeen).toBeUndefined();
        }
        const cumulative = dailyCumulative(samples, [addDays(days[0]!, -1), ...days]).map((p) => p.count ?? 0);
        expect(sum(deltasOf(deltas))).toBe(cumulative.at(-1)! - cumulative[0]!);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('windowTotals', () => {
  it('sums the last 1, 7 and 30 days ending today, today included', () => {
    const deltas = deltaRun('2026-10-01', Array.from({ length: 40 }, (_, i) => i + 1)); // Oct 1 = 1 … Nov 9 = 40
    expect(windowTotals(deltas, '2026-11-09')).toEqual({ pulls_1d: 40, pulls_7d: sum([34, 35, 36, 37, 38, 39, 40]), pulls_30d: sum(Array.from({ length: 30 }, (_, i) => i + 11)) });
  });

  it('reaches back across a month boundary in a short month', () => {
    // 2026-03-02: the 7-day window opens on Feb 24, the 30-day window on Feb 1.
    const deltas = [
      ...deltaRun('2026-01-30', [1_000_000, 100_000]), // Jan 30, Jan 31: outside every window
      { day: '2026-02-01', delta: 10_000 },
      { day: '2026-02-23', delta: 1_000 },
      { day: '2026-02-24', delta: 100 },
      { day: '2026-03-01', delta: 10 },
      { day: '2026-03-02', delta: 1 },
    ];
    expect(windowTotals(deltas, '2026-03-02')).toEqual({ pulls_1d: 1, pulls_7d: 111, pulls_30d: 11_111 });
  });

  it('reaches back across a year boundary', () => {
    const deltas = deltaRun('2026-12-01', Array.from({ length: 33 }, () => 1)); // Dec 1 … Jan 2
    expect(windowTotals(deltas, '2027-01-02')).toEqual({ pulls_1d: 1, pulls_7d: 7, pulls_30d: 30 });
  });

  it('is null without data, and per window when no tracked day falls in it', () => {
    expect(windowTotals([], '2026-11-09')).toEqual({ pulls_1d: null, pulls_7d: null, pulls_30d: null });
    expect(windowTotals(deltaRun('2026-11-01', [5, 6]), '2026-11-09')).toEqual({ pulls_1d: null, pulls_7d: null, pulls_30d: 11 });
  });

  it('counts a repository first seen today as 0 today, not unknown', () => {
    expect(windowTotals([{ day: '2026-11-09', delta: 0, firstSeen: true }], '2026-11-09')).toEqual({ pulls_1d: 0, pulls_7d: 0, pulls_30d: 0 });
  });

  it('ignores days after today', () => {
    expect(windowTotals(deltaRun('2026-11-08', [1, 2, 4]), '2026-11-09')).toEqual({ pulls_1d: 2, pulls_7d: 3, pulls_30d: 3 });
  });
});

describe('trend', () => {
  /** 14 days: the previous week then the current one. */
  const fortnight = (previous: number[], current: number[]) => deltaRun('2026-11-01', [...previous, ...current]);

  it('compares the last window with the one before it', () => {
    const deltas = fortnight([10, 10, 10, 10, 10, 10, 10], [20, 20, 20, 20, 20, 20, 20]);
    expect(trend(deltas, '2026-11-14', 7)).toEqual({ current: 140, previous: 70, change: 70, percent: 100 });
    expect(trend(deltas, '2026-11-14', 1)).toEqual({ current: 20, previous: 20, change: 0, percent: 0 });
    expect(trend(deltas, '2026-11-08', 7)).toEqual({ current: 80, previous: 10, change: 70, percent: null });
  });

  it('rounds the percent half away from zero, up and down', () => {
    expect(trend(fortnight([8, 0, 0, 0, 0, 0, 0], [9, 0, 0, 0, 0, 0, 0]), '2026-11-14', 7).percent).toBe(13);
    expect(trend(fortnight([8, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0]), '2026-11-14', 7)).toEqual({ current: 1, previous: 8, change: -7, percent: -88 });
    expect(trend(fortnight([3, 0, 0, 0, 0, 0, 0], [4, 0, 0, 0, 0, 0, 0]), '2026-11-14', 7).percent).toBe(33);
  });

  it('has no percent when the previous window had no pulls, rather than Infinity', () => {
    expect(trend(fortnight([0, 0, 0, 0, 0, 0, 0], [5, 0, 0, 0, 0, 0, 0]), '2026-11-14', 7)).toEqual({ current: 5, previous: 0, change: 5, percent: null });
    expect(trend(fortnight([0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]), '2026-11-14', 7).percent).toBeNull();
  });

  it('has no percent when the repository was first seen inside the previous window', () => {
    const deltas: DeltaPoint[] = [{ day: '2026-11-06', delta: 0, firstSeen: true }, ...deltaRun('2026-11-07', [10, 10, 10, 10, 10, 10, 10, 10])];
    expect(trend(deltas, '2026-11-14', 7)).toEqual({ current: 70, previous: 10, change: 60, percent: null });
  });

  it('keeps the percent exact where change × 100 passes 2^53', () => {
    // 562949953421307 × 100 / 7 = 8042142191732957.14…; floating-point division says …958.
    const result = trend(fortnight([1, 1, 1, 1, 1, 1, 1], [562949953421314, 0, 0, 0, 0, 0, 0]), '2026-11-14', 7);
    expect(result).toEqual({ current: 562949953421314, previous: 7, change: 562949953421307, percent: 8042142191732957 });
  });

  it.each([0, -7, 1.5])('rejects a window of %d days', (windowDays) => {
    expect(() => trend([], '2026-11-14', windowDays)).toThrow(String(windowDays));
  });

  it('keeps change = current − previous and a whole, finite percent or none', () => {
    const deltas = fc.array(fc.nat(1_000_000), { maxLength: 40 }).map((values) => deltaRun('2026-10-10', values));
    fc.assert(
      fc.property(deltas, fc.integer({ min: 1, max: 20 }), fc.nat(45), (points, windowDays, offset) => {
        const result = trend(points, addDays('2026-10-10', offset), windowDays);
        expect(result.change).toBe(result.current - result.previous);
        if (result.percent !== null) expect(Number.isSafeInteger(result.percent)).toBe(true);
        if (result.previous === 0) expect(result.percent).toBeNull();
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('sortByMovement', () => {
  it('orders by absolute change, largest first, then by name, without touching the input', () => {
    const rows = [
      { name: 'b', change: 5 },
      { name: 'c', change: -40 },
      { name: 'a', change: 5 },
      { name: 'd', change: 0 },
      { name: 'e', change: 41 },
    ];
    const before = structuredClone(rows);
    expect(sortByMovement(rows).map((r) => r.name)).toEqual(['e', 'c', 'a', 'b', 'd']);
    expect(rows).toEqual(before);
  });
});

describe('the first tracked day', () => {
  const days = ['2026-11-22', '2026-11-23', '2026-11-24'];

  it('counts the rise since the first reading, not 0, and marks it first seen', () => {
    const samples = [pulls('2026-11-23T09:00:00.000Z', 1_000), pulls('2026-11-23T10:00:00.000Z', 1_030)];
    expect(dailyDeltas(samples, days)).toEqual([
      { day: '2026-11-23', delta: 30, firstSeen: true },
      { day: '2026-11-24', delta: 0 },
    ]);
  });

  it('takes the first reading from `origin` when the samples hold only day closings', () => {
    const closings = [pulls('2026-11-23T23:00:00.000Z', 1_050), pulls('2026-11-24T10:00:00.000Z', 1_070)];
    const origin = { at: '2026-11-23T09:00:00.000Z', count: 1_000 };
    expect(dailyDeltas(closings, days, origin).map((point) => point.delta)).toEqual([50, 20]);
    // An origin on another day than the first sample's is no baseline for it.
    expect(dailyDeltas(closings, days, { at: '2026-11-20T09:00:00.000Z', count: 1 }).map((point) => point.delta)).toEqual([0, 20]);
  });

  it('clamps a first day whose counter went down since the first reading to 0', () => {
    expect(dailyDeltas([pulls('2026-11-23T09:00:00.000Z', 1_000), pulls('2026-11-23T10:00:00.000Z', 10)], days)[0]).toEqual({ day: '2026-11-23', delta: 0, firstSeen: true });
  });

  it('gives today so far from the first hour of tracking', () => {
    const samples = [pulls('2026-11-24T09:00:00.000Z', 500), pulls('2026-11-24T10:00:00.000Z', 530)];
    expect(windowTotals(dailyDeltas(samples, days), '2026-11-24')).toEqual({ pulls_1d: 30, pulls_7d: 30, pulls_30d: 30 });
  });
});

describe('intervalDeltas', () => {
  const hours = ['2026-11-24T08:00:00.000Z', '2026-11-24T09:00:00.000Z', '2026-11-24T10:00:00.000Z', '2026-11-24T11:00:00.000Z'];

  it('gives each hour its rise, the first from the first reading, null before tracking, a drop as 0', () => {
    const samples = [pulls('2026-11-24T09:10:00.000Z', 100), pulls('2026-11-24T09:50:00.000Z', 110), pulls('2026-11-24T10:30:00.000Z', 140), pulls('2026-11-24T11:30:00.000Z', 5)];
    const points = intervalCumulative(samples, hours);
    expect(intervalDeltas(points, { at: '2026-11-24T09:10:00.000Z', count: 100 })).toEqual([null, 10, 30, 0]);
    // Without a first reading in the range, its first hour has no baseline.
    expect(intervalDeltas(points.slice(2))).toEqual([0, 0]);
  });
});

describe('monthsBetween', () => {
  it('lists the months a range overlaps, across a year boundary', () => {
    expect(monthsBetween('2026-11-30', '2027-02-01')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });

  it('ends at year 9999 instead of looping past it', () => {
    expect(monthsBetween('9999-11-20', '9999-12-31')).toEqual(['9999-11', '9999-12']);
  });
});
