// Least privilege, read from the template: each role's allowed actions on each resource, for both stores.
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionPermissions, logicalId, synthesize } from './synth.ts';

/** A resource as a person reads it: the logical id without CDK's hash, `*`, or a pseudo parameter. */
function label(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const ref = resource as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = ref.Ref ?? ref['Fn::GetAtt']?.[0];
  if (!id) throw new Error(`unexpected resource ${JSON.stringify(resource)}`);
  return id.replace(/[0-9A-F]{8}$/, '');
}

/** Per resource, the sorted set of actions the function's role allows on it. */
function allowed(template: Template, functionPrefix: string): Record<string, string[]> {
  const byResource: Record<string, Set<string>> = {};
  for (const statement of functionPermissions(template, logicalId(template, 'AWS::Lambda::Function', functionPrefix))) {
    for (const resource of statement.resources) for (const action of statement.actions) (byResource[label(resource)] ??= new Set()).add(action);
  }
  return Object.fromEntries(Object.entries(byResource).map(([resource, actions]) => [resource, [...actions].sort()]));
}

const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
// The event source mapping polls the queue with the function's role.
const QUEUE_CONSUMER = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'sqs:SendMessage'];
const NEVER_FROM_THE_INTERNET = ['dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

describe.each([
  {
    store: 'dynamodb',
    region: undefined,
    collectStore: { SeriesTable: ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
    apiStore: { SeriesTable: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'] },
  },
  {
    store: 'timestream',
    region: 'eu-west-1',
    collectStore: {
      '*': ['timestream:DescribeEndpoints'],
      SeriesTable: ['timestream:WriteRecords'],
      SeriesReadModelTable: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    },
    apiStore: {
      '*': ['timestream:DescribeEndpoints'],
      SeriesTable: ['timestream:DescribeTable', 'timestream:Select'],
      SeriesReadModelTable: ['dynamodb:GetItem', 'dynamodb:Query'],
    },
  },
])('the roles on the $store store', ({ store, region, collectStore, apiStore }) => {
  const { template } = synthesize({ context: { store }, region });

  it('let dispatch list the tracked refs and queue them, nothing else', () => {
    expect(allowed(template, 'CollectorDispatch')).toEqual({
      CollectorDispatchLogs: LOGS,
      ReposTable: ['dynamodb:Scan'],
      CollectorQueue: ['sqs:SendMessage'],
    });
  });

  it('let collect record outcomes, write samples and views, reserve request slots and read webhook counts', () => {
    expect(allowed(template, 'CollectorCollect')).toEqual({
      CollectorCollectLogs: LOGS,
      // Outcomes, and a github: item's discovery progress.
      ReposTable: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      ...collectStore,
      CollectorRequestSchedule: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      CollectorQueue: QUEUE_CONSUMER,
      WebhookCounters: ['dynamodb:GetItem'],
    });
  });

  it('let api only read', () => {
    const api = allowed(template, 'QueryApi');
    expect(api).toEqual({
      QueryApiLogs: LOGS,
      ReposTable: ['dynamodb:Scan'],
      ...apiStore,
      WebhookCounters: ['dynamodb:GetItem', 'dynamodb:Query'],
    });
    const writes = Object.values(api).flat().filter((action) => /Put|Update|Delete|Write|BatchWrite/.test(action) && !action.startsWith('logs:'));
    expect(writes).toEqual([]);
  });

  it('let the webhook record counts with conditional puts and updates, add refs and read its token, nothing else', () => {
    expect(allowed(template, 'WebhookIngest')).toEqual({
      WebhookIngestLogs: LOGS,
      WebhookCounters: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      WebhookIngestToken: ['secretsmanager:GetSecretValue'],
      ReposTable: ['dynamodb:PutItem', 'dynamodb:Scan'],
    });
  });

  it('scan only the repos table from the internet-facing functions, and never delete or batch-write', () => {
    for (const fn of ['WebhookIngest', 'QueryApi']) {
      for (const [resource, actions] of Object.entries(allowed(template, fn))) {
        const risky = actions.filter((action) => NEVER_FROM_THE_INTERNET.includes(action));
        // Listing the tracked refs is reading the whole repos table by design: a few hundred small items.
        expect(risky, `${fn} on ${resource}`).toEqual(resource === 'ReposTable' ? ['dynamodb:Scan'] : []);
      }
    }
  });

  it('let the store guard describe its own stack only', () => {
    expect(allowed(template, 'StoreGuardFunction')).toEqual({
      StoreGuardFunctionLogs: LOGS,
      'AWS::StackId': ['cloudformation:DescribeStacks'],
    });
  });
});
