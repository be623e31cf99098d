// How numbers, changes and times read on the page (en-US grouping, UTC days). Pure: unit-tested in node.
import { DAY_MS, dayNumber } from '../../lambdas/core/days.ts';
import { compactNumber } from '../../lambdas/core/render/numbers.ts';

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const hourFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : whole.format(value);
}

/** `12G`, `1.2M`: the badges' compact form (core/render/numbers.ts), so the page and a badge never disagree. */
export function formatCompact(value: number): string {
  return value < 0 ? `−${compactNumber(-value)}` : compactNumber(value);
}

/** `+1,234` / `−56` / `0`, with a real minus sign. */
export function formatSigned(value: number): string {
  if (value === 0) return '0';
  return `${value > 0 ? '+' : '−'}${whole.format(Math.abs(value))}`;
}

/** Whole-percent change of `current` against `previous`; null when there is nothing to divide by. */
export function percentChange(current: number, previous: number): number | null {
  if (previous <= 0) return null;
  return Math.round(((current - previous) / previous) * 100);
}

export function formatPercent(percent: number | null): string {
  if (percent === null) return '';
  return percent === 0 ? '0%' : `${percent > 0 ? '+' : '−'}${whole.format(Math.abs(percent))}%`;
}

/** `Mon, 23 Nov 2026` for a YYYY-MM-DD day. */
export function formatDay(day: string): string {
  return dayFormat.format(new Date(dayNumber(day) * DAY_MS));
}

/** `Mon, 23 Nov 2026, 14:00 UTC` for the ISO start of an hour. */
export function formatHour(iso: string): string {
  return `${hourFormat.format(new Date(iso))} UTC`;
}

/** A bucket of the dashboard's axis as a tooltip names it: a day, or an hour of a day. */
export function formatBucket(bucket: string, interval: 'day' | 'hour'): string {
  return interval === 'hour' ? formatHour(bucket) : formatDay(bucket);
}

export function formatTime(iso: string): string {
  return `${timeFormat.format(new Date(iso))} UTC`;
}

/** `in 4 min`, `in 2 h`, `in 3 d`; `now` once the time has come. */
export function timeUntil(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (seconds < 30) return 'now';
  if (seconds < 3600) return `in ${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 86_400) return `in ${Math.round(seconds / 3600)} h`;
  return `in ${Math.round(seconds / 86_400)} d`;
}

/** `just now`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function relativeTime(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}
