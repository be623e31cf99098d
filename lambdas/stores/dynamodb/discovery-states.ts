// DiscoveryStates on the DynamoDB repos table: a `github:` ref's progress is a JSON attribute of its item, and the misses a
// string set beside it, so the many child collections that find misses add to it without reading the state.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DiscoveryState } from '../../core/discovery/discover.ts';
import type { DiscoveryStates } from '../../core/ports.ts';
import * as z from 'zod/mini';
import { REPOS_PARTITION_KEY } from './schema.ts';

/** The parts of a saved state every reader relies on; other fields pass through as saved. */
const candidates = z.array(z.object({ ref: z.string(), foundIn: z.string() }));
const skipped = z.array(z.object({ file: z.string(), written: z.string(), reason: z.string() }));
const stateSchema = z.looseObject({
  pass: z.optional(
    z.looseObject({
      pending: z.array(z.looseObject({ name: z.string(), defaultBranch: z.string() })),
      repositoriesRead: z.number(),
      candidates,
      skipped,
      skippedCount: z.number(),
    }),
  ),
  last: z.optional(z.looseObject({ repositoriesRead: z.number(), candidates, skipped, skippedCount: z.number() })),
  parkedUntil: z.optional(z.string()),
  nextRunAt: z.optional(z.string()),
});

export const DISCOVERY_ATTRIBUTE = 'discovery';
export const MISSES_ATTRIBUTE = 'discovery_misses';

export class DynamoDiscoveryStates implements DiscoveryStates {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(ref: string): Promise<DiscoveryState | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [REPOS_PARTITION_KEY]: ref }, ConsistentRead: true }));
    return Item ? discoveryStateOf(Item) : undefined;
  }

  async save(ref: string, state: DiscoveryState, { passCompleted }: { passCompleted: boolean }): Promise<void> {
    const { misses: _misses, ...kept } = state;
    await this.updateTracked(ref, `SET #state = :state${passCompleted ? ' REMOVE #misses' : ''}`, { ':state': JSON.stringify(kept) });
  }

  async addMiss(ref: string, miss: string): Promise<void> {
    await this.updateTracked(ref, 'ADD #misses :miss', { ':miss': new Set([miss]) });
  }

  /** Writes only to a tracked item: a ref removed mid-run stays removed. */
  private async updateTracked(ref: string, expression: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [REPOS_PARTITION_KEY]: ref },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(#ref)',
          // DynamoDB refuses names an expression does not use.
          ExpressionAttributeNames: {
            '#ref': REPOS_PARTITION_KEY,
            ...(expression.includes('#state') && { '#state': DISCOVERY_ATTRIBUTE }),
            ...(expression.includes('#misses') && { '#misses': MISSES_ATTRIBUTE }),
          },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/** The state kept on a repos item, misses included; an attribute that does not parse (edited by hand) starts over. */
export function discoveryStateOf(item: Record<string, unknown>): DiscoveryState | undefined {
  const text = item[DISCOVERY_ATTRIBUTE];
  const misses = item[MISSES_ATTRIBUTE] instanceof Set ? [...(item[MISSES_ATTRIBUTE] as Set<string>)].sort() : [];
  let state: DiscoveryState = {};
  if (typeof text === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    // Anything else (edited by hand, an older shape) starts over: a pass costs requests, never wrong answers.
    if (stateSchema.safeParse(parsed).success) state = parsed as DiscoveryState;
  } else if (misses.length === 0) return undefined;
  return { ...state, ...(misses.length > 0 && { misses }) };
}
