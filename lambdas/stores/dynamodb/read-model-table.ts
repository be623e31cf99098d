// ReadModel on DynamoDB: one view item per series and one generation item (key design in schema.ts).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DAY_MS } from '../../core/days.ts';
import type { Generation, ReadModel, WriteReport } from '../../core/ports.ts';
import { type SeriesView, foldSamples } from '../../core/read-model.ts';
import type { Registry } from '../../core/refs.ts';
import { type Sample, seriesKey } from '../../core/samples.ts';
import { type Item, mapInParallel, queryPartition } from './requests.ts';
import { GENERATION_KEY, SERIES_PARTITION_KEY as PK, SERIES_SORT_KEY as SK, VIEW_PARTITION } from './schema.ts';

/** Conflicting writers of one view retry this often before the message fails (and the queue redelivers it). */
const CONFLICT_RETRIES = 16;

/** Test seams: pause a writer between its read and its conditional write. */
export interface ReadModelHooks {
  afterRead?(key: string): Promise<void>;
}

export class DynamoReadModel implements ReadModel {
  /**
   * @param retentionDays views whose newest reading is older than this are hidden (0 keeps everything), as the series
   *   stores hide samples past retention.
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays = 0,
    private readonly now: () => number = Date.now,
    private readonly hooks: ReadModelHooks = {},
  ) {}

  async apply(samples: readonly Sample[]): Promise<WriteReport> {
    const bySeries = new Map<string, Sample[]>();
    for (const sample of samples) {
      const group = bySeries.get(seriesKey(sample));
      if (group) group.push(sample);
      else bySeries.set(seriesKey(sample), [sample]);
    }
    const outcomes = await mapInParallel([...bySeries], async ([key, group]) => ({ key, ...(await this.fold(key, group)) }));
    const tagCountsDue = outcomes.filter((outcome) => outcome.tagCountDue).map((outcome) => outcome.key);
    return { drops: outcomes.flatMap((outcome) => (outcome.drop ? [outcome.drop] : [])), ...(tagCountsDue.length > 0 && { tagCountsDue }) };
  }

  async touch(): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: GENERATION_KEY,
        UpdateExpression: 'ADD #generation :one SET written_at = :at',
        ExpressionAttributeNames: { '#generation': 'generation' },
        ExpressionAttributeValues: { ':one': 1, ':at': new Date(this.now()).toISOString() },
      }),
    );
  }

  async generation(): Promise<Generation> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: GENERATION_KEY }));
    return { value: Number(item?.generation ?? 0), ...(typeof item?.written_at === 'string' && { writtenAt: item.written_at }) };
  }

  async views(): Promise<SeriesView[]> {
    const views = (await queryPartition(this.client, this.tableName, VIEW_PARTITION)).map(fromItem);
    const cutoff = this.retentionDays > 0 ? this.now() - this.retentionDays * DAY_MS : Number.NEGATIVE_INFINITY;
    return views.filter((view) => Date.parse(view.latest.collectedAt) > cutoff);
  }

  /** Read, fold, write back under the version read; another writer in between makes it read and fold again. */
  private async fold(key: string, samples: readonly Sample[]): Promise<{ drop?: WriteReport['drops'][number]; tagCountDue?: true }> {
    for (let attempt = 0; ; attempt++) {
      const { Item: stored } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: VIEW_PARTITION, [SK]: key }, ConsistentRead: true }));
      await this.hooks.afterRead?.(key);
      const before = stored ? fromItem(stored) : undefined;
      const folded = foldSamples(before, samples);
      const due = folded.tagCountDue && { tagCountDue: true as const };
      if (!folded.changed) return { ...due };
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toItem(folded.view),
            ConditionExpression: before ? 'version = :version' : 'attribute_not_exists(#pk)',
            ...(before ? { ExpressionAttributeValues: { ':version': before.version } } : { ExpressionAttributeNames: { '#pk': PK } }),
          }),
        );
        return { ...(folded.drop && { drop: folded.drop }), ...due };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= CONFLICT_RETRIES) throw error;
        // Jittered, so writers that collided once do not collide again in step.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** Math.min(attempt, 4)));
      }
    }
  }
}

/** The view's data is one JSON string, as month items are: it decodes several times faster than nested attributes. */
function toItem(view: SeriesView): Item {
  const { key, registry, repo, measure, version, ...body } = view;
  return { [PK]: VIEW_PARTITION, [SK]: key, registry, repo, ...(measure && { measure }), version, body: JSON.stringify(body) };
}

function fromItem(item: Item): SeriesView {
  const body = JSON.parse(String(item.body)) as Omit<SeriesView, 'key' | 'registry' | 'repo' | 'measure' | 'version'>;
  return {
    key: String(item[SK]),
    registry: item.registry as Registry,
    repo: String(item.repo),
    ...(item.measure === 'daily_actions' && { measure: 'daily_actions' as const }),
    version: Number(item.version),
    ...body,
  };
}
