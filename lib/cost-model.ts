// Monthly AWS cost of a pullwatch deployment: the stack's settings read from its template (lib/cost-facts.ts), a
// workload (repositories, dashboard views), list prices (lib/cost-prices.ts) and named assumptions
// (lib/cost-workload.ts), priced service by service. lib/cost-report.ts prints it.
import { typicalCacheSeconds } from '../lambdas/api/answers.ts';
import { DEFAULTS } from '../lambdas/core/defaults.ts';
import { RANGE_DAYS, type Range } from '../lambdas/core/ranges.ts';
import { METRIC_NAMES } from '../lambdas/metrics.ts';
import { RAW_READING_DAYS } from '../lambdas/stores/dynamodb/series-table.ts';
import type { FunctionFacts, StackFacts } from './cost-facts.ts';
import { costDrivers, formatNumber } from './cost-drivers.ts';
import { FREE_TIER, PRICES, PRICES_CHECKED_ON, type PriceName } from './cost-prices.ts';
import {
  ASSUMPTIONS,
  type Assumptions,
  DEFAULT_RANGE,
  LONG_RANGES,
  dashboardAnswerBytes,
  fullMonthItemBytes,
  longRangeReadUnits,
  queryReadUnits,
} from './cost-workload.ts';
import type { SeriesStoreKind } from './settings.ts';

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
  /** Names of the custom metrics the code emits; default: every one of lambdas/metrics.ts. */
  readonly customMetrics?: readonly string[];
}

export const SECONDS_PER_DAY = 86_400;

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

  const secondsPerMonth = a.daysPerMonth * SECONDS_PER_DAY;
  const hoursPerMonth = a.daysPerMonth * 24;
  const polls = secondsPerMonth / (facts.pollMinutes * 60);
  const samples = polls * repos;
  // One queue message per ref and poll (a wildcard's fan-out aside); each moves the read model's generation.
  const messages = samples;
  const batches = Math.ceil(repos / facts.eventSource.batchSize);
  const fns = facts.functions;
  const timestream = facts.store === 'timestream';

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

  // --- DynamoDB ------------------------------------------------------------------------------------------------
  // Per ref outcome: UpdateItem of its repos item; per poll: dispatch Scans the repos table.
  const repoItemWrites = Math.ceil(a.repoItemBytes / 1024);
  let writeUnits = samples * repoItemWrites;
  let readUnits = polls * queryReadUnits(repos * a.repoItemBytes);
  // The read model, on either store: per series and poll collect reads its view (consistent: 1 unit per 4 KB) and
  // puts it back under a version condition; per message it ADDs 1 to the generation.
  const readModelWrites = samples * Math.ceil(a.viewItemBytes / 1024) + messages * Math.ceil(a.generationItemBytes / 1024);
  const readModelCollectReads = samples * Math.ceil(a.viewItemBytes / 4096);
  // The api reads the generation (eventually consistent) on every request, and the view partition when the
  // generation moved: once per poll per warm environment at most. Each answer lists the repos (a Scan).
  const generationReads = originRequests * Math.ceil(a.generationItemBytes / 4096) * 0.5;
  const viewLoads = Math.min(originRequests, polls * a.apiContainers);
  const viewReads = viewLoads * queryReadUnits(repos * a.viewItemBytes);
  const reposReads = originRequests * queryReadUnits(repos * a.repoItemBytes);
  // Collectors share the registries' request budget through one schedule item per registry.
  const scheduleWrites = samples * a.scheduleWritesPerRequest;
  writeUnits += readModelWrites + scheduleWrites;
  readUnits += readModelCollectReads + generationReads + viewReads + reposReads;
  // Long ranges: month items, the window of each range (as far back as the history goes).
  const rangeDays = (range: Range) => Math.min(RANGE_DAYS[range], Math.round(a.historyMonths * a.daysPerMonth));
  let perSampleWrites = 0;
  let longRangeReads = 0;
  if (!timestream) {
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
    writeUnits += samples * perSampleWrites;
    readUnits += samples * monthReads;
    for (const range of LONG_RANGES) longRangeReads += longMissesPerUrl * longRangeReadUnits(repos, rangeDays(range), a);
    readUnits += longRangeReads;
  }
  const tables = [facts.reposTable, facts.seriesTable, facts.readModelTable];
  if (!tables.every((t) => t === undefined || t.billingMode === 'PAY_PER_REQUEST')) {
    notes.push('A table is not on demand (PAY_PER_REQUEST): its provisioned capacity is not modelled.');
  }
  const dynamoRequests = (writeUnits / 1e6) * price('dynamodbPerMillionWriteUnits') + (readUnits / 1e6) * price('dynamodbPerMillionReadUnits');
  const writeUnitsPerSample = perSampleWrites + repoItemWrites + readModelWrites / Math.max(1, samples);
  Object.assign(q, { dynamodbWriteUnits: writeUnits, dynamodbReadUnits: readUnits, dynamodbWriteUnitsPerSample: writeUnitsPerSample });
  Object.assign(q, { readModelWriteUnits: readModelWrites, readModelCollectReadUnits: readModelCollectReads, generationReadUnits: generationReads, viewLoads, viewReadUnits: viewReads });
  Object.assign(q, { longRangeReadUnits: longRangeReads });

  // Storage after historyMonths: raw samples expire after RAW_READING_DAYS, month items stay; one view per series.
  const overhead = a.dynamodbItemOverheadBytes;
  const reposGb = (repos * (a.repoItemBytes + overhead)) / 1e9;
  const readModelGb = (repos * (a.viewItemBytes + overhead) + a.generationItemBytes + overhead) / 1e9;
  const rawSamples = samples * (Math.min(RAW_READING_DAYS, a.historyMonths * a.daysPerMonth) / a.daysPerMonth);
  const seriesGb = timestream
    ? 0
    : (rawSamples * (a.sampleItemBytes + overhead) + repos * a.historyMonths * (fullMonthItemBytes(a) + overhead) + repos * (a.latestItemBytes + overhead)) / 1e9;
  const storageGb = reposGb + readModelGb + seriesGb;
  const pitrGb =
    (facts.reposTable.pointInTimeRecovery ? reposGb : 0) + (facts.seriesTable?.pointInTimeRecovery ? seriesGb : 0) + (facts.readModelTable.pointInTimeRecovery ? readModelGb : 0);
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
  if (timestream) {
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
    // Only long ranges query Timestream (one query per answer); the default views come from the read model.
    bursts = longRangeRequests;
    timestreamQueries = bursts * a.timestreamMinTcu * (a.timestreamMinBurstSeconds / 3600) * price('timestreamPerTcuHour');
    Object.assign(q, { timestreamWrites: writes, timestreamMemoryGb: memoryGb, timestreamMagneticGb: magneticGb, timestreamBursts: bursts });
  }

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
  const line = (service: string, list: number, freeTier: number, detail: string): Line => {
    const credit = Math.min(list, Math.max(0, freeTier));
    return { service, list, freeTier: credit, usd: list - credit, detail };
  };
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
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
      `${n(writeUnits)} write units (${formatNumber(writeUnitsPerSample, 2)} per sample; read model ${n(readModelWrites)}), ${n(readUnits)} read units ` +
        `(read model: collect ${n(readModelCollectReads)}, generation ${n(generationReads)}, views ${n(viewReads)} in ${n(viewLoads)} loads${timestream ? '' : `; long ranges ${n(longRangeReads)}`})`,
    ),
    line(
      'DynamoDB storage + PITR',
      dynamoStorage + dynamoPitr,
      dynamoStorageFree,
      `${formatNumber(storageGb, 3)} GB after ${a.historyMonths} months, point-in-time recovery on ${formatNumber(pitrGb, 3)} GB`,
    ),
  ];
  if (timestream) {
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
        `${n(bursts)} bursts (${LONG_RANGES.length} long ranges × ${n(longMissesPerUrl)} cache misses) × ${a.timestreamMinTcu} TCU × ${a.timestreamMinBurstSeconds} s = $${formatNumber(burstCost, 4)} each`,
      ),
    );
  }
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
      timestream: timestream ? { cachedSeconds: ttl, bursts, queriesUsd: timestreamQueries } : undefined,
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
