// Monthly AWS cost of a pullwatch deployment: the stack's settings read from its template (facts.ts), a workload
// (repositories, dashboard views) turned into traffic (traffic.ts), list prices (prices.ts) and named assumptions
// (workload.ts), priced service by service; the series store's lines come from stores.ts. report.ts prints it.
import { DEFAULTS } from '../../lambdas/core/defaults.ts';
import { RANGE_DAYS, type Range } from '../../lambdas/core/ranges.ts';
import { METRIC_NAMES } from '../../lambdas/metrics.ts';
import type { SeriesStoreKind } from '../settings.ts';
import { costDrivers, formatNumber } from './drivers.ts';
import type { FunctionFacts, StackFacts } from './facts.ts';
import { type Line, costLine as line, wholeQuantity as n } from './line.ts';
import { FREE_TIER, PRICES, PRICES_CHECKED_ON, type PriceName } from './prices.ts';
import { storeCosts } from './stores.ts';
import { monthlyTraffic } from './traffic.ts';
import { ASSUMPTIONS, type Assumptions, DEFAULT_RANGE, LONG_RANGES, dashboardAnswerBytes } from './workload.ts';

export type { Line } from './line.ts';
export { SECONDS_PER_DAY } from './traffic.ts';

export interface Workload {
  readonly repos: number;
  readonly viewsPerDay: number;
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
  /** Names of the custom metrics the code emits; default: every one of lambdas/metrics.ts. */
  readonly customMetrics?: readonly string[];
}

export function estimate(facts: StackFacts, workload: Workload, options: EstimateOptions = {}): Estimate {
  const a: Assumptions = { ...ASSUMPTIONS, ...options.assumptions };
  const customMetrics = [...(options.customMetrics ?? Object.values(METRIC_NAMES))];
  const used = new Set<PriceName>();
  const price = (name: PriceName): number => {
    used.add(name);
    return PRICES[name];
  };
  const { repos, viewsPerDay } = workload;
  if (!(repos >= 0) || !(viewsPerDay >= 0)) throw new Error('repos and views must be ≥ 0');
  if (!(a.longRangeShare >= 0 && a.longRangeShare <= 1)) throw new Error('longRangeShare must be between 0 and 1');
  const q: Record<string, number> = {};
  const notes: string[] = [];

  const t = monthlyTraffic(facts, workload, a, q);
  const { secondsPerMonth, hoursPerMonth, polls, samples, batches, viewsPerMonth, viewsPerSecond, ttl, missesPerUrl, longViewsPerMonth, longMissesPerUrl, longRangeRequests, originRequests } = t;
  const fns = facts.functions;
  const cf = facts.cloudfront;
  const timestream = facts.store === 'timestream';
  const rangeDays = (range: Range) => Math.min(RANGE_DAYS[range], Math.round(a.historyMonths * a.daysPerMonth));


  // --- Lambda --------------------------------------------------------------------------------------------------
  const warm = facts.pollMinutes < a.warmMinutes;
  const dispatchInvocations = polls;
  const collectInvocations = polls * batches;
  const apiInvocations = originRequests;
  const apiMs = a.apiBaseMs + a.apiMsPerRepo * repos;
  const dispatchMs = a.dispatchBaseMs + a.dispatchMsPerSendBatch * batches;
  const collectMsPerRef = a.collectMsPerRef + a.ghcrShare * DEFAULTS.ghcrRequestGapMs;
  // Cold starts: a poll every `pollMinutes` finds no warm environment when that is longer than `warmMinutes`.
  const concurrentBatches = Math.min(batches, facts.eventSource.maxConcurrency ?? a.sqsPollersWithMaxConcurrency);
  const dispatchColdStarts = warm ? 0 : polls;
  const collectColdStarts = warm ? 0 : polls * concurrentBatches;
  // The gap between two page misses is ttl + an exponential wait: cold when it exceeds warmMinutes.
  const coldGapProbability = viewsPerSecond > 0 ? (a.warmMinutes * 60 <= ttl ? 1 : Math.exp(-viewsPerSecond * (a.warmMinutes * 60 - ttl))) : 0;
  const apiColdStarts = Math.min(apiInvocations, missesPerUrl * coldGapProbability);
  const gbSeconds = (fn: FunctionFacts, ms: number, coldStarts: number) => ((ms + coldStarts * a.coldStartInitMs) / 1000) * (fn.memoryMiB / 1024);
  const lambdaGbS = {
    dispatch: gbSeconds(fns.dispatch, dispatchInvocations * dispatchMs, dispatchColdStarts),
    collect: gbSeconds(fns.collect, samples * collectMsPerRef, collectColdStarts),
    api: gbSeconds(fns.api, apiInvocations * apiMs + (timestream ? longRangeRequests * a.timestreamQueryMs : 0), apiColdStarts),
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
  // A SendMessageBatch, a ReceiveMessage and a DeleteMessageBatch per batch of ten.
  const sqsRequests = idleReceives + 3 * polls * batches;
  Object.assign(q, { sqsRequests, sqsIdleReceives: idleReceives });

  // --- Scheduler -----------------------------------------------------------------------------------------------
  const schedulerList = (polls / 1e6) * price('schedulerPerMillionInvocations');

  // --- DynamoDB and Timestream ---------------------------------------------------------------------------------
  const stored = storeCosts(facts, repos, a, t, price, q, notes);

  // --- API Gateway ---------------------------------------------------------------------------------------------
  const httpApi = (originRequests / 1e6) * price('httpApiPerMillionRequests');

  // --- CloudFront ----------------------------------------------------------------------------------------------
  const longAnswerBytes = LONG_RANGES.reduce((sum, range) => sum + dashboardAnswerBytes(repos, rangeDays(range), a), 0) / Math.max(1, LONG_RANGES.length);
  const apiBytes = viewsPerMonth * dashboardAnswerBytes(repos, RANGE_DAYS[DEFAULT_RANGE], a) + longViewsPerMonth * longAnswerBytes;
  const apiViewerRequests = cf ? viewsPerMonth + longViewsPerMonth : 0;
  const cfRequests = cf ? viewsPerMonth * a.staticRequestsPerView + apiViewerRequests : 0;
  const cfGb = cf ? ((viewsPerMonth * a.staticBytesPerView + apiBytes) * a.compressionRatio) / 1e9 : 0;
  // The /api/* viewer-request function (Accept reduced to CSV or JSON) runs on every API request, cached or not.
  const cfFunctionInvocations = cf ? cf.apiFunctions * apiViewerRequests : 0;
  const cfList =
    (cfRequests / 1e4) * price('cloudfrontPer10kHttpsRequests') + cfGb * price('cloudfrontPerGbOut') + (cfFunctionInvocations / 1e6) * price('cloudfrontFunctionsPerMillionInvocations');
  const cfFree =
    (Math.min(cfRequests, FREE_TIER.cloudfrontRequests) / 1e4) * PRICES.cloudfrontPer10kHttpsRequests +
    Math.min(cfGb, FREE_TIER.cloudfrontGbOut) * PRICES.cloudfrontPerGbOut +
    (Math.min(cfFunctionInvocations, FREE_TIER.cloudfrontFunctionInvocations) / 1e6) * PRICES.cloudfrontFunctionsPerMillionInvocations;
  Object.assign(q, { cloudfrontRequests: cfRequests, cloudfrontGb: cfGb, cloudfrontFunctionInvocations: cfFunctionInvocations });

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
  const logsList = logsGb * price('logsIngestPerGb') + storedLogsGb * price('logsStoragePerGbMonth');
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
  const s3 = (a.staticBytesPerView / 1e9 + logGb) * price('s3StoragePerGbMonth') + (logPuts / 1000) * price('s3PutPer1000') + (siteGets / 1000) * price('s3GetPer1000');

  // --- Lines ---------------------------------------------------------------------------------------------------
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
  ];
  lines.push(...stored.lines);
  lines.push(
    line(
      'API Gateway (HTTP API)',
      httpApi,
      0,
      `${n(originRequests)} requests (range=${DEFAULT_RANGE} × ${n(missesPerUrl)} cache misses, ${LONG_RANGES.length} long ranges × ${n(longMissesPerUrl)})`,
    ),
    line('CloudFront', cfList, cfFree, `${n(cfRequests)} HTTPS requests, ${n(cfFunctionInvocations)} function invocations, ${formatNumber(cfGb, 2)} GB out`),
    line('CloudWatch Logs', logsList, logsFree, `${formatNumber(logsGb * 1000, 1)} MB ingested, ${formatNumber(storedLogsGb * 1000, 1)} MB stored`),
    line('CloudWatch metrics + alarms', metricsList, metricsFree, `${customMetrics.length} custom metrics, ${facts.alarms} alarms`),
    line(
      'Secrets Manager',
      secrets,
      0,
      `${facts.secrets} secret${facts.secrets === 1 ? '' : 's'} (${facts.dockerhubSecret ? 'webhook token + Docker Hub' : 'the webhook token'}), ${n(secretCalls)} API calls`,
    ),
    line('S3', s3, 0, `site ${formatNumber(a.staticBytesPerView / 1e6, 1)} MB, access logs ${formatNumber(logGb * 1000, 1)} MB, ${n(logPuts)} log PUTs`),
  );

  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const total = { list: sum(lines.map((l) => l.list)), freeTier: sum(lines.map((l) => l.freeTier)), usd: sum(lines.map((l) => l.usd)) };

  notes.push(
    ...costDrivers({
      lines,
      totalUsd: total.usd,
      assumptions: a,
      timestream: stored.timestream ? { cachedSeconds: ttl, ...stored.timestream } : undefined,
      sqs: { requests: sqsRequests, idleReceives, maxConcurrency: facts.eventSource.maxConcurrency, secondsPerMonth },
    }),
  );

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
