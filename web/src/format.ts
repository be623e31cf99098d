// How numbers, changes and times read on the page (en-US grouping, UTC days). Pure: unit-tested in node.

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : whole.format(value);
}

export function formatCompact(value: number): string {
  return compact.format(value);
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
  return dayFormat.format(new Date(`${day}T00:00:00Z`));
}

export function formatTime(iso: string): string {
  return `${timeFormat.format(new Date(iso))} UTC`;
}

/** `just now`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function relativeTime(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** The day `n` days after a YYYY-MM-DD day (before, for negative `n`). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** RFC 4180: quote a field that holds a comma, quote or line break; double the quotes inside. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
