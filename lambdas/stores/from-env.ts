// Chooses the store adapters once, at start-up, from the environment the stack (or local mode) sets.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError, type Env, requireEnv, retentionDaysFromEnv } from '../core/config.ts';
import type { DiscoveryStates, ReadModel, RegistryCounters, RepoList, RequestSchedule, SeriesStore } from '../core/ports.ts';
import { documentClient } from './dynamodb/client.ts';
import { DynamoDiscoveryStates } from './dynamodb/discovery-states.ts';
import { DynamoRegistryCounters } from './dynamodb/counters-table.ts';
import { DynamoReadModel } from './dynamodb/read-model-table.ts';
import { DynamoRepoList } from './dynamodb/repo-table.ts';
import { DynamoRequestSchedule } from './dynamodb/request-schedule-table.ts';
import { DynamoSeriesStore } from './dynamodb/series-table.ts';
import { lazyTimestreamSeriesStore } from './timestream/lazy.ts';

export interface Stores {
  repos: RepoList;
  /** Discovery's progress, on the repos table's `github:` items. */
  discovery: DiscoveryStates;
  series: SeriesStore;
  readModel: ReadModel;
}

/**
 * `SERIES_STORE=dynamodb` reads `SERIES_TABLE`; `timestream` reads `TIMESTREAM_DATABASE` and `TIMESTREAM_TABLE`.
 * The read model is in `READ_MODEL_TABLE` (the series table itself on the DynamoDB store).
 */
export function storesFromEnv(env: Env, dynamo: DynamoDBDocumentClient = documentClient()): Stores {
  return {
    repos: new DynamoRepoList(dynamo, requireEnv(env, 'REPOS_TABLE')),
    discovery: new DynamoDiscoveryStates(dynamo, requireEnv(env, 'REPOS_TABLE')),
    ...historyStoresFromEnv(env, dynamo),
  };
}

/** The history alone, the series store and the read model: what the import and export of a deployed stack open. */
export function historyStoresFromEnv(env: Env, dynamo: DynamoDBDocumentClient, region?: string): Pick<Stores, 'series' | 'readModel'> {
  return {
    series: seriesStoreFromEnv(env, dynamo, region),
    readModel: new DynamoReadModel(dynamo, requireEnv(env, 'READ_MODEL_TABLE'), retentionDaysFromEnv(env)),
  };
}

/** `region`: where the Timestream clients go, when not the SDK's own lookup (the import CLI's --region). */
function seriesStoreFromEnv(env: Env, dynamo: DynamoDBDocumentClient, region?: string): SeriesStore {
  const kind = requireEnv(env, 'SERIES_STORE');
  if (kind === 'dynamodb') return new DynamoSeriesStore(dynamo, requireEnv(env, 'SERIES_TABLE'), retentionDaysFromEnv(env));
  if (kind === 'timestream') {
    // Loaded on first use: the DynamoDB store's functions never load the Timestream clients.
    return lazyTimestreamSeriesStore({ database: requireEnv(env, 'TIMESTREAM_DATABASE'), table: requireEnv(env, 'TIMESTREAM_TABLE') }, region);
  }
  throw new ConfigError(`SERIES_STORE=${JSON.stringify(kind)}: expected dynamodb or timestream`);
}

/** The webhook's counters (`COUNTERS_TABLE`), where the stack set them up (local mode keeps its own: LocalDynamo.counters). */
export function countersFromEnv(env: Env, dynamo: DynamoDBDocumentClient = documentClient()): RegistryCounters | undefined {
  return env.COUNTERS_TABLE ? new DynamoRegistryCounters(dynamo, env.COUNTERS_TABLE) : undefined;
}

/** The collectors' shared request schedule (`REQUEST_SCHEDULE_TABLE`), where the stack set one up. */
export function requestScheduleFromEnv(env: Env, dynamo: DynamoDBDocumentClient = documentClient()): RequestSchedule | undefined {
  return env.REQUEST_SCHEDULE_TABLE ? new DynamoRequestSchedule(dynamo, env.REQUEST_SCHEDULE_TABLE) : undefined;
}
