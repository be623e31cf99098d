// A fresh in-memory dynalite with pullwatch's tables, for store tests; with the AWS counters table too (local mode keeps
// its counters in a journal), which `transactional` writes through emulated transactions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_TABLES, type LocalDynamo, ensureTables, startLocalDynamo } from '../../lambdas/local/dynamo.ts';
import { documentClient } from '../../lambdas/stores/dynamodb/client.ts';
import { countersTableDefinition } from '../../lambdas/stores/dynamodb/schema.ts';
import { withTransactions } from '../fakes/dynalite-transactions.ts';

type DocumentClient = ReturnType<typeof documentClient>;

export async function startTestDynamo(): Promise<LocalDynamo & { doc: DocumentClient; transactional: DocumentClient }> {
  const dir = await mkdtemp(join(tmpdir(), 'pullwatch-dynamo-'));
  const dynamo = await startLocalDynamo(dir);
  await ensureTables(dynamo.client, [countersTableDefinition(LOCAL_TABLES.counters)]);
  const doc = documentClient(dynamo.client);
  return {
    ...dynamo,
    doc,
    transactional: withTransactions(doc),
    async close() {
      await dynamo.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
