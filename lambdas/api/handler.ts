// API Lambda: API Gateway HTTP API events in, the Hono app's responses out.
import { handle } from 'hono/aws-lambda';
import { pollMinutesFromEnv, retentionDaysFromEnv } from '../core/config.ts';
import { countersFromEnv, storesFromEnv } from '../stores/from-env.ts';
import { createLambdaMetrics } from '../metrics.ts';
import { createApiApp } from './app.ts';

let lambdaHandler: ReturnType<typeof handle> | undefined;

export const handler: ReturnType<typeof handle> = (event, context) => {
  if (!lambdaHandler) {
    const counters = countersFromEnv(process.env);
    lambdaHandler = handle(
      createApiApp({ ...storesFromEnv(process.env), ...(counters && { counters }), pollMinutes: pollMinutesFromEnv(process.env), retentionDays: retentionDaysFromEnv(process.env), metrics: createLambdaMetrics() }),
    );
  }
  return lambdaHandler(event, context);
};
