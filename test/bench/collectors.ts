// Collect instances as AWS runs them: each with its own sources and pacers, all reserving request slots on one shared
// schedule (the DynamoDB adapter, on dynalite), fed by one in-process queue that hands each batch to an idle instance.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createCollectHandler, type CollectHandler } from '../../lambdas/collect/handler.ts';
import { type Env, sourcesFromEnv } from '../../lambdas/core/config.ts';
import { DEFAULTS } from '../../lambdas/core/defaults.ts';
import type { TrackedRepo } from '../../lambdas/core/ports.ts';
import { collectFromSource } from '../../lambdas/core/sources/index.ts';
import { createDispatchHandler } from '../../lambdas/dispatch/handler.ts';
import { openLocalDynamo } from '../../lambdas/local/data-dir.ts';
import { ensureTables, localStoreEnv } from '../../lambdas/local/dynamo.ts';
import { InProcessQueue } from '../../lambdas/local/queue.ts';
import { documentClient } from '../../lambdas/stores/dynamodb/client.ts';
import { DynamoRequestSchedule } from '../../lambdas/stores/dynamodb/request-schedule-table.ts';
import { requestScheduleTableDefinition } from '../../lambdas/stores/dynamodb/schema.ts';
import { storesFromEnv } from '../../lambdas/stores/from-env.ts';

const SCHEDULE_TABLE = 'pullwatch-request-schedule';

export interface SharedScheduleCollectors {
  /** Dispatches every tracked ref and resolves once the queue has drained. */
  collectAll(): Promise<void>;
  items(): Promise<TrackedRepo[]>;
  readonly deadLettered: readonly string[];
  /** DynamoDB requests the shared schedule made, by command. */
  readonly scheduleRequests: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

/** `env` as local mode reads it (DATA_DIR, REPOS, upstream URLs); `instances` collectors run batches side by side. */
export async function startSharedScheduleCollectors(env: Env & { DATA_DIR: string }, instances: number, refs: readonly string[]): Promise<SharedScheduleCollectors> {
  const dynamo = await openLocalDynamo(env.DATA_DIR, { create: true, busyAdvice: 'use a fresh DATA_DIR' });
  await ensureTables(dynamo.client, [requestScheduleTableDefinition(SCHEDULE_TABLE)]);
  const doc = documentClient(dynamo.client);
  const { repos, series, readModel } = storesFromEnv(localStoreEnv(env), doc);
  await repos.add(refs);

  const scheduleRequests: Record<string, number> = {};
  const counting = new Proxy(doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: { constructor: { name: string } }) => {
        scheduleRequests[command.constructor.name] = (scheduleRequests[command.constructor.name] ?? 0) + 1;
        return target.send(command as Parameters<DynamoDBDocumentClient['send']>[0]);
      };
    },
  });
  const schedule = new DynamoRequestSchedule(counting, SCHEDULE_TABLE);

  const busy = Array.from({ length: instances }, () => false);
  const queue: InProcessQueue = new InProcessQueue({
    // A Lambda instance takes one batch at a time: each batch goes to an instance that has none.
    deliver: async (event) => {
      const instance = busy.indexOf(false);
      busy[instance] = true;
      try {
        return await handlers[instance]!(event);
      } finally {
        busy[instance] = false;
      }
    },
    maxReceives: DEFAULTS.maxReceives,
    redeliveryMs: DEFAULTS.localRedeliveryMs,
    concurrency: instances,
  });
  const handlers: CollectHandler[] = busy.map(() => {
    const sources = sourcesFromEnv(env, { schedule });
    return createCollectHandler({ collectFromSource: (ref) => collectFromSource(ref, sources), repos, series, readModel, queue, now: () => new Date() });
  });

  return {
    async collectAll() {
      await createDispatchHandler({ repos, queue })();
      await queue.idle();
    },
    items: () => repos.list(),
    get deadLettered() {
      return queue.deadLettered;
    },
    scheduleRequests,
    async close() {
      await queue.close();
      await dynamo.close();
    },
  };
}
