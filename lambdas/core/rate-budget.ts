// What a registry announced of its request budget (X-RateLimit-Limit / -Remaining / -Reset), and how fast it lets one send.
import { DAY_MS } from './days.ts';

export interface AssumedBudget {
  limit: number;
  windowMs: number;
}

export interface RateBudgetOptions {
  /** Never closer together than this, whatever the registry announces (GHCR's scraping gap). */
  minGapMs: number;
  /** Paced as if the registry allowed this until it announces its own budget; absent, only minGapMs applies. */
  assumed?: AssumedBudget;
  /** Share of each window's requests left to the other clients behind the same IP. */
  reserveShare: number;
}

/** What the pacer believed of the budget when it let a request go: the evidence a 429 is logged with. */
export interface BudgetBelief {
  limit?: number;
  windowMs?: number;
  /** Requests counted as left in the current window, those in flight already taken off. */
  remaining?: number;
  resetAt?: string;
  inFlight: number;
  gapMs: number;
}

export interface BudgetPlan {
  /** Space requests this far apart. */
  gapMs: number;
  /** The gap rests on the assumed budget: the first answer may change it. */
  provisional: boolean;
  /** Send nothing before this time (epoch ms): the window is spent down to half the reserve. */
  holdUntil?: number;
}

/** A reset further away than this is a clock or header error: pacing by it would stall collection for days. */
const MAX_CREDIBLE_WINDOW_MS = DAY_MS;

export class RateBudget {
  private announcedLimit: number | undefined;
  /** The longest time from a request to the reset its answer named, in whole seconds (the headers' resolution). */
  private learnedWindowMs: number | undefined;
  /** The window as last announced: requests still allowed in it (after those sent since), and when it resets. */
  private window: { left: number; resetAt: number } | undefined;
  private inFlight = 0;

  constructor(private readonly options: RateBudgetOptions) {}

  /** A request goes out now. */
  sent(): void {
    this.inFlight++;
    if (this.window) this.window.left--;
  }

  /**
   * The request sent at `sentAt` was answered with these headers, or never answered (no headers). `throttledUntil`:
   * the registry answered 429 and named when to retry, so nothing more is sent before then.
   */
  answered(sentAt: number, headers?: Headers, throttledUntil?: number): void {
    this.inFlight--;
    const announced = headers && readAnnounced(headers);
    if (announced) this.learn(sentAt, announced);
    // The registry's word on when to come back outranks what the window's reset suggested.
    if (throttledUntil !== undefined) this.window = { left: 0, resetAt: throttledUntil };
  }

  plan(now: number): BudgetPlan {
    const limit = this.announcedLimit ?? this.options.assumed?.limit;
    const windowMs = this.windowMs();
    const reserve = limit === undefined ? 0 : Math.ceil(limit * this.options.reserveShare);
    // The long-run rate: the window's requests but the reserve, evenly over the window, so a reset never starts a burst.
    const steadyGapMs = limit !== undefined && windowMs !== undefined ? windowMs / Math.max(1, limit - reserve) : 0;
    const gapMs = Math.max(this.options.minGapMs, steadyGapMs);
    const provisional = this.options.assumed !== undefined && this.announcedLimit === undefined;
    const window = this.window;
    // At the steady rate the count hovers near the reserve; only when others eat into it does the pacer stop, keeping
    // half of it, until the reset. (Spreading the rest until the reset instead would misread a rolling window, whose
    // reset names only when its oldest request expires, rounded up to the second.)
    if (window && window.resetAt > now && window.left <= Math.ceil(reserve / 2)) return { gapMs, provisional, holdUntil: window.resetAt };
    return { gapMs, provisional };
  }

  belief(now: number): BudgetBelief {
    const limit = this.announcedLimit ?? this.options.assumed?.limit;
    const windowMs = this.windowMs();
    const window = this.window && this.window.resetAt > now ? this.window : undefined;
    return {
      ...(limit !== undefined && { limit }),
      ...(windowMs !== undefined && { windowMs }),
      ...(window && { remaining: window.left, resetAt: new Date(window.resetAt).toISOString() }),
      inFlight: this.inFlight,
      gapMs: Math.round(this.plan(now).gapMs),
    };
  }

  /**
   * A reset only bounds the window from below: first seen in the middle of a fixed window, it would pass for the time
   * left in it and pace the next window too fast. So the assumed window stands until a longer one is seen.
   */
  private windowMs(): number | undefined {
    const { assumed } = this.options;
    if (this.learnedWindowMs === undefined) return assumed?.windowMs;
    return Math.max(this.learnedWindowMs, assumed?.windowMs ?? 0);
  }

  /**
   * The remaining count covers the requests that reached the registry before this answer was written; those still in
   * flight may reach it after, so they are taken off. Answers to parallel requests arrive out of order: within one
   * window the lowest count is the truest, an earlier reset describes a window already gone, a later one opens a new one.
   */
  private learn(sentAt: number, { limit, remaining, resetAt }: Announced): void {
    if (resetAt - sentAt > MAX_CREDIBLE_WINDOW_MS) return;
    this.announcedLimit = limit ?? Math.max(this.announcedLimit ?? 0, remaining + 1);
    const windowMs = Math.floor((resetAt - sentAt) / 1000) * 1000;
    if (windowMs > 0) this.learnedWindowMs = Math.max(this.learnedWindowMs ?? 0, windowMs);
    const left = Math.min(remaining, this.announcedLimit) - this.inFlight;
    if (this.window && resetAt < this.window.resetAt) return;
    if (this.window && resetAt === this.window.resetAt) this.window.left = Math.min(this.window.left, left);
    else this.window = { left, resetAt };
  }
}

export interface Announced {
  limit?: number;
  remaining: number;
  resetAt: number;
}

/** Remaining and Reset (unix seconds) are needed to pace by; Limit is optional. Anything malformed counts as absent. */
export function readAnnounced(headers: Headers): Announced | undefined {
  const count = (name: string): number | undefined => {
    const value = headers.get(name)?.trim();
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const remaining = count('x-ratelimit-remaining');
  const reset = count('x-ratelimit-reset');
  if (remaining === undefined || reset === undefined) return undefined;
  const limit = count('x-ratelimit-limit');
  return { ...(limit !== undefined && limit > 0 && { limit }), remaining, resetAt: reset * 1000 };
}
