// Compact pull counts ("1.2k", "3.4M"), in the shields.io download-count convention: the one compact form, for the
// badges and for the dashboard's axes and narrow cards (web/src/format.ts), so a badge and the page never disagree.

/**
 * SI prefixes as shields.io writes download counts (`metric` in badges/shields services/text-formatters.js):
 * G, not B, so a pullwatch badge reads like the shields.io download badges it sits next to.
 * P is enough: Number.MAX_SAFE_INTEGER is about 9.0e15, and a larger count would not be exact anyway.
 */
const PREFIXES = ['', 'k', 'M', 'G', 'T', 'P'] as const;

/**
 * The shields.io rule: below 1000 the whole count; above, scaled to the largest prefix it reaches, with one
 * decimal while that reads under 10 ("1.2k", but "1k" rather than "1.0k") and none from 10 on ("12k", "999k").
 * A value that would round to 1000 of a prefix moves up one ("1M", never "1000k"). The result has at most
 * 4 characters, reads back within 5%, and never decreases as the count grows.
 *
 * Fractional input (an average) is rounded to a whole count first; negative, non-finite or unsafe input throws,
 * since pull counts are whole numbers from 0 to 2^53 - 1.
 */
export function compactNumber(n: number): string {
  if (!Number.isFinite(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`compactNumber: ${n} is not a count between 0 and ${Number.MAX_SAFE_INTEGER}`);
  }
  const count = Math.round(n);
  let power = 0;
  while (power < PREFIXES.length - 1 && count >= 1000 ** (power + 1)) power++;
  if (power === 0) return String(count);

  const scaled = count / 1000 ** power;
  const tenths = Math.round(scaled * 10) / 10;
  if (tenths < 10) return `${tenths}${PREFIXES[power]}`;
  const whole = Math.round(scaled);
  return whole < 1000 ? `${whole}${PREFIXES[power]}` : `1${PREFIXES[power + 1]}`;
}
