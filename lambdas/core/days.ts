// UTC day arithmetic on `YYYY-MM-DD` strings and ISO-8601 instants: the one home of it, server and dashboard alike.

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** Years a date read from outside may name (API parameters, webhook events): bounds every loop over days and months. */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** ISO-8601 times that mean one instant: a bare day is UTC midnight, a time needs its zone (else JS reads local time). */
const INSTANT = /^(\d{4}-\d{2}-\d{2})(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d))?$/;

/** The day `n` days after `day` (before, for negative `n`). */
export function addDays(day: string, n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`cannot add ${n} days to ${day}: not a whole number`);
  return dayFromNumber(dayNumber(day) + n);
}

/** The UTC day of an ISO-8601 instant (`2026-11-23T23:30:00-02:00` is `2026-11-24`). */
export function dayOf(iso: string): string {
  return dayFromNumber(Math.floor(instantMs(iso) / DAY_MS));
}

/** The UTC day of a time in epoch milliseconds. */
export function dayOfMs(ms: number): string {
  return dayFromNumber(Math.floor(ms / DAY_MS));
}

/** Every day from `from` to `to`, both included, ascending; empty when `to` is before `from`. */
export function daysBetween(from: string, to: string): string[] {
  const first = dayNumber(from);
  const last = dayNumber(to);
  const days: string[] = [];
  for (let n = first; n <= last; n++) days.push(dayFromNumber(n));
  return days;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysFrom(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` calendar day; throws naming the input otherwise. */
export function dayNumber(day: string): number {
  if (!isCalendarDay(day)) throw new RangeError(`"${day}" is not a YYYY-MM-DD calendar day`);
  return Date.parse(`${day}T00:00:00.000Z`) / DAY_MS;
}

/** Date.parse rolls 2026-02-30 over to March: a real day is one that survives the round trip. */
export function isCalendarDay(day: string): boolean {
  const ms = DAY.test(day) ? Date.parse(`${day}T00:00:00.000Z`) : Number.NaN;
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
}

export function dayFromNumber(n: number): string {
  const ms = n * DAY_MS;
  const day = Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString().slice(0, 10) : '';
  if (!DAY.test(day)) throw new RangeError(`day ${n} since 1970-01-01 is outside years 0000-9999`);
  return day;
}

/** Epoch milliseconds of an ISO-8601 instant with a zone; throws naming the input otherwise. */
export function instantMs(iso: string): number {
  // Fast path for the canonical form the stores hand back (toISOString's): it round-trips exactly.
  const ms = Date.parse(iso);
  if (iso.length === 24 && !Number.isNaN(ms) && new Date(ms).toISOString() === iso) return ms;
  const match = INSTANT.exec(iso);
  if (!match || !isCalendarDay(match[1]!)) throw new RangeError(`"${iso}" is not an ISO-8601 time with a zone`);
  return Date.parse(iso);
}

/** `YYYY-MM` of every month that overlaps [fromDay, toDay] (calendar days). */
export function monthsBetween(fromDay: string, toDay: string): string[] {
  // Counted in whole months, not by comparing strings: past 9999-12, toISOString writes "+010000-01", which sorts
  // before "9999-12" and would never end the loop.
  const monthIndex = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
  dayNumber(fromDay);
  dayNumber(toDay);
  const months: string[] = [];
  for (let index = monthIndex(fromDay); index <= monthIndex(toDay); index++) {
    months.push(`${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return months;
}

/** Midnight UTC of the first day of the month after the one `iso` falls in. */
export function firstOfNextMonth(iso: string): string {
  const date = new Date(`${iso.slice(0, 7)}-01T00:00:00.000Z`);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString();
}

/** An ISO-8601 instant as UTC to the whole second (`2026-11-23T06:00:00Z`), the form registry-stats writes. */
export function isoSeconds(iso: string): string {
  return `${new Date(Math.floor(instantMs(iso) / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** A duration as settings write it, in its largest whole unit: `3h`, `90m`, `30s`, `1d`. */
export function durationText(ms: number): string {
  for (const [unit, size] of [['d', DAY_MS], ['h', HOUR_MS], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
