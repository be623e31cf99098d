// Collect Lambda: an SQS batch of refs in, samples stored, failed refs reported back for redelivery.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type CollectDeps, collectRef } from '../core/collect.ts';
import { sourceContextFromEnv } from '../core/config.ts';
import { decodeRefMessage } from '../core/dispatch.ts';
import { RefError } from '../core/errors.ts';
import { fetchSamples } from '../core/sources/index.ts';
import { logger } from '../logger.ts';
import { storesFromEnv } from '../stores/from-env.ts';

export type CollectHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

export function createCollectHandler(deps: CollectDeps): CollectHandler {
  const collectRecord = async (record: SQSRecord): Promise<void> => {
    let ref: string;
    try {
      ref = decodeRefMessage(record.body);
    } catch (error) {
      // A message that can never parse would only cycle to the DLQ: drop it and say so.
      if (!(error instanceof RefError)) throw error;
      logger.error('dropping a malformed queue message', { messageId: record.messageId, reason: error.reason, body: record.body });
      return;
    }
    const result = await collectRef(ref, deps);
    if (result.status === 'stored') {
      logger.info('collected', { ref, samples: result.samples });
      return;
    }
    const { kind, message, at } = result.error;
    logger.warn('collection failed', { ref, kind, reason: message, at, retry: result.retry });
    if (result.retry) throw new Error(`${ref}: ${result.error.message}`);
  };

  return (event, context) => {
    // A processor holds one batch's state: one per invocation, so concurrent local batches stay apart.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, collectRecord, processor, { ...(context && { context }), throwOnFullBatchFailure: false });
  };
}

let lambdaHandler: CollectHandler | undefined;

export const handler: CollectHandler = (event, context) => {
  if (!lambdaHandler) {
    const { repos, series } = storesFromEnv(process.env);
    const sources = sourceContextFromEnv(process.env);
    lambdaHandler = createCollectHandler({ fetchSamples: (ref) => fetchSamples(ref, sources), repos, series, now: () => new Date() });
  }
  return lambdaHandler(event, context);
};
