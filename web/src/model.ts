// What the page shows, computed from the API's answers: one row per repository (summary ⨝ repos ⨝ trends ⨝ daily),
// the header totals, filtering, sorting, the charted repositories and the CSV. Pure: no DOM, unit-tested in node.
import type { CumulativeRow, DailyRow, Measure, RecordedError, RepoItem, SummaryRow, TrendRow } from './api.ts';
import { addDays, csvField } from './format.ts';
import { RANGE_DAYS, type Range, type SortDir, type SortKey, type ViewState } from './state.ts';

/** day (YYYY-MM-DD) → value */
export type DayValues = Map<string, number>;

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
  /** Last 7 days against the 7 before (from /api/trends). */
  trend: { change: number; percent: number | null; previous: number } | null;
  previous30: number | null;
  /** Daily counts over the day axis; null where the repository was not tracked yet. */
  daily: (number | null)[];
  rangeTotal: number | null;
  /** Yesterday's count (UTC), to compare today with. */
  yesterday: number | null;
  lastSuccess: string | null;
  error: RecordedError | null;
  /** Where the error comes from: the ref's own item, or the wildcard (`owner/*`) that found it. */
  errorFrom: 'own' | 'wildcard' | null;
  paused: boolean;
}

export const refOf = (registry: string, name: string): string => `${registry}:${name}`;

/** Days are the UTC dates of the API's midnight timestamps. */
export const dayOfTimestamp = (timestamp: string): string => timestamp.slice(0, 10);

// ---------------------------------------------------------------------------------------------------------------
// Daily and cumulative rows come keyed by name (summed across registries): give each one its ref back.

/** Which refs a name stands for, per measure: Quay's actions and other registries' pulls never share a key. */
export function refsByName(summary: readonly SummaryRow[]): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const row of summary) {
    const key = `${row.measure}\u0000${row.name}`;
    byName.set(key, [...(byName.get(key) ?? []), refOf(row.registry, row.name)]);
  }
  return byName;
}

export interface Attributed {
  byRef: Map<string, DayValues>;
  /** Refs whose name is tracked in several registries: their rows are sums, to be asked for per registry. */
  ambiguous: string[];
}

/** Files the rows under the one ref their name stands for; `candidates` lists the refs per `measure\0name`. */
export function attributeRows<R extends { timestamp: string; repo: string; measure?: 'actions' }>(
  rows: readonly R[],
  value: (row: R) => number,
  candidates: (name: string, measure: Measure) => readonly string[],
): Attributed {
  const byRef = new Map<string, DayValues>();
  const ambiguous = new Set<string>();
  for (const row of rows) {
    const refs = candidates(row.repo, row.measure ?? 'pulls');
    if (refs.length !== 1) {
      for (const ref of refs) ambiguous.add(ref);
      continue;
    }
    const ref = refs[0]!;
    let days = byRef.get(ref);
    if (!days) byRef.set(ref, (days = new Map()));
    days.set(dayOfTimestamp(row.timestamp), value(row));
  }
  return { byRef, ambiguous: [...ambiguous].sort() };
}

export const dailyValue = (row: DailyRow): number => row.daily_pulls;
export const cumulativeValue = (row: CumulativeRow): number => row.pull_count;

/** Groups refs by registry, for one request per registry (`registry=r&repo=r:a,r:b`). */
export function byRegistry(refs: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const ref of refs) {
    const registry = ref.slice(0, ref.indexOf(':'));
    groups.set(registry, [...(groups.get(registry) ?? []), ref]);
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------------------------
// The day axis

/** The `from` parameter for a range: relative days, so the server's clock decides where today is. */
export function rangeFrom(range: Range): string {
  return `${RANGE_DAYS[range] - 1}d`;
}

/**
 * The days a range shows, oldest first. The API's daily rows run to the server's today; the range's start is that
 * today minus its length, except `all`, which starts at the first day anything was tracked.
 */
export function dayAxis(range: Range, dailyDays: Iterable<string>, fallbackToday: string): string[] {
  let first: string | undefined;
  let last: string | undefined;
  for (const day of dailyDays) {
    if (first === undefined || day < first) first = day;
    if (last === undefined || day > last) last = day;
  }
  const today = last ?? fallbackToday;
  const start = range === 'all' ? (first ?? today) : addDays(today, 1 - RANGE_DAYS[range]);
  const days: string[] = [];
  for (let day = start; day <= today; day = addDays(day, 1)) days.push(day);
  return days;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows

export interface RowInputs {
  summary: readonly SummaryRow[];
  repos: readonly RepoItem[];
  trends: readonly TrendRow[];
  daily: ReadonlyMap<string, DayValues>;
  days: readonly string[];
}

/** The wildcard item (`registry:owner/*`) that covers a ref, the most specific one when several do. */
function coveringWildcard(ref: string, wildcards: readonly RepoItem[]): RepoItem | undefined {
  let best: RepoItem | undefined;
  for (const item of wildcards) {
    const prefix = item.ref.slice(0, -1);
    if (ref.startsWith(prefix) && (!best || prefix.length > best.ref.length - 1)) best = item;
  }
  return best;
}

const isWildcard = (item: RepoItem): boolean => item.ref.endsWith('/*');

/** collect.ts copies a failure of a repository found behind a wildcard onto the wildcard, prefixed with its ref. */
const NAMES_A_REF = /^(?:dockerhub|ghcr|quay|registry):\S+: /;

/**
 * The wildcard's error as it concerns `ref`: its own failure (the listing) concerns every repository under it, a copy
 * of one repository's failure concerns that repository only.
 */
function wildcardError(ref: string, wildcard: RepoItem | undefined): RecordedError | null {
  const error = wildcard?.last_error;
  if (!error) return null;
  return !NAMES_A_REF.test(error.message) || error.message.startsWith(`${ref}: `) ? error : null;
}

export function buildRows({ summary, repos, trends, daily, days }: RowInputs): RepoRow[] {
  const own = new Map(repos.map((item) => [item.ref, item]));
  const wildcards = repos.filter(isWildcard);
  const trendByRef = new Map(trends.map((row) => [refOf(row.registry, row.name), row]));
  const today = days.at(-1);
  const yesterday = today === undefined ? undefined : addDays(today, -1);

  const rows: RepoRow[] = summary.map((row) => {
    const ref = refOf(row.registry, row.name);
    const item = own.get(ref);
    const wildcard = item ? undefined : coveringWildcard(ref, wildcards);
    const error = item ? item.last_error : wildcardError(ref, wildcard);
    const values = daily.get(ref);
    const series = days.map((day) => values?.get(day) ?? null);
    const trend = trendByRef.get(ref);
    return {
      ref,
      registry: row.registry,
      name: row.name,
      label: item?.label ?? null,
      measure: row.measure,
      hasData: true,
      total: row.measure === 'actions' ? null : row.pull_count,
      d1: row.pulls_1d,
      d7: row.pulls_7d,
      d30: row.pulls_30d,
      trend: trend ? { change: trend.change_7d, percent: trend.percent_7d, previous: trend.previous_7d } : null,
      previous30: trend?.previous_30d ?? null,
      daily: series,
      rangeTotal: sumKnown(series),
      yesterday: yesterday === undefined ? null : (values?.get(yesterday) ?? null),
      // A sample exists only after a successful read, so collected_at is a last success too (Quay's is a stats day).
      lastSuccess: item?.last_success_at ?? wildcard?.last_success_at ?? (row.measure === 'pulls' ? row.collected_at : null),
      error,
      errorFrom: error ? (item ? 'own' : 'wildcard') : null,
      paused: (item ?? wildcard)?.enabled === false,
    };
  });

  // Tracked refs with nothing to show yet still get a row, so a failing ref is seen rather than missing.
  const shown = new Set(rows.map((row) => row.ref));
  for (const item of repos) {
    const covered = isWildcard(item) ? rows.some((row) => row.ref.startsWith(item.ref.slice(0, -1))) : shown.has(item.ref);
    if (covered) continue;
    const colon = item.ref.indexOf(':');
    rows.push({
      ref: item.ref,
      registry: item.registry ?? (colon > 0 ? item.ref.slice(0, colon) : '?'),
      name: colon > 0 ? item.ref.slice(colon + 1) : item.ref,
      label: item.label,
      measure: item.registry === 'quay' ? 'actions' : 'pulls',
      hasData: false,
      total: null,
      d1: null,
      d7: null,
      d30: null,
      trend: null,
      previous30: null,
      daily: days.map(() => null),
      rangeTotal: null,
      yesterday: null,
      lastSuccess: item.last_success_at,
      error: item.last_error,
      errorFrom: item.last_error ? 'own' : null,
      paused: !item.enabled,
    });
  }
  return rows;
}

function sumKnown(values: readonly (number | null)[]): number | null {
  let sum: number | null = null;
  for (const value of values) if (value !== null) sum = (sum ?? 0) + value;
  return sum;
}

// ---------------------------------------------------------------------------------------------------------------
// Filter, sort, chart selection

export function filterRows(rows: readonly RepoRow[], state: Pick<ViewState, 'registry' | 'q'>): RepoRow[] {
  const words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((row) => {
    if (state.registry && row.registry !== state.registry) return false;
    const text = `${row.ref} ${row.label ?? ''}`.toLowerCase();
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
 * the range (pulls before Quay's actions), so a filter always changes the charts with it.
 */
export function chartedRefs(shown: readonly RepoRow[], chosen: readonly string[]): { refs: string[]; auto: boolean } {
  const visible = new Set(shown.map((row) => row.ref));
  const picked = chosen.filter((ref) => visible.has(ref));
  if (picked.length > 0) return { refs: picked, auto: false };
  const busiest = shown
    .filter((row) => row.hasData)
    .sort((a, b) => (a.measure === b.measure ? 0 : a.measure === 'pulls' ? -1 : 1) || (b.rangeTotal ?? -1) - (a.rangeTotal ?? -1) || (a.ref < b.ref ? -1 : 1));
  return { refs: busiest.slice(0, AUTO_CHART_COUNT).map((row) => row.ref), auto: true };
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

/** The rows shown, in the order shown, RFC 4180 with CRLF line ends. */
export function toCsv(rows: readonly RepoRow[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const row of rows) {
    lines.push(
      [
        row.registry,
        row.name,
        row.measure,
        row.total,
        row.d1,
        row.d7,
        row.d30,
        row.trend?.previous,
        row.trend?.percent,
        row.rangeTotal,
        row.lastSuccess,
        row.error ? `${row.error.kind}: ${row.error.message}` : null,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The Markdown of a repository's badge; Quay's badge counts actions and says so. */
export function badgeMarkdown(row: Pick<RepoRow, 'measure'>, url: string): string {
  return `![${row.measure === 'actions' ? 'actions' : 'pulls'}](${url})`;
}
