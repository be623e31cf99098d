// The repositories table: one row per repository, sortable by every data column with real buttons and aria-sort,
// a sparkline of the range, the chart checkbox and the badge button. Events are delegated to main.ts.
import type { Axis } from './charts.ts';
import { h, svg } from './dom.ts';
import { formatBucket, formatNumber, formatPercent, formatSigned, formatTime, relativeTime, timeUntil } from './format.ts';
import { type RepoRow, errorText } from './model.ts';
import type { SortKey, ViewState } from './state.ts';

/**
 * Too narrow for every column (a phone, a small tablet): the name, total, 7 days and trend come first, the other
 * columns follow, reached by scrolling the table. Wider screens fit the whole table (table.css).
 */
export const narrowLayout = matchMedia('(max-width: 52rem)');

interface Column {
  key: SortKey | null;
  label: string;
  className?: string;
  cell(row: RepoRow, context: CellContext): HTMLTableCellElement;
}

interface CellContext {
  charted: boolean;
  axis: Axis;
  now: number;
}

const DESKTOP_ORDER = ['chart', 'registry', 'name', 'total', 'd1', 'd7', 'd30', 'trend', 'range', 'success', 'status', 'badge'] as const;
const NARROW_ORDER = ['name', 'total', 'd7', 'trend', 'chart', 'd1', 'd30', 'range', 'registry', 'success', 'status', 'badge'] as const;
type ColumnId = (typeof DESKTOP_ORDER)[number];

function columns(rangeLabel: string): Column[] {
  const all: Record<ColumnId, Column> = {
    chart: { key: null, label: 'Chart', className: 'col-select', cell: chartCell },
    registry: { key: 'registry', label: 'Registry', className: 'col-registry', cell: (row) => h('td', { class: 'registry col-registry' }, row.registry) },
    name: { key: 'name', label: 'Repository', className: 'col-repo', cell: repoCell },
    total: { key: 'total', label: 'Total', className: 'num', cell: (row) => numberCell(row.total, false) },
    d1: { key: 'd1', label: 'Today', className: 'num', cell: (row) => numberCell(row.d1, row.measure === 'actions') },
    d7: { key: 'd7', label: '7 days', className: 'num', cell: (row) => numberCell(row.d7, row.measure === 'actions') },
    d30: { key: 'd30', label: '30 days', className: 'num', cell: (row) => numberCell(row.d30, row.measure === 'actions') },
    trend: { key: 'trend', label: 'Trend 7d', className: 'num', cell: trendCell },
    range: { key: 'range', label: rangeLabel, className: 'col-spark', cell: sparkCell },
    success: { key: 'success', label: 'Last success', cell: successCell },
    status: { key: 'status', label: 'Status', cell: statusCell },
    badge: { key: null, label: 'Badge', cell: badgeCell },
  };
  return (narrowLayout.matches ? NARROW_ORDER : DESKTOP_ORDER).map((id) => all[id]);
}

export function renderHead(thead: HTMLTableSectionElement, state: Pick<ViewState, 'sort' | 'dir'>, rangeLabel: string): void {
  const cells = columns(rangeLabel).map((column) => {
    const th = h('th', { scope: 'col', class: column.className });
    if (!column.key) {
      th.append(column.label);
      return th;
    }
    const sorted = state.sort === column.key;
    if (sorted) th.setAttribute('aria-sort', state.dir === 'asc' ? 'ascending' : 'descending');
    th.append(
      h(
        'button',
        { type: 'button', class: 'sort', 'data-sort': column.key },
        column.label,
        sorted ? h('span', { class: 'sort-icon', 'aria-hidden': 'true' }, state.dir === 'asc' ? '▲' : '▼') : null,
      ),
    );
    return th;
  });
  thead.replaceChildren(h('tr', {}, ...cells));
}

export function renderBody(tbody: HTMLTableSectionElement, rows: readonly RepoRow[], charted: ReadonlySet<string>, axis: Axis, now: number): void {
  const shown = columns('');
  tbody.replaceChildren(
    ...rows.map((row) => {
      const context = { charted: charted.has(row.ref), axis, now };
      return h('tr', { 'data-ref': row.ref, class: row.error ? 'has-error' : undefined }, ...shown.map((column) => column.cell(row, context)));
    }),
  );
}

function chartCell(row: RepoRow, { charted }: CellContext): HTMLTableCellElement {
  return h(
    'td',
    { class: 'col-select' },
    h('input', { type: 'checkbox', class: 'chart-toggle', 'data-ref': row.ref, 'aria-label': `Show ${row.ref} in the charts`, checked: charted, disabled: !row.hasData }),
  );
}

function repoCell(row: RepoRow): HTMLTableCellElement {
  return h(
    'th',
    { scope: 'row', class: 'repo' },
    // Where the registry column is left out (table.css), the name says where it lives.
    h('span', { class: 'repo-registry', 'aria-hidden': 'true' }, row.registry),
    h('span', { class: 'repo-name' }, breakable(row.name)),
    row.label ? h('span', { class: 'repo-label' }, row.label) : null,
    row.measure === 'actions' ? h('span', { class: 'tag', title: 'Quay counts every repository action, not only pulls' }, 'actions') : null,
  );
}

/** A long name may wrap after its slashes, dashes and dots (a <wbr> there), never inside a word. */
function breakable(name: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const part of name.split(/(?<=[/\-_.])/)) fragment.append(part, h('wbr'));
  fragment.lastChild?.remove();
  return fragment;
}

function sparkCell(row: RepoRow, { axis }: CellContext): HTMLTableCellElement {
  return h('td', { class: 'col-spark' }, sparkline(row, axis), h('span', { class: 'spark-total' }, row.rangeTotal === null ? '—' : formatNumber(row.rangeTotal)));
}

function successCell(row: RepoRow, { now }: CellContext): HTMLTableCellElement {
  return h('td', { class: 'success' }, row.lastSuccess ? h('time', { datetime: row.lastSuccess, title: formatTime(row.lastSuccess) }, relativeTime(row.lastSuccess, now)) : '—');
}

function badgeCell(row: RepoRow): HTMLTableCellElement {
  return h(
    'td',
    { class: 'badge' },
    row.hasData && !row.name.endsWith('/*')
      ? h('button', { type: 'button', class: 'copy-badge', 'data-ref': row.ref, 'aria-label': `Copy the badge Markdown of ${row.ref}` }, 'Copy')
      : null,
  );
}

/** Quay's row says `actions` under its name; its cells say it on hover, so the unit does not widen every column. */
function numberCell(value: number | null, actions: boolean): HTMLTableCellElement {
  return h('td', { class: 'num', title: value !== null && actions ? `${formatNumber(value)} actions` : undefined }, formatNumber(value));
}

function trendCell(row: RepoRow): HTMLTableCellElement {
  const td = h('td', { class: 'num trend-cell' });
  if (!row.trend) return td;
  const { change, percent, previous } = row.trend;
  const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
  const arrow = change > 0 ? '▲' : change < 0 ? '▼' : '▬';
  td.append(
    h(
      'span',
      { class: `trend ${direction}`, title: `${formatSigned(change)} against the 7 days before (${formatNumber(previous)})` },
      h('span', { 'aria-hidden': 'true' }, arrow),
      h('span', { class: 'visually-hidden' }, direction),
      ` ${percent === null ? formatSigned(change) : formatPercent(percent)}`,
    ),
  );
  return td;
}

function statusCell(row: RepoRow, { now }: CellContext): HTMLTableCellElement {
  if (row.error) {
    // A repository found behind `owner/*` shows the failure recorded on that wildcard, and names it.
    const wildcard = row.errorFrom === 'wildcard' ? row.error.wildcard : undefined;
    const via = wildcard ? ` (on ${wildcard})` : '';
    const { retryAt } = row.error;
    const until = retryAt === undefined ? undefined : timeUntil(retryAt, now);
    return h(
      'td',
      { class: 'status error', 'data-error': row.error.message, 'data-wildcard': wildcard, 'data-retry-at': retryAt },
      h('span', { class: 'error-marker', 'aria-hidden': 'true' }, '⚠'),
      ' ',
      h('span', { class: 'error-kind' }, `${row.error.kind.replaceAll('_', ' ')}${via}`),
      h('span', { class: 'error-text', title: `${row.error.message} · ${formatTime(row.error.at)}` }, errorText(row.error)),
      retryAt === undefined ? null : h('time', { class: 'error-retry', datetime: retryAt, title: formatTime(retryAt) }, until === 'now' ? 'next try due now' : `next try ${until}`),
    );
  }
  const warnings = row.name.endsWith('/*') && row.warnings.length > 0 ? h('span', { class: 'row-warnings' }, row.warnings.join(' ')) : null;
  if (row.paused) return h('td', { class: 'status paused' }, 'paused', warnings);
  if (!row.hasData) return h('td', { class: 'status waiting' }, 'no reading yet', warnings);
  return h('td', { class: 'status ok' }, 'OK');
}

const SPARK_WIDTH = 100;
const SPARK_HEIGHT = 24;

/** The range's counts per bucket (day, or hour) as a small line; the label carries the numbers. */
function sparkline(row: RepoRow, { buckets, interval }: Axis): SVGSVGElement {
  const values = row.daily;
  const max = Math.max(1, ...values.map((value) => value ?? 0));
  const step = values.length > 1 ? SPARK_WIDTH / (values.length - 1) : 0;
  let line = '';
  let first = -1;
  let last = -1;
  values.forEach((value, i) => {
    if (value === null) return;
    const x = (i * step).toFixed(1);
    const y = (SPARK_HEIGHT - 1 - (value / max) * (SPARK_HEIGHT - 2)).toFixed(1);
    line += `${first === -1 ? 'M' : 'L'}${x} ${y}`;
    if (first === -1) first = i;
    last = i;
  });
  const element = svg('svg', {
    class: `sparkline${row.measure === 'actions' ? ' actions' : ''}`,
    viewBox: `0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label':
      first === -1
        ? 'no history in this range'
        : `${interval === 'hour' ? 'hourly' : 'daily'} ${row.measure} from ${formatBucket(buckets[first]!, interval)} to ${formatBucket(buckets[last]!, interval)}, at most ${formatNumber(max)} ${interval === 'hour' ? 'an hour' : 'a day'}`,
  });
  if (first === -1) return element;
  const area = `${line}L${(last * step).toFixed(1)} ${SPARK_HEIGHT}L${(first * step).toFixed(1)} ${SPARK_HEIGHT}Z`;
  element.append(svg('path', { class: 'spark-area', d: area }), svg('path', { class: 'spark-line', d: line, 'vector-effect': 'non-scaling-stroke' }));
  return element;
}
