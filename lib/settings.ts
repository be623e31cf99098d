// Stack settings read from CDK context (`-c store=dynamodb -c pollMinutes=30`), validated once for bin/app.ts and the tests.
import type { Node } from 'constructs';
import { DEFAULTS } from '../lambdas/core/defaults.ts';

const SERIES_STORE_KINDS = ['timestream', 'dynamodb'] as const;
export type SeriesStoreKind = (typeof SERIES_STORE_KINDS)[number];

export interface StackSettings {
  /** Where the time series live; Timestream as designed, DynamoDB for accounts that cannot use Timestream. */
  readonly store: SeriesStoreKind;
  /** How often the counters are sampled. */
  readonly pollMinutes: number;
  /**
   * Name or ARN of an existing Secrets Manager secret holding Docker Hub credentials as
   * `{"identifier": "<Docker ID or org>", "secret": "<access token>"}`: lifts the anonymous listing cap.
   */
  readonly dockerhubSecret?: string;
  /** Names a self-hosted registry in refs instead of the Host its notifications report. */
  readonly registryName?: string;
  /** Self-hosted repositories the webhook may track by itself (default DEFAULTS.ingestMaxRepositories). */
  readonly ingestMaxRepositories?: number;
  /** Subscribes this address to the alarms (an SNS topic with an email subscription). */
  readonly alarmEmail?: string;
  /** Days of samples kept; 0 keeps them forever. */
  readonly retentionDays: number;
}

export function stackSettingsFromContext(node: Node): StackSettings {
  return {
    store: parseStore(node.tryGetContext('store')),
    pollMinutes: parsePollMinutes(node.tryGetContext('pollMinutes')),
    retentionDays: parseRetentionDays(node.tryGetContext('retentionDays')),
    ...optionalSecret(node.tryGetContext('dockerhubSecret')),
    ...optionalRegistryName(node.tryGetContext('registryName')),
    ...optionalIngestMaxRepositories(node.tryGetContext('ingestMaxRepositories')),
    ...optionalEmail(node.tryGetContext('alarmEmail')),
  };
}

function optionalSecret(value: unknown): { dockerhubSecret?: string } {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'string' || !/^(arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:)?[\w/+=.@-]{1,512}$/.test(value)) {
    throw new Error(`Context "dockerhubSecret" must be a Secrets Manager secret name or ARN; got ${JSON.stringify(value)}`);
  }
  return { dockerhubSecret: value };
}

function parseStore(value: unknown): SeriesStoreKind {
  if (value === undefined) return 'timestream';
  const kind = SERIES_STORE_KINDS.find((k) => k === value);
  if (!kind) {
    throw new Error(
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
    throw new Error(`Context "pollMinutes" must be a positive integer (minutes); got ${JSON.stringify(value)}`);
  }
  return minutes;
}

function optionalRegistryName(value: unknown): { registryName?: string } {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'string' || !/^[a-z0-9.-]+(:\d{1,5})?$/i.test(value)) {
    throw new Error(`Context "registryName" must be a host name with an optional port; got ${JSON.stringify(value)}`);
  }
  return { registryName: value.toLowerCase() };
}

function optionalIngestMaxRepositories(value: unknown): { ingestMaxRepositories?: number } {
  if (value === undefined || value === '') return {};
  const count = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 9_999_999) {
    throw new Error(`Context "ingestMaxRepositories" must be a whole number of repositories, at least 1; got ${JSON.stringify(value)}`);
  }
  return { ingestMaxRepositories: count };
}

function optionalEmail(value: unknown): { alarmEmail?: string } {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw new Error(`Context "alarmEmail" must be an email address; got ${JSON.stringify(value)}`);
  }
  return { alarmEmail: value };
}

/** Timestream's longest magnetic retention, which also bounds what "keep forever" can mean there. */
export const MAX_RETENTION_DAYS = 73_000;

function parseRetentionDays(value: unknown): number {
  if (value === undefined) return 0;
  const days = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > MAX_RETENTION_DAYS) {
    throw new Error(`Context "retentionDays" must be a whole number of days from 0 (keep forever) to ${MAX_RETENTION_DAYS}; got ${JSON.stringify(value)}`);
  }
  return days;
}
