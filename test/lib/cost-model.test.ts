import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { typicalCacheSeconds } from '../../lambdas/api/answers.ts';
import { METRIC_NAMES } from '../../lambdas/metrics.ts';
import { rateMinutes, readStackFacts, synthesizeTemplate } from '../../lib/cost/facts.ts';
import { type Estimate, estimate } from '../../lib/cost/estimate.ts';
import { PRICES, type PriceName } from '../../lib/cost/prices.ts';
import { formatEstimate } from '../../lib/cost/report.ts';
import { ASSUMPTIONS, LONG_RANGES } from '../../lib/cost/workload.ts';
import { logicalId } from './synth.ts';

const dynamoTemplate = synthesizeTemplate({ store: 'dynamodb', pollMinutes: 60 });
const dynamo = readStackFacts(dynamoTemplate);
const timestreamTemplate = synthesizeTemplate({ store: 'timestream', pollMinutes: 60 });
const timestream = readStackFacts(timestreamTemplate);
const readme = { repos: 100, viewsPerDay: 1000 };
const burst = 4 * (30 / 3600) * PRICES.timestreamPerTcuHour;
const month = 30.4 * 86_400;

/** The template as JSON with `edit` applied to its resources. */
function editedTemplate(edit: (resources: Record<string, { Type: string; Properties: Record<string, any> }>) => void) {
  const json = structuredClone(dynamoTemplate.toJSON()) as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
  edit(json.Resources);
  return json;
}

function lineOf(e: Estimate, service: string) {
  const line = e.lines.find((l) => l.service === service);
  if (!line) throw new Error(`no ${service} line`);
  return line;
}

describe('stack settings come from the synthesized template', () => {
  it('finds each function by its wiring (schedule, queue, routes) and reads its settings', () => {
    // Found structurally by the model, by construct name here: the same resources, whatever their current values.
    const resources = dynamoTemplate.toJSON().Resources as Record<string, { Properties: Record<string, any> }>;
    for (const [name, prefix] of [['dispatch', 'CollectorDispatch'], ['collect', 'CollectorCollect'], ['api', 'QueryApi']] as const) {
      const id = logicalId(dynamoTemplate, 'AWS::Lambda::Function', prefix);
      const fn = resources[id]!.Properties;
      expect(dynamo.functions[name]).toEqual({
        logicalId: id,
        memoryMiB: fn.MemorySize,
        architecture: fn.Architectures[0],
        timeoutSeconds: fn.Timeout,
        logRetentionDays: resources[fn.LoggingConfig.LogGroup.Ref]!.Properties.RetentionInDays,
      });
    }
    expect(dynamo.functions.collect.architecture).toBe('arm64');
    expect(dynamo.store).toBe('dynamodb');
    expect(dynamo.pollMinutes).toBe(60);
    const mapping = resources[logicalId(dynamoTemplate, 'AWS::Lambda::EventSourceMapping', 'CollectorCollect')]!.Properties;
    expect(dynamo.eventSource).toEqual({ batchSize: mapping.BatchSize, maxConcurrency: mapping.ScalingConfig?.MaximumConcurrency });
    expect(dynamo.reposTable).toMatchObject({ billingMode: 'PAY_PER_REQUEST' });
    expect(dynamo.seriesTable).toMatchObject({ billingMode: 'PAY_PER_REQUEST' });
    expect(dynamo.secrets).toBe(Object.keys(dynamoTemplate.findResources('AWS::SecretsManager::Secret')).length);
    expect(dynamo.secrets).toBeGreaterThanOrEqual(1); // the webhook token
    expect(dynamo.alarms).toBe(Object.keys(dynamoTemplate.findResources('AWS::CloudWatch::Alarm')).length);
    expect(dynamo.cloudfront).toMatchObject({ apiMinTtl: 0, apiFunctions: 1, logging: true });
    // The read model: the series table itself on the DynamoDB store, a table of its own beside Timestream.
    expect(dynamo.readModelTable).toEqual(dynamo.seriesTable);
    expect(timestream.readModelTable).toEqual({
      logicalId: logicalId(timestreamTemplate, 'AWS::DynamoDB::GlobalTable', 'SeriesReadModel'),
      billingMode: 'PAY_PER_REQUEST',
      pointInTimeRecovery: true,
    });
    expect(timestream.store).toBe('timestream');
    expect(timestream.seriesTable).toBeUndefined();
    expect(timestream.timestream?.memoryRetentionHours).toBeGreaterThan(0);
    expect(timestream.timestream?.magneticRetentionDays).toBeGreaterThan(0);
  });

  it('follows pollMinutes: twice the polls, twice the invocations and samples', () => {
    const halfHourly = readStackFacts(synthesizeTemplate({ store: 'dynamodb', pollMinutes: 30 }));
    expect(halfHourly.pollMinutes).toBe(30);
    const hourly = estimate(dynamo, readme);
    const faster = estimate(halfHourly, readme);
    expect(hourly.pollsPerMonth).toBeCloseTo((30.4 * 24 * 60) / 60);
    expect(faster.quantities.dispatchInvocations).toBeCloseTo(2 * hourly.quantities.dispatchInvocations!);
    expect(faster.quantities.collectInvocations).toBeCloseTo(2 * hourly.quantities.collectInvocations!);
    expect(faster.quantities.samples).toBeCloseTo(2 * hourly.quantities.samples!);
    // An answer is kept until the next collection is due: half the interval on average, at least a minute.
    expect(hourly.quantities.maxAgeSeconds).toBe(1800);
    expect(faster.quantities.maxAgeSeconds).toBe(900);
    const fourMinutes = estimate(readStackFacts(synthesizeTemplate({ store: 'dynamodb', pollMinutes: 4 })), readme);
    expect(fourMinutes.quantities.maxAgeSeconds).toBe(typicalCacheSeconds(4));
    expect(fourMinutes.quantities.maxAgeSeconds).toBe(120);
    expect(fourMinutes.quantities.missesPerUrl).toBeGreaterThan(hourly.quantities.missesPerUrl!);
    // CloudFront passes the max-age through (min TTL 0, max a day).
    expect(hourly.quantities.cacheTtlSeconds).toBe(1800);
  });

  it('prices what the template says, not a constant: memory, architecture, maxConcurrency, alarms', () => {
    const collectId = dynamo.functions.collect.logicalId;
    const edited = readStackFacts(
      editedTemplate((resources) => {
        resources[collectId]!.Properties.MemorySize = 1024;
        resources[collectId]!.Properties.Architectures = ['x86_64'];
        for (const resource of Object.values(resources)) {
          if (resource.Type === 'AWS::Lambda::EventSourceMapping') delete resource.Properties.ScalingConfig;
        }
        for (let i = 0; i < 20; i++) resources[`ExtraAlarm${i}`] = { Type: 'AWS::CloudWatch::Alarm', Properties: {} };
      }),
    );
    expect(edited.functions.collect).toMatchObject({ memoryMiB: 1024, architecture: 'x86_64' });
    expect(edited.eventSource.maxConcurrency).toBeUndefined();
    const before = estimate(dynamo, readme);
    const after = estimate(edited, readme);
    expect(after.quantities.lambdaGbSeconds).toBeGreaterThan(before.quantities.lambdaGbSeconds!);
    expect(lineOf(after, 'Lambda').list).toBeGreaterThan(lineOf(before, 'Lambda').list);
    // Without maxConcurrency Lambda scales its idle pollers down from 5 to 2.
    expect(after.quantities.sqsIdleReceives! / before.quantities.sqsIdleReceives!).toBeCloseTo(2 / 5);
    expect(lineOf(after, 'CloudWatch metrics + alarms').usd).toBeGreaterThan(0);
  });

  it('reads schedule rates in every unit CDK writes', () => {
    expect(rateMinutes('rate(1 hour)')).toBe(60);
    expect(rateMinutes('rate(15 minutes)')).toBe(15);
    expect(rateMinutes('rate(1 minute)')).toBe(1);
    expect(rateMinutes('rate(2 days)')).toBe(2880);
    expect(() => rateMinutes('cron(0 * * * ? *)')).toThrow(/schedule expression/);
  });

  it('counts the custom metrics the handlers emit, and prices those past the free ten', () => {
    const e = estimate(dynamo, readme);
    expect(e.customMetrics).toEqual(Object.values(METRIC_NAMES));
    expect(lineOf(e, 'CloudWatch metrics + alarms').list).toBeCloseTo(Object.keys(METRIC_NAMES).length * 0.3 + dynamo.alarms * 0.1);
    const withMetrics = estimate(dynamo, readme, { customMetrics: Array.from({ length: 12 }, (_, i) => `m${i}`) });
    expect(lineOf(withMetrics, 'CloudWatch metrics + alarms').usd).toBeCloseTo(2 * 0.3);
    expect(formatEstimate(e)).toContain('7 custom metrics (RefsDispatched, CollectSucceeded, CollectFailed, SamplesWritten, PullCountDrops, WebhookEventsCounted, ApiServerErrors)');
  });

  it('counts only metrics some handler emits: every name in lambdas/metrics.ts is counted by the code', () => {
    const handlerSources = readdirSync(fileURLToPath(new URL('../../lambdas', import.meta.url)), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && file !== 'metrics.ts')
      .map((file) => readFileSync(fileURLToPath(new URL(`../../lambdas/${file}`, import.meta.url)), 'utf8'))
      .join('\n');
    for (const key of Object.keys(METRIC_NAMES)) expect(handlerSources, key).toMatch(new RegExp(`count\\(METRIC_NAMES\\.${key}\\b`));
  });
});

describe('the cost model source', () => {
  it('keeps to files of at most 300 lines, one concern each', () => {
    const dir = fileURLToPath(new URL('../../lib/cost/', import.meta.url));
    const sizes = Object.fromEntries(readdirSync(dir).map((file) => [file, readFileSync(`${dir}${file}`, 'utf8').split('\n').length]));
    expect(Object.keys(sizes).sort()).toEqual(['drivers.ts', 'estimate.ts', 'facts.ts', 'line.ts', 'prices.ts', 'report.ts', 'stores.ts', 'traffic.ts', 'workload.ts']);
    for (const [file, lines] of Object.entries(sizes)) expect(lines, file).toBeLessThanOrEqual(300);
  });
});

describe('the estimate', () => {
  it.each([dynamo, timestream])('grows with repositories and with views ($store)', (facts) => {
    let previous = estimate(facts, { repos: 0, viewsPerDay: 1000 });
    for (const repos of [1, 10, 99, 100, 101, 1000, 5000]) {
      const next = estimate(facts, { repos, viewsPerDay: 1000 });
      expect(next.total.list).toBeGreaterThanOrEqual(previous.total.list);
      expect(next.total.usd).toBeGreaterThanOrEqual(previous.total.usd);
      previous = next;
    }
    previous = estimate(facts, { repos: 100, viewsPerDay: 0 });
    for (const viewsPerDay of [1, 10, 100, 1000, 10_000, 100_000]) {
      const next = estimate(facts, { repos: 100, viewsPerDay });
      expect(next.total.list).toBeGreaterThanOrEqual(previous.total.list);
      expect(next.total.usd).toBeGreaterThanOrEqual(previous.total.usd);
      previous = next;
    }
  });

  it('keeps origin requests within both bounds: the views, and one miss per cache TTL', () => {
    for (const viewsPerDay of [1, 100, 1000, 1_000_000]) {
      const e = estimate(dynamo, { repos: 100, viewsPerDay });
      const q = e.quantities;
      expect(q.missesPerUrl).toBeLessThanOrEqual(q.viewsPerMonth!);
      expect(q.missesPerUrl).toBeLessThanOrEqual(month / q.cacheTtlSeconds! + 1e-9);
      // Each long range gets its share of the long-range views.
      expect(q.longRangeMissesPerUrl).toBeLessThanOrEqual((q.viewsPerMonth! * ASSUMPTIONS.longRangeShare) / LONG_RANGES.length + 1e-9);
      expect(q.longRangeMissesPerUrl).toBeLessThanOrEqual(month / q.cacheTtlSeconds! + 1e-9);
      // One /api/dashboard answer per view and range.
      expect(q.originRequests).toBeCloseTo(q.missesPerUrl! + q.longRangeMissesPerUrl! * LONG_RANGES.length);
    }
    expect(estimate(dynamo, { repos: 100, viewsPerDay: 0 }).quantities.originRequests).toBe(0);
  });

  it('shows the free tier as its own column: you pay = list − free tier', () => {
    const e = estimate(dynamo, readme);
    for (const line of e.lines) {
      expect(line.freeTier).toBeGreaterThanOrEqual(0);
      expect(line.usd).toBeCloseTo(line.list - line.freeTier);
    }
    expect(e.total.usd).toBeCloseTo(e.total.list - e.total.freeTier);
    expect(e.total.freeTier).toBeGreaterThan(0);
  });

  it('counts the SQS event source idle polls, which exist with no repositories at all', () => {
    const idle = estimate(dynamo, { repos: 0, viewsPerDay: 0 });
    // 5 pollers (maxConcurrency disables the scale-down to 2) × one 20 s long poll each.
    expect(idle.quantities.sqsIdleReceives).toBeCloseTo((5 * 30.4 * 86_400) / 20);
    expect(lineOf(idle, 'SQS').list).toBeGreaterThan(0.25);
    expect(lineOf(idle, 'SQS').usd).toBe(0);
  });

  it('meets the target on DynamoDB: 100 repositories, hourly, 1,000 views a day for at most $1 a month', () => {
    const e = estimate(dynamo, readme);
    expect(e.total.usd).toBeLessThanOrEqual(1);
    // The secret is a fixed $0.40 of it.
    expect(lineOf(e, 'Secrets Manager').usd).toBeCloseTo(0.4 * dynamo.secrets);
  });

  it('meets the target on Timestream: 100 repositories, hourly, 1,000 views a day for at most $15 a month', () => {
    expect(estimate(timestream, readme).total.usd).toBeLessThanOrEqual(15);
  });

  it('queries Timestream only for the share of views that open a long range', () => {
    const e = estimate(timestream, readme);
    const queries = lineOf(e, 'Timestream queries');
    expect(queries.usd).toBeCloseTo(e.quantities.timestreamBursts! * burst);
    // One query, one burst, per cache miss of a long range's answer.
    expect(e.quantities.timestreamBursts).toBeCloseTo(e.quantities.longRangeMissesPerUrl! * LONG_RANGES.length);
    expect(e.quantities.timestreamBursts).toBeCloseTo(e.quantities.longRangeRequests!);
    expect(LONG_RANGES).toEqual(['90d', '1y', 'all']);
    // No view on a long range: no query at all, whatever the traffic.
    const defaultOnly = estimate(timestream, { repos: 100, viewsPerDay: 100_000 }, { assumptions: { longRangeShare: 0 } });
    expect(defaultOnly.quantities.timestreamBursts).toBe(0);
    expect(lineOf(defaultOnly, 'Timestream queries').list).toBe(0);
    // Sparse traffic: every long-range view misses, so the bursts are the long-range views.
    const sparse = estimate(timestream, { repos: 100, viewsPerDay: 10 }, { assumptions: { longRangeShare: 0.5 } });
    expect(sparse.quantities.timestreamBursts).toBeLessThanOrEqual(10 * 30.4 * 0.5);
    expect(sparse.quantities.timestreamBursts).toBeGreaterThan(0.95 * 10 * 30.4 * 0.5);
    // Busy traffic: at most one burst per long range and cache period.
    const busy = estimate(timestream, { repos: 100, viewsPerDay: 1_000_000 }, { assumptions: { longRangeShare: 1 } });
    expect(busy.quantities.timestreamBursts).toBeLessThanOrEqual((LONG_RANGES.length * month) / busy.quantities.cacheTtlSeconds!);
    // More long-range views, more bursts.
    expect(estimate(timestream, readme, { assumptions: { longRangeShare: 0.1 } }).quantities.timestreamBursts).toBeGreaterThan(e.quantities.timestreamBursts!);
    expect(formatEstimate(e)).toMatch(/only the 90d, 1y, all ranges read Timestream/);
  });

  it('writes the read model on every sample and message, on either store: repositories × polls', () => {
    const halfHourly = readStackFacts(synthesizeTemplate({ store: 'timestream', pollMinutes: 30 }));
    for (const facts of [timestream, dynamo]) {
      const e = estimate(facts, readme);
      const polls = (30.4 * 24 * 60) / 60;
      // A conditional PutItem of a 2.5 KB view (3 units) per series and poll, an UpdateItem of the generation per message.
      expect(e.quantities.readModelWriteUnits).toBeCloseTo(polls * 100 * (3 + 1));
      // The consistent GetItem before it: 1 unit per 4 KB.
      expect(e.quantities.readModelCollectReadUnits).toBeCloseTo(polls * 100);
      expect(estimate(facts, { ...readme, repos: 200 }).quantities.readModelWriteUnits).toBeCloseTo(2 * e.quantities.readModelWriteUnits!);
    }
    expect(estimate(halfHourly, readme).quantities.readModelWriteUnits).toBeCloseTo(2 * estimate(timestream, readme).quantities.readModelWriteUnits!);
    // On Timestream the read model is most of the DynamoDB writes: only the repos item's outcome besides.
    expect(estimate(timestream, readme).quantities.dynamodbWriteUnitsPerSample).toBeCloseTo(5);
  });

  it('reads the generation on every data request and the views at most once per poll per warm environment', () => {
    const e = estimate(timestream, readme);
    const q = e.quantities;
    expect(q.generationReadUnits).toBeCloseTo(0.5 * q.originRequests!);
    expect(q.viewLoads).toBeCloseTo(Math.min(q.originRequests!, q.polls! * ASSUMPTIONS.apiContainers));
    // 100 views of 2.5 KB: 62 pages of 4 KB at half a unit.
    expect(q.viewReadUnits).toBeCloseTo(q.viewLoads! * 31);
    // Quiet dashboards: every data request may find a new generation.
    const quiet = estimate(timestream, { repos: 100, viewsPerDay: 2 }).quantities;
    expect(quiet.viewLoads).toBeCloseTo(quiet.originRequests!);
  });

  it('runs the Accept function on every API request a viewer makes, cached or not', () => {
    const e = estimate(dynamo, readme);
    // One /api/dashboard request per view, and one more for a long range.
    const apiRequests = 1000 * 30.4 * (1 + ASSUMPTIONS.longRangeShare);
    expect(e.quantities.cloudfrontFunctionInvocations).toBeCloseTo(apiRequests);
    const withoutFunction = readStackFacts(
      editedTemplate((resources) => {
        for (const resource of Object.values(resources)) {
          if (resource.Type === 'AWS::CloudFront::Distribution') for (const b of resource.Properties.DistributionConfig.CacheBehaviors) delete b.FunctionAssociations;
        }
      }),
    );
    expect(estimate(withoutFunction, readme).quantities.cloudfrontFunctionInvocations).toBe(0);
  });

  it('uses every price constant', () => {
    const x86 = readStackFacts(
      editedTemplate((resources) => {
        for (const resource of Object.values(resources)) if (resource.Type === 'AWS::Lambda::Function') resource.Properties.Architectures = ['x86_64'];
      }),
    );
    const used = new Set<PriceName>([...estimate(dynamo, readme).pricesUsed, ...estimate(timestream, readme).pricesUsed, ...estimate(x86, readme).pricesUsed]);
    expect([...used].sort()).toEqual((Object.keys(PRICES) as PriceName[]).sort());
  });

  it('prints a table with two decimals, a total, the assumptions, and JSON that round-trips', () => {
    const e = estimate(dynamo, readme);
    const text = formatEstimate(e);
    expect(text).toMatch(/^total\s+\d+\.\d{2}\s+-\d+\.\d{2}\s+\d+\.\d{2}$/m);
    expect(text).toMatch(/^SQS\s+\d+\.\d{2}/m);
    expect(text).toContain('Assumptions:');
    expect(text).toContain(`collect bills ${ASSUMPTIONS.collectMsPerRef} ms per ref`);
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ store: 'dynamodb', repos: 100, total: { usd: e.total.usd } });
  });
});
