// Bulk history for benchmarks: month and latest items written straight into local mode's series table, and the
// read model folded from the same readings.
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Sample } from '../../lambdas/core/samples.ts';
import { LOCAL_TABLES, startLocalDynamo } from '../../lambdas/local/dynamo.ts';
import { documentClient } from '../../lambdas/stores/dynamodb/client.ts';
import { DynamoReadModel } from '../../lambdas/stores/dynamodb/read-model-table.ts';
import { LATEST_PARTITION, MONTH_PARTITION_PREFIX } from '../../lambdas/stores/dynamodb/schema.ts';

/**
 * Writes, per repository, its month items (one reading a day at 06:00 UTC) and its latest item straight into the
 * series table, as the DynamoDB store lays them out (schema.ts): a million writes through the store would take
 * dynalite far longer than the load it is there to carry.
 */
export async function seedBulkHistory(dataDir: string, repositories: number, days: number, today: Date): Promise<void> {
  const dynamo = await startLocalDynamo(dataDir);
  try {
    const client = documentClient(dynamo.client);
    const items: Record<string, unknown>[] = [];
    const readings: Sample[] = [];
    for (let r = 0; r < repositories; r++) {
      const repo = `owner${Math.floor(r / 100)}/repo-${r}`;
      const key = `dockerhub:${repo}`;
      const months = new Map<string, Record<string, [number, string]>>();
      let latest: { count: number; at: string } | undefined;
      for (let d = days - 1; d >= 0; d--) {
        const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - d, 6)).toISOString();
        const count = 1_000 * (r + 1) + 37 * (days - d) + ((r + d) % 11);
        const month = months.get(day.slice(0, 7)) ?? {};
        month[day.slice(8, 10)] = [count, day];
        months.set(day.slice(0, 7), month);
        latest = { count, at: day };
        readings.push({ registry: 'dockerhub', repo, collectedAt: day, pullCount: count });
      }
      for (const [month, values] of months) {
        items.push({ pk: `${MONTH_PARTITION_PREFIX}${month}`, sk: key, registry: 'dockerhub', repo, version: 1, days: JSON.stringify(values) });
      }
      items.push({ pk: LATEST_PARTITION, sk: key, registry: 'dockerhub', repo, collected_at: latest!.at, pull_count: latest!.count });
    }
    for (let start = 0; start < items.length; start += 25) {
      const batch = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [LOCAL_TABLES.series]: batch } }));
      if (Object.keys(result.UnprocessedItems ?? {}).length > 0) throw new Error('dynalite left items of a seeding batch unprocessed');
    }
    // The read model goes through its adapter: one fold and one conditional write per repository, as collect does.
    const readModel = new DynamoReadModel(client, LOCAL_TABLES.series);
    await readModel.apply(readings);
    await readModel.touch();
  } finally {
    await dynamo.close();
  }
}
