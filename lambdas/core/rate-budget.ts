// Keeps one collector inside a registry's announced request budget (X-RateLimit-Remaining / -Reset).

export interface BudgetDecision {
  /** Pause this long, then send. */
  waitMs?: number;
  /** Do not send before this time (epoch ms): longer than worth waiting inside one invocation. */
  retryAt?: number;
}

export interface RateBudgetOptions {
  /** Requests left untouched, for other clients behind the same IP. */
  reserve: number;
  /** Below this many remaining requests, spread the rest evenly until the reset. */
  lowWater: number;
  /** Longest pause taken in-process; a longer one sends the ref back to the queue. */
  maxInlineWaitMs: number;
}

const DEFAULT_OPTIONS: RateBudgetOptions = { reserve: 3, lowWater: 20, maxInlineWaitMs: 10_000 };

export class RateBudget {
  private remaining: number | undefined;
  private resetAt = 0;
  private readonly options: RateBudgetOptions;

  constructor(options: Partial<RateBudgetOptions> = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  /** Reads the budget a response announces; answers without the headers leave it as it was. */
  observe(headers: Headers): void {
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = headers.get('x-ratelimit-reset');
    if (remaining === null || reset === null || !/^\d+$/.test(remaining.trim()) || !/^\d+$/.test(reset.trim())) return;
    this.remaining = Number(remaining);
    this.resetAt = Number(reset) * 1000;
  }

  beforeRequest(now: number): BudgetDecision {
    const { reserve, lowWater, maxInlineWaitMs } = this.options;
    if (this.remaining === undefined || this.resetAt <= now) return {};
    const untilReset = this.resetAt - now;
    if (this.remaining <= reserve) {
      return untilReset > maxInlineWaitMs ? { retryAt: this.resetAt } : { waitMs: untilReset };
    }
    const spendable = this.remaining - reserve;
    this.remaining--;
    if (spendable >= lowWater) return {};
    const waitMs = Math.ceil(untilReset / spendable);
    return waitMs > maxInlineWaitMs ? { retryAt: now + waitMs } : { waitMs };
  }
}
