// The DynamoDB actions behind each call the store adapters make (lambdas/stores/dynamodb/*): roles are granted these
// by name, never a grantReadWriteData, so each function can do what it calls and nothing else.
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';

export const TABLE_CALLS = {
  /** DynamoRepoList.list: the tracked refs are the whole table (paginateScan). */
  listRepos: ['dynamodb:Scan'],
  /** DynamoRepoList.add: a conditional put per new ref. */
  addRepos: ['dynamodb:PutItem'],
  /** DynamoRepoList.recordSuccess / recordError: a conditional update of a tracked item. */
  recordOutcomes: ['dynamodb:UpdateItem'],
  /** DynamoDiscoveryStates: a `github:` item's progress read consistently, saved and its misses added by updates. */
  keepDiscovery: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  /** DynamoSeriesStore.write: raw readings by BatchWriteItem, month items by read-modify-write, latest items by put. */
  writeSeries: ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
  /** DynamoSeriesStore.daily / samples / latest / health. */
  readSeries: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
  /** DynamoReadModel.apply (read, fold, conditional put) and touch (the generation item). */
  foldViews: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  /** DynamoReadModel.generation / views. */
  readViews: ['dynamodb:GetItem', 'dynamodb:Query'],
  /** DynamoRegistryCounters.record: ids and times read first, then transactions of conditional puts and updates. */
  recordCounts: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  /** DynamoRegistryCounters.repository. */
  readRepositoryCounts: ['dynamodb:GetItem'],
  /** DynamoRegistryCounters.tags. */
  readTagCounts: ['dynamodb:Query'],
  /** DynamoRequestSchedule.reserve. */
  reserveSlots: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
} as const satisfies Record<string, readonly `dynamodb:${string}`[]>;

export type TableCall = keyof typeof TABLE_CALLS;

/** Grants `grantee` the actions of `calls` on `table` (and nothing on any other table). */
export function grantTableCalls(table: ITableV2, grantee: IGrantable, calls: readonly TableCall[]): void {
  const actions = [...new Set(calls.flatMap((call) => TABLE_CALLS[call]))].sort();
  table.grant(grantee, ...actions);
}
