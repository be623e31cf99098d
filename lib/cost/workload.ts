// What the cost estimate assumes beyond the template and the code: named assumptions (each printed with the
// estimate), and what the dashboard asks for per view and what each answer reads.
import { DEFAULTS } from '../../lambdas/core/defaults.ts';
import { RANGES, RANGE_DAYS, type Range } from '../../lambdas/core/ranges.ts';
import { KEPT_DAYS } from '../../lambdas/core/read-model.ts';
import { BASELINE_LOOKBACK_DAYS } from '../../lambdas/core/views/series.ts';
import { DEFAULT_STATE } from '../../web/src/state.ts';

export const ASSUMPTIONS = {
  daysPerMonth: 30.4,
  /**
   * Lambda's SQS event source long-polls the queue even when it is empty: 5 concurrent pollers, which it scales
   * down to 2 when traffic is low, "not available when you enable the maximum concurrency setting"
   * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html). Each long poll waits 20 s.
   */
  sqsPollersWithMaxConcurrency: 5,
  sqsPollersScaledDown: 2,
  sqsLongPollSeconds: 20,
  dispatchBaseMs: 200,
  /** Dispatch sends the queue messages ten at a time, one SendMessageBatch after the other. */
  dispatchMsPerSendBatch: 20,
  /**
   * Billed per ref: the wait for its turn in Docker Hub's paced budget (171 requests a minute, so about 350 ms a
   * request once a poll is bigger than a batch) plus upstream latency, counted as if a batch ran one ref at a time.
   */
  collectMsPerRef: 400,
  /**
   * Write units of the shared request schedule per upstream request: a slot reservation of up to a batch's 10
   * requests is one conditional UpdateItem (measured: 0.11 per ref on a 1,000-ref poll).
   */
  scheduleWritesPerRequest: 0.11,
  apiBaseMs: 150,
  /** Building the JSON of one repository's rows. */
  apiMsPerRepo: 0.5,
  /** Added to an API request that queries Timestream (a long range: one query). */
  timestreamQueryMs: 1000,
  /** Billed INIT duration of a cold start (bundled Node.js 24 handler). */
  coldStartInitMs: 400,
  /** An execution environment idle longer than this is assumed gone (AWS documents no figure). */
  warmMinutes: 10,
  /**
   * Warm api environments: each reads the view partition again when it sees a new generation, at most once per
   * poll (a page load's URLs arrive together and land on a few environments).
   */
  apiContainers: 3,
  /** A JSON log line of the Powertools logger. */
  logLineBytes: 300,
  /** platform.start + platform.report of Lambda's JSON log format, per invocation. */
  platformLogBytesPerInvocation: 650,
  platformLogEventsPerInvocation: 2,
  /** CloudWatch Logs meters each event's bytes plus 26 bytes of metadata. */
  logEventOverheadBytes: 26,
  /** One API Gateway access log line (the stage's JSON format). */
  accessLogLineBytes: 300,
  /** DynamoDB item sizes (attribute names + values), schema.ts. */
  sampleItemBytes: 200,
  latestItemBytes: 220,
  monthItemBaseBytes: 110,
  /** `"DD":[count,"collected_at"],` in a month item's `days` JSON. */
  monthDayEntryBytes: 45,
  repoItemBytes: 150,
  /** A read model view item: latest sample, first reading, 62 day closings, baseline and figures (schema.ts). */
  viewItemBytes: 2500,
  /** The read model's generation item: its key, `generation` and `written_at`. */
  generationItemBytes: 80,
  /** DynamoDB adds 100 bytes per item to the storage it bills. */
  dynamodbItemOverheadBytes: 100,
  /** One multi-measure record: time, registry, repo, measure name, pull_count, star_count, last_updated. */
  timestreamRecordBytes: 125,
  timestreamMinTcu: 4,
  timestreamMinBurstSeconds: 30,
  /**
   * Share of dashboard views that also open a long range (90 days, a year or all time, equally often): the only
   * dashboard answers the read model cannot give, one series-store read each (on Timestream, one query burst).
   * Every view is counted as opening the default range too.
   */
  longRangeShare: 0.02,
  /** Storage lines (DynamoDB, PITR, Timestream magnetic, logs) show the size after this much history. */
  historyMonths: 12,
  /** index.html, the script, the stylesheet and the icon, fetched on every view (no browser cache credited). */
  staticRequestsPerView: 4,
  /** web/dist as built (index.html + JS + CSS + icon), before compression. */
  staticBytesPerView: 100_000,
  /** gzip/brotli on text (CloudFront `compress: true`). */
  compressionRatio: 0.25,
  /** One repository's row of /api/dashboard: names, figures, status, without its series. */
  dashboardRowBytes: 450,
  /** Per repository and day of the range: its daily and cumulative values. */
  dashboardBytesPerRepoDay: 16,
  /** Per day of the range: its bucket (`"2026-11-01",`). */
  dashboardBytesPerDay: 13,
  /** Viewers reach one regional edge cache; k caches would multiply the misses by up to k. */
  edgeCaches: 1,
  /** CloudFront standard logs: files delivered per hour that had requests. */
  cloudfrontLogFilesPerActiveHour: 4,
  cloudfrontLogLineBytes: 400,
  /** Share of the refs that are GHCR packages: each waits GHCR_REQUEST_GAP inside collect. */
  ghcrShare: 0,
};

export type Assumptions = typeof ASSUMPTIONS;

export const ASSUMPTION_TEXT: Record<keyof Assumptions, (v: number) => string> = {
  daysPerMonth: (v) => `a month is ${v} days`,
  sqsPollersWithMaxConcurrency: (v) => `with maxConcurrency set, Lambda keeps ${v} SQS pollers (no scale-down; Lambda SQS scaling docs)`,
  sqsPollersScaledDown: (v) => `without maxConcurrency, idle pollers scale down to ${v}`,
  sqsLongPollSeconds: (v) => `each poller's empty ReceiveMessage waits ${v} s`,
  dispatchBaseMs: (v) => `dispatch runs ${v} ms`,
  dispatchMsPerSendBatch: (v) => `plus ${v} ms per SendMessageBatch of 10`,
  collectMsPerRef: (v) => `collect bills ${v} ms per ref (its paced turn plus upstream latency; counted serially though a batch runs in parallel)`,
  scheduleWritesPerRequest: (v) => `the shared request schedule takes ${v} write units per upstream request`,
  apiBaseMs: (v) => `an API request runs ${v} ms`,
  apiMsPerRepo: (v) => `plus ${v} ms per tracked repository`,
  timestreamQueryMs: (v) => `plus ${v} ms when it queries Timestream`,
  coldStartInitMs: (v) => `a cold start bills ${v} ms of INIT`,
  warmMinutes: (v) => `an environment idle over ${v} min is gone`,
  apiContainers: (v) => `${v} warm api environments each read the views once per poll`,
  logLineBytes: (v) => `an application log line is ${v} bytes`,
  platformLogBytesPerInvocation: (v) => `Lambda's platform log lines are ${v} bytes per invocation`,
  platformLogEventsPerInvocation: (v) => `in ${v} events`,
  logEventOverheadBytes: (v) => `CloudWatch Logs adds ${v} bytes per event`,
  accessLogLineBytes: (v) => `an HTTP API access log line is ${v} bytes`,
  sampleItemBytes: (v) => `DynamoDB sample item ${v} B`,
  latestItemBytes: (v) => `latest item ${v} B`,
  monthItemBaseBytes: (v) => `month item ${v} B`,
  monthDayEntryBytes: (v) => `+ ${v} B per day entry`,
  repoItemBytes: (v) => `repos item ${v} B`,
  viewItemBytes: (v) => `read model view item ${v} B`,
  generationItemBytes: (v) => `generation item ${v} B`,
  dynamodbItemOverheadBytes: (v) => `+ ${v} B storage overhead per item`,
  timestreamRecordBytes: (v) => `a Timestream record is ${v} bytes`,
  timestreamMinTcu: (v) => `a query burst uses ≥ ${v} TCU`,
  timestreamMinBurstSeconds: (v) => `for ≥ ${v} s`,
  longRangeShare: (v) => `${formatShare(v)} of views also open a long range (90 d, 1 y or all; --long-range-share)`,
  historyMonths: (v) => `storage after ${v} months of history`,
  staticRequestsPerView: (v) => `a view fetches ${v} static files`,
  staticBytesPerView: (v) => `of ${Math.round(v / 1000).toLocaleString('en-US')} KB`,
  compressionRatio: (v) => `text compresses to ${v} of its size`,
  dashboardRowBytes: (v) => `a dashboard row is ${v} B`,
  dashboardBytesPerRepoDay: (v) => `+ ${v} B per day of its series`,
  dashboardBytesPerDay: (v) => `+ ${v} B per day for the axis`,
  edgeCaches: (v) => `viewers share ${v} CloudFront regional cache`,
  cloudfrontLogFilesPerActiveHour: (v) => `CloudFront writes ${v} log files per hour with traffic`,
  cloudfrontLogLineBytes: (v) => `of ${v}-byte lines`,
  ghcrShare: (v) => `${formatShare(v)} of refs are GHCR (each waits GHCR_REQUEST_GAP ${DEFAULTS.ghcrRequestGapMs / 1000} s in collect)`,
};

function formatShare(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}

// ---------------------------------------------------------------------------------------------------------------
// The dashboard's requests: one answer per range it shows, GET /api/dashboard?range=… (web/src/main.ts)

/** The range a view opens with: answered from the read model. */
export const DEFAULT_RANGE: Range = DEFAULT_STATE.range;

/** The dashboard ranges the read model does not cover (it keeps KEPT_DAYS days): answered by the series store. */
export const LONG_RANGES: readonly Range[] = RANGES.filter((range) => RANGE_DAYS[range] > KEPT_DAYS);

/** Uncompressed bytes of /api/dashboard for `repos` repositories over `days` days. */
export function dashboardAnswerBytes(repos: number, days: number, a: Assumptions): number {
  return repos * (a.dashboardRowBytes + days * a.dashboardBytesPerRepoDay) + days * a.dashboardBytesPerDay;
}

/** Query/Scan reads: eventually consistent, 0.5 unit per 4 KB of items read. */
export function queryReadUnits(bytes: number): number {
  return Math.ceil(bytes / 4096) * 0.5;
}

export function fullMonthItemBytes(a: Assumptions): number {
  return a.monthItemBaseBytes + 31 * a.monthDayEntryBytes;
}

/**
 * A long range on the DynamoDB store: the series store reads the window plus the baseline lookback, every
 * repository's month items, one Query per month partition.
 */
export function longRangeReadUnits(repos: number, days: number, a: Assumptions): number {
  const months = 1 + (days + BASELINE_LOOKBACK_DAYS - 1) / a.daysPerMonth;
  return months * queryReadUnits(repos * fullMonthItemBytes(a));
}
