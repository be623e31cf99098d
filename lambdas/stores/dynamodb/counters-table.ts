// RegistryCounters on the DynamoDB counters table (key design in schema.ts): each group of events is one transaction.
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { DEFAULTS } from '../../core/defaults.ts';
import type { RecordOutcome, RegistryCounters, RepositoryCounts, TagCount } from '../../core/ports.ts';
import { type TagDelta, counterDeltas } from '../../core/registry-counts.ts';
import type { CountedEvent } from '../../core/registry-events.ts';
import { backOff, batchGetAll } from './requests.ts';
import { COUNTERS_TTL_ATTRIBUTE, SERIES_PARTITION_KEY as PK, SERIES_SORT_KEY as SK } from './schema.ts';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** TransactWriteItems takes at most 100 actions (FACTS): an event id each, plus one per repository and tag touched. */
const MAX_ACTIONS = 100;
/** Tries of one transaction that other writers keep cancelling (a conflict, or a time they moved meanwhile). */
const CONFLICT_TRIES = 6;
const TIME_ATTRIBUTES = ['first_pull_at', 'last_pull_at', 'first_push_at', 'last_push_at', 'last_delete_at'];

type Key = Record<string, string>;
/** The times stored on a repository or tag item, by attribute: a time is written only when it moves them out. */
type Times = Record<string, string>;

export interface CounterWriteHooks {
  /** Called before each write request (one TransactWriteItems) with its number from 0: fault tests stop the writer here. */
  beforeWrite?: (write: number) => void | Promise<void>;
}

export class DynamoRegistryCounters implements RegistryCounters {
  private writes = 0;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
    private readonly hooks: CounterWriteHooks = {},
  ) {}

  /**
   * Ids already recorded are read first (with the times stored on the items the events touch), so a redelivered
   * envelope costs reads only. The rest go in groups of at most 100 actions, one transaction each: the ids, put on the
   * condition that they are new, with the sums of their counts, so an id is never recorded without its counts, nor
   * counted without its id. A first or last time is set only when it moves the stored one, on the condition that it is
   * still the one read. A transaction another writer got in the way of is cancelled as a whole and tried again: without
   * the events that writer recorded, with the times read again.
   */
  async record(events: readonly CountedEvent[]): Promise<RecordOutcome> {
    const unique = [...new Map(events.map((event) => [event.id, event] as const)).values()];
    const { recorded, times } = await this.read(unique);
    const fresh = unique.filter((event) => !recorded.has(event.id));
    let duplicates = events.length - fresh.length;
    const counted: CountedEvent[] = [];
    for (const group of groups(fresh)) {
      const written = await this.transact(group, times);
      counted.push(...written);
      duplicates += group.length - written.length;
    }
    return { counted, duplicates };
  }

  async repository(ref: string): Promise<RepositoryCounts | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: repositoryKey(ref) }));
    return Item && repositoryFromItem(ref, Item);
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
    for await (const page of pages) for (const item of page.Items ?? []) tags.push(tagFromItem(item));
    return tags;
  }

  /** Which events were recorded before, and the times stored on every repository and tag item they touch. */
  private async read(events: readonly CountedEvent[]): Promise<{ recorded: Set<string>; times: Map<string, Times> }> {
    const keys = new Map<string, Key>();
    for (const event of events) {
      for (const key of [{ [PK]: `event#${event.id}`, [SK]: 'event' }, repositoryKey(event.ref), ...(tagged(event) ? [tagKey(event.ref, event.tag!)] : [])]) keys.set(keyString(key), key);
    }
    const recorded = new Set<string>();
    const times = new Map<string, Times>();
    for (const item of await this.batchGet([...keys.values()])) {
      const pk = String(item[PK]);
      if (pk.startsWith('event#')) recorded.add(pk.slice('event#'.length));
      else times.set(keyString(item), timesOf(item));
    }
    return { recorded, times };
  }

  private batchGet(keys: Key[]): Promise<Record<string, unknown>[]> {
    const names = Object.fromEntries([PK, SK, ...TIME_ATTRIBUTES].map((name, index) => [`#a${index}`, name]));
    return batchGetAll(this.client, this.tableName, keys, { ConsistentRead: true, ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names });
  }

  /** Writes one group; returns the events it counted (those another writer had not recorded meanwhile). */
  private async transact(group: CountedEvent[], times: Map<string, Times>): Promise<CountedEvent[]> {
    let pending = group;
    for (let attempt = 0, contended = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await backOff(attempt);
      await this.hooks.beforeWrite?.(this.writes++);
      const { actions, written } = this.actions(pending, times);
      try {
        // A token per call, not per event group: the SDK's own retries of this call are then applied once.
        await this.client.send(new TransactWriteCommand({ TransactItems: actions, ClientRequestToken: randomUUID() }));
        for (const [key, moved] of written) times.set(key, { ...times.get(key), ...moved });
        return pending;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        // Event puts come first, so reason i < pending.length is event i's; the rest are the items' updates.
        const taken = new Set(pending.filter((_, index) => reasons[index]?.Code === 'ConditionalCheckFailed').map((event) => event.id));
        const moved = actions.flatMap((action, index) => (index >= pending.length && reasons[index]?.Code === 'ConditionalCheckFailed' ? [action.Update!.Key as Key] : []));
        const conflicted = reasons.some((reason) => reason.Code === 'TransactionConflict');
        if (taken.size === 0 && ((moved.length === 0 && !conflicted) || ++contended >= CONFLICT_TRIES)) throw error;
        for (const item of await this.batchGet(moved)) times.set(keyString(item), timesOf(item));
        pending = pending.filter((event) => !taken.has(event.id));
      }
    }
    return pending;
  }

  /** The group's transaction, and the times it sets on each item (to remember once it is written). */
  private actions(events: readonly CountedEvent[], times: Map<string, Times>): { actions: TransactItem[]; written: Map<string, Times> } {
    const expiresAt = Math.floor(this.now() / 1000) + DEFAULTS.eventIdRetentionDays * 86_400;
    const { repositories, tags } = counterDeltas(events);
    const written = new Map<string, Times>();
    const updateOf = (key: Key, adds: Record<string, number | Set<string>>, firsts: Record<string, string | undefined>, lasts: Record<string, string | undefined>): TransactItem => {
      const built = update(adds, firsts, lasts, times.get(keyString(key)) ?? {});
      written.set(keyString(key), built.times);
      return { Update: { TableName: this.tableName, Key: key, ...built.update } };
    };
    const actions = [
      ...events.map(
        (event): TransactItem => ({
          Put: {
            TableName: this.tableName,
            Item: { [PK]: `event#${event.id}`, [SK]: 'event', ref: event.ref, [COUNTERS_TTL_ATTRIBUTE]: expiresAt },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          },
        }),
      ),
      ...repositories.map((delta) =>
        updateOf(
          repositoryKey(delta.ref),
          { pulls: delta.pulls, version_checks: delta.versionChecks, pushes: delta.pushes, deletes: delta.deletes, pushers: new Set(delta.pushers) },
          { first_pull_at: delta.firstPullAt, first_push_at: delta.firstPushAt },
          { last_pull_at: delta.lastPullAt, last_push_at: delta.lastPushAt, last_delete_at: delta.lastDeleteAt },
        ),
      ),
      ...tags.map((delta: TagDelta) => updateOf(tagKey(delta.ref, delta.tag), { pulls: delta.pulls, version_checks: delta.versionChecks }, {}, { last_pull_at: delta.lastPullAt })),
    ];
    return { actions, written };
  }
}

const repositoryKey = (ref: string): Key => ({ [PK]: `repo#${ref}`, [SK]: 'total' });
const tagKey = (ref: string, tag: string): Key => ({ [PK]: `repo#${ref}`, [SK]: `tag#${tag}` });
const keyString = (item: Record<string, unknown>) => JSON.stringify([item[PK], item[SK]]);
const tagged = (event: CountedEvent) => event.tag !== undefined && (event.kind === 'pull' || event.kind === 'version_check');

function timesOf(item: Record<string, unknown>): Times {
  return Object.fromEntries(TIME_ATTRIBUTES.filter((name) => typeof item[name] === 'string').map((name) => [name, item[name] as string]));
}

/** Events in order, cut into groups whose transaction stays within MAX_ACTIONS. */
function groups(events: readonly CountedEvent[]): CountedEvent[][] {
  const result: CountedEvent[][] = [];
  let group: CountedEvent[] = [];
  let items = new Set<string>();
  for (const event of events) {
    const touched = [keyString(repositoryKey(event.ref)), ...(tagged(event) ? [keyString(tagKey(event.ref, event.tag!))] : [])];
    const added = touched.filter((item) => !items.has(item)).length;
    if (group.length + 1 + items.size + added > MAX_ACTIONS) {
      result.push(group);
      group = [];
      items = new Set();
    }
    group.push(event);
    for (const item of touched) items.add(item);
  }
  if (group.length > 0) result.push(group);
  return result;
}

interface Update {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * ADD for counts and pushers. A first (last) time is SET only when it is earlier (later) than the stored one, on the
 * condition that the stored one has not moved past it since it was read.
 */
function update(adds: Record<string, number | Set<string>>, firsts: Record<string, string | undefined>, lasts: Record<string, string | undefined>, stored: Times): { update: Update; times: Times } {
  const values: Record<string, unknown> = {};
  const addParts = Object.entries(adds)
    .filter(([, value]) => (value instanceof Set ? value.size > 0 : value !== 0))
    .map(([name, value]) => ((values[`:${name}`] = value), `${name} :${name}`));
  const moved: Times = {};
  const setParts: string[] = [];
  const conditions: string[] = [];
  for (const [names, later] of [[firsts, false], [lasts, true]] as const) {
    for (const [name, value] of Object.entries(names)) {
      const current = stored[name];
      if (value === undefined || (current !== undefined && (later ? value <= current : value >= current))) continue;
      values[`:${name}`] = value;
      moved[name] = value;
      setParts.push(`${name} = :${name}`);
      conditions.push(`(attribute_not_exists(${name}) OR ${name} ${later ? '<' : '>'} :${name})`);
    }
  }
  return {
    update: {
      UpdateExpression: [addParts.length > 0 ? `ADD ${addParts.join(', ')}` : '', setParts.length > 0 ? `SET ${setParts.join(', ')}` : ''].join(' ').trim(),
      ...(conditions.length > 0 && { ConditionExpression: conditions.join(' AND ') }),
      ExpressionAttributeValues: values,
    },
    times: moved,
  };
}

/** A repository item as counts; also how local mode imports a counters table written before it kept its own journal. */
export function repositoryFromItem(ref: string, item: Record<string, unknown>): RepositoryCounts {
  return {
    ref,
    pulls: Number(item.pulls ?? 0),
    versionChecks: Number(item.version_checks ?? 0),
    pushes: Number(item.pushes ?? 0),
    deletes: Number(item.deletes ?? 0),
    ...times(item, { firstPullAt: 'first_pull_at', lastPullAt: 'last_pull_at', firstPushAt: 'first_push_at', lastPushAt: 'last_push_at', lastDeleteAt: 'last_delete_at' }),
    pushers: [...((item.pushers as Set<string> | undefined) ?? [])].sort(),
  };
}

export function tagFromItem(item: Record<string, unknown>): TagCount {
  return {
    tag: String(item[SK]).slice('tag#'.length),
    pulls: Number(item.pulls ?? 0),
    versionChecks: Number(item.version_checks ?? 0),
    ...times(item, { lastPullAt: 'last_pull_at' }),
  };
}

function times<K extends string>(item: Record<string, unknown>, names: Record<K, string>): Partial<Record<K, string>> {
  const result: Partial<Record<K, string>> = {};
  for (const [field, attribute] of Object.entries(names) as [K, string][]) {
    if (typeof item[attribute] === 'string') result[field] = item[attribute];
  }
  return result;
}
