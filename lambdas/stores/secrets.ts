// Secrets the functions read at start: Docker Hub credentials (AWS counterpart of DOCKERHUB_USERNAME /
// DOCKERHUB_TOKEN) and the webhook's ingest token (of INGEST_TOKEN).
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { ConfigError } from '../core/config.ts';
import type { DockerHubCredentials } from '../core/sources/dockerhub.ts';

const nonEmpty = z.string().check(z.minLength(1));
/** Docker's own wording (username/token) is accepted beside the API's (identifier/secret). */
const secretSchema = z.union([z.object({ identifier: nonEmpty, secret: nonEmpty }), z.object({ username: nonEmpty, token: nonEmpty })]);

export async function readSecretString(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new ConfigError(`secret ${secretId} holds no string value`);
  return SecretString;
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
