// A registry's request window, as the fakes enforce it: `rolling` (Docker Hub: the last windowMs) or `fixed` (resets
// every windowMs), announced in X-RateLimit-* headers and refused past the limit with a 429 naming Retry-After.

export type WindowKind = 'rolling' | 'fixed';

export type Admission =
  | { admitted: true; headers: Record<string, string> }
  | { admitted: false; headers: Record<string, string> };

export class RateWindow {
  /** Arrival times of the requests admitted in the current window (rolling: the last windowMs). */
  private readonly admitted: number[] = [];
  private fixedStart = Number.NEGATIVE_INFINITY;
  /** 429s served. */
  refused = 0;
  /** The most requests admitted within any one window. */
  busiest = 0;

  constructor(
    readonly kind: WindowKind,
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  admit(now: number): Admission {
    this.expire(now);
    const resetAt = this.kind === 'fixed' ? this.fixedStart + this.windowMs : (this.admitted[0] ?? now) + this.windowMs;
    const resetSeconds = Math.ceil(resetAt / 1000);
    if (this.admitted.length >= this.limit) {
      this.refused++;
      return { admitted: false, headers: { 'retry-after': String(Math.max(1, resetSeconds - Math.floor(now / 1000))) } };
    }
    this.admitted.push(now);
    this.busiest = Math.max(this.busiest, this.admitted.length);
    return {
      admitted: true,
      headers: {
        'x-ratelimit-limit': String(this.limit),
        'x-ratelimit-remaining': String(this.limit - this.admitted.length),
        'x-ratelimit-reset': String(resetSeconds),
      },
    };
  }

  private expire(now: number): void {
    if (this.kind === 'rolling') {
      while (this.admitted.length > 0 && this.admitted[0]! <= now - this.windowMs) this.admitted.shift();
      return;
    }
    if (now < this.fixedStart + this.windowMs) return;
    this.fixedStart = Math.floor(now / this.windowMs) * this.windowMs;
    this.admitted.length = 0;
  }
}
