// SeriesStore on the DynamoDB series table (key design in schema.ts).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DAY_MS, firstOfNextMonth, monthsBetween } from '../../core/days.ts';
import type { SeriesStore } from '../../core/ports.ts';
import type { Registry } from '../../core/refs.ts';
import { type Sample, type SeriesFilter, candidateKeys, matchesFilter, seriesKey } from '../../core/samples.ts';
import { type Item, UNPROCESSED_RETRIES, backOff, batchGetAll, chunks, mapInParallel, queryPartition } from './requests.ts';
import { LATEST_PARTITION, MONTH_PARTITION_PREFIX, SERIES_PARTITION_KEY, SERIES_SORT_KEY, SERIES_TTL_ATTRIBUTE } from './schema.ts';

const BATCH_WRITE_LIMIT = 25;
/**
 * Raw readings serve only hourly views, which reach back at most MAX_HOURLY_RANGE_DAYS (31): they expire after
 * this many days whatever the retention, so the table does not grow by a reading per repository per poll for ever.
 * Daily history lives on in the month items.
 */
export const RAW_READING_DAYS = 32;

export class DynamoSeriesStore implements SeriesStore {
  /**
   * @param retentionDays samples older than this are hidden from reads at once and carry an `expires_at` for
   *   DynamoDB's TTL to delete them (within about two days); 0 keeps everything.
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays = 0,
    private readonly now: () => number = Date.now,
  ) {}

  async write(samples: readonly Sample[]): Promise<void> {
    const readings = samples
      .filter((sample) => sample.measure === undefined)
      .map((sample) => ({ ...toSampleItem(sample), ...this.expiry(sample.collectedAt, RAW_READING_DAYS) }));
    await inParallel(chunks(readings, BATCH_WRITE_LIMIT), (batch) => this.batchPut(batch));
    await inParallel([...groupByMonthItem(samples).values()], (group) => this.putDays(group));
    await inParallel(newestPerSeries(samples), (sample) => this.putLatest(sample));
  }

  async latest(): Promise<Sample[]> {
    return (await this.queryPartition(LATEST_PARTITION)).map((item) => fromAttributes(item)).filter((sample) => this.retained(sample.collectedAt));
  }

  async health(): Promise<void> {
    await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': SERIES_PARTITION_KEY },
        ExpressionAttributeValues: { ':pk': LATEST_PARTITION },
        Limit: 1,
      }),
    );
  }

  async daily(fromDay: string, toDay: string, filter: SeriesFilter = {}): Promise<Sample[]> {
    const months = monthsBetween(fromDay, toDay).map((month) => `${MONTH_PARTITION_PREFIX}${month}`);
    const keys = candidateKeys(filter);
    const items = keys
      ? await this.batchGet(months.flatMap((month) => keys.map((key) => ({ [SERIES_PARTITION_KEY]: month, [SERIES_SORT_KEY]: key }))))
      : (await Promise.all(months.map((month) => this.queryPartition(month)))).flat();
    // Grouped by series as read, then each series sorted by time: far cheaper than sorting every sample at once.
    const bySeries = new Map<string, Sample[]>();
    for (const item of items) {
      if (!matchesFilter(item as Pick<Sample, 'registry' | 'repo'>, filter)) continue;
      const key = String(item[SERIES_SORT_KEY]);
      const days = bySeries.get(key) ?? [];
      for (const sample of daysOfMonthItem(item)) if (dayOf(sample) >= fromDay && dayOf(sample) <= toDay && this.retained(sample.collectedAt)) days.push(sample);
      bySeries.set(key, days);
    }
    return [...bySeries.keys()].sort().flatMap((key) => bySeries.get(key)!.sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : 1)));
  }

  async samples(from: string, to: string, filter: SeriesFilter = {}): Promise<Sample[]> {
    // Sorted (code-unit order, like the sort keys) so the answer is in series-key order, not the filter's.
    const keys = (candidateKeys(filter) ?? (await this.latest()).filter((sample) => matchesFilter(sample, filter)).map(seriesKey)).sort();
    const perSeries = await mapInParallel(keys, (key) =>
      this.queryPartition(key, { from, to }).then((items) => items.map((item) => fromAttributes(item)).filter((sample) => this.retained(sample.collectedAt))),
    );
    return perSeries.flat();
  }

  private queryPartition(partition: string, range?: { from: string; to: string }): Promise<Item[]> {
    return queryPartition(this.client, this.tableName, partition, range);
  }

  private batchGet(keys: Item[]): Promise<Item[]> {
    return batchGetAll(this.client, this.tableName, keys);
  }

  private async batchPut(items: Item[]): Promise<void> {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > UNPROCESSED_RETRIES) throw new Error(`DynamoDB left ${requests.length} series writes unprocessed after ${UNPROCESSED_RETRIES} retries`);
      if (attempt > 0) await backOff(attempt);
      const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
    }
  }

  /** The TTL attribute for data read at `iso`: after the retention, or after `keepDays` when that comes first. */
  private expiry(iso: string, keepDays = Number.POSITIVE_INFINITY): { [SERIES_TTL_ATTRIBUTE]?: number } {
    const days = Math.min(this.retentionDays || Number.POSITIVE_INFINITY, keepDays);
    if (days === Number.POSITIVE_INFINITY) return {};
    return { [SERIES_TTL_ATTRIBUTE]: Math.floor(Date.parse(iso) / 1000) + days * 86_400 };
  }

  /** TTL deletes lazily: whatever is past retention is hidden from reads right away. */
  private retained(collectedAt: string): boolean {
    return this.retentionDays === 0 || Date.parse(collectedAt) > this.now() - this.retentionDays * DAY_MS;
  }

  /**
   * Records the samples of one repository and month as their days' values on the month item, by read-modify-write
   * under an optimistic version check. For lifetime counters the latest reading of a day wins. A Quay day's count
   * only grows: Quay shows yesterday as 0 until its counter runs, and can zero days it has expired, so a lower count
   * for a stored day is a placeholder, never a correction.
   */
  private async putDays(samples: readonly Sample[]): Promise<void> {
    const first = samples[0]!;
    const key = { [SERIES_PARTITION_KEY]: monthPartition(first.collectedAt), [SERIES_SORT_KEY]: seriesKey(first) };
    for (let attempt = 0; ; attempt++) {
      const { Item: stored } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      const days = parseDays(stored);
      let changed = false;
      for (const sample of samples) {
        const day = sample.collectedAt.slice(8, 10);
        const current = days[day];
        const replaces = !current || (sample.measure === 'daily_actions' ? current[0] < sample.pullCount : current[1] <= sample.collectedAt);
        if (replaces) {
          days[day] = [sample.pullCount, sample.collectedAt];
          changed = true;
        }
      }
      if (!changed) return;
      const version = Number(stored?.version ?? 0);
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              registry: first.registry,
              repo: first.repo,
              ...(first.measure && { measure: first.measure }),
              days: JSON.stringify(days),
              version: version + 1,
              // The item holds the whole month: it may go once its last day has.
              ...this.expiry(firstOfNextMonth(first.collectedAt)),
            },
            ConditionExpression: stored ? 'version = :version' : 'attribute_not_exists(#pk)',
            ...(stored ? { ExpressionAttributeValues: { ':version': version } } : { ExpressionAttributeNames: { '#pk': SERIES_PARTITION_KEY } }),
          }),
        );
        return;
      } catch (error) {
        // Another writer changed the item since it was read: read it again and re-apply.
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= UNPROCESSED_RETRIES) throw error;
      }
    }
  }

  /** Moves the latest item forward only: a late or replayed older sample never hides a newer one. */
  private async putLatest(sample: Sample): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [SERIES_PARTITION_KEY]: LATEST_PARTITION, [SERIES_SORT_KEY]: seriesKey(sample), ...toAttributes(sample), ...this.expiry(sample.collectedAt) },
          ConditionExpression: 'attribute_not_exists(#pk) OR collected_at <= :at',
          ExpressionAttributeNames: { '#pk': SERIES_PARTITION_KEY },
          ExpressionAttributeValues: { ':at': sample.collectedAt },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}


async function inParallel<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  await mapInParallel(items, run);
}

function dayOf(sample: Sample): string {
  return sample.collectedAt.slice(0, 10);
}

/** Day of month → [count, collected_at]: one JSON string per month item, which reads several times faster than an attribute per day. */
type MonthDays = Record<string, [number, string]>;

function parseDays(item: Item | undefined): MonthDays {
  return item && typeof item.days === 'string' ? (JSON.parse(item.days) as MonthDays) : {};
}

function monthPartition(collectedAt: string): string {
  return `${MONTH_PARTITION_PREFIX}${collectedAt.slice(0, 7)}`;
}

function groupByMonthItem(samples: readonly Sample[]): Map<string, Sample[]> {
  const groups = new Map<string, Sample[]>();
  for (const sample of samples) {
    const key = `${monthPartition(sample.collectedAt)} ${seriesKey(sample)}`;
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  return groups;
}

function daysOfMonthItem(item: Item): Sample[] {
  const { registry, repo } = item as { registry: Registry; repo: string };
  const measure = item.measure === 'daily_actions' ? { measure: 'daily_actions' as const } : {};
  return Object.values(parseDays(item)).map(([pullCount, collectedAt]) => ({ registry, repo, collectedAt, pullCount, ...measure }));
}

function newestPerSeries(samples: readonly Sample[]): Sample[] {
  const newest = new Map<string, Sample>();
  for (const sample of samples) {
    const current = newest.get(seriesKey(sample));
    if (!current || current.collectedAt < sample.collectedAt) newest.set(seriesKey(sample), sample);
  }
  return [...newest.values()];
}

function toSampleItem(sample: Sample): Item {
  return { [SERIES_PARTITION_KEY]: seriesKey(sample), [SERIES_SORT_KEY]: sample.collectedAt, ...toAttributes(sample) };
}

function toAttributes(sample: Sample): Item {
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

function fromAttributes(item: Item): Sample {
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
