import { describe, expect, it } from 'vitest';
import {
  ASSUMPTIONS,
  DASHBOARD_REQUESTS,
  type Estimate,
  PRICES,
  type PriceName,
  estimate,
  findCustomMetrics,
  formatEstimate,
  rateMinutes,
  readStackFacts,
  synthesizeTemplate,
} from '../../lib/cost-model.ts';
import { logicalId } from './synth.ts';

const dynamoTemplate = synthesizeTemplate({ store: 'dynamodb', pollMinutes: 60 });
const dynamo = readStackFacts(dynamoTemplate);
const timestream = readStackFacts(synthesizeTemplate({ store: 'timestream', pollMinutes: 60 }));
const readme = { repos: 100, viewsPerDay: 1000 };

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
    expect(dynamo.cloudfront).toMatchObject({ apiMinTtl: 0, logging: true });
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
    // Cache-Control max-age is a quarter of the interval, at most 300 s: 450 s → 300 s either way.
    expect(faster.quantities.maxAgeSeconds).toBe(300);
    const quarterHourly = estimate(readStackFacts(synthesizeTemplate({ store: 'dynamodb', pollMinutes: 4 })), readme);
    expect(quarterHourly.quantities.maxAgeSeconds).toBe(60);
    expect(quarterHourly.quantities.missesPerUrl).toBeGreaterThan(hourly.quantities.missesPerUrl!);
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

  it('counts custom metrics from addMetric calls', () => {
    expect(findCustomMetrics(new URL('../../lambdas', import.meta.url).pathname)).toEqual(expect.any(Array));
    const withMetrics = estimate(dynamo, readme, { customMetrics: Array.from({ length: 12 }, (_, i) => `m${i}`) });
    expect(lineOf(withMetrics, 'CloudWatch metrics + alarms').list).toBeGreaterThan(lineOf(estimate(dynamo, readme), 'CloudWatch metrics + alarms').list);
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
      expect(q.missesPerUrl).toBeLessThanOrEqual((30.4 * 86_400) / q.cacheTtlSeconds! + 1e-9);
      expect(q.originRequests).toBeCloseTo(q.missesPerUrl! * DASHBOARD_REQUESTS.length);
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

  it('says that Timestream query bursts dominate the Timestream bill', () => {
    const e = estimate(timestream, readme);
    const queries = lineOf(e, 'Timestream queries');
    expect(queries.usd).toBeGreaterThan(0.5 * e.total.usd);
    expect(Math.max(...e.lines.map((l) => l.usd))).toBe(queries.usd);
    const burst = 4 * (30 / 3600) * PRICES.timestreamPerTcuHour;
    expect(queries.usd).toBeCloseTo(e.quantities.timestreamBursts! * burst);
    expect(formatEstimate(e)).toMatch(/Timestream query bursts dominate/);
    expect(e.notes.join('\n')).toMatch(/Timestream query bursts dominate/);
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
