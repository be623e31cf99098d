// RequestSchedule on the DynamoDB request schedule table (key design in schema.ts): one item per registry, shared by
// every collect instance, so together they send at the pace one collector would.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Reservation, RequestSchedule, SlotRequest } from '../../core/ports.ts';
import { REQUEST_SCHEDULE_PARTITION_KEY as PK } from './schema.ts';

const NEXT_FREE = 'next_free_at';
/** Rounds of both writes before a schedule other collectors keep moving counts as booked: the ref then waits in the queue. */
const MAX_ROUNDS = 3;

/**
 * DynamoDB has no max(): a reservation is one conditional write that either extends a schedule still running
 * (`next_free_at` between now and the latest acceptable start) or restarts a lapsed one at now. The write this
 * instance last saw succeed is tried first, so a reservation usually costs one write; when both conditions fail, one
 * read tells a schedule booked past `latest` from one another collector moved in between.
 */
export class DynamoRequestSchedule implements RequestSchedule {
  /** Per registry, the write that succeeded last: with other collectors busy, extending; alone, restarting. */
  private readonly lastWrite = new Map<string, 'extend' | 'restart'>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(registry: string, request: SlotRequest): Promise<Reservation> {
    const span = request.count * request.gapMs;
    const writes = { extend: () => this.extend(registry, request, span), restart: () => this.restart(registry, request, span) };
    const order: ('extend' | 'restart')[] = this.lastWrite.get(registry) === 'restart' ? ['restart', 'extend'] : ['extend', 'restart'];
    for (let round = 1; ; round++) {
      for (const write of order) {
        const nextFreeAt = await writes[write]();
        if (nextFreeAt === undefined) continue;
        this.lastWrite.set(registry, write);
        return { firstAt: nextFreeAt - span };
      }
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: registry }, ConsistentRead: true }));
      const nextFreeAt = Number(Item?.[NEXT_FREE] ?? request.latest);
      // Within reach, both writes failed only because another collector moved the schedule between them.
      if (nextFreeAt > request.latest || round >= MAX_ROUNDS) return { bookedUntil: Math.max(nextFreeAt, request.now) };
    }
  }

  private extend(registry: string, { now, latest }: SlotRequest, span: number): Promise<number | undefined> {
    return this.update(registry, {
      UpdateExpression: '#next = #next + :span',
      ConditionExpression: '#next BETWEEN :now AND :latest',
      ExpressionAttributeValues: { ':span': span, ':now': now, ':latest': latest },
    });
  }

  private restart(registry: string, { now }: SlotRequest, span: number): Promise<number | undefined> {
    return this.update(registry, {
      UpdateExpression: '#next = :end',
      ConditionExpression: 'attribute_not_exists(#next) OR #next < :now',
      ExpressionAttributeValues: { ':end': now + span, ':now': now },
    });
  }

  /** The new `next_free_at`, or undefined when the condition did not hold. */
  private async update(
    registry: string,
    write: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, number> },
  ): Promise<number | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: registry },
          ...write,
          UpdateExpression: `SET ${write.UpdateExpression}`,
          ExpressionAttributeNames: { '#next': NEXT_FREE },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.[NEXT_FREE]);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}
