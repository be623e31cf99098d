// The traffic an estimate prices: collection rounds and samples from the poll interval, and the dashboard views that
// CloudFront answers from its cache or passes to the API (each cached answer lives as long as the API's max-age allows).
import { typicalCacheSeconds } from '../../lambdas/api/answers.ts';
import type { StackFacts } from './facts.ts';
import { type Assumptions, LONG_RANGES } from './workload.ts';

export const SECONDS_PER_DAY = 86_400;

export interface Traffic {
  readonly secondsPerMonth: number;
  readonly hoursPerMonth: number;
  /** Collection rounds a month. */
  readonly polls: number;
  /** One per repository and round. */
  readonly samples: number;
  /** Queue messages: one per ref and round. */
  readonly messages: number;
  /** Collect invocations per round (SQS batches). */
  readonly batches: number;
  readonly viewsPerMonth: number;
  readonly viewsPerSecond: number;
  /** The dashboard answer's max-age, and how long CloudFront keeps it. */
  readonly maxAge: number;
  readonly ttl: number;
  /** Origin requests for the default range's URL, for each long range's, and in all. */
  readonly missesPerUrl: number;
  readonly longViewsPerMonth: number;
  readonly longMissesPerUrl: number;
  readonly longRangeRequests: number;
  readonly originRequests: number;
}

export function monthlyTraffic(facts: StackFacts, workload: { repos: number; viewsPerDay: number }, a: Assumptions, q: Record<string, number>): Traffic {
  const { repos, viewsPerDay } = workload;
  const secondsPerMonth = a.daysPerMonth * SECONDS_PER_DAY;
  const hoursPerMonth = a.daysPerMonth * 24;
  const polls = secondsPerMonth / (facts.pollMinutes * 60);
  const samples = polls * repos;
  // One queue message per ref and poll (a wildcard's fan-out aside); each moves the read model's generation.
  const messages = samples;
  const batches = Math.ceil(repos / facts.eventSource.batchSize);

  // --- Views → CloudFront → origin requests --------------------------------------------------------------------
  const cf = facts.cloudfront;
  // CloudFront keeps an answer for the origin's max-age, clamped by the cache policy's TTLs.
  const cachedFor = (maxAge: number) => (cf ? Math.min(cf.apiMaxTtl, Math.max(cf.apiMinTtl, maxAge)) : 0);
  // /api/dashboard is kept until the next collection is due: at a random moment between two, half the interval.
  const maxAge = typicalCacheSeconds(facts.apiPollMinutes);
  const ttl = cachedFor(maxAge);
  const viewsPerMonth = viewsPerDay * a.daysPerMonth;
  const viewsPerSecond = viewsPerDay / SECONDS_PER_DAY;
  // A URL asked for at random (Poisson, rate r) stays cached `ttl` seconds after a miss, then the next request
  // misses: S / (ttl + 1/r) misses a month per cache; at most the requests, at most S / ttl.
  const missesOf = (perSecond: number, cached: number) =>
    perSecond > 0 ? Math.min(perSecond * secondsPerMonth, (a.edgeCaches * secondsPerMonth) / (cached + 1 / perSecond)) : 0;
  // The default range's answer, and each long range's (its share of the long-range views).
  const missesPerUrl = missesOf(viewsPerSecond, ttl);
  const longViewsPerMonth = viewsPerMonth * a.longRangeShare;
  const longMissesPerUrl = missesOf((viewsPerSecond * a.longRangeShare) / LONG_RANGES.length, ttl);
  const longRangeRequests = longMissesPerUrl * LONG_RANGES.length;
  const originRequests = missesPerUrl + longRangeRequests;
  Object.assign(q, { polls, samples, viewsPerMonth, maxAgeSeconds: maxAge, cacheTtlSeconds: ttl, missesPerUrl });
  Object.assign(q, { longRangeViews: longViewsPerMonth, longRangeMissesPerUrl: longMissesPerUrl, longRangeRequests, originRequests });
  return { secondsPerMonth, hoursPerMonth, polls, samples, messages, batches, viewsPerMonth, viewsPerSecond, maxAge, ttl, missesPerUrl, longViewsPerMonth, longMissesPerUrl, longRangeRequests, originRequests };
}
