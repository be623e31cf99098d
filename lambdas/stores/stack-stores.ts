// A deployed stack's series store and read model, for the history import and export: found from the stack's
// CloudFormation outputs (SeriesStoreKind, SeriesStoreName, ReadModelTableName), opened with the user's AWS credentials.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ReadModel, SeriesStore } from '../core/ports.ts';
import { STORE_KIND_OUTPUT } from '../core/store-guard.ts';
import { documentClient } from './dynamodb/client.ts';
import { storesFromEnv } from './from-env.ts';
import { AwsTargetError, explainAwsError, resolveRegion, stackOutput } from './stack-outputs.ts';

export interface HistoryStores {
  series: SeriesStore;
  readModel: ReadModel;
  /** Where the history is, in words, for the report. */
  where: string;
  explain(error: unknown): string | undefined;
  close(): Promise<void>;
}

export async function openStackHistoryStores(target: { stack: string; region?: string }): Promise<HistoryStores> {
  const cloudformation = new CloudFormationClient(target.region ? { region: target.region } : {});
  try {
    const region = await resolveRegion(cloudformation);
    const where = { stack: target.stack, region };
    const output = async (name: string) => {
      try {
        return await stackOutput(cloudformation, { ...where, output: name });
      } catch (error) {
        throw new AwsTargetError(explainAwsError(error, where) ?? String((error as Error).message), { cause: error });
      }
    };
    const [kind, name, readModelTable] = [await output(STORE_KIND_OUTPUT), await output('SeriesStoreName'), await output('ReadModelTableName')];
    const [database, table] = name.split('.');
    const env = {
      SERIES_STORE: kind,
      ...(kind === 'timestream' ? { TIMESTREAM_DATABASE: database, TIMESTREAM_TABLE: table } : { SERIES_TABLE: name }),
      READ_MODEL_TABLE: readModelTable,
      // The repos table is not used here; storesFromEnv builds it all the same.
      REPOS_TABLE: readModelTable,
    };
    // storesFromEnv makes the Timestream clients with the SDK's own region lookup: it must find this region, not another
    // one set in the environment (a one-shot command, so its own environment is the place).
    process.env.AWS_REGION = region;
    const { series, readModel } = storesFromEnv(env, documentClient(new DynamoDBClient({ region })));
    return {
      series,
      readModel,
      where: `stack ${target.stack} (${kind} ${name}, ${region})`,
      explain: (error) => explainAwsError(error, where),
      close: async () => undefined,
    };
  } finally {
    cloudformation.destroy();
  }
}
