// Ingest Lambda: POST /api/ingest/registry from API Gateway; the token comes from the secret the stack generated.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { handle } from 'hono/aws-lambda';
import { requireEnv } from '../core/config.ts';
import { ingestEvents } from '../core/ingest.ts';
import { DynamoRegistryCounters } from '../stores/dynamodb/counters-table.ts';
import { DynamoRepoList } from '../stores/dynamodb/repo-table.ts';
import { documentClient } from '../stores/dynamodb/client.ts';
import { readSecretString } from '../stores/secrets.ts';
import { createLambdaMetrics } from '../metrics.ts';
import { createIngestApp } from './app.ts';

type LambdaHandler = ReturnType<typeof handle>;

let lambdaHandler: Promise<LambdaHandler> | undefined;

async function createLambdaHandler(): Promise<LambdaHandler> {
  const dynamo = documentClient();
  const counters = new DynamoRegistryCounters(dynamo, requireEnv(process.env, 'COUNTERS_TABLE'));
  const repos = new DynamoRepoList(dynamo, requireEnv(process.env, 'REPOS_TABLE'));
  const token = await readSecretString(new SecretsManagerClient({}), requireEnv(process.env, 'INGEST_TOKEN_SECRET'));
  const registryName = process.env.REGISTRY_NAME || undefined;
  const trackedRefs = new Set<string>();
  return handle(
    createIngestApp({
      token,
      ingest: (events) => ingestEvents(events, { counters, repos, trackedRefs, ...(registryName && { registryName }) }),
      metrics: createLambdaMetrics(),
    }),
  );
}

export const handler: LambdaHandler = async (event, context) => {
  // A failed start (e.g. Secrets Manager unreachable) is retried by the next invocation, not cached.
  lambdaHandler ??= createLambdaHandler().catch((error: unknown) => {
    lambdaHandler = undefined;
    throw error;
  });
  return (await lambdaHandler)(event, context);
};
