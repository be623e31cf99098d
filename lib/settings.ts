// Stack settings read from CDK context (`-c store=dynamodb -c pollMinutes=30`), validated once for bin/app.ts and the tests.
import type { Node } from 'constructs';
import { DEFAULTS } from '../lambdas/core/defaults.ts';
import { TIMESTREAM_REGIONS, TIMESTREAM_REGIONS_SOURCE } from './timestream-regions.ts';

/** A context setting that cannot be built: the message names the setting, the value and what would do. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

const SERIES_STORE_KINDS = ['timestream', 'dynamodb'] as const;
export type SeriesStoreKind = (typeof SERIES_STORE_KINDS)[number];

export interface StackSettings {
  /** The CloudFormation stack name; every account-wide resource name includes it and the region. */
  readonly stackName: string;
  /** The region the stack is built for; undefined builds a region-agnostic template (DynamoDB store only). */
  readonly region?: string;
  /** Where the time series live: DynamoDB, or Timestream for accounts that already use Timestream for LiveAnalytics. */
  readonly store: SeriesStoreKind;
  /** Lets a deploy switch an existing stack to the other store (the store guard refuses otherwise). */
  readonly allowStoreChange: boolean;
  /** How often the counters are sampled. */
  readonly pollMinutes: number;
  /**
   * Name or ARN of an existing Secrets Manager secret holding Docker Hub credentials as
   * `{"identifier": "<Docker ID or org>", "secret": "<access token>"}`: lifts the anonymous listing cap.
   */
  readonly dockerhubSecret?: string;
  /** Name or ARN of an existing Secrets Manager secret holding a GitHub token (the plain string): discovery's budget. */
  readonly githubSecret?: string;
  /** GitHub's REST API for discovery, for GitHub Enterprise Server (default DEFAULTS.githubApiUrl). */
  readonly githubApiUrl?: string;
  /** Names a self-hosted registry in refs instead of the Host its notifications report. */
  readonly registryName?: string;
  /** Self-hosted repositories the webhook may track by itself (default DEFAULTS.ingestMaxRepositories). */
  readonly ingestMaxRepositories?: number;
  /** Subscribes this address to the alarms (an SNS topic with an email subscription). */
  readonly alarmEmail?: string;
  /** Days of samples kept; 0 keeps them forever. */
  readonly retentionDays: number;
}

/** Where a synth finds its region when `-c region=` is not given: the CDK CLI sets CDK_DEFAULT_REGION from the profile. */
export interface RegionEnv {
  readonly CDK_DEFAULT_REGION?: string | undefined;
  readonly AWS_REGION?: string | undefined;
}

export function stackSettingsFromContext(node: Node, env: RegionEnv = {}): StackSettings {
  const store = parseStore(node.tryGetContext('store'));
  const region = optionalRegion(node.tryGetContext('region')) ?? (env.CDK_DEFAULT_REGION || env.AWS_REGION || undefined);
  if (store === 'timestream') checkTimestreamRegion(region);
  return {
    stackName: parseStackName(node.tryGetContext('stackName')),
    ...(region && { region }),
    store,
    allowStoreChange: parseAllowStoreChange(node.tryGetContext('allowStoreChange')),
    pollMinutes: parsePollMinutes(node.tryGetContext('pollMinutes')),
    retentionDays: parseRetentionDays(node.tryGetContext('retentionDays')),
    ...optionalSecret('dockerhubSecret', node.tryGetContext('dockerhubSecret')),
    ...optionalSecret('githubSecret', node.tryGetContext('githubSecret')),
    ...optionalHttpsUrl(node.tryGetContext('githubApiUrl')),
    ...optionalRegistryName(node.tryGetContext('registryName')),
    ...optionalIngestMaxRepositories(node.tryGetContext('ingestMaxRepositories')),
    ...optionalEmail(node.tryGetContext('alarmEmail')),
  };
}

function optionalSecret(name: 'dockerhubSecret' | 'githubSecret', value: unknown): { dockerhubSecret?: string; githubSecret?: string } {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'string' || !/^(arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:)?[\w/+=.@-]{1,512}$/.test(value)) {
    throw new SettingsError(`Context "${name}" must be a Secrets Manager secret name or ARN; got ${JSON.stringify(value)}`);
  }
  return { [name]: value };
}

function optionalHttpsUrl(value: unknown): { githubApiUrl?: string } {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'string' || !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(value)) throw new SettingsError(`Context "githubApiUrl" must be an https URL; got ${JSON.stringify(value)}`);
  return { githubApiUrl: value.replace(/\/+$/, '') };
}

/** The one line synth prints, so a user sees which store a deploy would build before it runs. */
export function describeSettings(settings: StackSettings): string {
  const where = settings.region ?? 'any region (region-agnostic template)';
  const change = settings.allowStoreChange ? '; allowStoreChange=true: a deployed stack may switch stores' : '';
  return `pullwatch: stack ${settings.stackName} in ${where}, series store: ${settings.store}${change}`;
}

// Names of the CloudFront policies and origin access control are the stack name, the region and a suffix: the
// shortest limit (64 characters, origin access controls) leaves about 40 for the stack name.
const MAX_STACK_NAME_LENGTH = 40;

function parseStackName(value: unknown): string {
  if (value === undefined || value === '') return DEFAULTS.stackName;
  if (typeof value !== 'string' || value.length > MAX_STACK_NAME_LENGTH || !/^[A-Za-z][A-Za-z0-9-]*$/.test(value)) {
    throw new SettingsError(
      `Context "stackName" must start with a letter and hold only letters, digits and hyphens, at most ${MAX_STACK_NAME_LENGTH} characters; got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function optionalRegion(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) {
    throw new SettingsError(`Context "region" must be an AWS region such as eu-west-1; got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkTimestreamRegion(region: string | undefined): void {
  if (region === undefined) {
    throw new SettingsError(
      'store=timestream needs the region at synth, to check that Timestream for LiveAnalytics exists there: ' +
        'set AWS_REGION or pass -c region=<region>, or use -c store=dynamodb',
    );
  }
  if (!TIMESTREAM_REGIONS.includes(region)) {
    throw new SettingsError(
      `Timestream for LiveAnalytics does not exist in ${region} (${TIMESTREAM_REGIONS_SOURCE}); ` +
        `deploy with -c store=dynamodb there, or choose one of ${TIMESTREAM_REGIONS.join(', ')}`,
    );
  }
}

function parseAllowStoreChange(value: unknown): boolean {
  if (value === undefined || value === '' || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new SettingsError(`Context "allowStoreChange" must be true or false; got ${JSON.stringify(value)}`);
}

function parseStore(value: unknown): SeriesStoreKind {
  if (value === undefined) return 'dynamodb';
  const kind = SERIES_STORE_KINDS.find((k) => k === value);
  if (!kind) {
    throw new SettingsError(
      `Context "store" must be one of ${SERIES_STORE_KINDS.join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
  return kind;
}

// `-c pollMinutes=30` arrives as a string, cdk.json's value as a number: accept both spellings of a positive integer.
function parsePollMinutes(value: unknown): number {
  if (value === undefined) return DEFAULTS.pollMinutes;
  const minutes = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1) {
    throw new SettingsError(`Context "pollMinutes" must be a positive integer (minutes); got ${JSON.stringify(value)}`);
  }
  return minutes;
}

function optionalRegistryName(value: unknown): { registryName?: string } {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'string' || !/^[a-z0-9.-]+(:\d{1,5})?$/i.test(value)) {
    throw new SettingsError(`Context "registryName" must be a host name with an optional port; got ${JSON.stringify(value)}`);
  }
  return { registryName: value.toLowerCase() };
}

function optionalIngestMaxRepositories(value: unknown): { ingestMaxRepositories?: number } {
  if (value === undefined || value === '') return {};
  const count = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 9_999_999) {
    throw new SettingsError(`Context "ingestMaxRepositories" must be a whole number of repositories, at least 1; got ${JSON.stringify(value)}`);
  }
  return { ingestMaxRepositories: count };
}

function optionalEmail(value: unknown): { alarmEmail?: string } {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw new SettingsError(`Context "alarmEmail" must be an email address; got ${JSON.stringify(value)}`);
  }
  return { alarmEmail: value };
}

/** Timestream's longest magnetic retention, which also bounds what "keep forever" can mean there. */
export const MAX_RETENTION_DAYS = 73_000;

function parseRetentionDays(value: unknown): number {
  if (value === undefined) return 0;
  const days = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > MAX_RETENTION_DAYS) {
    throw new SettingsError(`Context "retentionDays" must be a whole number of days from 0 (keep forever) to ${MAX_RETENTION_DAYS}; got ${JSON.stringify(value)}`);
  }
  return days;
}
