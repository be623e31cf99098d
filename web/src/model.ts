// What the page shows, computed from the API's one answer (GET /api/dashboard): one row per repository, the header
// totals, filtering, sorting, the charted repositories and the CSV. Pure: no DOM, unit-tested in node.
import type { DashboardRow, Measure, RowError } from './api.ts';
import { toCsv as csvText } from '../../lambdas/core/render/csv.ts';
import type { SortDir, SortKey, ViewState } from './state.ts';

export interface RepoRow {
  /** `registry:name`, as in the repos table. */
  ref: string;
  registry: string;
  name: string;
  label: string | null;
  measure: Measure;
  /** False for a tracked ref with no reading yet (a failing or brand-new one). */
  hasData: boolean;
  total: number | null;
  d1: number | null;
  d7: number | null;
  d30: number | null;
  /** Last 7 days against the 7 before. */
  trend: { change: number; percent: number | null; previous: number } | null;
  previous30: number | null;
  /** Counts per bucket of the answer's axis (days, or hours); null where the repository was not tracked yet. */
  daily: (number | null)[];
  /** The running count at the end of each bucket (Quay: actions summed over the range). */
  cumulative: (number | null)[];
  rangeTotal: number | null;
  /** Yesterday's count (UTC), to compare today with. */
  yesterday: number | null;
  lastSuccess: string | null;
  error: RowError | null;
  /** Where the error comes from: the ref's own item, or the wildcard (`owner/*`) that found it. */
  errorFrom: 'own' | 'wildcard' | null;
  /** What the last collection said to act on (a cut listing), the wildcard's for a repository found behind one. */
  warnings: string[];
  /** The `github:` ref that discovered this image, and where it was found. */
  discoveredBy: string | null;
  foundIn: string | null;
  paused: boolean;
}

/** The answer's rows as the page shows them: the server has joined, summed and aligned everything already. */
export function buildRows(rows: readonly DashboardRow[]): RepoRow[] {
  return rows.map((row) => ({
    ref: row.ref,
    registry: row.registry,
    name: row.name,
    label: row.label,
    measure: row.measure,
    hasData: row.has_data,
    total: row.measure === 'actions' ? null : row.pull_count,
    d1: row.pulls_1d,
    d7: row.pulls_7d,
    d30: row.pulls_30d,
    trend: row.change_7d !== null && row.previous_7d !== null ? { change: row.change_7d, percent: row.percent_7d, previous: row.previous_7d } : null,
    previous30: row.previous_30d,
    daily: row.daily,
    cumulative: row.cumulative,
    rangeTotal: row.in_range,
    yesterday: row.pulls_yesterday,
    lastSuccess: row.last_success_at,
    error: row.error,
    errorFrom: row.error ? (row.error.wildcard ? 'wildcard' : 'own') : null,
    warnings: row.warnings ?? [],
    discoveredBy: row.discovered_by ?? null,
    foundIn: row.found_in ?? null,
    paused: !row.enabled,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Filter, sort, chart selection

export function filterRows(rows: readonly RepoRow[], state: Pick<ViewState, 'registry' | 'source' | 'q'>): RepoRow[] {
  const words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((row) => {
    if (state.registry && row.registry !== state.registry) return false;
    if (state.source && row.discoveredBy !== state.source) return false;
    const text = `${row.ref} ${row.label ?? ''} ${row.foundIn ?? ''}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** Errors first, then paused, then healthy: ascending status order brings trouble to the top. */
export function statusRank(row: RepoRow): number {
  return row.error ? 0 : row.paused ? 1 : 2;
}

function sortValue(row: RepoRow, key: SortKey): string | number | null {
  switch (key) {
    case 'registry':
      return row.registry;
    case 'name':
      return row.name;
    case 'total':
      return row.total;
    case 'd1':
      return row.d1;
    case 'd7':
      return row.d7;
    case 'd30':
      return row.d30;
    case 'trend':
      return row.trend?.percent ?? null;
    case 'range':
      return row.rangeTotal;
    case 'success':
      return row.lastSuccess === null ? null : Date.parse(row.lastSuccess);
    case 'status':
      return statusRank(row);
  }
}

/** Sorted copy; rows without a value go last in either direction, ties by ref. */
export function sortRows(rows: readonly RepoRow[], key: SortKey, dir: SortDir): RepoRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  const keyed = rows.map((row) => ({ row, value: sortValue(row, key) }));
  keyed.sort((a, b) => {
    if (a.value === null || b.value === null) {
      if (a.value !== b.value) return a.value === null ? 1 : -1;
    } else if (a.value !== b.value) {
      const order = typeof a.value === 'string' ? a.value.localeCompare(b.value as string) : a.value - (b.value as number);
      return sign * order;
    }
    return a.row.ref < b.row.ref ? -1 : a.row.ref > b.row.ref ? 1 : 0;
  });
  return keyed.map(({ row }) => row);
}

/** How many repositories the charts show when none is chosen. */
export const AUTO_CHART_COUNT = 5;

/**
 * The repositories the charts show: the chosen ones that are on screen; when none is, the busiest shown ones over
 * the range (pulls before Quay's actions; a tie goes to the bigger total), so a filter always changes the charts with it.
 */
export function chartedRefs(shown: readonly RepoRow[], chosen: readonly string[]): { refs: string[]; auto: boolean } {
  const visible = new Set(shown.map((row) => row.ref));
  const picked = chosen.filter((ref) => visible.has(ref));
  if (picked.length > 0) return { refs: picked, auto: false };
  const busiest = shown
    .filter((row) => row.hasData)
    .sort((a, b) => (a.measure === b.measure ? 0 : a.measure === 'pulls' ? -1 : 1) || (b.rangeTotal ?? -1) - (a.rangeTotal ?? -1) || (b.total ?? -1) - (a.total ?? -1) || (a.ref < b.ref ? -1 : 1));
  return { refs: busiest.slice(0, AUTO_CHART_COUNT).map((row) => row.ref), auto: true };
}

/** What the charted rows count, for the charts' titles: `pulls`, `actions` (Quay alone), or both. */
export function measureWords(rows: readonly Pick<RepoRow, 'measure'>[]): string {
  const measures = new Set(rows.map((row) => row.measure));
  if (measures.size === 2) return 'pulls and actions';
  return measures.has('actions') ? 'actions' : 'pulls';
}

/** The warnings of the rows shown, each once (the repositories behind one wildcard share its warnings). */
export function shownWarnings(rows: readonly Pick<RepoRow, 'warnings'>[]): string[] {
  return [...new Set(rows.flatMap((row) => row.warnings))];
}

// ---------------------------------------------------------------------------------------------------------------
// Header totals

export interface WindowTotal {
  current: number | null;
  /** The window before; null when no shown repository has it. */
  previous: number | null;
}

export interface Totals {
  repositories: number;
  registries: number;
  failing: number;
  /** Lifetime pulls: pull-counting rows only, never Quay's actions. */
  total: number | null;
  d1: WindowTotal;
  d7: WindowTotal;
  d30: WindowTotal;
  /** Quay's repository actions over 30 days, kept apart from pulls; null without Quay rows. */
  actions30: number | null;
  latestSuccess: string | null;
}

function add(sum: number | null, value: number | null | undefined): number | null {
  return value === null || value === undefined ? sum : (sum ?? 0) + value;
}

export function totals(rows: readonly RepoRow[]): Totals {
  const result: Totals = {
    repositories: rows.length,
    registries: new Set(rows.map((row) => row.registry)).size,
    failing: rows.filter((row) => row.error).length,
    total: null,
    d1: { current: null, previous: null },
    d7: { current: null, previous: null },
    d30: { current: null, previous: null },
    actions30: null,
    latestSuccess: null,
  };
  for (const row of rows) {
    if (row.lastSuccess && (!result.latestSuccess || row.lastSuccess > result.latestSuccess)) result.latestSuccess = row.lastSuccess;
    if (!row.hasData) continue;
    if (row.measure === 'actions') {
      result.actions30 = add(result.actions30, row.d30 ?? 0);
      continue;
    }
    result.total = add(result.total, row.total);
    result.d1 = { current: add(result.d1.current, row.d1), previous: add(result.d1.previous, row.yesterday) };
    result.d7 = { current: add(result.d7.current, row.d7), previous: add(result.d7.previous, row.trend?.previous) };
    result.d30 = { current: add(result.d30.current, row.d30), previous: add(result.d30.previous, row.previous30) };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

export const CSV_HEADER = [
  'registry',
  'name',
  'measure',
  'total',
  'last_1d',
  'last_7d',
  'last_30d',
  'previous_7d',
  'change_7d_percent',
  'in_range',
  'last_success_at',
  'error',
] as const;

/** The rows shown, in the order shown: the server's CSV writer (RFC 4180, CRLF, formula-like text guarded). */
export function toCsv(rows: readonly RepoRow[]): string {
  const records = rows.map((row) => ({
    registry: row.registry,
    name: row.name,
    measure: row.measure,
    total: row.total,
    last_1d: row.d1,
    last_7d: row.d7,
    last_30d: row.d30,
    previous_7d: row.trend?.previous,
    change_7d_percent: row.trend?.percent,
    in_range: row.rangeTotal,
    last_success_at: row.lastSuccess,
    error: row.error ? `${row.error.kind}: ${errorText(row.error)}` : null,
  }));
  return csvText(records, CSV_HEADER);
}

/** An error's message without the kind it starts with (`transient: cannot resolve …`), which is said apart. */
export function errorText(error: Pick<RowError, 'kind' | 'message'>): string {
  return error.message.startsWith(`${error.kind}: `) ? error.message.slice(error.kind.length + 2) : error.message;
}

/** The Markdown of a repository's badge; Quay's badge counts actions and says so. */
export function badgeMarkdown(row: Pick<RepoRow, 'measure'>, url: string): string {
  return `![${row.measure === 'actions' ? 'actions' : 'pulls'}](${url})`;
}
