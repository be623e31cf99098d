// A fresh in-memory dynalite with pullwatch's tables, for store tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalDynamo, startLocalDynamo } from '../../lambdas/local/dynamo.ts';
import { documentClient } from '../../lambdas/stores/dynamodb/client.ts';

export async function startTestDynamo(): Promise<LocalDynamo & { doc: ReturnType<typeof documentClient> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pullwatch-dynamo-'));
  const dynamo = await startLocalDynamo(dir);
  return {
    ...dynamo,
    doc: documentClient(dynamo.client),
    async close() {
      await dynamo.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
