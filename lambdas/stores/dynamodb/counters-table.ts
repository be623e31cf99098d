// RegistryCounters on the DynamoDB counters table (key design in schema.ts).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { RegistryCounters, RepositoryCounts, TagCount } from '../../core/ports.ts';
import type { CountedEvent, EventKind } from '../../core/registry-events.ts';
import { COUNTERS_TTL_ATTRIBUTE, SERIES_PARTITION_KEY as PK, SERIES_SORT_KEY as SK } from './schema.ts';

/** Longer than a registry keeps redelivering while pullwatch is away (the issue asks at least 7 days). */
const EVENT_ID_RETENTION_SECONDS = 8 * 86_400;

const COUNT_ATTRIBUTE: Record<EventKind, string> = { pull: 'pulls', version_check: 'version_checks', push: 'pushes', delete: 'deletes' };

export class DynamoRegistryCounters implements RegistryCounters {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The event id is claimed first, then counted: a crash between the two loses that one event rather than ever
   * counting a redelivered one twice (DynamoDB transactions would close the gap; dynalite, local mode's store, has none).
   */
  async record(event: CountedEvent): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: `event#${event.id}`, [SK]: 'event', ref: event.ref, [COUNTERS_TTL_ATTRIBUTE]: Math.floor(this.now() / 1000) + EVENT_ID_RETENTION_SECONDS },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    await Promise.all([this.countOnRepository(event), ...(event.tag && event.kind !== 'push' && event.kind !== 'delete' ? [this.countOnTag(event, event.tag)] : [])]);
    return true;
  }

  async repository(ref: string): Promise<RepositoryCounts | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: `repo#${ref}`, [SK]: 'total' } }));
    if (!Item) return undefined;
    return {
      ref,
      pulls: Number(Item.pulls ?? 0),
      versionChecks: Number(Item.version_checks ?? 0),
      pushes: Number(Item.pushes ?? 0),
      deletes: Number(Item.deletes ?? 0),
      ...times(Item, { firstPullAt: 'first_pull_at', lastPullAt: 'last_pull_at', firstPushAt: 'first_push_at', lastPushAt: 'last_push_at' }),
      pushers: [...((Item.pushers as Set<string> | undefined) ?? [])].sort(),
    };
  }

  async tags(ref: string): Promise<TagCount[]> {
    const tags: TagCount[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :tag)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': `repo#${ref}`, ':tag': 'tag#' },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        tags.push({
          tag: String(item[SK]).slice('tag#'.length),
          pulls: Number(item.pulls ?? 0),
          versionChecks: Number(item.version_checks ?? 0),
          ...times(item, { lastPullAt: 'last_pull_at' }),
        });
      }
    }
    return tags;
  }

  private async countOnRepository(event: CountedEvent): Promise<void> {
    const timed = event.kind === 'pull' ? 'pull' : event.kind === 'push' ? 'push' : undefined;
    const sets = [
      ...(timed ? [`first_${timed}_at = if_not_exists(first_${timed}_at, :at)`, `last_${timed}_at = :at`] : []),
      ...(event.kind === 'delete' ? ['last_delete_at = :at'] : []),
    ];
    const pushedBy = event.kind === 'push' && event.actor;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [PK]: `repo#${event.ref}`, [SK]: 'total' },
        UpdateExpression: [`ADD ${COUNT_ATTRIBUTE[event.kind]} :one${pushedBy ? ', pushers :actor' : ''}`, sets.length > 0 ? `SET ${sets.join(', ')}` : ''].join(' ').trim(),
        ExpressionAttributeValues: { ':one': 1, ...(sets.length > 0 && { ':at': event.at }), ...(pushedBy && { ':actor': new Set([event.actor]) }) },
      }),
    );
  }

  private async countOnTag(event: CountedEvent, tag: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [PK]: `repo#${event.ref}`, [SK]: `tag#${tag}` },
        UpdateExpression: `ADD ${COUNT_ATTRIBUTE[event.kind]} :one${event.kind === 'pull' ? ' SET last_pull_at = :at' : ''}`,
        ExpressionAttributeValues: { ':one': 1, ...(event.kind === 'pull' && { ':at': event.at }) },
      }),
    );
  }
}

function times<K extends string>(item: Record<string, unknown>, names: Record<K, string>): Partial<Record<K, string>> {
  const result: Partial<Record<K, string>> = {};
  for (const [field, attribute] of Object.entries(names) as [K, string][]) {
    if (typeof item[attribute] === 'string') result[field] = item[attribute];
  }
  return result;
}
