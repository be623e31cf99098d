// Pins what the budget learns from X-RateLimit-* headers and the pace and holds it derives from them.
import { describe, expect, it } from 'vitest';
import { RateBudget, type RateBudgetOptions } from '../../lambdas/core/rate-budget.ts';

const NOW = 1_800_000_000_000;
const announced = (remaining: number, resetInSeconds: number, limit = 180) =>
  new Headers({ 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(NOW / 1000 + resetInSeconds) });
const DOCKER_HUB: RateBudgetOptions = { minGapMs: 0, reserveShare: 0.05, assumed: { limit: 180, windowMs: 60_000 } };

/** A budget that has sent one request at NOW and read its answer. */
function answeredOnce(headers: Headers, options: RateBudgetOptions = DOCKER_HUB): RateBudget {
  const budget = new RateBudget(options);
  budget.sent();
  budget.answered(NOW, headers);
  return budget;
}

describe('RateBudget', () => {
  it('paces at the assumed budget, less the reserve, until the registry announces its own', () => {
    expect(new RateBudget(DOCKER_HUB).plan(NOW)).toEqual({ gapMs: 60_000 / 171, provisional: true });
  });

  it('learns the limit and the window length from the first answer', () => {
    // 600 a window of 120 s; the reserve is 5 % of it (30).
    expect(answeredOnce(announced(599, 120, 600)).plan(NOW)).toEqual({ gapMs: 120_000 / 570, provisional: false });
  });

  it('never paces faster than its minimum gap, and without any budget paces by that gap alone', () => {
    expect(new RateBudget({ minGapMs: 3_000, reserveShare: 0.05 }).plan(NOW)).toEqual({ gapMs: 3_000, provisional: false });
    expect(answeredOnce(announced(599, 60, 600), { ...DOCKER_HUB, minGapMs: 3_000 }).plan(NOW).gapMs).toBe(3_000);
  });

  it('holds until the reset once others have eaten into the reserve, keeping half of it', () => {
    // Reserve 9: half of it, 5, stays untouched.
    expect(answeredOnce(announced(5, 20)).plan(NOW).holdUntil).toBe(NOW + 20_000);
    expect(answeredOnce(announced(6, 20)).plan(NOW).holdUntil).toBeUndefined();
  });

  it('keeps the steady pace through a window that is going as planned', () => {
    expect(answeredOnce(announced(25, 40)).plan(NOW)).toEqual({ gapMs: 60_000 / 171, provisional: false });
  });

  it('takes the requests still in flight off the announced remaining', () => {
    const budget = new RateBudget(DOCKER_HUB);
    budget.sent();
    budget.sent();
    budget.sent();
    budget.answered(NOW, announced(8, 20));
    // 8 announced, 2 still in flight: 6 left, one above the kept 5.
    expect(budget.belief(NOW)).toMatchObject({ remaining: 6, inFlight: 2 });
    budget.sent();
    expect(budget.plan(NOW).holdUntil).toBe(NOW + 20_000);
  });

  it('trusts the lowest count of a window when answers arrive out of order, and ignores an older window', () => {
    const budget = answeredOnce(announced(30, 40));
    budget.sent();
    budget.answered(NOW, announced(90, 40));
    expect(budget.belief(NOW).remaining).toBe(29);
    budget.sent();
    budget.answered(NOW, announced(170, 10));
    expect(budget.belief(NOW).remaining).toBe(28);
    budget.sent();
    budget.answered(NOW, announced(150, 100));
    expect(budget.belief(NOW)).toMatchObject({ remaining: 150, resetAt: new Date(NOW + 100_000).toISOString() });
  });

  it('forgets a window whose reset has passed', () => {
    const budget = answeredOnce(announced(0, 60));
    expect(budget.plan(NOW).holdUntil).toBe(NOW + 60_000);
    expect(budget.plan(NOW + 60_000)).toEqual({ gapMs: 60_000 / 171, provisional: false });
  });

  it('ignores malformed headers and a reset days away, which would stall collection', () => {
    for (const headers of [new Headers({ 'x-ratelimit-remaining': 'lots', 'x-ratelimit-reset': 'soon' }), announced(0, 3 * 86_400, 60)]) {
      const budget = answeredOnce(headers);
      expect(budget.plan(NOW)).toEqual({ gapMs: 60_000 / 171, provisional: true });
      expect(budget.belief(NOW).remaining).toBeUndefined();
    }
  });

  it('sends nothing more before the time a 429 names, neither earlier nor later than the window suggested', () => {
    const budget = answeredOnce(announced(100, 60));
    budget.sent();
    budget.answered(NOW, new Headers(), NOW + 1_000);
    expect(budget.plan(NOW).holdUntil).toBe(NOW + 1_000);
    expect(budget.belief(NOW)).toMatchObject({ remaining: 0, inFlight: 0 });
    expect(budget.plan(NOW + 1_000).holdUntil).toBeUndefined();
  });
});
