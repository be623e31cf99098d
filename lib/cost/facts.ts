// What the cost estimate needs from the stack itself, read from its synthesized template: functions, schedule, event
// source, tables, Timestream retention, secrets, alarms, log retention and the CloudFront /api/* cache policy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PullwatchStack } from '../pullwatch-stack.ts';
import { type SeriesStoreKind, stackSettingsFromContext } from '../settings.ts';

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
  /** READ_MODEL_TABLE: the series table on the DynamoDB store, a table of its own beside Timestream. */
  readonly readModelTable: TableFacts;
  readonly countersTable: TableFacts | undefined;
  readonly timestream: { readonly memoryRetentionHours: number; readonly magneticRetentionDays: number } | undefined;
  /** Secrets the stack creates, plus a Docker Hub secret collect reads (created outside the stack). */
  readonly secrets: number;
  readonly dockerhubSecret: boolean;
  readonly alarms: number;
  readonly accessLogRetentionDays: number | undefined;
  readonly cloudfront:
    | {
        readonly apiMinTtl: number;
        readonly apiDefaultTtl: number;
        readonly apiMaxTtl: number;
        /** CloudFront Functions the /api/* behaviour runs on each request (billed per invocation). */
        readonly apiFunctions: number;
        readonly logging: boolean;
        readonly logExpirationDays: number | undefined;
      }
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
  const readModelTable = tableFacts(apiEnv, 'READ_MODEL_TABLE');
  if (!readModelTable) throw new Error('the api function has no READ_MODEL_TABLE');
  if (refId(collectEnv.READ_MODEL_TABLE) !== readModelTable.logicalId) throw new Error('collect and api name different READ_MODEL_TABLEs');

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
      apiFunctions: ((apiBehavior?.FunctionAssociations ?? []) as unknown[]).length,
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
    readModelTable,
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
    // us-east-1, whose list prices lib/cost/prices.ts holds (and where the Timestream store can be built).
    const context = { 'aws:cdk:bundling-stacks': [], store: settings.store, pollMinutes: String(settings.pollMinutes), region: 'us-east-1' };
    const app = new App({ outdir, context });
    const stackSettings = stackSettingsFromContext(app.node);
    const stack = new PullwatchStack(app, stackSettings.stackName, { ...stackSettings, env: { region: stackSettings.region } });
    return Template.fromJSON(app.synth().getStackByName(stack.stackName).template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
