// A deployed stack's series store and read model, for the history import and export: found from the stack's
// CloudFormation outputs (SeriesStoreKind, SeriesStoreName, ReadModelTableName), opened with the user's AWS credentials.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ReadModel, SeriesStore } from '../core/ports.ts';
import { STACK_OUTPUTS } from '../core/stack-outputs.ts';
import { documentClient } from './dynamodb/client.ts';
import { historyStoresFromEnv } from './from-env.ts';
import { explainAwsError, readStack } from './stack-outputs.ts';

export interface HistoryStores {
  series: SeriesStore;
  readModel: ReadModel;
  /** Where the history is, in words, for the report. */
  where: string;
  explain(error: unknown): string | undefined;
  close(): Promise<void>;
}

export async function openStackHistoryStores(target: { stack: string; region?: string }): Promise<HistoryStores> {
  const stack = await readStack(target);
  const where = { stack: stack.stack, region: stack.region };
  const kind = stack.output(STACK_OUTPUTS.seriesStoreKind);
  const name = stack.output(STACK_OUTPUTS.seriesStoreName);
  const [database, table] = name.split('.');
  const env = {
    SERIES_STORE: kind,
    ...(kind === 'timestream' ? { TIMESTREAM_DATABASE: database, TIMESTREAM_TABLE: table } : { SERIES_TABLE: name }),
    READ_MODEL_TABLE: stack.output(STACK_OUTPUTS.readModelTable),
  };
  const { series, readModel } = historyStoresFromEnv(env, documentClient(new DynamoDBClient({ region: where.region })), where.region);
  return {
    series,
    readModel,
    where: `stack ${where.stack} (${kind} ${name}, ${where.region})`,
    explain: (error) => explainAwsError(error, where),
    close: async () => undefined,
  };
}
