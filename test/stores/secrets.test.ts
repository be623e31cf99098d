import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/core/config.ts';
import { dockerHubCredentialsFromSecret, refreshingSecretString } from '../../lambdas/stores/secrets.ts';

const secrets = mockClient(SecretsManagerClient);
beforeEach(() => secrets.reset());
const read = () => dockerHubCredentialsFromSecret(new SecretsManagerClient({}), 'pullwatch/dockerhub');

describe('Docker Hub credentials from Secrets Manager', () => {
  it('reads {identifier, secret} from the named secret', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'pullwatch/dockerhub' }).resolves({ SecretString: '{"identifier":"bot","secret":"dckr_pat_1"}' });
    expect(await read()).toEqual({ identifier: 'bot', secret: 'dckr_pat_1' });
  });

  it("accepts Docker's own wording, {username, token}", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"username":"bot","token":"dckr_pat_2"}' });
    expect(await read()).toEqual({ identifier: 'bot', secret: 'dckr_pat_2' });
  });

  it.each(['dckr_pat_plain', '{"identifier":"bot"}', '{}', ''])('rejects %j naming the secret and the expected shape', async (value) => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: value });
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('pullwatch/dockerhub');
    expect((error as Error).message).not.toContain('dckr_pat');
  });
});

describe('the webhook token, re-read as it may rotate', () => {
  it('reads the secret once per five minutes, so a rotated token is used within five minutes', async () => {
    let now = 0;
    secrets.on(GetSecretValueCommand, { SecretId: 'pullwatch/ingest' }).resolvesOnce({ SecretString: 'old-token' }).resolves({ SecretString: 'new-token' });
    const token = refreshingSecretString(new SecretsManagerClient({}), 'pullwatch/ingest', 300_000, () => now);
    expect(await Promise.all([token(), token()])).toEqual(['old-token', 'old-token']);
    now = 299_999;
    expect(await token()).toBe('old-token');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    now = 300_000;
    expect(await token()).toBe('new-token');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('keeps the token it has when a re-read fails, and fails only when it never read one', async () => {
    let now = 0;
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'kept' }).rejects(new Error('throttled'));
    const token = refreshingSecretString(new SecretsManagerClient({}), 'pullwatch/ingest', 1_000, () => now);
    expect(await token()).toBe('kept');
    now = 5_000;
    expect(await token()).toBe('kept');
    secrets.reset();
    secrets.on(GetSecretValueCommand).rejects(new Error('unreachable'));
    await expect(refreshingSecretString(new SecretsManagerClient({}), 'pullwatch/ingest', 1_000, () => now)()).rejects.toThrow('unreachable');
  });
});
