// Dispatch Lambda: on each scheduled tick, one queue message per enabled tracked ref.
import { SQSClient } from '@aws-sdk/client-sqs';
import { requireEnv } from '../core/config.ts';
import { planDispatch } from '../core/dispatch.ts';
import type { RefQueue, RepoList } from '../core/ports.ts';
import { logger } from '../logger.ts';
import { createLambdaMetrics, type HandlerMetrics, METRIC_NAMES } from '../metrics.ts';
import { documentClient } from '../stores/dynamodb/client.ts';
import { DynamoRepoList } from '../stores/dynamodb/repo-table.ts';
import { SqsRefQueue } from '../stores/sqs-queue.ts';

export interface DispatchResult {
  dispatched: number;
  rejected: number;
}

export function createDispatchHandler(deps: { repos: Pick<RepoList, 'list'>; queue: RefQueue; metrics?: HandlerMetrics }): () => Promise<DispatchResult> {
  return async () => {
    const plan = planDispatch(await deps.repos.list());
    for (const error of plan.rejected) logger.warn('skipping a tracked item whose ref is invalid', { ref: error.input, reason: error.reason });
    await deps.queue.send(plan.messages);
    logger.info('dispatched', { dispatched: plan.messages.length, rejected: plan.rejected.length });
    deps.metrics?.count(METRIC_NAMES.refsDispatched, plan.messages.length);
    deps.metrics?.flush();
    return { dispatched: plan.messages.length, rejected: plan.rejected.length };
  };
}

let lambdaHandler: (() => Promise<DispatchResult>) | undefined;

export const handler = (): Promise<DispatchResult> => {
  lambdaHandler ??= createDispatchHandler({
    repos: new DynamoRepoList(documentClient(), requireEnv(process.env, 'REPOS_TABLE')),
    queue: new SqsRefQueue(new SQSClient({}), requireEnv(process.env, 'QUEUE_URL')),
    metrics: createLambdaMetrics(),
  });
  return lambdaHandler();
};
