// Ingest Lambda: POST /api/ingest/registry from API Gateway; the token comes from the secret the stack generated,
// re-read every few minutes so a rotated token works without waiting for a cold start.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { handle } from 'hono/aws-lambda';
import { ingestSettingsFromEnv, requireEnv } from '../core/config.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { envelopeIngester } from '../core/ingest.ts';
import { DynamoRegistryCounters } from '../stores/dynamodb/counters-table.ts';
import { DynamoRepoList } from '../stores/dynamodb/repo-table.ts';
import { documentClient } from '../stores/dynamodb/client.ts';
import { refreshingSecretString } from '../stores/secrets.ts';
import { createLambdaMetrics } from '../metrics.ts';
import { createIngestApp } from './app.ts';

type LambdaHandler = ReturnType<typeof handle>;

let lambdaHandler: LambdaHandler | undefined;

function createLambdaHandler(): LambdaHandler {
  const dynamo = documentClient();
  const counters = new DynamoRegistryCounters(dynamo, requireEnv(process.env, 'COUNTERS_TABLE'));
  const repos = new DynamoRepoList(dynamo, requireEnv(process.env, 'REPOS_TABLE'));
  const token = refreshingSecretString(new SecretsManagerClient({}), requireEnv(process.env, 'INGEST_TOKEN_SECRET'), DEFAULTS.ingestTokenMaxAgeMs);
  return handle(createIngestApp({ token, ingest: envelopeIngester(ingestSettingsFromEnv(process.env), { counters, repos }), metrics: createLambdaMetrics() }));
}

export const handler: LambdaHandler = (event, context) => {
  lambdaHandler ??= createLambdaHandler();
  return lambdaHandler(event, context);
};
