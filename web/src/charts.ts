// The two charts (uPlot on canvas): cumulative pulls as lines and daily pulls as stacked bars, one series per charted
// repository, with a hover tooltip. Colours come from CSS custom properties, so both themes restyle them. uPlot
// positions its elements through the CSSOM (element.style), which `style-src 'self'` allows.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Measure } from './api.ts';
import { h } from './dom.ts';
import { formatCompact, formatDay, formatNumber } from './format.ts';
import { FIRST_CHART_MARK } from './perf.ts';

export interface ChartSeries {
  ref: string;
  label: string;
  measure: Measure;
  /** Aligned with the days; null where there is no value. */
  values: (number | null)[];
  /** Index into the palette (`--series-N`, `.c-N`). */
  color: number;
}

export type ChartKind = 'cumulative' | 'daily';

export const PALETTE_SIZE = 10;

let firstDrawMarked = false;

export interface Chart {
  /** Draws these series over these days (YYYY-MM-DD); an empty list shows `emptyText` instead. */
  show(days: readonly string[], series: readonly ChartSeries[], emptyText: string): void;
  /** Re-reads the theme's colours. */
  restyle(): void;
}

export function createChart(host: HTMLElement, kind: ChartKind): Chart {
  let plot: uPlot | undefined;
  let last: { days: readonly string[]; series: readonly ChartSeries[]; emptyText: string } | undefined;

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
    const { days, series, emptyText } = last;
    if (series.length === 0 || days.length === 0 || series.every((one) => one.values.every((value) => value === null))) {
      host.replaceChildren(h('p', { class: 'chart-empty' }, emptyText));
      return;
    }
    host.replaceChildren();
    plot = new uPlot(options(kind, days, series, size()), chartData(kind, days, series), host);
  }

  return {
    show(days, series, emptyText) {
      last = { days, series, emptyText };
      draw();
    },
    restyle: draw,
  };
}

/** Seconds since the epoch at each day's UTC midnight: uPlot's time scale unit. */
function xs(days: readonly string[]): number[] {
  return days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
}

/**
 * Daily bars are stacked: series i is drawn at the sum of series 0..i, tallest first, so each shorter stack covers
 * the one above it and the visible band of each colour is that repository's count.
 */
function chartData(kind: ChartKind, days: readonly string[], series: readonly ChartSeries[]): uPlot.AlignedData {
  if (kind === 'cumulative') return [xs(days), ...series.map((one) => one.values)];
  const stacks: (number | null)[][] = [];
  const running: number[] = days.map(() => 0);
  for (const one of series) {
    stacks.push(
      one.values.map((value, i) => {
        if (value === null) return null;
        running[i]! += value;
        return running[i]!;
      }),
    );
  }
  return [xs(days), ...stacks.reverse()];
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function options(kind: ChartKind, days: readonly string[], series: readonly ChartSeries[], size: { width: number; height: number }): uPlot.Options {
  const muted = cssVar('--muted');
  const grid = cssVar('--grid');
  const font = '12px system-ui, sans-serif';
  const axis = { stroke: muted, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const ordered = kind === 'daily' ? [...series].reverse() : series;
  const bars = uPlot.paths.bars!({ size: [0.8, 40], align: 0 });
  const halfDay = 43_200;
  return {
    ...size,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: kind === 'cumulative' } },
    scales: {
      x: { time: true, ...(kind === 'daily' && { range: (_u: uPlot, min: number, max: number) => [min - halfDay, max + halfDay] as uPlot.Range.MinMax }) },
      y: kind === 'daily' ? { range: (_u: uPlot, _min: number, max: number) => [0, max > 0 ? max * 1.1 : 1] as uPlot.Range.MinMax } : {},
    },
    axes: [axis, { ...axis, size: 52, values: (_u, splits) => splits.map((value) => (value === null ? '' : formatCompact(value))) }],
    series: [
      {},
      ...ordered.map((one): uPlot.Series => {
        const color = cssVar(`--series-${one.color % PALETTE_SIZE}`);
        return kind === 'daily'
          ? { label: one.label, stroke: color, fill: color, width: 0, paths: bars, points: { show: false } }
          : { label: one.label, stroke: color, width: 2, points: { show: false }, spanGaps: false };
      }),
    ],
    plugins: [tooltip(kind, days, series)],
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

/** A box by the cursor with the day and every series' value there (the raw value, not the stacked one). */
function tooltip(kind: ChartKind, days: readonly string[], series: readonly ChartSeries[]): uPlot.Plugin {
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
        const unit = kind === 'daily' ? 'a day' : 'in total';
        box.replaceChildren(
          h('div', { class: 'tip-day' }, formatDay(days[idx]!)),
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
