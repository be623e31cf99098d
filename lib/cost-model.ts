// Monthly AWS cost of a pullwatch deployment: the stack's real settings read from its synthesized template, a
// workload (repositories, poll interval, dashboard views), public us-east-1 list prices, and named assumptions.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { typicalCacheSeconds } from '../lambdas/api/answers.ts';
import { DEFAULTS } from '../lambdas/core/defaults.ts';
import { PullwatchStack } from './pullwatch-stack.ts';
import { type SeriesStoreKind, stackSettingsFromContext } from './settings.ts';

// ---------------------------------------------------------------------------------------------------------------
// Prices

/**
 * When the prices below were last compared with public pricing information. Read again on that date (through the
 * search index this machine has; the pricing pages themselves were not reachable): the CloudFront free tier and
 * $0.085/GB, Lambda's Arm/x86 duration prices and free tier, DynamoDB on-demand request prices, SQS $0.40 + 1 M
 * free, CloudWatch Logs $0.50/GB + $0.03/GB-month, Timestream's write/memory/magnetic prices and TCU billing rules.
 * Not re-read, the pages' long-standing figures (and FACTS.md's): the TCU-hour price, HTTP API, Secrets Manager,
 * Scheduler, S3, CloudFront per-request, DynamoDB storage/PITR, metrics and alarms. Re-check before quoting.
 */
export const PRICES_CHECKED_ON = '2026-11-23';

/** Public on-demand list prices, us-east-1 (CloudFront: United States, Mexico and Canada edges), in USD. */
export const PRICES = {
  // https://aws.amazon.com/lambda/pricing/ : requests; duration per GB-second (first 6 B GB-s on Arm, 6 B on x86).
  // Since 2025-08-01 the INIT phase of on-demand functions is billed as duration too.
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaX86PerGbSecond: 0.0000166667,
  // https://aws.amazon.com/sqs/pricing/ : standard queue, every API action (empty receives included) per 64 KB chunk.
  sqsPerMillionRequests: 0.4,
  // https://aws.amazon.com/eventbridge/pricing/ : EventBridge Scheduler invocations.
  schedulerPerMillionInvocations: 1.0,
  // https://aws.amazon.com/dynamodb/pricing/on-demand/ : on-demand (since the 2024-11-01 price cut), standard table class.
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  dynamodbStoragePerGbMonth: 0.25,
  dynamodbPitrPerGbMonth: 0.2,
  // https://aws.amazon.com/timestream/pricing/ : Timestream for LiveAnalytics. Writes in 1 KiB units; queries in
  // TCU-hours, per second with a 30 s minimum and at least 4 TCU. The TCU-hour figure is FACTS.md's "about $0.52"
  // (a third-party summary gives $0.518); the pricing page itself could not be loaded from this machine.
  timestreamPerMillionWrites: 0.5,
  timestreamMemoryPerGbHour: 0.036,
  timestreamMagneticPerGbMonth: 0.03,
  timestreamPerTcuHour: 0.52,
  // https://aws.amazon.com/api-gateway/pricing/ : HTTP APIs, first 300 M requests a month.
  httpApiPerMillionRequests: 1.0,
  // https://aws.amazon.com/cloudfront/pricing/ : pay-as-you-go, first 10 TB out; HTTPS requests (HTTP is $0.0075).
  cloudfrontPerGbOut: 0.085,
  cloudfrontPer10kHttpsRequests: 0.01,
  // https://aws.amazon.com/cloudwatch/pricing/ : Logs (standard class; Lambda's vended-log tier starts at the same
  // $0.50), custom metrics (first 10,000), standard-resolution alarms.
  logsIngestPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  metricPerMonth: 0.3,
  alarmPerMonth: 0.1,
  // https://aws.amazon.com/secrets-manager/pricing/
  secretPerMonth: 0.4,
  secretsPer10kApiCalls: 0.05,
  // https://aws.amazon.com/s3/pricing/ : S3 Standard.
  s3StoragePerGbMonth: 0.023,
  s3PutPer1000: 0.005,
  s3GetPer1000: 0.0004,
} as const;

export type PriceName = keyof typeof PRICES;

/**
 * The always-free allowances per account and month (not the 12-month offers, nor the credits of the Free plan for
 * accounts created after 2025-07-15). They are shared with everything else in the account: the "you pay" column
 * holds only while nothing else uses them.
 */
export const FREE_TIER = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  sqsRequests: 1_000_000,
  schedulerInvocations: 14_000_000,
  dynamodbStorageGb: 25,
  cloudfrontGbOut: 1024,
  cloudfrontRequests: 10_000_000,
  /** Ingestion, storage and Logs Insights scans together. */
  logsGb: 5,
  metrics: 10,
  alarms: 10,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Assumptions: what neither the template nor the code says. Every one is printed with the estimate.

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
  /** Upstream latency bound; counted as if a batch's refs ran one after the other (they run in parallel). */
  collectMsPerRef: 150,
  apiBaseMs: 150,
  /** Building the JSON of one repository's rows. */
  apiMsPerRepo: 0.5,
  /** Added to an API request that queries Timestream (its queries run in parallel). */
  timestreamQueryMs: 1000,
  /** Billed INIT duration of a cold start (bundled Node.js 24 handler). */
  coldStartInitMs: 400,
  /** An execution environment idle longer than this is assumed gone (AWS documents no figure). */
  warmMinutes: 10,
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
  /** DynamoDB adds 100 bytes per item to the storage it bills. */
  dynamodbItemOverheadBytes: 100,
  /** One multi-measure record: time, registry, repo, measure name, pull_count, star_count, last_updated. */
  timestreamRecordBytes: 125,
  timestreamMinTcu: 4,
  timestreamMinBurstSeconds: 30,
  /**
   * Each Timestream-backed URL that misses CloudFront's cache is its own query burst (≥ 4 TCU × 30 s). If the
   * queries of one page load share a 30 s window, the query bill is this divided by the number of those URLs.
   */
  burstsPerUrlMiss: 1,
  /** Storage lines (DynamoDB, PITR, Timestream magnetic, logs) show the size after this much history. */
  historyMonths: 12,
  /** index.html, the script, the stylesheet and the icon, fetched on every view (no browser cache credited). */
  staticRequestsPerView: 4,
  /** web/dist as built (index.html + JS + CSS + icon), before compression. */
  staticBytesPerView: 100_000,
  /** gzip/brotli on text (CloudFront `compress: true`). */
  compressionRatio: 0.25,
  /** Repositories the dashboard's chart fetches cumulative series for, in one registry. */
  chartRepos: 5,
  /** Viewers reach one regional edge cache; k caches would multiply the misses by up to k. */
  edgeCaches: 1,
  /** CloudFront standard logs: files delivered per hour that had requests. */
  cloudfrontLogFilesPerActiveHour: 4,
  cloudfrontLogLineBytes: 400,
  /** Share of the refs that are GHCR packages: each waits GHCR_REQUEST_GAP inside collect. */
  ghcrShare: 0,
};

export type Assumptions = typeof ASSUMPTIONS;

/** One request the dashboard makes per view, as web/src/main.ts issues them (URLs stable: `from` is relative). */
export interface DashboardRequest {
  readonly path: string;
  /** Timestream queries the api function runs for it (in parallel). */
  readonly timestreamQueries: number;
  /** Uncompressed response bytes: per tracked repository, plus a fixed part. */
  readonly bytesPerRepo: number;
  readonly fixedBytes: number;
  /** DynamoDB read units one cache miss costs on the given store. */
  readonly readUnits: (repos: number, store: SeriesStoreKind, a: Assumptions) => number;
}

const SECONDS_PER_DAY = 86_400;

/** Query/Scan reads: eventually consistent, 0.5 unit per 4 KB of items read. */
function queryReadUnits(bytes: number): number {
  return Math.ceil(bytes / 4096) * 0.5;
}

/** Calendar months a window of `days` days overlaps, on average. */
function monthsSpanned(days: number, a: Assumptions): number {
  return 1 + (days - 1) / a.daysPerMonth;
}

function fullMonthItemBytes(a: Assumptions): number {
  return a.monthItemBaseBytes + 31 * a.monthDayEntryBytes;
}

/** Month partitions read for a window: one Query per month over every repository's month item. */
function monthReads(repos: number, days: number, a: Assumptions): number {
  return monthsSpanned(days, a) * queryReadUnits(repos * fullMonthItemBytes(a));
}

/** The api reads the window plus views.ts's 31-day baseline. */
const BASELINE_DAYS = 31;

export const DASHBOARD_REQUESTS: readonly DashboardRequest[] = [
  {
    path: '/api/summary',
    timestreamQueries: 2,
    bytesPerRepo: 230,
    fixedBytes: 2,
    readUnits: (repos, store, a) => (store === 'dynamodb' ? queryReadUnits(repos * a.latestItemBytes) + monthReads(repos, 30 + BASELINE_DAYS, a) : 0),
  },
  {
    path: '/api/repos',
    timestreamQueries: 0,
    bytesPerRepo: 200,
    fixedBytes: 2,
    readUnits: (repos, _store, a) => queryReadUnits(repos * a.repoItemBytes),
  },
  {
    path: '/api/trends',
    timestreamQueries: 1,
    bytesPerRepo: 260,
    fixedBytes: 2,
    readUnits: (repos, store, a) => (store === 'dynamodb' ? monthReads(repos, 60 + BASELINE_DAYS, a) : 0),
  },
  {
    path: '/api/pulls/daily?from=29d',
    timestreamQueries: 1,
    bytesPerRepo: 30 * 75,
    fixedBytes: 2,
    readUnits: (repos, store, a) => (store === 'dynamodb' ? monthReads(repos, 30 + BASELINE_DAYS, a) : 0),
  },
  {
    // The chart: cumulative series of the busiest repositories, BatchGet of their month items on DynamoDB.
    path: '/api/pulls?from=29d&registry=…&repo=…',
    timestreamQueries: 1,
    bytesPerRepo: 0,
    fixedBytes: 5 * 30 * 70,
    readUnits: (repos, store, a) => (store === 'dynamodb' ? Math.min(repos, a.chartRepos) * Math.ceil(monthsSpanned(30 + BASELINE_DAYS, a)) * 0.5 : 0),
  },
];

// ---------------------------------------------------------------------------------------------------------------
// The stack's settings, read from its template

export interface FunctionFacts {
  readonly logicalId: string;
  readonly memoryMiB: number;
  readonly architecture: 'arm64' | 'x86_64';
  readonly timeoutSeconds: number;
  /** Days; undefined when the log group never expires. */
  readonly logRetentionDays: number | undefined;
}

export interface TableFacts {
  readonly logicalId: string;
  readonly billingMode: string;
  readonly pointInTimeRecovery: boolean;
}

export interface StackFacts {
  readonly store: SeriesStoreKind;
  /** From the schedule expression. */
  readonly pollMinutes: number;
  /** POLL_MINUTES the api function answers with: it sets Cache-Control max-age. */
  readonly apiPollMinutes: number;
  readonly functions: { readonly dispatch: FunctionFacts; readonly collect: FunctionFacts; readonly api: FunctionFacts; readonly ingest?: FunctionFacts };
  readonly eventSource: { readonly batchSize: number; readonly maxConcurrency: number | undefined };
  readonly reposTable: TableFacts;
  readonly seriesTable: TableFacts | undefined;
  readonly countersTable: TableFacts | undefined;
  readonly timestream: { readonly memoryRetentionHours: number; readonly magneticRetentionDays: number } | undefined;
  /** Secrets the stack creates, plus a Docker Hub secret collect reads (created outside the stack). */
  readonly secrets: number;
  readonly dockerhubSecret: boolean;
  readonly alarms: number;
  readonly accessLogRetentionDays: number | undefined;
  readonly cloudfront:
    | { readonly apiMinTtl: number; readonly apiDefaultTtl: number; readonly apiMaxTtl: number; readonly logging: boolean; readonly logExpirationDays: number | undefined }
    | undefined;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

function getAttId(value: unknown): string | undefined {
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) ? getAtt[0] : undefined;
}

function refId(value: unknown): string | undefined {
  const ref = (value as { Ref?: string } | undefined)?.Ref;
  return typeof ref === 'string' ? ref : undefined;
}

function ofType(resources: Resources, type: string): [string, Record<string, any>][] {
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}

function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`the template should have exactly one ${what}; found ${items.length}`);
  return items[0]!;
}

/** `rate(1 hour)`, `rate(15 minutes)`, `rate(1 day)` → minutes. */
export function rateMinutes(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) throw new Error(`cannot read the schedule expression ${JSON.stringify(expression)} (expected rate(N unit))`);
  const unit = match[2]!.startsWith('minute') ? 1 : match[2]!.startsWith('hour') ? 60 : 1440;
  return Number(match[1]) * unit;
}

/** Reads what the estimate needs from a synthesized pullwatch template; throws when the stack's shape changed. */
export function readStackFacts(template: Template | { Resources: Resources }): StackFacts {
  const resources = ((template instanceof Template ? template.toJSON() : template) as { Resources: Resources }).Resources;

  const functionFacts = (id: string): FunctionFacts => {
    const fn = resources[id];
    if (fn?.Type !== 'AWS::Lambda::Function') throw new Error(`${id} is not a Lambda function in the template`);
    const p = fn.Properties ?? {};
    const logGroup = refId(p.LoggingConfig?.LogGroup);
    const architecture = (p.Architectures as string[] | undefined)?.[0] ?? 'x86_64';
    if (architecture !== 'arm64' && architecture !== 'x86_64') throw new Error(`${id}: unknown architecture ${architecture}`);
    return {
      logicalId: id,
      memoryMiB: Number(p.MemorySize ?? 128),
      architecture,
      timeoutSeconds: Number(p.Timeout ?? 3),
      logRetentionDays: logGroup ? retentionDays(resources, logGroup) : undefined,
    };
  };

  // dispatch: what the schedule invokes.
  const [, schedule] = only(ofType(resources, 'AWS::Scheduler::Schedule'), 'AWS::Scheduler::Schedule');
  const dispatchId = getAttId(schedule.Target?.Arn);
  if (!dispatchId) throw new Error('the schedule does not target a function of the stack');
  const pollMinutes = rateMinutes(String(schedule.ScheduleExpression));

  // collect: what the SQS event source mapping invokes.
  const [, mapping] = only(ofType(resources, 'AWS::Lambda::EventSourceMapping'), 'AWS::Lambda::EventSourceMapping');
  const collectId = refId(mapping.FunctionName);
  if (!collectId) throw new Error('the event source mapping names no function of the stack');
  const maxConcurrency = mapping.ScalingConfig?.MaximumConcurrency;

  // api and ingest: what the HTTP API routes reach.
  const integrations = new Map(ofType(resources, 'AWS::ApiGatewayV2::Integration').map(([id, p]) => [id, getAttId(p.IntegrationUri)]));
  const routes = ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, p]) => {
    const parts = (p.Target?.['Fn::Join']?.[1] ?? []) as unknown[];
    const integration = parts.map(refId).find((id) => id !== undefined);
    return { key: String(p.RouteKey), fn: integration ? integrations.get(integration) : undefined };
  });
  const apiId = only(routes.filter((route) => route.key.includes('{proxy+}')), 'proxy route').fn;
  const ingestId = routes.find((route) => route.key.startsWith('POST '))?.fn;
  if (!apiId) throw new Error('the API proxy route reaches no function of the stack');

  const api = resources[apiId]?.Properties ?? {};
  const apiEnv = (api.Environment?.Variables ?? {}) as Record<string, unknown>;
  const collectEnv = (resources[collectId]?.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
  const store = apiEnv.SERIES_STORE;
  if (store !== 'dynamodb' && store !== 'timestream') throw new Error(`the api function's SERIES_STORE is ${JSON.stringify(store)}`);

  const tableFacts = (env: Record<string, unknown>, name: string): TableFacts | undefined => {
    const id = refId(env[name]);
    if (!id) return undefined;
    const p = resources[id]?.Properties ?? {};
    const replica = (p.Replicas as Record<string, any>[] | undefined)?.[0];
    return {
      logicalId: id,
      billingMode: String(p.BillingMode ?? 'PROVISIONED'),
      pointInTimeRecovery: Boolean((replica?.PointInTimeRecoverySpecification ?? p.PointInTimeRecoverySpecification)?.PointInTimeRecoveryEnabled),
    };
  };
  const reposTable = tableFacts(apiEnv, 'REPOS_TABLE');
  if (!reposTable) throw new Error('the api function has no REPOS_TABLE');

  const timestreamTable = ofType(resources, 'AWS::Timestream::Table')[0]?.[1];
  const timestream = timestreamTable && {
    memoryRetentionHours: Number(timestreamTable.RetentionProperties?.MemoryStoreRetentionPeriodInHours),
    magneticRetentionDays: Number(timestreamTable.RetentionProperties?.MagneticStoreRetentionPeriodInDays),
  };

  const [, stage] = only(ofType(resources, 'AWS::ApiGatewayV2::Stage'), 'AWS::ApiGatewayV2::Stage');
  const accessLogGroup = getAttId(stage.AccessLogSettings?.DestinationArn);

  const distribution = ofType(resources, 'AWS::CloudFront::Distribution')[0]?.[1]?.DistributionConfig;
  let cloudfront: StackFacts['cloudfront'];
  if (distribution) {
    const apiBehavior = ((distribution.CacheBehaviors ?? []) as Record<string, any>[]).find((b) => b.PathPattern === '/api/*');
    const policyId = refId(apiBehavior?.CachePolicyId);
    const policy = policyId ? resources[policyId]?.Properties?.CachePolicyConfig : undefined;
    if (!policy) throw new Error('the distribution has no /api/* behaviour with a cache policy of the stack');
    const logBucket = getAttId(distribution.Logging?.Bucket);
    const expiration = logBucket
      ? ((resources[logBucket]?.Properties?.LifecycleConfiguration?.Rules ?? []) as Record<string, any>[]).find((rule) => rule.ExpirationInDays)?.ExpirationInDays
      : undefined;
    cloudfront = {
      apiMinTtl: Number(policy.MinTTL ?? 0),
      apiDefaultTtl: Number(policy.DefaultTTL ?? 0),
      apiMaxTtl: Number(policy.MaxTTL ?? 31_536_000),
      logging: Boolean(distribution.Logging),
      logExpirationDays: expiration === undefined ? undefined : Number(expiration),
    };
  }

  const dockerhubSecret = collectEnv.DOCKERHUB_SECRET !== undefined;
  return {
    store,
    pollMinutes,
    apiPollMinutes: Number(apiEnv.POLL_MINUTES ?? pollMinutes),
    functions: {
      dispatch: functionFacts(dispatchId),
      collect: functionFacts(collectId),
      api: functionFacts(apiId),
      ...(ingestId && { ingest: functionFacts(ingestId) }),
    },
    eventSource: { batchSize: Number(mapping.BatchSize ?? 10), maxConcurrency: maxConcurrency === undefined ? undefined : Number(maxConcurrency) },
    reposTable,
    seriesTable: store === 'dynamodb' ? tableFacts(apiEnv, 'SERIES_TABLE') : undefined,
    countersTable: tableFacts(apiEnv, 'COUNTERS_TABLE'),
    timestream,
    secrets: ofType(resources, 'AWS::SecretsManager::Secret').length + (dockerhubSecret ? 1 : 0),
    dockerhubSecret,
    alarms: ofType(resources, 'AWS::CloudWatch::Alarm').length,
    accessLogRetentionDays: accessLogGroup ? retentionDays(resources, accessLogGroup) : undefined,
    cloudfront,
  };
}

function retentionDays(resources: Resources, logGroupId: string): number | undefined {
  const days = resources[logGroupId]?.Properties?.RetentionInDays;
  return days === undefined ? undefined : Number(days);
}

/** Synthesizes PullwatchStack as test/lib/synth.ts does (bundling skipped, throw-away outdir) and returns its template. */
export function synthesizeTemplate(settings: { store: SeriesStoreKind; pollMinutes: number }): Template {
  const outdir = mkdtempSync(join(tmpdir(), 'pullwatch-cost-'));
  try {
    const context = { 'aws:cdk:bundling-stacks': [], store: settings.store, pollMinutes: String(settings.pollMinutes) };
    const app = new App({ outdir, context });
    const stack = new PullwatchStack(app, 'Pullwatch', { ...stackSettingsFromContext(app.node), env: { region: 'us-east-1' } });
    return Template.fromJSON(app.synth().getStackByName(stack.stackName).template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Custom CloudWatch metrics the functions emit: distinct literal names passed to Powertools' `addMetric(` under
 * lambdas/. Each is counted once (the default `service` dimension); a metric with a high-cardinality dimension
 * would be one metric per value.
 */
export function findCustomMetrics(lambdasDir: string): string[] {
  const names = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) visit(path);
      else if (path.endsWith('.ts')) for (const match of readFileSync(path, 'utf8').matchAll(/addMetric\(\s*['"`]([^'"`]+)['"`]/g)) names.add(match[1]!);
    }
  };
  visit(lambdasDir);
  return [...names].sort();
}

// ---------------------------------------------------------------------------------------------------------------
// The estimate

export interface Workload {
  readonly repos: number;
  readonly viewsPerDay: number;
}

export interface Line {
  readonly service: string;
  /** Before any free tier. */
  readonly list: number;
  /** What the always-free tier takes off (≥ 0). */
  readonly freeTier: number;
  /** list − freeTier. */
  readonly usd: number;
  /** The quantities behind the figure. */
  readonly detail: string;
}

export interface Estimate {
  readonly store: SeriesStoreKind;
  readonly repos: number;
  readonly viewsPerDay: number;
  readonly pollMinutes: number;
  readonly pollsPerMonth: number;
  readonly lines: Line[];
  readonly total: { readonly list: number; readonly freeTier: number; readonly usd: number };
  readonly quantities: Record<string, number>;
  /** Observations about what drives the bill. */
  readonly notes: string[];
  readonly assumptions: Assumptions;
  readonly facts: StackFacts;
  readonly customMetrics: string[];
  /** The PRICES entries the estimate used. */
  readonly pricesUsed: PriceName[];
  readonly pricesCheckedOn: string;
}

export interface EstimateOptions {
  readonly assumptions?: Partial<Assumptions>;
  /** Names of custom metrics the code emits (findCustomMetrics). */
  readonly customMetrics?: readonly string[];
}

export function estimate(facts: StackFacts, workload: Workload, options: EstimateOptions = {}): Estimate {
  const a: Assumptions = { ...ASSUMPTIONS, ...options.assumptions };
  const customMetrics = [...(options.customMetrics ?? [])];
  const used = new Set<PriceName>();
  const price = (name: PriceName): number => {
    used.add(name);
    return PRICES[name];
  };
  const { repos, viewsPerDay } = workload;
  if (!(repos >= 0) || !(viewsPerDay >= 0)) throw new Error('repos and views must be ≥ 0');
  const q: Record<string, number> = {};
  const notes: string[] = [];

  const secondsPerMonth = a.daysPerMonth * SECONDS_PER_DAY;
  const hoursPerMonth = a.daysPerMonth * 24;
  const polls = secondsPerMonth / (facts.pollMinutes * 60);
  const samples = polls * repos;
  const batches = Math.ceil(repos / facts.eventSource.batchSize);
  const fns = facts.functions;

  // --- Views → CloudFront → origin requests --------------------------------------------------------------------
  const maxAge = typicalCacheSeconds(facts.apiPollMinutes);
  const cf = facts.cloudfront;
  // CloudFront keeps an object for the origin's max-age, clamped by the cache policy's TTLs.
  const ttl = cf ? Math.min(cf.apiMaxTtl, Math.max(cf.apiMinTtl, maxAge)) : 0;
  const viewsPerMonth = viewsPerDay * a.daysPerMonth;
  const viewsPerSecond = viewsPerDay / SECONDS_PER_DAY;
  // Views arrive at random (Poisson). After a miss, a URL stays cached `ttl` seconds, then the next view misses:
  // misses per month = S / (ttl + 1/λ) per cache; at most the views, at most S / ttl.
  const pageMisses = viewsPerSecond > 0 ? (a.edgeCaches * secondsPerMonth) / (ttl + 1 / viewsPerSecond) : 0;
  const missesPerUrl = Math.min(viewsPerMonth, pageMisses);
  const urls = DASHBOARD_REQUESTS.length;
  const originRequests = missesPerUrl * urls;
  const timestreamUrls = DASHBOARD_REQUESTS.filter((r) => r.timestreamQueries > 0).length;
  Object.assign(q, { polls, samples, viewsPerMonth, maxAgeSeconds: maxAge, cacheTtlSeconds: ttl, missesPerUrl, originRequests });

  // --- Lambda --------------------------------------------------------------------------------------------------
  const warm = facts.pollMinutes < a.warmMinutes;
  const dispatchInvocations = polls;
  const collectInvocations = polls * batches;
  const apiInvocations = originRequests;
  const apiMs = a.apiBaseMs + a.apiMsPerRepo * repos + (facts.store === 'timestream' ? a.timestreamQueryMs : 0);
  const dispatchMs = a.dispatchBaseMs + a.dispatchMsPerSendBatch * batches;
  const collectMsPerRef = a.collectMsPerRef + a.ghcrShare * DEFAULTS.ghcrRequestGapMs;
  // Cold starts: a poll every `pollMinutes` finds no warm environment when that is longer than `warmMinutes`.
  const concurrentBatches = Math.min(batches, facts.eventSource.maxConcurrency ?? a.sqsPollersWithMaxConcurrency);
  const dispatchColdStarts = warm ? 0 : polls;
  const collectColdStarts = warm ? 0 : polls * concurrentBatches;
  // The gap between two page misses is ttl + an exponential wait: cold when it exceeds warmMinutes.
  const coldGapProbability = viewsPerSecond > 0 ? (a.warmMinutes * 60 <= ttl ? 1 : Math.exp(-viewsPerSecond * (a.warmMinutes * 60 - ttl))) : 0;
  const apiColdStarts = pageMisses > 0 ? Math.min(apiInvocations, missesPerUrl * coldGapProbability * urls) : 0;
  const gbSeconds = (fn: FunctionFacts, invocations: number, ms: number, coldStarts: number) =>
    ((invocations * ms + coldStarts * a.coldStartInitMs) / 1000) * (fn.memoryMiB / 1024);
  const lambdaGbS = {
    dispatch: gbSeconds(fns.dispatch, dispatchInvocations, dispatchMs, dispatchColdStarts),
    collect: gbSeconds(fns.collect, polls * repos, collectMsPerRef, 0) + gbSeconds(fns.collect, 0, 0, collectColdStarts),
    api: gbSeconds(fns.api, apiInvocations, apiMs, apiColdStarts),
  };
  const durationPrice = (fn: FunctionFacts) => price(fn.architecture === 'arm64' ? 'lambdaArmPerGbSecond' : 'lambdaX86PerGbSecond');
  const lambdaRequests = dispatchInvocations + collectInvocations + apiInvocations;
  const lambdaGbSTotal = lambdaGbS.dispatch + lambdaGbS.collect + lambdaGbS.api;
  const lambdaDuration = lambdaGbS.dispatch * durationPrice(fns.dispatch) + lambdaGbS.collect * durationPrice(fns.collect) + lambdaGbS.api * durationPrice(fns.api);
  const lambdaRequestCost = (lambdaRequests / 1e6) * price('lambdaPerMillionRequests');
  const averageGbSPrice = lambdaGbSTotal > 0 ? lambdaDuration / lambdaGbSTotal : 0;
  const lambdaFree =
    (Math.min(lambdaRequests, FREE_TIER.lambdaRequests) / 1e6) * PRICES.lambdaPerMillionRequests + Math.min(lambdaGbSTotal, FREE_TIER.lambdaGbSeconds) * averageGbSPrice;
  Object.assign(q, { lambdaRequests, lambdaGbSeconds: lambdaGbSTotal, dispatchInvocations, collectInvocations, apiInvocations });

  // --- SQS -----------------------------------------------------------------------------------------------------
  const pollers = facts.eventSource.maxConcurrency !== undefined ? a.sqsPollersWithMaxConcurrency : a.sqsPollersScaledDown;
  const idleReceives = pollers * (secondsPerMonth / a.sqsLongPollSeconds);
  const sends = polls * batches;
  const receives = polls * batches;
  const deletes = polls * batches;
  const sqsRequests = idleReceives + sends + receives + deletes;
  Object.assign(q, { sqsRequests, sqsIdleReceives: idleReceives });

  // --- Scheduler -----------------------------------------------------------------------------------------------
  const schedulerList = (polls / 1e6) * price('schedulerPerMillionInvocations');

  // --- DynamoDB ------------------------------------------------------------------------------------------------
  // Per ref outcome: UpdateItem of its repos item; per poll: dispatch Scans the repos table.
  let writeUnits = samples * Math.ceil(a.repoItemBytes / 1024);
  let readUnits = polls * queryReadUnits(repos * a.repoItemBytes);
  let perSampleWrites = 0;
  let perSampleReads = 0;
  if (facts.store === 'dynamodb') {
    // Month item: read (consistent) and rewritten on every sample; it grows by one day entry a day.
    let monthWrites = 0;
    let monthReads = 0;
    const days = Math.round(a.daysPerMonth);
    for (let day = 1; day <= days; day++) {
      const bytes = a.monthItemBaseBytes + day * a.monthDayEntryBytes;
      monthWrites += Math.ceil(bytes / 1024) / days;
      monthReads += Math.ceil(bytes / 4096) / days;
    }
    perSampleWrites = Math.ceil(a.sampleItemBytes / 1024) + monthWrites + Math.ceil(a.latestItemBytes / 1024);
    perSampleReads = monthReads;
    writeUnits += samples * perSampleWrites;
    readUnits += samples * perSampleReads;
  }
  const apiReadUnitsPerPageMiss = DASHBOARD_REQUESTS.reduce((sum, r) => sum + r.readUnits(repos, facts.store, a), 0);
  readUnits += missesPerUrl * apiReadUnitsPerPageMiss;
  const onDemand = [facts.reposTable, facts.seriesTable].every((t) => t === undefined || t.billingMode === 'PAY_PER_REQUEST');
  if (!onDemand) notes.push('A table is not on demand (PAY_PER_REQUEST): its provisioned capacity is not modelled.');
  const dynamoRequests = (writeUnits / 1e6) * price('dynamodbPerMillionWriteUnits') + (readUnits / 1e6) * price('dynamodbPerMillionReadUnits');
  Object.assign(q, { dynamodbWriteUnits: writeUnits, dynamodbReadUnits: readUnits, dynamodbWriteUnitsPerSample: perSampleWrites + Math.ceil(a.repoItemBytes / 1024) });

  // Storage after historyMonths of history: sample items are never expired (no expires_at is written).
  const overhead = a.dynamodbItemOverheadBytes;
  const reposGb = (repos * (a.repoItemBytes + overhead)) / 1e9;
  const seriesGb =
    facts.store === 'dynamodb'
      ? (samples * a.historyMonths * (a.sampleItemBytes + overhead) + repos * a.historyMonths * (fullMonthItemBytes(a) + overhead) + repos * (a.latestItemBytes + overhead)) / 1e9
      : 0;
  const storageGb = reposGb + seriesGb;
  const pitrGb = (facts.reposTable.pointInTimeRecovery ? reposGb : 0) + (facts.seriesTable?.pointInTimeRecovery ? seriesGb : 0);
  const dynamoStorage = storageGb * price('dynamodbStoragePerGbMonth');
  const dynamoPitr = pitrGb * price('dynamodbPitrPerGbMonth');
  const dynamoStorageFree = Math.min(storageGb, FREE_TIER.dynamodbStorageGb) * PRICES.dynamodbStoragePerGbMonth;
  Object.assign(q, { dynamodbStorageGb: storageGb, dynamodbPitrGb: pitrGb });

  // --- Timestream ----------------------------------------------------------------------------------------------
  let timestreamWrites = 0;
  let timestreamMemory = 0;
  let timestreamMagnetic = 0;
  let timestreamQueries = 0;
  let bursts = 0;
  const burstCost = a.timestreamMinTcu * (a.timestreamMinBurstSeconds / 3600) * PRICES.timestreamPerTcuHour;
  if (facts.store === 'timestream') {
    const ts = facts.timestream;
    if (!ts) throw new Error('the store is timestream but the template has no AWS::Timestream::Table');
    // One WriteRecords per queue message (one repository): each record is its own 1 KiB write unit.
    const writes = samples * Math.ceil(a.timestreamRecordBytes / 1024);
    timestreamWrites = (writes / 1e6) * price('timestreamPerMillionWrites');
    const recordsPerHour = samples / hoursPerMonth;
    const memoryGb = (recordsPerHour * Math.min(ts.memoryRetentionHours, a.historyMonths * hoursPerMonth) * a.timestreamRecordBytes) / 1e9;
    timestreamMemory = memoryGb * hoursPerMonth * price('timestreamMemoryPerGbHour');
    const magneticGb = (samples * Math.min(a.historyMonths, ts.magneticRetentionDays / a.daysPerMonth) * a.timestreamRecordBytes) / 1e9;
    timestreamMagnetic = magneticGb * price('timestreamMagneticPerGbMonth');
    bursts = missesPerUrl * timestreamUrls * a.burstsPerUrlMiss;
    timestreamQueries = bursts * a.timestreamMinTcu * (a.timestreamMinBurstSeconds / 3600) * price('timestreamPerTcuHour');
    Object.assign(q, { timestreamWrites: writes, timestreamMemoryGb: memoryGb, timestreamMagneticGb: magneticGb, timestreamBursts: bursts });
  }

  // --- API Gateway ---------------------------------------------------------------------------------------------
  const httpApi = (originRequests / 1e6) * price('httpApiPerMillionRequests');

  // --- CloudFront ----------------------------------------------------------------------------------------------
  const apiBytesPerView = DASHBOARD_REQUESTS.reduce((sum, r) => sum + r.fixedBytes + r.bytesPerRepo * repos, 0);
  const bytesPerView = (a.staticBytesPerView + apiBytesPerView) * a.compressionRatio;
  const cfRequests = cf ? viewsPerMonth * (a.staticRequestsPerView + urls) : 0;
  const cfGb = cf ? (viewsPerMonth * bytesPerView) / 1e9 : 0;
  const cfRequestCost = (cfRequests / 1e4) * price('cloudfrontPer10kHttpsRequests');
  const cfTransfer = cfGb * price('cloudfrontPerGbOut');
  const cfFree =
    (Math.min(cfRequests, FREE_TIER.cloudfrontRequests) / 1e4) * PRICES.cloudfrontPer10kHttpsRequests + Math.min(cfGb, FREE_TIER.cloudfrontGbOut) * PRICES.cloudfrontPerGbOut;
  Object.assign(q, { cloudfrontRequests: cfRequests, cloudfrontGb: cfGb });

  // --- CloudWatch Logs -----------------------------------------------------------------------------------------
  const platformBytes = a.platformLogBytesPerInvocation + a.platformLogEventsPerInvocation * a.logEventOverheadBytes;
  const lineBytes = a.logLineBytes + a.logEventOverheadBytes;
  const logGroups = [
    // dispatch: one "dispatched" line per invocation.
    { gb: (dispatchInvocations * (platformBytes + lineBytes)) / 1e9, retention: fns.dispatch.logRetentionDays },
    // collect: one "collected" line per ref.
    { gb: (collectInvocations * platformBytes + samples * lineBytes) / 1e9, retention: fns.collect.logRetentionDays },
    // api: platform lines only (the app logs errors alone).
    { gb: (apiInvocations * platformBytes) / 1e9, retention: fns.api.logRetentionDays },
    // HTTP API access log: one line per request.
    { gb: (originRequests * (a.accessLogLineBytes + a.logEventOverheadBytes)) / 1e9, retention: facts.accessLogRetentionDays },
  ];
  const logsGb = logGroups.reduce((sum, g) => sum + g.gb, 0);
  const storedLogsGb = logGroups.reduce((sum, g) => sum + g.gb * Math.min(a.historyMonths, (g.retention ?? Infinity) / a.daysPerMonth), 0);
  const logsIngest = logsGb * price('logsIngestPerGb');
  const logsStorage = storedLogsGb * price('logsStoragePerGbMonth');
  const logsFreeIngest = Math.min(logsGb, FREE_TIER.logsGb);
  const logsFree = logsFreeIngest * PRICES.logsIngestPerGb + Math.min(storedLogsGb, FREE_TIER.logsGb - logsFreeIngest) * PRICES.logsStoragePerGbMonth;
  Object.assign(q, { logsIngestedGb: logsGb, logsStoredGb: storedLogsGb });

  // --- CloudWatch metrics and alarms ---------------------------------------------------------------------------
  const metricsList = customMetrics.length * price('metricPerMonth') + facts.alarms * price('alarmPerMonth');
  const metricsFree = Math.min(customMetrics.length, FREE_TIER.metrics) * PRICES.metricPerMonth + Math.min(facts.alarms, FREE_TIER.alarms) * PRICES.alarmPerMonth;

  // --- Secrets Manager -----------------------------------------------------------------------------------------
  // GetSecretValue: collect reads the Docker Hub secret once per cold start. (ingest reads the webhook token per
  // cold start; self-hosted registries' notifications are not modelled.)
  const secretCalls = facts.dockerhubSecret ? collectColdStarts : 0;
  const secrets = facts.secrets * price('secretPerMonth') + (secretCalls / 1e4) * price('secretsPer10kApiCalls');

  // --- S3 ------------------------------------------------------------------------------------------------------
  const activeHours = hoursPerMonth * (1 - Math.exp(-viewsPerDay / 24));
  const logPuts = cf?.logging ? activeHours * a.cloudfrontLogFilesPerActiveHour : 0;
  const logKeepMonths = Math.min(a.historyMonths, (cf?.logExpirationDays ?? Infinity) / a.daysPerMonth);
  const logGb = cf?.logging ? (cfRequests * a.cloudfrontLogLineBytes * a.compressionRatio * logKeepMonths) / 1e9 : 0;
  // The site's objects are cached a day at each edge cache (CachingOptimized): one origin GET per object a day.
  const siteGets = cf ? a.staticRequestsPerView * a.daysPerMonth * a.edgeCaches : 0;
  const s3 =
    ((a.staticBytesPerView / 1e9 + logGb) * price('s3StoragePerGbMonth')) + (logPuts / 1000) * price('s3PutPer1000') + (siteGets / 1000) * price('s3GetPer1000');

  // --- Lines ---------------------------------------------------------------------------------------------------
  const line = (service: string, list: number, freeTier: number, detail: string): Line => {
    const credit = Math.min(list, Math.max(0, freeTier));
    return { service, list, freeTier: credit, usd: list - credit, detail };
  };
  const n = (value: number) => formatCount(value);
  const lines: Line[] = [
    line(
      'Lambda',
      lambdaRequestCost + lambdaDuration,
      lambdaFree,
      `${n(lambdaRequests)} invocations (dispatch ${n(dispatchInvocations)}, collect ${n(collectInvocations)}, api ${n(apiInvocations)}), ${n(lambdaGbSTotal)} GB-s`,
    ),
    line(
      'SQS',
      (sqsRequests / 1e6) * price('sqsPerMillionRequests'),
      (Math.min(sqsRequests, FREE_TIER.sqsRequests) / 1e6) * PRICES.sqsPerMillionRequests,
      `${n(sqsRequests)} requests, ${n(idleReceives)} of them the event source's long polls (${pollers} pollers × one per ${a.sqsLongPollSeconds} s)`,
    ),
    line('EventBridge Scheduler', schedulerList, (Math.min(polls, FREE_TIER.schedulerInvocations) / 1e6) * PRICES.schedulerPerMillionInvocations, `${n(polls)} invocations`),
    line(
      'DynamoDB requests',
      dynamoRequests,
      0,
      `${n(writeUnits)} write units${facts.store === 'dynamodb' ? ` (${formatNumber(perSampleWrites + Math.ceil(a.repoItemBytes / 1024), 2)} per sample)` : ''}, ${n(readUnits)} read units (${formatNumber(apiReadUnitsPerPageMiss, 1)} per dashboard cache miss)`,
    ),
    line(
      'DynamoDB storage + PITR',
      dynamoStorage + dynamoPitr,
      dynamoStorageFree,
      `${formatNumber(storageGb, 3)} GB after ${a.historyMonths} months, point-in-time recovery on ${formatNumber(pitrGb, 3)} GB`,
    ),
  ];
  if (facts.store === 'timestream') {
    lines.push(
      line('Timestream writes', timestreamWrites, 0, `${n(q.timestreamWrites ?? 0)} writes of 1 KiB (one record per WriteRecords)`),
      line(
        'Timestream storage',
        timestreamMemory + timestreamMagnetic,
        0,
        `memory store ${formatNumber((q.timestreamMemoryGb ?? 0) * 1000, 2)} MB × ${facts.timestream?.memoryRetentionHours} h retention; magnetic ${formatNumber((q.timestreamMagneticGb ?? 0) * 1000, 1)} MB after ${a.historyMonths} months`,
      ),
      line(
        'Timestream queries',
        timestreamQueries,
        0,
        `${n(bursts)} bursts (${timestreamUrls} URLs × ${n(missesPerUrl)} cache misses) × ${a.timestreamMinTcu} TCU × ${a.timestreamMinBurstSeconds} s = $${formatNumber(burstCost, 4)} each`,
      ),
    );
  }
  lines.push(
    line('API Gateway (HTTP API)', httpApi, 0, `${n(originRequests)} requests (${urls} URLs × ${n(missesPerUrl)} cache misses)`),
    line('CloudFront', cfRequestCost + cfTransfer, cfFree, `${n(cfRequests)} HTTPS requests, ${formatNumber(cfGb, 2)} GB out`),
    line('CloudWatch Logs', logsIngest + logsStorage, logsFree, `${formatNumber(logsGb * 1000, 1)} MB ingested, ${formatNumber(storedLogsGb * 1000, 1)} MB stored`),
    line('CloudWatch metrics + alarms', metricsList, metricsFree, `${customMetrics.length} custom metrics, ${facts.alarms} alarms`),
    line('Secrets Manager', secrets, 0, `${facts.secrets} secret${facts.secrets === 1 ? '' : 's'} (${facts.dockerhubSecret ? 'webhook token + Docker Hub' : 'the webhook token'}), ${n(secretCalls)} API calls`),
    line('S3', s3, 0, `site ${formatNumber(a.staticBytesPerView / 1e6, 1)} MB, access logs ${formatNumber(logGb * 1000, 1)} MB, ${n(logPuts)} log PUTs`),
  );

  const total = {
    list: sum(lines.map((l) => l.list)),
    freeTier: sum(lines.map((l) => l.freeTier)),
    usd: sum(lines.map((l) => l.usd)),
  };

  // --- What drives it ------------------------------------------------------------------------------------------
  const top = [...lines].sort((x, y) => y.usd - x.usd)[0]!;
  if (total.usd > 0) notes.push(`Largest line after the free tier: ${top.service}, $${formatNumber(top.usd, 2)} of $${formatNumber(total.usd, 2)} (${Math.round((100 * top.usd) / total.usd)}%).`);
  if (facts.store === 'timestream' && total.usd > 0) {
    const share = timestreamQueries / total.usd;
    notes.push(
      `${share >= 0.5 ? 'Timestream query bursts dominate' : 'Timestream query bursts'}: $${formatNumber(timestreamQueries, 2)} of $${formatNumber(total.usd, 2)} (${Math.round(100 * share)}%). ` +
        `Each dashboard URL that misses CloudFront's ${ttl} s cache starts a burst of ≥ ${a.timestreamMinTcu} TCU × ${a.timestreamMinBurstSeconds} s; ` +
        `if one page load's ${timestreamUrls} URLs share a 30 s window it is $${formatNumber(timestreamQueries / timestreamUrls, 2)}.`,
    );
  }
  const sqsLine = lines.find((l) => l.service === 'SQS')!;
  if (sqsRequests > 0) {
    notes.push(
      `SQS: ${Math.round((100 * idleReceives) / sqsRequests)}% of the requests are the event source's empty long polls, there with no traffic at all` +
        (facts.eventSource.maxConcurrency !== undefined
          ? `; maxConcurrency ${facts.eventSource.maxConcurrency} keeps ${a.sqsPollersWithMaxConcurrency} pollers (without it Lambda scales down to ${a.sqsPollersScaledDown}: $${formatNumber(((a.sqsPollersScaledDown * secondsPerMonth) / a.sqsLongPollSeconds / 1e6) * PRICES.sqsPerMillionRequests, 2)} instead of $${formatNumber((idleReceives / 1e6) * PRICES.sqsPerMillionRequests, 2)} list).`
          : '.') +
        (sqsLine.usd === 0 ? ' The 1 M free requests cover them while nothing else in the account uses SQS.' : ''),
    );
  }

  return {
    store: facts.store,
    repos,
    viewsPerDay,
    pollMinutes: facts.pollMinutes,
    pollsPerMonth: polls,
    lines,
    total,
    quantities: q,
    notes,
    assumptions: a,
    facts,
    customMetrics,
    pricesUsed: [...used].sort(),
    pricesCheckedOn: PRICES_CHECKED_ON,
  };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function formatNumber(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

// ---------------------------------------------------------------------------------------------------------------
// Output

const ASSUMPTION_TEXT: Record<keyof Assumptions, (v: number) => string> = {
  daysPerMonth: (v) => `a month is ${v} days`,
  sqsPollersWithMaxConcurrency: (v) => `with maxConcurrency set, Lambda keeps ${v} SQS pollers (no scale-down; Lambda SQS scaling docs)`,
  sqsPollersScaledDown: (v) => `without maxConcurrency, idle pollers scale down to ${v}`,
  sqsLongPollSeconds: (v) => `each poller's empty ReceiveMessage waits ${v} s`,
  dispatchBaseMs: (v) => `dispatch runs ${v} ms`,
  dispatchMsPerSendBatch: (v) => `plus ${v} ms per SendMessageBatch of 10`,
  collectMsPerRef: (v) => `collect bills ${v} ms per ref (upstream latency; counted serially though a batch runs in parallel)`,
  apiBaseMs: (v) => `an API request runs ${v} ms`,
  apiMsPerRepo: (v) => `plus ${v} ms per tracked repository`,
  timestreamQueryMs: (v) => `plus ${v} ms when it queries Timestream`,
  coldStartInitMs: (v) => `a cold start bills ${v} ms of INIT`,
  warmMinutes: (v) => `an environment idle over ${v} min is gone`,
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
  dynamodbItemOverheadBytes: (v) => `+ ${v} B storage overhead per item`,
  timestreamRecordBytes: (v) => `a Timestream record is ${v} bytes`,
  timestreamMinTcu: (v) => `a query burst uses ≥ ${v} TCU`,
  timestreamMinBurstSeconds: (v) => `for ≥ ${v} s`,
  burstsPerUrlMiss: (v) => `${v} burst per Timestream-backed URL that misses the cache`,
  historyMonths: (v) => `storage after ${v} months of history`,
  staticRequestsPerView: (v) => `a view fetches ${v} static files`,
  staticBytesPerView: (v) => `of ${formatCount(v / 1000)} KB`,
  compressionRatio: (v) => `text compresses to ${v} of its size`,
  chartRepos: (v) => `the chart shows ${v} repositories`,
  edgeCaches: (v) => `viewers share ${v} CloudFront regional cache`,
  cloudfrontLogFilesPerActiveHour: (v) => `CloudFront writes ${v} log files per hour with traffic`,
  cloudfrontLogLineBytes: (v) => `of ${v}-byte lines`,
  ghcrShare: (v) => `${Math.round(v * 100)}% of refs are GHCR (each waits GHCR_REQUEST_GAP ${DEFAULTS.ghcrRequestGapMs / 1000} s in collect)`,
};

export function formatEstimate(e: Estimate): string {
  const money = (value: number) => formatNumber(value, 2);
  const header = ['service', 'list price', 'free tier', 'you pay', 'what'];
  const credit = (value: number) => (money(value) === '0.00' ? '' : `-${money(value)}`);
  const rows = e.lines.map((l) => [l.service, money(l.list), credit(l.freeTier), money(l.usd), l.detail]);
  rows.push(['total', money(e.total.list), credit(e.total.freeTier), money(e.total.usd), '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 || i === 4 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const f = e.facts;
  const fn = (name: string, x: FunctionFacts) => `${name} ${x.memoryMiB} MiB ${x.architecture} (timeout ${x.timeoutSeconds} s, logs ${x.logRetentionDays ?? '∞'} d)`;
  const q = e.quantities;
  return [
    `pullwatch on AWS, monthly estimate in USD (us-east-1 list prices checked ${e.pricesCheckedOn}; re-check before quoting)`,
    `${e.repos.toLocaleString('en-US')} repositories, sampled every ${e.pollMinutes} min (${formatCount(e.pollsPerMonth)} polls a month), ${e.viewsPerDay.toLocaleString('en-US')} dashboard views a day, ${e.store} store`,
    '',
    format(header),
    format(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(0, -1).map(format),
    format(widths.map((w) => '-'.repeat(w))),
    format(rows.at(-1)!),
    '',
    `Free tier: the always-free monthly allowances (Lambda 1 M requests + 400,000 GB-s, SQS 1 M requests, CloudFront 1 TB + 10 M requests, CloudWatch 5 GB logs / 10 metrics / 10 alarms, DynamoDB 25 GB, Scheduler 14 M), assumed unused by anything else in the account. 12-month offers are not counted.`,
    '',
    'What drives it:',
    ...e.notes.map((note) => `- ${note}`),
    '',
    'From the synthesized stack:',
    `- schedule every ${f.pollMinutes} min; ${fn('dispatch', f.functions.dispatch)}; ${fn('collect', f.functions.collect)}; ${fn('api', f.functions.api)}`,
    `- SQS event source: batch ${f.eventSource.batchSize}, maxConcurrency ${f.eventSource.maxConcurrency ?? 'unset'}; tables ${[f.reposTable, f.seriesTable].filter((t) => t).map((t) => `${t!.billingMode}${t!.pointInTimeRecovery ? ' + PITR' : ''}`).join(', ')}` +
      (f.timestream ? `; Timestream memory store ${f.timestream.memoryRetentionHours} h, magnetic ${f.timestream.magneticRetentionDays} d` : ''),
    `- API answers max-age ${formatCount(q.maxAgeSeconds ?? 0)} s (cacheSeconds(${f.apiPollMinutes})), CloudFront /api/* TTL ${f.cloudfront ? `${f.cloudfront.apiMinTtl}–${f.cloudfront.apiMaxTtl} s` : 'none'} → cached ${formatCount(q.cacheTtlSeconds ?? 0)} s; ` +
      `${DASHBOARD_REQUESTS.length} API URLs per view (${DASHBOARD_REQUESTS.map((r) => r.path.split('?')[0]).join(', ')}), each missing ${formatCount(q.missesPerUrl ?? 0)} times a month ` +
      `(bounds: ${formatCount(q.viewsPerMonth ?? 0)} views, ${formatCount((e.assumptions.daysPerMonth * SECONDS_PER_DAY * e.assumptions.edgeCaches) / Math.max(1, q.cacheTtlSeconds ?? 1))} TTL periods)`,
    `- ${f.secrets} Secrets Manager secret(s), ${f.alarms} alarms, ${e.customMetrics.length} custom metrics${e.customMetrics.length ? ` (${e.customMetrics.join(', ')})` : ' (no addMetric in lambdas/)'}`,
    '',
    'Assumptions:',
    ...wrap(
      (Object.keys(ASSUMPTION_TEXT) as (keyof Assumptions)[]).map((key) => ASSUMPTION_TEXT[key](e.assumptions[key])),
      110,
    ).map((text) => `- ${text}`),
  ].join('\n');
}

/** Joins short phrases with "; " into lines of at most `width` characters. */
function wrap(phrases: string[], width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const phrase of phrases) {
    if (current && current.length + phrase.length + 2 > width) {
      lines.push(current);
      current = phrase;
    } else current = current ? `${current}; ${phrase}` : phrase;
  }
  if (current) lines.push(current);
  return lines;
}

/**
 * Markdown for the README: what you pay a month per store and number of repositories (list price without the free
 * tier in parentheses), then each service's share. `estimates` share one interval and one views figure.
 */
export function formatMarkdown(estimates: readonly Estimate[]): string {
  const first = estimates[0];
  if (!first) return '';
  const money = (value: number) => `$${formatNumber(value, 2)}`;
  const stores = [...new Set(estimates.map((e) => e.store))];
  const repoCounts = [...new Set(estimates.map((e) => e.repos))].sort((x, y) => x - y);
  const find = (store: SeriesStoreKind, repos: number) => estimates.find((e) => e.store === store && e.repos === repos);
  const storeName = (store: SeriesStoreKind) => (store === 'dynamodb' ? 'DynamoDB store' : 'Timestream store');
  const summary = [
    `| repositories | ${stores.map(storeName).join(' | ')} |`,
    `| ---: | ${stores.map(() => '---:').join(' | ')} |`,
    ...repoCounts.map(
      (repos) =>
        `| ${repos.toLocaleString('en-US')} | ${stores
          .map((store) => {
            const e = find(store, repos);
            return e ? `${money(e.total.usd)} (${money(e.total.list)})` : '';
          })
          .join(' | ')} |`,
    ),
  ];
  const columns = stores.flatMap((store) => repoCounts.flatMap((repos) => (find(store, repos) ? [find(store, repos)!] : [])));
  const services = [...new Set(columns.flatMap((e) => e.lines.map((l) => l.service)))];
  const breakdown = [
    `| you pay, USD/month | ${columns.map((e) => `${e.store === 'dynamodb' ? 'DynamoDB' : 'Timestream'} ${e.repos.toLocaleString('en-US')}`).join(' | ')} |`,
    `| --- | ${columns.map(() => '---:').join(' | ')} |`,
    ...services.map(
      (service) =>
        `| ${service} | ${columns
          .map((e) => {
            const line = e.lines.find((l) => l.service === service);
            return line ? formatNumber(line.usd, 2) : '–';
          })
          .join(' | ')} |`,
    ),
    `| **total** | ${columns.map((e) => `**${formatNumber(e.total.usd, 2)}**`).join(' | ')} |`,
    `| list price, no free tier | ${columns.map((e) => formatNumber(e.total.list, 2)).join(' | ')} |`,
  ];
  return [
    `Polling every ${first.pollMinutes} minutes, ${first.viewsPerDay.toLocaleString('en-US')} dashboard views a day; us-east-1 list prices of ${first.pricesCheckedOn}; ` +
      'after the always-free tier, list price without it in parentheses:',
    '',
    ...summary,
    '',
    ...breakdown,
  ].join('\n');
}
