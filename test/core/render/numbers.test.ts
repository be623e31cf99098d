import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactNumber } from '../../../lambdas/core/render/numbers.ts';

const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** Reads a compact number back: "1.2k" is 1200. */
function readBack(text: string): number {
  const match = /^(\d+(?:\.\d)?)([kMGTP]?)$/.exec(text);
  if (!match) throw new Error(`not a compact number: ${JSON.stringify(text)}`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** Counts spread over every order of magnitude, plus the edges around each prefix. */
const count = fc.oneof(
  fc.nat({ max: 2_000_000 }),
  fc.maxSafeNat(),
  fc.tuple(fc.integer({ min: 0, max: 15 }), fc.double({ min: 1, max: 10, noNaN: true, maxExcluded: true })).map(([exponent, mantissa]) =>
    Math.min(Math.floor(mantissa * 10 ** exponent), Number.MAX_SAFE_INTEGER),
  ),
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: -600, max: 600 }), fc.constantFrom(1, 10, 100, 1000)).map(([power, offset, leading]) =>
    Math.min(Math.max(0, leading * 1000 ** power + offset), Number.MAX_SAFE_INTEGER),
  ),
);

describe('compactNumber', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1k'],
    [1049, '1k'],
    [1234, '1.2k'],
    [9949, '9.9k'],
    [9951, '10k'],
    [10_499, '10k'],
    [176_180, '176k'],
    [999_499, '999k'],
    [999_500, '1M'],
    [999_999, '1M'],
    [1_000_000, '1M'],
    [1_234_567, '1.2M'],
    [2_147_483_647, '2.1G'],
    // The badges and the dashboard's axes and cards write the same: 9.9G next to 10G, never 10B.
    [9_900_000_000, '9.9G'],
    [10_000_000_000, '10G'],
    [12_174_412_037, '12G'],
    [999_999_999_999, '1T'],
    [1.5e15, '1.5P'],
    [Number.MAX_SAFE_INTEGER, '9P'],
  ])('writes %d as %s, the way shields.io writes download counts', (n, expected) => {
    expect(compactNumber(n)).toBe(expected);
  });

  it('rounds a fractional count (an average) to a whole count first', () => {
    expect(compactNumber(12.4)).toBe('12');
    expect(compactNumber(999.5)).toBe('1k');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('rejects %d, naming it', (n) => {
    expect(() => compactNumber(n)).toThrowError(new RegExp(`^compactNumber: ${n}`));
  });

  it('is at most 4 characters, of digits, one decimal below 10, and an SI prefix', () => {
    fc.assert(
      fc.property(count, (n) => {
        const text = compactNumber(n);
        expect(text.length).toBeLessThanOrEqual(4);
        expect(text).toMatch(/^(?:0|[1-9]\d{0,2}|[1-9](?:\.[1-9])?[kMGTP]|[1-9]\d{1,2}[kMGTP])$/);
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads back within 5% of the count, and exactly below 1000', () => {
    fc.assert(
      fc.property(count, (n) => {
        const back = readBack(compactNumber(n));
        if (n < 1000) expect(back).toBe(n);
        else expect(Math.abs(back - n)).toBeLessThanOrEqual(0.05 * n);
      }),
      { numRuns: 5_000 },
    );
  });

  it('never reads back smaller for a larger count', () => {
    fc.assert(
      fc.property(count, count, (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(readBack(compactNumber(low))).toBeLessThanOrEqual(readBack(compactNumber(high)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('never decreases between neighbouring counts around every prefix boundary', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: -2000, max: 2000 }), (power, offset) => {
        const n = Math.max(0, 1000 ** power + offset * 10 ** Math.max(0, 3 * power - 4));
        expect(readBack(compactNumber(n))).toBeLessThanOrEqual(readBack(compactNumber(n + 1)));
      }),
      { numRuns: 2_000 },
    );
  });
});
