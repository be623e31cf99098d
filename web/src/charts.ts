// The two charts (uPlot on canvas): cumulative pulls as lines and pulls per bucket (day, or hour while tracking is
// young) as stacked bars, one series per charted repository, with a hover tooltip. The x axis is the answer's buckets.
// Colours come from CSS custom properties, so both themes restyle them. uPlot positions its elements through the
// CSSOM (element.style), which `style-src 'self'` allows.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { DAY_MS, HOUR_MS, dayNumber, instantMs } from '../../lambdas/core/days.ts';
import type { Measure } from './api.ts';
import { h } from './dom.ts';
import { formatBucket, formatCompact, formatNumber } from './format.ts';
import { FIRST_CHART_MARK } from './perf.ts';

export interface ChartSeries {
  ref: string;
  label: string;
  measure: Measure;
  /** Aligned with the buckets; null where there is no value. */
  values: (number | null)[];
  /** Index into the palette (`--series-N`, `.c-N`). */
  color: number;
}

export type ChartKind = 'cumulative' | 'daily';

export const PALETTE_SIZE = 10;

/** The x axis: the answer's buckets, days (`YYYY-MM-DD`) or ISO hour starts, oldest first. */
export interface Axis {
  buckets: readonly string[];
  interval: 'day' | 'hour';
}

let firstDrawMarked = false;

export interface Chart {
  /** Draws these series over the axis; no series (or no value) shows `emptyText` instead. */
  show(axis: Axis, series: readonly ChartSeries[], emptyText: string): void;
  /** Re-reads the theme's colours. */
  restyle(): void;
}

export function createChart(host: HTMLElement, kind: ChartKind): Chart {
  let plot: uPlot | undefined;
  let last: { axis: Axis; series: readonly ChartSeries[]; emptyText: string } | undefined;

  const size = () => ({ width: Math.max(200, host.clientWidth), height: host.clientWidth < 500 ? 200 : 260 });
  new ResizeObserver(() => {
    if (!plot) return;
    const next = size();
    if (next.width !== plot.width || next.height !== plot.height) plot.setSize(next);
  }).observe(host);

  function draw(): void {
    plot?.destroy();
    plot = undefined;
    if (!last) return;
    const { axis, series, emptyText } = last;
    if (series.length === 0 || axis.buckets.length === 0 || series.every((one) => one.values.every((value) => value === null))) {
      host.replaceChildren(h('p', { class: 'chart-empty' }, emptyText));
      return;
    }
    host.replaceChildren();
    plot = new uPlot(options(kind, axis, series, size()), chartData(kind, axis, series), host);
  }

  return {
    show(axis, series, emptyText) {
      last = { axis, series, emptyText };
      draw();
    },
    restyle: draw,
  };
}

/** Seconds since the epoch at each bucket's start (a day's UTC midnight, or the hour): uPlot's time scale unit. */
function xs({ buckets, interval }: Axis): number[] {
  return buckets.map((bucket) => (interval === 'hour' ? instantMs(bucket) : dayNumber(bucket) * DAY_MS) / 1000);
}

const bucketSeconds = (axis: Axis): number => (axis.interval === 'hour' ? HOUR_MS : DAY_MS) / 1000;

/**
 * Indices of values with no value on either side: a line through one point draws nothing, so these get a dot (the
 * first reading of a repository tracked since today, or a chart of one bucket).
 */
export function isolatedPoints(values: readonly (number | null | undefined)[]): number[] {
  const isolated: number[] = [];
  values.forEach((value, i) => {
    if (value !== null && value !== undefined && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null) isolated.push(i);
  });
  return isolated;
}

/**
 * Daily bars are stacked: series i is drawn at the sum of series 0..i, tallest first, so each shorter stack covers
 * the one above it and the visible band of each colour is that repository's count.
 */
function chartData(kind: ChartKind, axis: Axis, series: readonly ChartSeries[]): uPlot.AlignedData {
  if (kind === 'cumulative') return [xs(axis), ...series.map((one) => one.values)];
  const stacks: (number | null)[][] = [];
  const running: number[] = axis.buckets.map(() => 0);
  for (const one of series) {
    stacks.push(
      one.values.map((value, i) => {
        if (value === null) return null;
        running[i]! += value;
        return running[i]!;
      }),
    );
  }
  return [xs(axis), ...stacks.reverse()];
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Tick spacings the x axis may use: whole hours on an hourly axis, whole days (then months, years) on a daily one. */
const HOUR_TICKS = [1, 2, 3, 4, 6, 12, 24, 48, 72, 168].map((hours) => hours * 3600);
const DAY_TICKS = [1, 2, 3, 4, 5, 7, 10, 15, 30, 60, 90, 120, 180, 365, 730, 1825, 3650].map((days) => days * 86_400);
const tickDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** Hourly ticks read `14:00`, and midnight names its day (`23 Nov`). */
function hourLabels(splits: number[]): string[] {
  return splits.map((split) => {
    const date = new Date(split * 1000);
    return date.getUTCHours() === 0 ? tickDay.format(date) : `${String(date.getUTCHours()).padStart(2, '0')}:00`;
  });
}

/** Whole-count tick spacings for the y axis (1, 2, 5, 10, …): counts have no fractions to mark. */
const COUNT_TICKS = Array.from({ length: 16 }, (_, power) => [1, 2, 5].map((step) => step * 10 ** power)).flat();

/** `1.2M` on the y axis, as a badge writes it, unless that reads the same for two ticks (5,000 and 5,010): then the whole numbers. */
function countLabels(splits: number[]): string[] {
  const compact = splits.map((value) => formatCompact(value));
  return new Set(compact).size === compact.length ? compact : splits.map((value) => formatNumber(value));
}

function options(kind: ChartKind, axis: Axis, series: readonly ChartSeries[], size: { width: number; height: number }): uPlot.Options {
  const muted = cssVar('--muted');
  const grid = cssVar('--grid');
  const font = '12px system-ui, sans-serif';
  const axisStyle = { stroke: muted, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const ordered = kind === 'daily' ? [...series].reverse() : series;
  const bars = uPlot.paths.bars!({ size: [0.8, 40], align: 0 });
  const x = xs(axis);
  // Bars are centred on their bucket, so the daily chart has half a bucket either side; so has a chart of one bucket
  // (uPlot would otherwise stretch a lone x value over a day of its own choosing).
  const pad = kind === 'daily' || x.length === 1 ? bucketSeconds(axis) / 2 : 0;
  const xRange: uPlot.Range.MinMax = [x[0]! - pad, x.at(-1)! + pad];
  const hourly = axis.interval === 'hour';
  return {
    ...size,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: kind === 'cumulative' } },
    scales: {
      x: { time: true, range: () => xRange },
      y: kind === 'daily' ? { range: (_u: uPlot, _min: number, max: number) => [0, max > 0 ? max * 1.1 : 1] as uPlot.Range.MinMax } : {},
    },
    axes: [
      { ...axisStyle, incrs: hourly ? HOUR_TICKS : DAY_TICKS, ...(hourly && { values: (_u: uPlot, splits: number[]) => hourLabels(splits) }) },
      { ...axisStyle, incrs: COUNT_TICKS, size: (_u, labels) => Math.max(52, 16 + 7 * Math.max(0, ...(labels ?? []).map((label) => label.length))), values: (_u, splits) => countLabels(splits) },
    ],
    series: [
      {},
      ...ordered.map((one): uPlot.Series => {
        const color = cssVar(`--series-${one.color % PALETTE_SIZE}`);
        if (kind === 'daily') return { label: one.label, stroke: color, fill: color, width: 0, paths: bars, points: { show: false } };
        const dots = isolatedPoints(one.values);
        return { label: one.label, stroke: color, width: 2, spanGaps: false, points: { show: false, size: 7, fill: color, stroke: color, filter: dots.length > 0 ? dots : null } };
      }),
    ],
    plugins: [tooltip(kind, axis, series)],
    hooks: {
      draw: [
        () => {
          if (firstDrawMarked) return;
          firstDrawMarked = true;
          performance.mark(FIRST_CHART_MARK);
        },
      ],
    },
  };
}

/** A box by the cursor with the day (or hour) and every series' value there (the raw value, not the stacked one). */
function tooltip(kind: ChartKind, axis: Axis, series: readonly ChartSeries[]): uPlot.Plugin {
  const box = h('div', { class: 'chart-tip', role: 'presentation' });
  box.hidden = true;
  return {
    hooks: {
      init: (u) => {
        u.over.append(box);
      },
      setCursor: (u) => {
        const { idx, left, top } = u.cursor;
        if (idx === null || idx === undefined || left === undefined || left < 0 || top === undefined) {
          box.hidden = true;
          return;
        }
        const unit = kind === 'cumulative' ? 'in total' : axis.interval === 'hour' ? 'an hour' : 'a day';
        box.replaceChildren(
          h('div', { class: 'tip-day' }, formatBucket(axis.buckets[idx]!, axis.interval)),
          ...series.map((one) =>
            h(
              'div',
              { class: 'tip-row' },
              h('span', { class: `swatch c${one.color % PALETTE_SIZE}` }),
              h('span', { class: 'tip-name' }, one.label),
              h('span', { class: 'tip-value' }, formatNumber(one.values[idx])),
              h('span', { class: 'tip-unit' }, one.measure === 'actions' ? `actions ${unit}` : ''),
            ),
          ),
        );
        box.hidden = false;
        const width = u.over.clientWidth;
        const x = left + 14 + box.offsetWidth > width ? left - 14 - box.offsetWidth : left + 14;
        const y = Math.min(Math.max(0, top - box.offsetHeight / 2), Math.max(0, u.over.clientHeight - box.offsetHeight));
        box.style.transform = `translate(${Math.max(0, Math.round(x))}px, ${Math.round(y)}px)`;
      },
    },
  };
}
