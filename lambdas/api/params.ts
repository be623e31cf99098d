// Query-string parameters shared by the data endpoints: ranges, registry and repository filters, output format.
import type { Context } from 'hono';
import { DAY_MS, FIRST_YEAR, HOUR_MS, LAST_YEAR, dayOfMs, isCalendarDay } from '../core/days.ts';
import { COMPONENT, MAX_PATH_BYTES, REGISTRIES, type Registry, parseRef } from '../core/refs.ts';
import { RefError } from '../core/errors.ts';
import type { RepoSelector, SeriesFilter } from '../core/samples.ts';

/** A 400 that names the parameter at fault. */
export class BadParameter extends Error {
  override readonly name = 'BadParameter';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}

export interface DayRange {
  fromDay: string;
  toDay: string;
}

/** Longest range a daily query may ask for: ten years of daily points per repository. */
export const MAX_DAILY_RANGE_DAYS = 3_660;
/** Longest range an hourly query may ask for. */
export const MAX_HOURLY_RANGE_DAYS = 31;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const RELATIVE = /^(\d{1,5})([dwhm])$/;
const RELATIVE_UNIT_MS = { h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS, m: 30 * DAY_MS } as const;

/** Every value of a parameter: repeated (`?repo=a&repo=b`), comma-separated, or Grafana's `{a,b}`; `$__all` means none. */
export function listParam(c: Context, name: string): string[] | undefined {
  const values = c.req
    .queries(name)
    ?.flatMap((value) => value.replace(/^\{(.*)\}$/, '$1').split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
  if (!values || values.length === 0 || values.includes('$__all') || values.includes('*')) return undefined;
  return values;
}

/**
 * `from`/`to`: a day, an ISO-8601 time, `now`, or relative to now (`30d`, `12h`, `2w`); default the last 30 days (or
 * `maxDays`, if fewer). `limit` says what bounds the range, for the 400.
 */
export function timeRange(c: Context, now: Date, maxDays: number, defaultDays = 30, limit = `${maxDays} days`): { from: Date; to: Date } {
  const to = c.req.query('to') ? parseTime('to', c.req.query('to')!, now, 'end') : now;
  const from = c.req.query('from') ? parseTime('from', c.req.query('from')!, now, 'start') : new Date(to.getTime() - (Math.min(defaultDays, maxDays) - 1) * DAY_MS);
  // Pull counters exist since the 2000s; bounding the years bounds every loop over days and months a range can cause.
  for (const [name, edge] of [['to', to], [c.req.query('from') ? 'from' : 'to', from]] as const) {
    const year = edge.getUTCFullYear();
    if (year < FIRST_YEAR || year > LAST_YEAR) throw new BadParameter(name, `${edge.toISOString().slice(0, 10)} is outside the years ${FIRST_YEAR} to ${LAST_YEAR}`);
  }
  if (from.getTime() > to.getTime()) throw new BadParameter('from', `${c.req.query('from')} is after to (${to.toISOString()})`);
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) throw new BadParameter('from', `the range is longer than ${limit}`);
  return { from, to };
}

/** A daily range: at most ten years, and no longer than the history kept (`retentionDays`, 0 for all of it). */
export function dayRange(c: Context, now: Date, retentionDays = 0): DayRange {
  const kept = retentionDays > 0 && retentionDays + 1 < MAX_DAILY_RANGE_DAYS;
  const maxDays = kept ? retentionDays + 1 : MAX_DAILY_RANGE_DAYS;
  const { from, to } = timeRange(c, now, maxDays, 30, kept ? `the ${maxDays} days of history kept (RETENTION_DAYS=${retentionDays})` : `${maxDays} days`);
  return { fromDay: dayOfMs(from.getTime()), toDay: dayOfMs(to.getTime()) };
}

/** A `YYYY-MM-DD` that names a real day (not 2026-02-30). */
export function parseDay(name: string, text: string): string {
  if (!isCalendarDay(text)) throw new BadParameter(name, `${JSON.stringify(text)} is not a calendar date (YYYY-MM-DD)`);
  const year = Number(text.slice(0, 4));
  if (year < FIRST_YEAR || year > LAST_YEAR) throw new BadParameter(name, `${text} is outside the years ${FIRST_YEAR} to ${LAST_YEAR}`);
  return text;
}

function parseTime(name: string, text: string, now: Date, edge: 'start' | 'end'): Date {
  const value = text.trim();
  if (value === 'now') return now;
  const relative = RELATIVE.exec(value.replace(/^now-/, ''));
  if (relative) return new Date(now.getTime() - Number(relative[1]) * RELATIVE_UNIT_MS[relative[2] as keyof typeof RELATIVE_UNIT_MS]);
  if (DAY.test(value)) {
    const day = new Date(`${parseDay(name, value)}T00:00:00.000Z`);
    return edge === 'start' ? day : new Date(day.getTime() + DAY_MS - 1);
  }
  // Grafana sends epoch milliseconds for ${__from} and ${__to}.
  if (/^\d{12,14}$/.test(value)) return new Date(Number(value));
  const time = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(time)) return new Date(time);
  throw new BadParameter(name, `${JSON.stringify(value)} is not a date (YYYY-MM-DD), a time (ISO-8601), epoch milliseconds or relative (30d, 12h, 2w)`);
}

/** `registry=` and `repo=` as a store filter; a repo is a ref (`ghcr:o/p`, `ghcr.io/o/p`) or a path (`acme/app`). */
export function seriesFilter(c: Context): SeriesFilter {
  const registries = listParam(c, 'registry')?.map((value) => {
    if (!(REGISTRIES as readonly string[]).includes(value)) throw new BadParameter('registry', `${JSON.stringify(value)} is not one of ${REGISTRIES.join(', ')}`);
    return value as Registry;
  });
  const repos = listParam(c, 'repo')?.map(repoSelector);
  return { ...(registries && { registries: [...new Set(registries)] }), ...(repos && { repos }) };
}

/**
 * A ref (`ghcr:o/p`, `ghcr.io/o/p`) pins its registry; a bare path is a name as `/api/summary` lists it, matched in
 * every registry: `acme/app`, `owner/nested/tool` (GHCR), and `nginx` for Docker Hub's `library/nginx`.
 */
function repoSelector(value: string): RepoSelector {
  const text = value.trim();
  const first = text.split('/')[0]!;
  const pinned = /^(dockerhub|ghcr|quay|registry):/.test(text) || (text.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost'));
  try {
    if (!pinned) return { path: barePath(text) };
    const ref = parseRef(text);
    if (ref.wildcard) throw new BadParameter('repo', `${JSON.stringify(value)} is a wildcard; name repositories, or leave repo out for all`);
    return { registry: ref.registry, path: ref.path };
  } catch (error) {
    if (error instanceof RefError) throw new BadParameter('repo', `${JSON.stringify(value)}: ${error.reason}`);
    throw error;
  }
}

/** A registry-neutral repository path: lowercase name segments, as refs allow them; one segment is an official image. */
function barePath(text: string): string {
  if (text.split('/').includes('*')) throw new BadParameter('repo', `${JSON.stringify(text)} is a wildcard; name repositories, or leave repo out for all`);
  const segments = text.split('/');
  if (segments.length === 1) return parseRef(text).path;
  for (const segment of segments) {
    if (segment === '') throw new RefError(text, 'empty path segment');
    if (!COMPONENT.test(segment)) throw new RefError(text, `"${segment}" is not a repository name segment: lowercase letters, digits and single separators (. _ __ -) between them`);
  }
  if (new TextEncoder().encode(text).length > MAX_PATH_BYTES) throw new RefError(text, `path is longer than ${MAX_PATH_BYTES} bytes`);
  return text;
}

/** `?format=csv` or `Accept: text/csv`; anything else is JSON. */
export function wantsCsv(c: Context): boolean {
  const format = c.req.query('format');
  if (format !== undefined && format !== 'csv' && format !== 'json') throw new BadParameter('format', `${JSON.stringify(format)} is not csv or json`);
  return format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
}
