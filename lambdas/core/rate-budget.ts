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

/** The reserve covers the requests one collector may have in flight (2 batches of 10) that no answer counts yet. */
const DEFAULT_OPTIONS: RateBudgetOptions = { reserve: 20, lowWater: 40, maxInlineWaitMs: 10_000 };

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
    const left = Number(remaining);
    const resetAt = Number(reset) * 1000;
    // Answers to parallel requests arrive out of order, and each counts only the requests that reached the
    // registry before it: within one window the lowest count is the truest. A later reset opens a new window.
    if (this.remaining !== undefined && resetAt <= this.resetAt) {
      this.remaining = Math.min(this.remaining, left);
    } else {
      this.remaining = left;
      this.resetAt = resetAt;
    }
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
