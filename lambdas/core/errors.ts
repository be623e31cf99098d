// The error taxonomy every part of pullwatch speaks: bad refs from users, and failures of upstream registries.
import type { BudgetBelief } from './rate-budget.ts';

/** How an upstream call failed; the collector decides retries from this alone. */
export type UpstreamErrorKind = 'not_found' | 'auth' | 'rate_limited' | 'transient' | 'format_changed';

/** Kinds that a retry will not fix: record them on the ref and stop. */
export const PERMANENT_KINDS: ReadonlySet<UpstreamErrorKind> = new Set(['not_found', 'auth', 'format_changed']);

/** Who stopped a rate_limited request: the registry (a 429, which pacing should make rare) or pullwatch's own pacer. */
export interface RateLimitDetail {
  by: 'registry' | 'pacer';
  /** What the pacer believed of the budget when it let the request go (absent: the request was not paced). */
  belief?: BudgetBelief;
}

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly kind: UpstreamErrorKind,
    readonly url: string,
    message: string,
    /** For `rate_limited`: when the registry allows the next request (epoch ms). */
    readonly retryAt?: number,
    readonly rateLimit?: RateLimitDetail,
  ) {
    super(`${kind}: ${message} (${url})`);
  }
}

export class RefError extends Error {
  override readonly name = 'RefError';
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid ref ${JSON.stringify(input)}: ${reason}`);
  }
}
