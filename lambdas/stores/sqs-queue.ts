// RefQueue on Amazon SQS: one message per ref, sent ten at a time.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { encodeRefMessage } from '../core/dispatch.ts';
import type { RefQueue } from '../core/ports.ts';

const SEND_BATCH_LIMIT = 10;

export class SqsRefQueue implements RefQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(refs: readonly string[]): Promise<void> {
    const failed: string[] = [];
    for (let start = 0; start < refs.length; start += SEND_BATCH_LIMIT) {
      const chunk = refs.slice(start, start + SEND_BATCH_LIMIT);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((ref, i) => ({ Id: String(i), MessageBody: encodeRefMessage(ref) })),
        }),
      );
      for (const entry of result.Failed ?? []) failed.push(`${chunk[Number(entry.Id)]} (${entry.Code}: ${entry.Message})`);
    }
    if (failed.length > 0) throw new Error(`SQS refused ${failed.length} of ${refs.length} refs: ${failed.join(', ')}`);
  }
}
