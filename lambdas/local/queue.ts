// Local mode's stand-in for SQS + the Lambda event source: delivers real SQSEvent batches to the collect handler,
// redelivers what it reports in batchItemFailures, and dead-letters a message after maxReceives receives.
import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type RefMessage, decodeRefMessage, encodeRefMessage } from '../core/dispatch.ts';
import type { RefQueue } from '../core/ports.ts';
import { logger } from '../logger.ts';

interface Message {
  id: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
}

export interface InProcessQueueOptions {
  deliver: (event: SQSEvent) => Promise<SQSBatchResponse>;
  maxReceives: number;
  /** Stand-in for the visibility timeout: how long a failed message stays hidden before redelivery. */
  redeliveryMs: number;
  batchSize?: number;
  /** Batches in flight at once, like the event source's maximum concurrency. */
  concurrency?: number;
}

const QUEUE_ARN = 'arn:aws:sqs:local:000000000000:pullwatch-collect';

export class InProcessQueue implements RefQueue {
  private readonly waiting: Message[] = [];
  private readonly deadLetters: Message[] = [];
  private inFlight = 0;
  private readonly delivering = new Set<Message>();
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: InProcessQueueOptions) {}

  /** Messages already waiting are not queued twice, so a slow poll cannot pile up behind the next one. */
  async send(messages: readonly RefMessage[], delaySeconds = 0): Promise<void> {
    const now = Date.now();
    for (const message of messages) {
      const body = encodeRefMessage(message);
      if (this.waiting.some((waiting) => waiting.body === body)) continue;
      this.waiting.push({ id: randomUUID(), body, sentAt: now, receiveCount: 0, visibleAt: now + delaySeconds * 1000 });
    }
    this.pump();
  }

  get deadLettered(): readonly string[] {
    return this.deadLetters.map((message) => message.body);
  }

  /** The refs of the messages being delivered now. */
  get inFlightRefs(): string[] {
    return [...this.delivering].map((message) => decodeRefMessage(message.body).ref);
  }

  /** Resolves once nothing is waiting or in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops delivering; waits for the batches in flight. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && (this.waiting.length === 0 || this.closed);
  }

  private pump(): void {
    if (this.closed) return;
    const { batchSize = 10, concurrency = 2 } = this.options;
    while (this.inFlight < concurrency) {
      const now = Date.now();
      const batch = this.waiting.filter((message) => message.visibleAt <= now).slice(0, batchSize);
      if (batch.length === 0) break;
      for (const message of batch) this.waiting.splice(this.waiting.indexOf(message), 1);
      this.inFlight++;
      void this.deliver(batch).finally(() => {
        this.inFlight--;
        this.pump();
        this.settle();
      });
    }
    this.scheduleNextVisible();
  }

  private async deliver(batch: Message[]): Promise<void> {
    for (const message of batch) {
      message.receiveCount++;
      this.delivering.add(message);
    }
    let failedIds: Set<string>;
    try {
      const response = await this.options.deliver({ Records: batch.map(toRecord) });
      failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    } catch (error) {
      // A handler that throws fails the whole batch, as with the Lambda event source.
      logger.error('collect handler threw; the whole batch will be redelivered', { error });
      failedIds = new Set(batch.map((message) => message.id));
    } finally {
      for (const message of batch) this.delivering.delete(message);
    }
    for (const message of batch) {
      if (!failedIds.has(message.id)) continue;
      if (message.receiveCount >= this.options.maxReceives) {
        this.deadLetters.push(message);
        // The collect handler logged each failure with its reason; this says the queue stopped trying.
        logger.warn(`gave up after ${message.receiveCount} tries; the next poll tries again`, { ref: decodeRefMessage(message.body).ref, receives: message.receiveCount });
      } else {
        message.visibleAt = Date.now() + this.options.redeliveryMs;
        this.waiting.push(message);
      }
    }
  }

  private scheduleNextVisible(): void {
    clearTimeout(this.timer);
    if (this.closed || this.waiting.length === 0 || this.inFlight >= (this.options.concurrency ?? 2)) return;
    const next = Math.min(...this.waiting.map((message) => message.visibleAt));
    this.timer = setTimeout(() => this.pump(), Math.max(0, next - Date.now()));
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function toRecord(message: Message): SQSRecord {
  return {
    messageId: message.id,
    receiptHandle: `${message.id}/${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'pullwatch-local',
      ApproximateFirstReceiveTimestamp: String(message.sentAt),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'local',
  };
}
