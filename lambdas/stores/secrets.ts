// Secrets the functions read: Docker Hub credentials at start (AWS counterpart of DOCKERHUB_USERNAME /
// DOCKERHUB_TOKEN) and the webhook's ingest token (of INGEST_TOKEN) every few minutes, as it may be rotated.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { ConfigError } from '../core/config.ts';
import { logger } from '../logger.ts';
import type { DockerHubCredentials } from '../core/sources/dockerhub.ts';

const nonEmpty = z.string().check(z.minLength(1));
/** Docker's own wording (username/token) is accepted beside the API's (identifier/secret). */
const secretSchema = z.union([z.object({ identifier: nonEmpty, secret: nonEmpty }), z.object({ username: nonEmpty, token: nonEmpty })]);

export async function readSecretString(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new ConfigError(`secret ${secretId} holds no string value`);
  return SecretString;
}

/**
 * A secret's string, read again once `maxAgeMs` has passed since the last read, so a rotated value takes effect
 * without a cold start. Concurrent callers share one read; a failed re-read keeps the value read before (and is
 * tried again after `maxAgeMs`), while a first read that fails throws.
 */
export function refreshingSecretString(client: SecretsManagerClient, secretId: string, maxAgeMs: number, now: () => number = Date.now): () => Promise<string> {
  let value: string | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<string> | undefined;
  return () => {
    if (value !== undefined && now() - readAt < maxAgeMs) return Promise.resolve(value);
    reading ??= readSecretString(client, secretId)
      .then(
        (read) => ((value = read), read),
        (error: unknown) => {
          if (value === undefined) throw error;
          logger.warn('could not read the secret again; keeping the value read before', { secretId, error });
          return value;
        },
      )
      .finally(() => {
        readAt = now();
        reading = undefined;
      });
    return reading;
  };
}

export async function dockerHubCredentialsFromSecret(client: SecretsManagerClient, secretId: string): Promise<DockerHubCredentials> {
  const text = await readSecretString(client, secretId).catch((error: unknown) => {
    if (error instanceof ConfigError) return '';
    throw error;
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = secretSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`secret ${secretId} must hold JSON {"identifier": "<Docker ID or organization>", "secret": "<access token>"}`);
  }
  const credentials = parsed.data;
  return 'identifier' in credentials ? credentials : { identifier: credentials.username, secret: credentials.token };
}
