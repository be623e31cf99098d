import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ConditionalCheckFailedException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyChange, checkRepos } from '../../lambdas/core/repo-commands.ts';
import { AwsTargetError, openStackRepoStore } from '../../lambdas/stores/stack-outputs.ts';

const cloudformation = mockClient(CloudFormationClient);
const dynamodb = mockClient(DynamoDBDocumentClient);

const deployed = (outputs: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'Pullwatch',
      StackStatus: 'UPDATE_COMPLETE' as const,
      CreationTime: new Date('2026-11-01T00:00:00Z'),
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

const failure = async (promise: Promise<unknown>): Promise<Error> => {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
};

let savedEnv: NodeJS.ProcessEnv;
beforeEach(() => {
  cloudformation.reset();
  dynamodb.reset();
  savedEnv = { ...process.env };
  // No region or profile from the machine running the tests.
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  delete process.env.AWS_PROFILE;
  process.env.AWS_CONFIG_FILE = '/nonexistent/pullwatch-test/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/pullwatch-test/credentials';
});
afterEach(() => {
  process.env = savedEnv;
});

describe("the deployed stack's repos table", () => {
  it("is found from the stack's ReposTableName output, and the commands run on it", async () => {
    cloudformation.on(DescribeStacksCommand, { StackName: 'Pullwatch' }).resolves(deployed({ DashboardUrl: 'https://d.example', ReposTableName: 'Pullwatch-ReposTable1A2B' }));
    dynamodb.on(ScanCommand).resolves({ Items: [{ ref: 'dockerhub:library/nginx', enabled: true }, { ref: 'dockerhub:Acme/App' }] });
    dynamodb.on(PutCommand).resolves({});

    const store = await openStackRepoStore({ stack: 'Pullwatch', region: 'eu-west-1' });
    expect(store.where).toBe('table Pullwatch-ReposTable1A2B (stack Pullwatch, eu-west-1)');
    expect(checkRepos(await store.repos.list()).map(({ ref, invalidReason }) => ({ ref, invalidReason }))).toEqual([
      { ref: 'dockerhub:Acme/App', invalidReason: '"Acme" must be lowercase ("acme")' },
      { ref: 'dockerhub:library/nginx', invalidReason: undefined },
    ]);
    expect(await applyChange('add', ['ghcr.io/acme/cli'], store.repos)).toEqual([{ input: 'ghcr.io/acme/cli', ref: 'ghcr:acme/cli', status: 'added' }]);
    await store.close();

    expect(dynamodb.commandCalls(ScanCommand)[0]!.args[0].input).toMatchObject({ TableName: 'Pullwatch-ReposTable1A2B' });
    expect(dynamodb.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'Pullwatch-ReposTable1A2B',
      Item: { ref: 'ghcr:acme/cli', enabled: true },
      ConditionExpression: 'attribute_not_exists(#ref)',
    });
  });

  it('reports a ref the table already holds as unchanged (the conditional put is refused)', async () => {
    cloudformation.on(DescribeStacksCommand).resolves(deployed({ ReposTableName: 'T' }));
    dynamodb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const store = await openStackRepoStore({ stack: 'Pullwatch', region: 'eu-west-1' });
    expect(await applyChange('add', ['nginx'], store.repos)).toEqual([{ input: 'nginx', ref: 'dockerhub:library/nginx', status: 'unchanged', detail: 'already tracked' }]);
  });

  it('disables a ref with a conditional update, so an unknown ref is never created', async () => {
    dynamodb.on(ScanCommand).resolves({ Items: [{ ref: 'dockerhub:library/nginx', enabled: true }] });
    dynamodb.on(UpdateCommand).resolves({});
    const store = await openStackRepoStore({ stack: 'Pullwatch', region: 'eu-west-1', table: 'T' });
    expect(await applyChange('disable', ['nginx'], store.repos)).toEqual([{ input: 'nginx', ref: 'dockerhub:library/nginx', status: 'disabled' }]);
    expect(dynamodb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'T',
      Key: { ref: 'dockerhub:library/nginx' },
      UpdateExpression: 'SET enabled = :enabled',
      ConditionExpression: 'attribute_exists(#ref)',
      ExpressionAttributeValues: { ':enabled': false },
    });
  });

  it('--table skips the stack lookup', async () => {
    dynamodb.on(ScanCommand).resolves({ Items: [] });
    const store = await openStackRepoStore({ stack: 'Pullwatch', region: 'us-east-2', table: 'my-repos' });
    expect(store.where).toBe('table my-repos (us-east-2)');
    expect(await store.repos.list()).toEqual([]);
    expect(cloudformation.calls()).toHaveLength(0);
    expect(dynamodb.commandCalls(ScanCommand)[0]!.args[0].input).toMatchObject({ TableName: 'my-repos' });
  });

  it('takes the region from the environment when --region is not given', async () => {
    process.env.AWS_REGION = 'ap-south-1';
    cloudformation.on(DescribeStacksCommand).resolves(deployed({ ReposTableName: 'T' }));
    expect((await openStackRepoStore({ stack: 'Pullwatch' })).where).toBe('table T (stack Pullwatch, ap-south-1)');
  });
});

describe('finding the table fails with a message that names the stack and region', () => {
  it('when the stack does not exist', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', message: 'Stack with id Pullwatch does not exist', $metadata: {} }));
    const error = await failure(openStackRepoStore({ stack: 'Pullwatch', region: 'eu-central-1' }));
    expect(error).toBeInstanceOf(AwsTargetError);
    expect(error.message).toBe(
      'stack "Pullwatch" not found in eu-central-1: deploy it with `npx cdk deploy`, or pass --stack <name>, --region <region> or --table <name>',
    );
  });

  it('when the stack has no ReposTableName output', async () => {
    cloudformation.on(DescribeStacksCommand).resolves(deployed({ BucketName: 'b', Url: 'u' }));
    const error = await failure(openStackRepoStore({ stack: 'Other', region: 'eu-west-1' }));
    expect(error).toBeInstanceOf(AwsTargetError);
    expect(error.message).toBe(
      'stack "Other" in eu-west-1 has no ReposTableName output (its outputs: BucketName, Url; status UPDATE_COMPLETE); is it a pullwatch stack? Pass --stack <name> or --table <name>',
    );
  });

  it('when no region is configured', async () => {
    const error = await failure(openStackRepoStore({ stack: 'Pullwatch' }));
    expect(error.message).toBe('no AWS region: pass --region <region>, or set AWS_REGION or a region in your AWS profile');
    expect(cloudformation.calls()).toHaveLength(0);
  });

  it('when there are no AWS credentials', async () => {
    cloudformation.on(DescribeStacksCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const error = await failure(openStackRepoStore({ stack: 'Pullwatch', region: 'eu-west-1' }));
    expect(error.message).toMatch(/^no AWS credentials \(Could not load credentials from any providers\): pullwatch uses the default provider chain/);
  });

  it('when AWS refuses the lookup', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(new CloudFormationServiceException({ name: 'AccessDenied', $fault: 'client', message: 'not authorized to perform: cloudformation:DescribeStacks', $metadata: {} }));
    const error = await failure(openStackRepoStore({ stack: 'Pullwatch', region: 'eu-west-1' }));
    expect(error.message).toBe('AWS refused the request in eu-west-1 (AccessDenied): not authorized to perform: cloudformation:DescribeStacks');
  });
});

describe('errors of the commands themselves', () => {
  it('name the table, the stack it came from and the region when the table is gone', async () => {
    cloudformation.on(DescribeStacksCommand).resolves(deployed({ ReposTableName: 'Pullwatch-ReposTable1A2B' }));
    const missing = new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });
    dynamodb.on(ScanCommand).rejects(missing);
    const store = await openStackRepoStore({ stack: 'Pullwatch', region: 'eu-west-1' });
    const error = await failure(store.repos.list());
    expect(store.explain(error)).toBe(
      "table \"Pullwatch-ReposTable1A2B\" not found in eu-west-1, named by stack Pullwatch's ReposTableName output: check --region",
    );
  });

  it('name the table given with --table', async () => {
    dynamodb.on(ScanCommand).rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    const store = await openStackRepoStore({ stack: 'Pullwatch', region: 'eu-west-1', table: 'typo' });
    expect(store.explain(await failure(store.repos.list()))).toBe('table "typo" not found in eu-west-1: check --region and --table');
  });
});
