// SeriesStore on the DynamoDB series table (key design in schema.ts).
import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { SeriesStore } from '../../core/ports.ts';
import type { Registry } from '../../core/refs.ts';
import { type Sample, seriesKey } from '../../core/samples.ts';
import { LATEST_PARTITION, SERIES_PARTITION_KEY, SERIES_SORT_KEY } from './schema.ts';

const BATCH_WRITE_LIMIT = 25;
const UNPROCESSED_RETRIES = 5;
/** Writes in flight at once: an owner listing yields hundreds of samples, one round trip each would crawl. */
const WRITE_CONCURRENCY = 8;

export class DynamoSeriesStore implements SeriesStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async write(samples: readonly Sample[]): Promise<void> {
    const readings = samples.filter((sample) => sample.measure === undefined).map(toItem);
    const batches: Record<string, unknown>[][] = [];
    for (let start = 0; start < readings.length; start += BATCH_WRITE_LIMIT) batches.push(readings.slice(start, start + BATCH_WRITE_LIMIT));
    await inParallel(batches, (batch) => this.batchPut(batch));
    await inParallel(
      samples.filter((sample) => sample.measure === 'daily_actions'),
      (sample) => this.putDailyCount(sample),
    );
    await inParallel(newestPerSeries(samples), (sample) => this.putLatest(sample));
  }

  async latest(): Promise<Sample[]> {
    const samples: Sample[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :latest',
        ExpressionAttributeNames: { '#pk': SERIES_PARTITION_KEY },
        ExpressionAttributeValues: { ':latest': LATEST_PARTITION },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) samples.push(fromAttributes(item));
    return samples;
  }

  private async batchPut(items: Record<string, unknown>[]): Promise<void> {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > UNPROCESSED_RETRIES) throw new Error(`DynamoDB left ${requests.length} series writes unprocessed after ${UNPROCESSED_RETRIES} retries`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
    }
  }

  /**
   * A day's count only grows: Quay shows yesterday as 0 until its counter runs, and can zero days it has expired,
   * so a lower count for a stored day is a placeholder, never a correction.
   */
  private async putDailyCount(sample: Sample): Promise<void> {
    await ifConditionHolds(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(sample),
          ConditionExpression: 'attribute_not_exists(#pk) OR pull_count < :count',
          ExpressionAttributeNames: { '#pk': SERIES_PARTITION_KEY },
          ExpressionAttributeValues: { ':count': sample.pullCount },
        }),
      ),
    );
  }

  /** Moves the latest item forward only: a late or replayed older sample never hides a newer one. */
  private async putLatest(sample: Sample): Promise<void> {
    await ifConditionHolds(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [SERIES_PARTITION_KEY]: LATEST_PARTITION, [SERIES_SORT_KEY]: seriesKey(sample), ...toAttributes(sample) },
          ConditionExpression: 'attribute_not_exists(#pk) OR collected_at <= :at',
          ExpressionAttributeNames: { '#pk': SERIES_PARTITION_KEY },
          ExpressionAttributeValues: { ':at': sample.collectedAt },
        }),
      ),
    );
  }
}

/** A conditional write whose condition does not hold is a decision, not a failure. */
async function ifConditionHolds(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

function toItem(sample: Sample): Record<string, unknown> {
  return { [SERIES_PARTITION_KEY]: seriesKey(sample), [SERIES_SORT_KEY]: sample.collectedAt, ...toAttributes(sample) };
}

async function inParallel<T>(items: readonly T[], write: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await write(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
}

function newestPerSeries(samples: readonly Sample[]): Sample[] {
  const newest = new Map<string, Sample>();
  for (const sample of samples) {
    const current = newest.get(seriesKey(sample));
    if (!current || current.collectedAt < sample.collectedAt) newest.set(seriesKey(sample), sample);
  }
  return [...newest.values()];
}

function toAttributes(sample: Sample): Record<string, unknown> {
  return {
    registry: sample.registry,
    repo: sample.repo,
    collected_at: sample.collectedAt,
    pull_count: sample.pullCount,
    ...(sample.starCount !== undefined && { star_count: sample.starCount }),
    ...(sample.lastUpdated !== undefined && { last_updated: sample.lastUpdated }),
    ...(sample.measure !== undefined && { measure: sample.measure }),
  };
}

function fromAttributes(item: Record<string, unknown>): Sample {
  return {
    registry: item.registry as Registry,
    repo: String(item.repo),
    collectedAt: String(item.collected_at),
    pullCount: Number(item.pull_count),
    ...(item.star_count !== undefined && { starCount: Number(item.star_count) }),
    ...(typeof item.last_updated === 'string' && { lastUpdated: item.last_updated }),
    ...(item.measure === 'daily_actions' && { measure: 'daily_actions' as const }),
  };
}
