import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCollectHandler } from '../../lambdas/collect/handler.ts';
import { UpstreamError } from '../../lambdas/core/errors.ts';
import type { RefMessage } from '../../lambdas/core/dispatch.ts';
import type { Ref } from '../../lambdas/core/refs.ts';
import type { Collected } from '../../lambdas/core/sources/index.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import { logger } from '../../lambdas/logger.ts';

const NOW = new Date('2026-11-23T10:00:00Z');

const record = (messageId: string, body: string): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:collect',
  awsRegion: 'us-east-1',
});

function handlerWith(collectFromSource: (ref: Ref) => Promise<Collected>) {
  const written: Sample[] = [];
  const requeued: RefMessage[] = [];
  const handler = createCollectHandler({
    collectFromSource,
    series: { write: async (samples) => void written.push(...samples) },
    readModel: { apply: async () => ({ drops: [] }), touch: async () => undefined },
    repos: { recordSuccess: async () => undefined, recordError: async () => undefined },
    queue: { send: async (messages) => void requeued.push(...messages) },
    now: () => NOW,
  });
  return { handler, written, requeued };
}

const byPath = async (ref: Ref): Promise<Collected> => {
  const [, kind] = ref.path.split('/');
  if (kind === 'ok') return { samples: [{ registry: ref.registry, repo: ref.path, collectedAt: NOW.toISOString(), pullCount: 42 }] };
  if (kind === 'flaky') throw new UpstreamError('transient', 'http://hub/flaky', 'HTTP 502');
  if (kind === 'limited') throw new UpstreamError('rate_limited', 'http://hub/limited', 'HTTP 429', NOW.getTime() + 60_000);
  throw new UpstreamError('not_found', 'http://hub/missing', 'HTTP 404');
};

describe('collect handler', () => {
  it('reports only the transient failures of a batch, delays the rate-limited ref, and stores the rest', async () => {
    const { handler, written, requeued } = handlerWith(byPath);
    const event: SQSEvent = {
      Records: [
        record('m1', '{"ref":"dockerhub:a/ok"}'),
        record('m2', '{"ref":"dockerhub:a/flaky"}'),
        record('m3', '{"ref":"dockerhub:a/missing"}'),
        record('m4', '{"ref":"dockerhub:a/limited"}'),
        record('m5', 'not json'),
      ],
    };
    const response = await handler(event);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m2']);
    expect(written.map((sample) => sample.repo)).toEqual(['a/ok']);
    expect(requeued).toEqual([{ ref: 'dockerhub:a/limited', attempt: 1 }]);
  });

  it('answers with every message failed, instead of throwing, when the whole batch fails', async () => {
    const { handler } = handlerWith(byPath);
    const response = await handler({ Records: [record('m1', '{"ref":"dockerhub:a/flaky"}'), record('m2', '{"ref":"dockerhub:b/flaky"}')] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
  });

  it('retries a message whose store write failed', async () => {
    const handler = createCollectHandler({
      collectFromSource: byPath,
      series: {
        write: async () => {
          throw new Error('ProvisionedThroughputExceeded');
        },
      },
      readModel: { apply: async () => ({ drops: [] }), touch: async () => undefined },
      repos: { recordSuccess: async () => undefined, recordError: async () => undefined },
      queue: { send: async () => undefined },
      now: () => NOW,
    });
    expect((await handler({ Records: [record('m1', '{"ref":"dockerhub:a/ok"}')] })).batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });
});

describe('collect handler on rate limits', () => {
  afterEach(() => vi.restoreAllMocks());
  const belief = { limit: 180, remaining: 12, inFlight: 1, gapMs: 351 };
  const limitedBy = (by: 'registry' | 'pacer') => async (): Promise<Collected> => {
    throw new UpstreamError('rate_limited', 'http://hub/x', 'held', NOW.getTime() + 5_000, { by, belief });
  };

  it('warns of a 429 the registry answered despite pacing, with the budget the pacer believed it had', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    await handlerWith(limitedBy('registry')).handler({ Records: [record('m1', '{"ref":"dockerhub:a/x"}')] });
    expect(warn).toHaveBeenCalledWith('answered 429 although paced; back in the queue', expect.objectContaining({ ref: 'dockerhub:a/x', believedBudget: belief }));
  });

  it('logs a request the pacer held back as routine, not as a warning', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    await handlerWith(limitedBy('pacer')).handler({ Records: [record('m1', '{"ref":"dockerhub:a/x"}')] });
    expect(warn).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledWith('rate limited; back in the queue', expect.objectContaining({ ref: 'dockerhub:a/x' }));
  });
});

describe('collect metrics', () => {
  it('counts successes, failures, samples and drops per batch, and flushes once per invocation', async () => {
    const counted: [string, number][] = [];
    let flushes = 0;
    const handler = createCollectHandler(
      {
        collectFromSource: byPath,
        series: { write: async () => undefined },
        readModel: {
          apply: async (samples) => ({ drops: samples.map((sample) => ({ key: `${sample.registry}:${sample.repo}`, previous: 50, current: sample.pullCount })) }),
          touch: async () => undefined,
        },
        repos: { recordSuccess: async () => undefined, recordError: async () => undefined },
        queue: { send: async () => undefined },
        now: () => NOW,
      },
      { count: (name, value) => void counted.push([name, value]), flush: () => void flushes++ },
    );
    await handler({ Records: [record('m1', '{"ref":"dockerhub:a/ok"}'), record('m2', '{"ref":"dockerhub:a/missing"}'), record('m3', '{"ref":"dockerhub:a/limited"}')] });
    expect(counted.sort()).toEqual([
      ['CollectFailed', 1],
      ['CollectSucceeded', 1],
      ['PullCountDrops', 1],
      ['SamplesWritten', 1],
    ]);
    expect(flushes).toBe(1);
  });
});
