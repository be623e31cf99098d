// Answers a data endpoint as JSON or, on request, as CSV with a header row.
import type { Context } from 'hono';
import { toCsv } from '../core/render/csv.ts';
import { wantsCsv } from './params.ts';

export function respondRows(c: Context, rows: readonly Record<string, unknown>[], columns: readonly string[], csvName: string): Response {
  if (!wantsCsv(c)) return c.json(rows);
  c.header('content-disposition', `attachment; filename="${csvName}.csv"`);
  return c.body(toCsv(rows, columns), 200, { 'content-type': 'text/csv; charset=utf-8' });
}
