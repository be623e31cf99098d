import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDispatchHandler } from '../../lambdas/dispatch/handler.ts';
import { SqsRefQueue } from '../../lambdas/stores/sqs-queue.ts';
import type { TrackedRepo } from '../../lambdas/core/ports.ts';

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/collect';
const dispatcher = (items: TrackedRepo[]) =>
  createDispatchHandler({ repos: { list: async () => items }, queue: new SqsRefQueue(new SQSClient({}), QUEUE_URL) });

beforeEach(() => sqs.reset());

describe('dispatch handler', () => {
  it('sends one message per enabled ref, ten per batch, canonical and deduplicated', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const items: TrackedRepo[] = [
      ...Array.from({ length: 12 }, (_, i) => ({ ref: `dockerhub:org/r${i}`, enabled: true })),
      { ref: 'nginx', enabled: true },
      { ref: 'dockerhub:library/nginx', enabled: true },
      { ref: 'quay:off/repo', enabled: false },
    ];
    expect(await dispatcher(items)()).toEqual({ dispatched: 13, rejected: 0 });
    const batches = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(batches.map((batch) => batch.Entries?.length)).toEqual([10, 3]);
    expect(batches.every((batch) => batch.QueueUrl === QUEUE_URL)).toBe(true);
    const bodies = batches.flatMap((batch) => batch.Entries!.map((entry) => JSON.parse(entry.MessageBody!).ref));
    expect(bodies).toContain('dockerhub:library/nginx');
    expect(bodies).not.toContain('quay:off/repo');
    expect(new Set(bodies).size).toBe(13);
  });

  it('skips items with an invalid ref and still dispatches the rest', async () => {
    sqs.on(SendMessageBatchCommand).resolves({});
    expect(await dispatcher([{ ref: 'Bad Ref', enabled: true }, { ref: 'quay:a/b', enabled: true }])()).toEqual({ dispatched: 1, rejected: 1 });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  it('fails loudly, naming the refs, when SQS refuses entries', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false, Message: 'try again' }] });
    await expect(dispatcher([{ ref: 'a/b', enabled: true }, { ref: 'c/d', enabled: true }])()).rejects.toThrow('dockerhub:c/d (InternalError: try again)');
  });
});
