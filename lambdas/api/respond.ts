// Answers a data endpoint as JSON or, on request, as CSV with a header row.
import type { Context } from 'hono';
import { toCsv } from '../core/render/csv.ts';
import { wantsCsv } from './params.ts';

export function respondRows(c: Context, rows: readonly object[], columns: readonly string[], csvName: string): Response {
  if (!wantsCsv(c)) return c.json(rows);
  c.header('content-disposition', `attachment; filename="${csvName}.csv"`);
  return c.body(toCsv((rows as readonly Record<string, unknown>[]).map(nestedAsJson), columns), 200, { 'content-type': 'text/csv; charset=utf-8' });
}

/** A nested value (a ref's last_error, its webhook counts) has no CSV form of its own: its cell holds its JSON text. */
function nestedAsJson(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value]));
}
