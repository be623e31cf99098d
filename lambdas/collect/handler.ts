// Collect Lambda: an SQS batch of refs in, samples stored, failed refs reported back for redelivery.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type CollectDeps, collectMessage } from '../core/collect.ts';
import { dockerHubCredentialsFromEnv, requireEnv, sourcesFromEnv } from '../core/config.ts';
import { type RefMessage, decodeRefMessage } from '../core/dispatch.ts';
import { discoveryFromEnv } from '../core/discovery/settings.ts';
import { RefError } from '../core/errors.ts';
import { collectFromSource } from '../core/sources/index.ts';
import { logger } from '../logger.ts';
import { createLambdaMetrics, type HandlerMetrics, METRIC_NAMES } from '../metrics.ts';
import { dockerHubCredentialsFromSecret, readSecretString } from '../stores/secrets.ts';
import { countersFromEnv, requestScheduleFromEnv, storesFromEnv } from '../stores/from-env.ts';
import { SqsRefQueue } from '../stores/sqs-queue.ts';

export type CollectHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

export function createCollectHandler(deps: CollectDeps, metrics?: HandlerMetrics): CollectHandler {
  const collectRecord = async (record: SQSRecord): Promise<void> => {
    let message: RefMessage;
    try {
      message = decodeRefMessage(record.body);
    } catch (error) {
      // A message that can never parse would only cycle to the DLQ: drop it and say so.
      if (!(error instanceof RefError)) throw error;
      logger.error('dropping a malformed queue message', { messageId: record.messageId, reason: error.reason, body: record.body });
      return;
    }
    const { ref } = message;
    const result = await collectMessage(message, deps, Number(record.attributes.ApproximateReceiveCount) || 1);
    switch (result.status) {
      case 'stored':
        logger.info('collected', { ref, samples: result.samples, expanded: result.expanded });
        for (const warning of result.warnings) logger.warn(warning, { ref });
        // Which repository dropped belongs in the log; the metric only says how many did.
        for (const drop of result.drops) logger.warn('pull count went down (counter reset or restatement)', { ...drop });
        metrics?.count(METRIC_NAMES.collectSucceeded, 1);
        metrics?.count(METRIC_NAMES.samplesWritten, result.samples);
        if (result.drops.length > 0) metrics?.count(METRIC_NAMES.pullCountDrops, result.drops.length);
        return;
      case 'delayed':
        // The pacer holding a request back is routine; the registry answering 429 means the pacing missed.
        if (result.rateLimit?.by === 'registry') {
          logger.warn('answered 429 although paced; back in the queue', {
            ref,
            delaySeconds: result.delaySeconds,
            reason: result.error.message,
            believedBudget: result.rateLimit.belief,
          });
        } else {
          logger.info('rate limited; back in the queue', { ref, delaySeconds: result.delaySeconds, reason: result.error.message });
        }
        return;
      case 'missed':
        logger.info('not found; left out until the next discovery', { ref, discoveredBy: result.parent });
        return;
      case 'failed': {
        metrics?.count(METRIC_NAMES.collectFailed, 1);
        const { kind, message: reason, at, retryAt } = result.error;
        logger.warn('collection failed', { ref, kind, reason, at, retry: result.retry, ...(retryAt && { retryAt }) });
        if (result.retry) throw new Error(`${ref}: ${reason}`);
      }
    }
  };

  return (event, context) => {
    // A processor holds one batch's state: one per invocation, so concurrent local batches stay apart.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, collectRecord, processor, { ...(context && { context }), throwOnFullBatchFailure: false }).finally(() => metrics?.flush());
  };
}

let lambdaHandler: Promise<CollectHandler> | undefined;

async function createLambdaHandler(): Promise<CollectHandler> {
  const { repos, series, readModel, discovery } = storesFromEnv(process.env);
  const secrets = new SecretsManagerClient({});
  const secretId = process.env.DOCKERHUB_SECRET;
  const credentials = secretId ? await dockerHubCredentialsFromSecret(secrets, secretId) : dockerHubCredentialsFromEnv(process.env);
  const githubSecret = process.env.GITHUB_SECRET;
  const githubToken = githubSecret ? (await readSecretString(secrets, githubSecret)).trim() : undefined;
  const registryCounters = countersFromEnv(process.env);
  const schedule = requestScheduleFromEnv(process.env);
  const sources = sourcesFromEnv(process.env, {
    ...(credentials && { dockerhubCredentials: credentials }),
    ...(registryCounters && { registryCounters }),
    ...(schedule && { schedule }),
  });
  const queue = new SqsRefQueue(new SQSClient({}), requireEnv(process.env, 'QUEUE_URL'));
  return createCollectHandler(
    {
      collectFromSource: (ref) => collectFromSource(ref, sources),
      repos,
      series,
      readModel,
      queue,
      now: () => new Date(),
      discovery: { ...discoveryFromEnv(process.env, githubToken ? { token: githubToken } : {}), states: discovery },
    },
    createLambdaMetrics(),
  );
}

export const handler: CollectHandler = async (event, context) => {
  // A failed start (e.g. Secrets Manager unreachable) is retried by the next invocation, not cached.
  lambdaHandler ??= createLambdaHandler().catch((error: unknown) => {
    lambdaHandler = undefined;
    throw error;
  });
  return (await lambdaHandler)(event, context);
};
