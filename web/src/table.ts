// The repositories table: one row per repository, sortable by every data column with real buttons and aria-sort,
// a sparkline of the range, the chart checkbox and the badge button. Events are delegated to main.ts.
import type { Axis } from './charts.ts';
import { h, svg } from './dom.ts';
import { formatBucket, formatNumber, formatPercent, formatSigned, formatTime, relativeTime } from './format.ts';
import type { RepoRow } from './model.ts';
import type { SortKey, ViewState } from './state.ts';

interface Column {
  key: SortKey | null;
  label: string;
  className?: string;
}

function columns(rangeLabel: string): Column[] {
  return [
    { key: null, label: 'Chart', className: 'col-select' },
    { key: 'registry', label: 'Registry' },
    { key: 'name', label: 'Repository' },
    { key: 'total', label: 'Total', className: 'num' },
    { key: 'd1', label: 'Today', className: 'num' },
    { key: 'd7', label: '7 days', className: 'num' },
    { key: 'd30', label: '30 days', className: 'num' },
    { key: 'trend', label: 'Trend 7d', className: 'num' },
    { key: 'range', label: rangeLabel, className: 'col-spark' },
    { key: 'success', label: 'Last success' },
    { key: 'status', label: 'Status' },
    { key: null, label: 'Badge' },
  ];
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
  tbody.replaceChildren(...rows.map((row) => renderRow(row, charted.has(row.ref), axis, now)));
}

function renderRow(row: RepoRow, charted: boolean, axis: Axis, now: number): HTMLTableRowElement {
  const actions = row.measure === 'actions';
  const wildcard = row.name.endsWith('/*');
  return h(
    'tr',
    { 'data-ref': row.ref, class: row.error ? 'has-error' : undefined },
    h(
      'td',
      { class: 'col-select' },
      h('input', { type: 'checkbox', class: 'chart-toggle', 'data-ref': row.ref, 'aria-label': `Show ${row.ref} in the charts`, checked: charted, disabled: !row.hasData }),
    ),
    h('td', { class: 'registry' }, row.registry),
    h(
      'th',
      { scope: 'row', class: 'repo' },
      h('span', { class: 'repo-name' }, row.name),
      row.label ? h('span', { class: 'repo-label' }, row.label) : null,
      actions ? h('span', { class: 'tag', title: 'Quay counts every repository action, not only pulls' }, 'actions') : null,
    ),
    numberCell(row.total, false),
    numberCell(row.d1, actions),
    numberCell(row.d7, actions),
    numberCell(row.d30, actions),
    trendCell(row),
    h('td', { class: 'col-spark' }, sparkline(row, axis), h('span', { class: 'spark-total' }, row.rangeTotal === null ? '—' : formatNumber(row.rangeTotal))),
    h('td', { class: 'success' }, row.lastSuccess ? h('time', { datetime: row.lastSuccess, title: formatTime(row.lastSuccess) }, relativeTime(row.lastSuccess, now)) : '—'),
    statusCell(row),
    h(
      'td',
      { class: 'badge' },
      row.hasData && !wildcard
        ? h('button', { type: 'button', class: 'copy-badge', 'data-ref': row.ref, 'aria-label': `Copy the badge Markdown of ${row.ref}` }, 'Copy')
        : null,
    ),
  );
}

function numberCell(value: number | null, actions: boolean): HTMLTableCellElement {
  return h('td', { class: 'num' }, formatNumber(value), value !== null && actions ? h('span', { class: 'unit' }, ' actions') : null);
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

function statusCell(row: RepoRow): HTMLTableCellElement {
  if (row.error) {
    // A repository found behind `owner/*` shows the failure recorded on that wildcard, and names it.
    const wildcard = row.errorFrom === 'wildcard' ? row.error.wildcard : undefined;
    const via = wildcard ? ` (on ${wildcard})` : '';
    return h(
      'td',
      { class: 'status error', 'data-error': row.error.message, 'data-wildcard': wildcard },
      h('span', { class: 'error-marker', 'aria-hidden': 'true' }, '⚠'),
      ' ',
      h('span', { class: 'error-kind' }, `${row.error.kind.replaceAll('_', ' ')}${via}`),
      h('span', { class: 'error-text', title: `${row.error.message} · ${formatTime(row.error.at)}` }, withoutKind(row.error.message, row.error.kind)),
    );
  }
  if (row.paused) return h('td', { class: 'status paused' }, 'paused');
  if (!row.hasData) return h('td', { class: 'status waiting' }, 'no reading yet');
  return h('td', { class: 'status ok' }, 'OK');
}

/** Recorded messages start with their kind, which the cell already shows. */
function withoutKind(message: string, kind: string): string {
  return message.startsWith(`${kind}: `) ? message.slice(kind.length + 2) : message;
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
