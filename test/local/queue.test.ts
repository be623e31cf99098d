import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InProcessQueue } from '../../lambdas/local/queue.ts';

describe('InProcessQueue', () => {
  it('delivers real SQS batches of at most ten records', async () => {
    const batches: SQSEvent[] = [];
    const queue = new InProcessQueue({
      deliver: async (event) => {
        batches.push(event);
        return { batchItemFailures: [] };
      },
      maxReceives: 3,
      redeliveryMs: 10,
      concurrency: 1,
    });
    await queue.send(Array.from({ length: 23 }, (_, i) => ({ ref: `dockerhub:org/r${i}` })));
    await queue.idle();
    expect(batches.map((batch) => batch.Records.length)).toEqual([10, 10, 3]);
    const first = batches[0]!.Records[0]!;
    expect(JSON.parse(first.body)).toEqual({ ref: 'dockerhub:org/r0' });
    expect(first).toMatchObject({ eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '1' } });
    expect(first.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
  });

  it('redelivers what the handler reports failed, then dead-letters it after maxReceives', async () => {
    const receives = new Map<string, string[]>();
    const queue = new InProcessQueue({
      deliver: async (event): Promise<SQSBatchResponse> => {
        for (const r of event.Records) receives.set(r.body, [...(receives.get(r.body) ?? []), r.attributes.ApproximateReceiveCount]);
        return { batchItemFailures: event.Records.filter((r) => r.body.includes('bad')).map((r) => ({ itemIdentifier: r.messageId })) };
      },
      maxReceives: 3,
      redeliveryMs: 10,
    });
    await queue.send([{ ref: 'dockerhub:a/good' }, { ref: 'dockerhub:a/bad' }]);
    await queue.idle();
    expect(receives.get('{"ref":"dockerhub:a/good"}')).toEqual(['1']);
    expect(receives.get('{"ref":"dockerhub:a/bad"}')).toEqual(['1', '2', '3']);
    expect(queue.deadLettered).toEqual(['{"ref":"dockerhub:a/bad"}']);
  });

  it('treats a handler that throws as a whole failed batch', async () => {
    let calls = 0;
    const queue = new InProcessQueue({
      deliver: async () => {
        calls++;
        throw new Error('crash');
      },
      maxReceives: 2,
      redeliveryMs: 5,
    });
    await queue.send([{ ref: 'dockerhub:a/b' }]);
    await queue.idle();
    expect(calls).toBe(2);
    expect(queue.deadLettered).toHaveLength(1);
  });

  it('keeps a delayed message out of sight for its delay', async () => {
    const deliveredAt: number[] = [];
    const queue = new InProcessQueue({
      deliver: async () => {
        deliveredAt.push(Date.now());
        return { batchItemFailures: [] };
      },
      maxReceives: 3,
      redeliveryMs: 5,
    });
    const sentAt = Date.now();
    await queue.send([{ ref: 'dockerhub:a/later' }], 1);
    await queue.idle();
    expect(deliveredAt[0]! - sentAt).toBeGreaterThanOrEqual(950);
  });

  it('does not queue a ref that is already waiting', async () => {
    const bodies: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = new InProcessQueue({
      deliver: async (event) => {
        await gate;
        bodies.push(...event.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      },
      maxReceives: 3,
      redeliveryMs: 5,
      concurrency: 1,
      batchSize: 1,
    });
    await queue.send([{ ref: 'dockerhub:a/one' }, { ref: 'dockerhub:a/two' }]);
    await queue.send([{ ref: 'dockerhub:a/two' }]);
    release();
    await queue.idle();
    expect(bodies).toEqual(['{"ref":"dockerhub:a/one"}', '{"ref":"dockerhub:a/two"}']);
  });
});
