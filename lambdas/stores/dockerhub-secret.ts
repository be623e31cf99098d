// Docker Hub credentials from a Secrets Manager secret (AWS counterpart of DOCKERHUB_USERNAME / DOCKERHUB_TOKEN).
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { ConfigError } from '../core/config.ts';
import type { DockerHubCredentials } from '../core/sources/dockerhub.ts';

const nonEmpty = z.string().check(z.minLength(1));
/** Docker's own wording (username/token) is accepted beside the API's (identifier/secret). */
const secretSchema = z.union([z.object({ identifier: nonEmpty, secret: nonEmpty }), z.object({ username: nonEmpty, token: nonEmpty })]);

export async function dockerHubCredentialsFromSecret(client: SecretsManagerClient, secretId: string): Promise<DockerHubCredentials> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  let json: unknown;
  try {
    json = JSON.parse(SecretString ?? '');
  } catch {
    json = undefined;
  }
  const parsed = secretSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`secret ${secretId} must hold JSON {"identifier": "<Docker ID or organization>", "secret": "<access token>"}`);
  }
  const value = parsed.data;
  return 'identifier' in value ? value : { identifier: value.username, secret: value.token };
}
