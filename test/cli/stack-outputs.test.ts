import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ConditionalCheckFailedException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvokeCommand, LambdaClient, LambdaServiceException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyChange, checkRepos } from '../../lambdas/core/repo-commands.ts';
import { AwsTargetError, openStackRepoStore, stackUrls } from '../../lambdas/stores/stack-outputs.ts';
import { startCollection } from '../../lambdas/stores/start-collection.ts';

const cloudformation = mockClient(CloudFormationClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
const lambda = mockClient(LambdaClient);

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
  lambda.reset();
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

const OUTPUTS = {
  DashboardUrl: 'https://d111.cloudfront.net',
  ApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
  IngestUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/api/ingest/registry',
  DispatchFunctionName: 'Pullwatch-CollectorDispatch7D7C72BB-AbCdEf',
  ReposTableName: 'T',
};
// The SDK hands the payload over as a Uint8Array that can also decode itself.
const payload = (value: unknown) => {
  const text = JSON.stringify(value);
  return Object.assign(new TextEncoder().encode(text), { transformToString: () => text });
};

describe("a deployed stack's URLs", () => {
  it('are read from its outputs, the ingest URL included', async () => {
    cloudformation.on(DescribeStacksCommand, { StackName: 'PullwatchStaging' }).resolves(deployed(OUTPUTS));
    expect(await stackUrls({ stack: 'PullwatchStaging', region: 'eu-west-1' })).toEqual({
      dashboard: 'https://d111.cloudfront.net',
      api: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
      ingest: 'https://abc123.execute-api.eu-west-1.amazonaws.com/api/ingest/registry',
    });
    expect(cloudformation.calls()).toHaveLength(1);
  });

  it('leave out the ingest URL of a stack deployed before the webhook', async () => {
    const { IngestUrl: _, ...older } = OUTPUTS;
    cloudformation.on(DescribeStacksCommand).resolves(deployed(older));
    expect(await stackUrls({ stack: 'Pullwatch', region: 'eu-west-1' })).not.toHaveProperty('ingest');
  });

  it('fail with a message naming the stack and region when the stack is missing or is not pullwatch', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejectsOnce(new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', message: 'Stack with id Nope does not exist', $metadata: {} }))
      .resolves(deployed({ BucketName: 'b' }));
    const missing = await failure(stackUrls({ stack: 'Nope', region: 'sa-east-1' }));
    expect(missing).toBeInstanceOf(AwsTargetError);
    expect(missing.message).toMatch(/^stack "Nope" not found in sa-east-1: deploy it with `npx cdk deploy`/);
    expect((await failure(stackUrls({ stack: 'Other', region: 'sa-east-1' }))).message).toMatch(/^stack "Other" in sa-east-1 has no DashboardUrl output \(its outputs: BucketName/);
  });

  it('fail naming the region when AWS refuses DescribeStacks', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(new CloudFormationServiceException({ name: 'AccessDenied', $fault: 'client', message: 'not authorized to perform: cloudformation:DescribeStacks', $metadata: {} }));
    expect((await failure(stackUrls({ stack: 'Pullwatch', region: 'eu-west-1' }))).message).toBe(
      'AWS refused the request in eu-west-1 (AccessDenied): not authorized to perform: cloudformation:DescribeStacks',
    );
  });

  it('need a region', async () => {
    expect((await failure(stackUrls({ stack: 'Pullwatch' }))).message).toBe('no AWS region: pass --region <region>, or set AWS_REGION or a region in your AWS profile');
    expect(cloudformation.calls()).toHaveLength(0);
  });
});

describe('starting a collection in a deployed stack', () => {
  it('invokes the function named by DispatchFunctionName, waiting for its answer, and says what it queued', async () => {
    cloudformation.on(DescribeStacksCommand, { StackName: 'Pullwatch' }).resolves(deployed(OUTPUTS));
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ dispatched: 12, rejected: 1 }) });
    expect(await startCollection({ stack: 'Pullwatch', region: 'eu-west-1' })).toEqual({
      stack: 'Pullwatch',
      region: 'eu-west-1',
      functionName: 'Pullwatch-CollectorDispatch7D7C72BB-AbCdEf',
      dispatched: 12,
      rejected: 1,
    });
    expect(lambda.commandCalls(InvokeCommand)[0]!.args[0].input).toMatchObject({ FunctionName: 'Pullwatch-CollectorDispatch7D7C72BB-AbCdEf', InvocationType: 'RequestResponse' });
  });

  it('takes the region from the environment when none is given', async () => {
    process.env.AWS_REGION = 'ap-south-1';
    cloudformation.on(DescribeStacksCommand).resolves(deployed(OUTPUTS));
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ dispatched: 0, rejected: 0 }) });
    expect(await startCollection({ stack: 'Pullwatch' })).toMatchObject({ region: 'ap-south-1', dispatched: 0 });
  });

  it('tells a stack deployed before the output existed to redeploy, naming its outputs', async () => {
    const { DispatchFunctionName: _, ...older } = OUTPUTS;
    cloudformation.on(DescribeStacksCommand).resolves(deployed(older));
    const error = await failure(startCollection({ stack: 'Pullwatch', region: 'eu-west-1' }));
    expect(error.message).toMatch(/^stack "Pullwatch" in eu-west-1 has no DispatchFunctionName output \(its outputs: DashboardUrl, ApiUrl, IngestUrl, ReposTableName/);
    expect(error.message).toContain('Redeploy it with `npx cdk deploy`, or pass --stack <name>');
    expect(lambda.calls()).toHaveLength(0);
  });

  it('names the stack and region when the stack is missing', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', message: 'Stack with id Staging does not exist', $metadata: {} }));
    expect((await failure(startCollection({ stack: 'Staging', region: 'us-west-2' }))).message).toMatch(/^stack "Staging" not found in us-west-2/);
  });

  it('names the permission missing when AWS refuses the invoke', async () => {
    cloudformation.on(DescribeStacksCommand).resolves(deployed(OUTPUTS));
    lambda.on(InvokeCommand).rejects(
      new LambdaServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'User is not authorized to perform: lambda:InvokeFunction', $metadata: {} }),
    );
    const error = await failure(startCollection({ stack: 'Pullwatch', region: 'eu-west-1' }));
    expect(error).toBeInstanceOf(AwsTargetError);
    expect(error.message).toBe(
      'AWS refused to invoke the dispatch function Pullwatch-CollectorDispatch7D7C72BB-AbCdEf (stack Pullwatch, eu-west-1): your credentials need lambda:InvokeFunction on it (User is not authorized to perform: lambda:InvokeFunction)',
    );
  });

  it('says the function is gone when Lambda cannot find it', async () => {
    cloudformation.on(DescribeStacksCommand).resolves(deployed(OUTPUTS));
    lambda.on(InvokeCommand).rejects(new LambdaServiceException({ name: 'ResourceNotFoundException', $fault: 'client', message: 'Function not found', $metadata: {} }));
    expect((await failure(startCollection({ stack: 'Pullwatch', region: 'eu-west-1' }))).message).toMatch(
      /^dispatch function Pullwatch-CollectorDispatch7D7C72BB-AbCdEf \(stack Pullwatch, eu-west-1\) not found: redeploy/,
    );
  });

  it("reports the function's own failure with Lambda's error message", async () => {
    cloudformation.on(DescribeStacksCommand).resolves(deployed(OUTPUTS));
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorType: 'ConfigError', errorMessage: 'REPOS_TABLE is not set' }) });
    expect((await failure(startCollection({ stack: 'Pullwatch', region: 'eu-west-1' }))).message).toBe(
      'the dispatch function Pullwatch-CollectorDispatch7D7C72BB-AbCdEf (stack Pullwatch, eu-west-1) failed (Unhandled): ConfigError: REPOS_TABLE is not set; see its log group',
    );
  });

  it('refuses an answer that is not a dispatch result', async () => {
    cloudformation.on(DescribeStacksCommand).resolves(deployed(OUTPUTS));
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload('hello') });
    expect((await failure(startCollection({ stack: 'Pullwatch', region: 'eu-west-1' }))).message).toMatch(/answered "\\"hello\\"", not a dispatch result/);
  });
});
