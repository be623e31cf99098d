// The store guard: its rule, its answers to CloudFormation (over real HTTP), and how the template wires it.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeChangeRefusal } from '../../lambdas/core/store-guard.ts';
import { type StoreGuardDeps, handler, judge, respond } from '../../lambdas/store-guard/handler.ts';
import { logicalId, synthesize } from './synth.ts';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/PullwatchStaging/0a1b2c3d-0000-4000-8000-000000000000';

describe('the store rule', () => {
  const change = { stackName: 'Pullwatch', allowStoreChange: false };

  it('lets a first deploy, an unchanged store and an allowed switch through', () => {
    expect(storeChangeRefusal({ ...change, recorded: undefined, requested: 'dynamodb' })).toBeUndefined();
    expect(storeChangeRefusal({ ...change, recorded: 'timestream', requested: 'timestream' })).toBeUndefined();
    expect(storeChangeRefusal({ ...change, recorded: 'timestream', requested: 'dynamodb', allowStoreChange: true })).toBeUndefined();
  });

  it('refuses a silent switch, naming the stack, both stores and both ways out', () => {
    const refusal = storeChangeRefusal({ ...change, recorded: 'timestream', requested: 'dynamodb' });
    expect(refusal).toContain('stack Pullwatch keeps its samples in timestream, and this deploy would switch it to dynamodb');
    expect(refusal).toContain('-c store=timestream');
    expect(refusal).toContain('"store": "timestream" in cdk.json');
    expect(refusal).toContain('-c allowStoreChange=true');
  });
});

type Request = CloudFormationCustomResourceEvent;
const base = { ServiceToken: 'arn:fn', ResponseURL: '', StackId: STACK_ID, RequestId: 'req-1', LogicalResourceId: 'StoreGuard', ResourceType: 'Custom::PullwatchStoreGuard' };
const props = (Store: string, AllowStoreChange = 'false') => ({ ServiceToken: 'arn:fn', Store, AllowStoreChange });
const create = (Store: string): Request => ({ ...base, RequestType: 'Create', ResourceProperties: props(Store) });
const update = (from: string, to: string, allow = 'false'): Request => ({
  ...base,
  RequestType: 'Update',
  PhysicalResourceId: 'store-guard',
  ResourceProperties: props(to, allow),
  OldResourceProperties: props(from),
});
const stack = (status: string, outputs: Record<string, string> = {}): Stack => ({
  StackName: 'PullwatchStaging',
  StackStatus: status as Stack['StackStatus'],
  CreationTime: new Date('2026-11-01T00:00:00Z'),
  Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
});
const describing = (found: Stack | undefined): StoreGuardDeps & { calls: number } => {
  const deps = { calls: 0, describeStack: async () => (deps.calls++, found) };
  return deps;
};

describe('the verdict on a deploy', () => {
  it('passes an update that keeps the store without asking CloudFormation anything', async () => {
    const deps = describing(stack('UPDATE_IN_PROGRESS'));
    expect(await judge(update('dynamodb', 'dynamodb'), deps)).toEqual({ status: 'SUCCESS' });
    expect(deps.calls).toBe(0);
  });

  it('fails an update that switches the store, with the reason CloudFormation will show', async () => {
    const verdict = await judge(update('timestream', 'dynamodb'), describing(stack('UPDATE_IN_PROGRESS')));
    expect(verdict).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('stack PullwatchStaging keeps its samples in timestream') });
  });

  it('passes a switch asked for with allowStoreChange=true', async () => {
    expect(await judge(update('timestream', 'dynamodb', 'true'), describing(stack('UPDATE_IN_PROGRESS')))).toEqual({ status: 'SUCCESS' });
  });

  it('passes the rollback of a refused switch, which brings the recorded store back', async () => {
    expect(await judge(update('dynamodb', 'timestream'), describing(stack('UPDATE_ROLLBACK_IN_PROGRESS')))).toEqual({ status: 'SUCCESS' });
  });

  it("reads the store of a stack deployed before it had a guard from the stack's SeriesStoreKind output", async () => {
    const older = describing(stack('UPDATE_IN_PROGRESS', { SeriesStoreKind: 'timestream', DashboardUrl: 'https://d.example' }));
    expect(await judge(create('dynamodb'), older)).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('keeps its samples in timestream') });
    expect(await judge(create('timestream'), older)).toEqual({ status: 'SUCCESS' });
  });

  it('passes the first deploy of a new stack, which has no outputs yet', async () => {
    expect(await judge(create('timestream'), describing(stack('CREATE_IN_PROGRESS')))).toEqual({ status: 'SUCCESS' });
  });

  it('never blocks the deletion of a stack', async () => {
    const deps = describing(undefined);
    expect(await judge({ ...base, RequestType: 'Delete', PhysicalResourceId: 'store-guard', ResourceProperties: props('dynamodb') }, deps)).toEqual({ status: 'SUCCESS' });
    expect(deps.calls).toBe(0);
  });
});

describe("the answer at CloudFormation's response URL", () => {
  const received: { method: string; contentType: string | undefined; body: Record<string, unknown> }[] = [];
  let status = 200;
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ method: request.method!, contentType: request.headers['content-type'], body: JSON.parse(body) });
      response.writeHead(status).end();
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/signed?X-Amz-Signature=abc`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    status = 200;
  });

  it('PUTs SUCCESS with the ids CloudFormation matches it by, and no content type (the URL is signed without one)', async () => {
    await respond({ ...create('dynamodb'), ResponseURL: url }, describing(stack('CREATE_IN_PROGRESS')));
    expect(received).toEqual([
      {
        method: 'PUT',
        contentType: '',
        body: { Status: 'SUCCESS', PhysicalResourceId: 'store-guard', StackId: STACK_ID, RequestId: 'req-1', LogicalResourceId: 'StoreGuard' },
      },
    ]);
  });

  it('PUTs FAILED with the reason for a refused switch, keeping the physical id', async () => {
    await respond({ ...update('dynamodb', 'timestream'), ResponseURL: url }, describing(stack('UPDATE_IN_PROGRESS')));
    expect(received[0]!.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'store-guard', Reason: expect.stringContaining('-c allowStoreChange=true') });
  });

  it('answers FAILED, not nothing, when it cannot read the stack', async () => {
    const broken = { describeStack: async () => Promise.reject(new Error('Rate exceeded')) };
    await respond({ ...create('dynamodb'), ResponseURL: url }, broken);
    expect(received[0]!.body).toMatchObject({ Status: 'FAILED', Reason: 'the store guard could not check the stack: Rate exceeded' });
  });

  it('throws when the response URL refuses the answer, so the failure shows in the log', async () => {
    status = 403;
    await expect(respond({ ...create('dynamodb'), ResponseURL: url }, describing(stack('CREATE_IN_PROGRESS')))).rejects.toThrow("CloudFormation's response URL answered 403");
  });

  it('describes its own stack by id through the CloudFormation client', async () => {
    const cloudformation = mockClient(CloudFormationClient);
    process.env.AWS_REGION = 'eu-west-1';
    try {
      cloudformation.on(DescribeStacksCommand, { StackName: STACK_ID }).resolves({ Stacks: [stack('UPDATE_IN_PROGRESS', { SeriesStoreKind: 'timestream' })] });
      expect(await handler({ ...create('dynamodb'), ResponseURL: url })).toMatchObject({ status: 'FAILED' });
      expect(received[0]!.body.Status).toBe('FAILED');
    } finally {
      cloudformation.restore();
      delete process.env.AWS_REGION;
    }
  });
});

describe('the guard in the template', () => {
  const { template } = synthesize({ context: { store: 'timestream', allowStoreChange: 'true' }, region: 'us-east-1' });
  const resources = template.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[]; Properties: Record<string, unknown> }>;
  const guard = logicalId(template, 'Custom::PullwatchStoreGuard', 'StoreGuard');

  it('records the store and whether this deploy may switch it, calling its own function', () => {
    const guardFunction = logicalId(template, 'AWS::Lambda::Function', 'StoreGuardFunction');
    expect(resources[guard]!.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [guardFunction, 'Arn'] },
      Store: 'timestream',
      AllowStoreChange: 'true',
    });
    expect(synthesize().template.toJSON().Resources[guard].Properties).toMatchObject({ Store: 'dynamodb', AllowStoreChange: 'false' });
  });

  it('comes before the store and every function that uses it, so a refused switch creates nothing', () => {
    const waiting = (type: string, prefix: string) => resources[logicalId(template, type, prefix)]!.DependsOn ?? [];
    for (const [type, prefix] of [
      ['AWS::Timestream::Database', 'SeriesDatabase'],
      ['AWS::Timestream::Table', 'SeriesTable'],
      ['AWS::DynamoDB::GlobalTable', 'SeriesReadModel'],
      ['AWS::Lambda::Function', 'CollectorCollect'],
      ['AWS::Lambda::Function', 'CollectorDispatch'],
      ['AWS::Lambda::Function', 'QueryApi'],
      ['AWS::Lambda::Function', 'WebhookIngest'],
    ] as const) {
      expect(waiting(type, prefix), prefix).toContain(guard);
    }
    const dynamo = synthesize().template;
    const dynamoGuard = logicalId(dynamo, 'Custom::PullwatchStoreGuard', 'StoreGuard');
    expect(dynamo.toJSON().Resources[logicalId(dynamo, 'AWS::DynamoDB::GlobalTable', 'SeriesTable')].DependsOn).toContain(dynamoGuard);
  });
});
