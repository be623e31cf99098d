import { describe, expect, it } from 'vitest';
import { RateBudget } from '../../lambdas/core/rate-budget.ts';

const NOW = 1_800_000_000_000;
const announced = (remaining: number, resetInSeconds: number) =>
  new Headers({ 'x-ratelimit-limit': '180', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(NOW / 1000 + resetInSeconds) });

describe('RateBudget', () => {
  it('lets requests through while the budget is unknown or ample', () => {
    const budget = new RateBudget();
    expect(budget.beforeRequest(NOW)).toEqual({});
    budget.observe(announced(150, 60));
    expect(budget.beforeRequest(NOW)).toEqual({});
  });

  it('spreads the last requests over the time to the reset', () => {
    const budget = new RateBudget({ reserve: 3, lowWater: 20, maxInlineWaitMs: 10_000 });
    budget.observe(announced(13, 30));
    expect(budget.beforeRequest(NOW)).toEqual({ waitMs: 3_000 });
  });

  it('sends the ref back to the queue when the reset is further than it may wait', () => {
    const budget = new RateBudget({ reserve: 3, lowWater: 20, maxInlineWaitMs: 10_000 });
    budget.observe(announced(2, 45));
    expect(budget.beforeRequest(NOW)).toEqual({ retryAt: NOW + 45_000 });
  });

  it('waits in-process for a reset that is close', () => {
    const budget = new RateBudget({ reserve: 3, lowWater: 20, maxInlineWaitMs: 10_000 });
    budget.observe(announced(0, 4));
    expect(budget.beforeRequest(NOW)).toEqual({ waitMs: 4_000 });
  });

  it('trusts the lowest count of a window when answers to parallel requests arrive out of order', () => {
    const budget = new RateBudget({ reserve: 3, lowWater: 20, maxInlineWaitMs: 10_000 });
    budget.observe(announced(2, 45));
    budget.observe(announced(30, 45));
    expect(budget.beforeRequest(NOW)).toEqual({ retryAt: NOW + 45_000 });
    budget.observe(announced(150, 105));
    expect(budget.beforeRequest(NOW)).toEqual({});
  });

  it('forgets a budget whose reset has passed, and ignores malformed headers', () => {
    const budget = new RateBudget();
    budget.observe(announced(0, 10));
    expect(budget.beforeRequest(NOW + 11_000)).toEqual({});
    budget.observe(new Headers({ 'x-ratelimit-remaining': 'lots', 'x-ratelimit-reset': 'soon' }));
    expect(budget.beforeRequest(NOW + 11_000)).toEqual({});
  });
});
