// Pins the read model: every figure folded from samples, in any order, batches and redeliveries, equals the figure
// recomputed from the raw history.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayOf, daysBetween } from '../../lambdas/core/days.ts';
import { dailyCumulative, dailyDeltas, sumWindow, trend, windowTotals } from '../../lambdas/core/history.ts';
import { KEPT_DAYS, type SeriesView, figuresOn, foldSamples, viewCumulative, viewDeltas } from '../../lambdas/core/read-model.ts';
import type { Sample } from '../../lambdas/core/samples.ts';

const START = Date.parse('2026-06-01T00:00:00.000Z');
const HOUR = 3_600_000;

const pulls = (at: string, pullCount: number): Sample => ({ registry: 'dockerhub', repo: 'acme/app', collectedAt: at, pullCount });
const actions = (day: string, pullCount: number): Sample => ({ registry: 'quay', repo: 'ns/app', collectedAt: `${day}T00:00:00.000Z`, pullCount, measure: 'daily_actions' });

/** A lifetime counter read at random hours over up to 150 days: rises, stalls, resets, several readings a day, gaps. */
const lifetimeHistory = fc
  .array(fc.record({ hour: fc.integer({ min: 0, max: 150 * 24 }), step: fc.oneof(fc.integer({ min: 0, max: 500 }), fc.constant(-1_000_000)) }), { minLength: 1, maxLength: 60 })
  .map((steps) => {
    const byHour = new Map<number, number>();
    let count = 10_000;
    for (const { hour, step } of [...steps].sort((a, b) => a.hour - b.hour)) {
      count = step < 0 ? 5 : count + step; // a reset starts the counter over
      byHour.set(hour, count);
    }
    return [...byHour].map(([hour, value]) => pulls(new Date(START + hour * HOUR + 17 * 60_000).toISOString(), value));
  });

/** The samples split into batches, shuffled, some delivered twice: how concurrent and redelivered collections land. */
function deliveries(samples: readonly Sample[]) {
  return fc.tuple(fc.shuffledSubarray([...samples], { minLength: samples.length, maxLength: samples.length }), fc.array(fc.nat(samples.length), { maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 })).map(([order, repeats, cuts]) => {
    const stream = [...order, ...repeats.map((i) => samples[i % samples.length]!)];
    const batches: Sample[][] = [];
    let at = 0;
    for (const cut of [...cuts.map((c) => c % (stream.length + 1))].sort((a, b) => a - b)) {
      batches.push(stream.slice(at, Math.max(at, cut)));
      at = Math.max(at, cut);
    }
    batches.push(stream.slice(at));
    return batches.filter((batch) => batch.length > 0);
  });
}

function foldAll(batches: readonly Sample[][]): SeriesView {
  let view: SeriesView | undefined;
  for (const batch of batches) view = foldSamples(view, batch).view;
  return view!;
}

function rawFigures(samples: readonly Sample[], today: string) {
  const days = daysBetween(addDays(today, -59), today);
  const deltas = dailyDeltas(samples, days);
  return {
    ...windowTotals(deltas, today),
    pulls_yesterday: deltas.find((point) => point.day === addDays(today, -1))?.delta ?? null,
    previous_7d: sumWindow(deltas, addDays(today, -13), addDays(today, -7)),
    previous_30d: sumWindow(deltas, addDays(today, -59), addDays(today, -30)),
    week: trend(deltas, today, 7),
    month: trend(deltas, today, 30),
  };
}

describe('read model against the raw history', () => {
  it('folds to the same figures, daily deltas and cumulative counts, whatever the order, batching and redelivery', () => {
    fc.assert(
      fc.property(
        lifetimeHistory.chain((samples) => fc.tuple(fc.constant(samples), deliveries(samples), fc.integer({ min: 0, max: 3 }))),
        ([samples, batches, daysLater]) => {
          const view = foldAll(batches);
          const newest = samples.reduce((a, b) => (a.collectedAt > b.collectedAt ? a : b));
          const today = addDays(dayOf(newest.collectedAt), daysLater);
          const { day: _day, ...figures } = figuresOn(view, today);
          expect(figures).toEqual(rawFigures(samples, today));
          const month = daysBetween(addDays(today, -29), today);
          expect(viewDeltas(view, month)).toEqual(dailyDeltas(samples, month));
          expect(viewCumulative(view, month)).toEqual(dailyCumulative(samples, month).map((point) => point.count));
          expect(view.latest).toEqual(newest);
          expect(view.first.at).toBe(samples.reduce((a, b) => (a.collectedAt < b.collectedAt ? a : b)).collectedAt);
          expect(Object.keys(view.days).length).toBeLessThanOrEqual(KEPT_DAYS);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('changes nothing when a batch is folded again (an SQS redelivery), so nothing is written', () => {
    fc.assert(
      fc.property(lifetimeHistory.chain((samples) => fc.tuple(fc.constant(samples), deliveries(samples))), ([, batches]) => {
        const view = foldAll(batches);
        const again = foldSamples(JSON.parse(JSON.stringify(view)) as SeriesView, batches.at(-1)!);
        expect(again.changed).toBe(false);
        expect(again.view.version).toBe(view.version);
      }),
      { numRuns: 200 },
    );
  });

  it("matches Quay's daily actions over the window, whatever the order, a day's count only growing", () => {
    const quayHistory = fc.uniqueArray(fc.record({ day: fc.integer({ min: 0, max: 55 }), count: fc.nat(1_000) }), { selector: (one) => one.day, minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(quayHistory.chain((days) => {
        const samples = days.map(({ day, count }) => actions(addDays('2026-09-01', day), count));
        return fc.tuple(fc.constant(samples), deliveries(samples));
      }), ([samples, batches]) => {
        const view = foldAll(batches);
        const today = addDays(dayOf(view.latest.collectedAt), 1);
        const { day: _day, ...figures } = figuresOn(view, today);
        expect(figures).toEqual(rawFigures(samples, today));
        const month = daysBetween(addDays(today, -29), today);
        expect(viewCumulative(view, month)).toEqual(dailyCumulative(samples, month).map((point) => point.count));
      }),
      { numRuns: 200 },
    );
  });
});

describe('read model', () => {
  it('shows the rise of the first hour: two readings an hour apart 30 apart are 30 today, first seen', () => {
    const { view } = foldSamples(undefined, [pulls('2026-12-01T09:00:00.000Z', 1_000), pulls('2026-12-01T10:00:00.000Z', 1_030)]);
    expect(figuresOn(view, '2026-12-01')).toMatchObject({ pulls_1d: 30, pulls_7d: 30, pulls_30d: 30, pulls_yesterday: null, previous_7d: null, previous_30d: null });
    expect(viewDeltas(view, ['2026-12-01'])).toEqual([{ day: '2026-12-01', delta: 30, firstSeen: true }]);
    expect(view.first).toEqual({ at: '2026-12-01T09:00:00.000Z', count: 1_000 });
  });

  it('rolls its windows forward to a later day without a new reading', () => {
    const { view } = foldSamples(undefined, [pulls('2026-12-01T09:00:00.000Z', 1_000), pulls('2026-12-01T10:00:00.000Z', 1_030)]);
    expect(figuresOn(view, '2026-12-02')).toMatchObject({ day: '2026-12-02', pulls_1d: 0, pulls_yesterday: 30, pulls_7d: 30 });
    expect(figuresOn(view, '2026-12-31')).toMatchObject({ pulls_7d: 0, pulls_30d: 0 });
  });

  it('keeps 62 days and one baseline before them, so a gap across the window edge still spreads exactly', () => {
    const old = pulls('2026-08-01T12:00:00.000Z', 0);
    const recent = Array.from({ length: 70 }, (_, i) => pulls(`${addDays('2026-09-25', i)}T12:00:00.000Z`, 1_000 + i * 10));
    const { view } = foldSamples(undefined, [old, ...recent]);
    expect(Object.keys(view.days)).toHaveLength(KEPT_DAYS);
    expect(view.before).toEqual({ day: addDays('2026-09-25', 70 - KEPT_DAYS - 1), count: 1_000 + (70 - KEPT_DAYS - 1) * 10, at: `${addDays('2026-09-25', 70 - KEPT_DAYS - 1)}T12:00:00.000Z` });
  });

  it('reports a counter that went down once, as the newest reading replaces a higher one', () => {
    const first = foldSamples(undefined, [pulls('2026-12-01T09:00:00.000Z', 500)]);
    const reset = foldSamples(first.view, [pulls('2026-12-01T10:00:00.000Z', 120)]);
    expect(reset.drop).toEqual({ key: 'dockerhub:acme/app', previous: 500, current: 120 });
    expect(foldSamples(reset.view, [pulls('2026-12-01T11:00:00.000Z', 130)]).drop).toBeUndefined();
    // A late, older reading changes no newest reading, so it is no drop.
    expect(foldSamples(reset.view, [pulls('2026-12-01T08:00:00.000Z', 10)]).drop).toBeUndefined();
  });

  it('refuses samples of another series or another measure, naming them', () => {
    const { view } = foldSamples(undefined, [pulls('2026-12-01T09:00:00.000Z', 500)]);
    expect(() => foldSamples(view, [{ ...pulls('2026-12-01T10:00:00.000Z', 1), repo: 'acme/other' }])).toThrow(/dockerhub:acme\/other folded into the view of dockerhub:acme\/app/);
    expect(() => foldSamples(undefined, [pulls('2026-12-01T10:00:00.000Z', 1), { ...actions('2026-12-01', 1), registry: 'dockerhub', repo: 'acme/app' }])).toThrow(/mixes daily action counts/);
  });
});
