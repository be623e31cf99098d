// DynamoDB request plumbing the adapters share: bounded parallelism, whole-partition queries, retry back-off.
import { BatchGetCommand, type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { SERIES_PARTITION_KEY, SERIES_SORT_KEY } from './schema.ts';

export type Item = Record<string, unknown>;

/** Keys one BatchGetItem may name. */
const BATCH_GET_LIMIT = 100;
/** Retries of the keys DynamoDB left unprocessed (throttling) before giving up. */
export const UNPROCESSED_RETRIES = 5;

/** Requests in flight at once: an owner listing yields hundreds of samples, one round trip each would crawl. */
const CONCURRENCY = 8;

/** Maps with at most CONCURRENCY calls in flight, results in input order. */
export async function mapInParallel<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

export function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
}

/** Every item of a `pk`/`sk` table's partition, optionally with `sk` in [from, to). */
export async function queryPartition(client: DynamoDBDocumentClient, tableName: string, partition: string, range?: { from: string; to: string }): Promise<Item[]> {
  const items: Item[] = [];
  const pages = paginateQuery(
    { client },
    {
      TableName: tableName,
      KeyConditionExpression: range ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': SERIES_PARTITION_KEY, ...(range && { '#sk': SERIES_SORT_KEY }) },
      ExpressionAttributeValues: { ':pk': partition, ...(range && { ':from': range.from, ':to': range.to }) },
    },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  // BETWEEN includes its upper bound; the range does not.
  return range ? items.filter((item) => String(item[SERIES_SORT_KEY]) < range.to) : items;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * Every item of the keys that exists, in groups of 100 read in parallel, retrying what DynamoDB left unprocessed.
 * `read` adds to each request (ConsistentRead, a projection).
 */
export async function batchGetAll(client: DynamoDBDocumentClient, tableName: string, keys: readonly Item[], read: Record<string, unknown> = {}): Promise<Item[]> {
  const found = await mapInParallel(chunks(keys, BATCH_GET_LIMIT), async (chunk) => {
    const items: Item[] = [];
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > UNPROCESSED_RETRIES) throw new Error(`DynamoDB left ${pending.length} reads of ${tableName} unprocessed after ${UNPROCESSED_RETRIES} retries`);
      if (attempt > 0) await backOff(attempt);
      const result = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { ...read, Keys: pending } } }));
      items.push(...(result.Responses?.[tableName] ?? []));
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
    }
    return items;
  });
  return found.flat();
}
