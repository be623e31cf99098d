import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/core/config.ts';
import { dockerHubCredentialsFromSecret } from '../../lambdas/stores/secrets.ts';

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
