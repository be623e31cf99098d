// RefQueue on Amazon SQS: one message per ref, sent ten at a time.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type RefMessage, encodeRefMessage } from '../core/dispatch.ts';
import type { RefQueue } from '../core/ports.ts';

const SEND_BATCH_LIMIT = 10;

export class SqsRefQueue implements RefQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: readonly RefMessage[], delaySeconds?: number): Promise<void> {
    const failed: string[] = [];
    for (let start = 0; start < messages.length; start += SEND_BATCH_LIMIT) {
      const chunk = messages.slice(start, start + SEND_BATCH_LIMIT);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((message, i) => ({
            Id: String(i),
            MessageBody: encodeRefMessage(message),
            ...(delaySeconds !== undefined && { DelaySeconds: delaySeconds }),
          })),
        }),
      );
      for (const entry of result.Failed ?? []) failed.push(`${chunk[Number(entry.Id)]?.ref} (${entry.Code}: ${entry.Message})`);
    }
    if (failed.length > 0) throw new Error(`SQS refused ${failed.length} of ${messages.length} refs: ${failed.join(', ')}`);
  }
}
