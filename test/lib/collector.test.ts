import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionPermissions, logicalId, synthesize } from './synth.ts';

const { template } = synthesize();
const dispatch = logicalId(template, 'AWS::Lambda::Function', 'CollectorDispatch');
const collect = logicalId(template, 'AWS::Lambda::Function', 'CollectorCollect');
const queue = logicalId(template, 'AWS::SQS::Queue', 'CollectorQueue');
const deadLetterQueue = logicalId(template, 'AWS::SQS::Queue', 'CollectorDeadLetterQueue');
const resource = (id: string) => template.toJSON().Resources[id];

describe('collector schedule', () => {
  it('invokes dispatch at the poll interval, retrying a failed round only briefly and never past the next round', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)', // CDK writes 60 minutes in the largest whole unit
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [dispatch, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      }),
    });
  });

  it('follows pollMinutes from context, the maximum event age with it (at most the 24 hours Scheduler allows)', () => {
    synthesize({ context: { pollMinutes: '15' } }).template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 } }),
    });
    synthesize({ context: { pollMinutes: 2880 } }).template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 86_400 } }),
    });
  });

  it('passes the poll interval to both functions as POLL_MINUTES', () => {
    for (const fn of [dispatch, collect]) {
      expect(resource(fn).Properties.Environment.Variables.POLL_MINUTES).toBe('60');
    }
  });
});

describe('collector queue', () => {
  it.each([queue, deadLetterQueue])('%s refuses requests without TLS and is encrypted by SQS', (id) => {
    expect(resource(id).Properties.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('hides a message for at least six collect timeouts', () => {
    expect(resource(queue).Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * resource(collect).Properties.Timeout);
  });

  it('dead-letters a message after three receives and keeps dead letters longer than live ones', () => {
    expect(resource(queue).Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueue, 'Arn'] },
      maxReceiveCount: 3,
    });
    expect(resource(deadLetterQueue).Properties.MessageRetentionPeriod).toBeGreaterThan(
      resource(queue).Properties.MessageRetentionPeriod,
    );
  });

  it('is named to dispatch and collect through QUEUE_URL; both may send to it', () => {
    for (const fn of [dispatch, collect]) {
      expect(resource(fn).Properties.Environment.Variables.QUEUE_URL).toEqual({ Ref: queue });
      expect(functionPermissions(template, fn).flatMap((s) => s.actions)).toContain('sqs:SendMessage');
    }
  });
});

describe('collect event source', () => {
  it('delivers batches of ten, reports partial failures and runs at most two batches at once', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: collect },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('gives collect a 60 second timeout', () => {
    expect(resource(collect).Properties.Timeout).toBe(60);
  });
});

describe('GitHub discovery', () => {
  it('gives collect its GitHub token secret and API URL only when the context names them', () => {
    expect(resource(collect).Properties.Environment.Variables.GITHUB_SECRET).toBeUndefined();
    expect(resource(collect).Properties.Environment.Variables.GITHUB_API_URL).toBeUndefined();
    const withGitHub = synthesize({ context: { githubSecret: 'pullwatch/github', githubApiUrl: 'https://github.example.com/api/v3/' } }).template;
    const collectId = logicalId(withGitHub, 'AWS::Lambda::Function', 'CollectorCollect');
    const dispatchId = logicalId(withGitHub, 'AWS::Lambda::Function', 'CollectorDispatch');
    const secrets = (fn: string) => functionPermissions(withGitHub, fn).flatMap((s) => s.actions).filter((action) => action.startsWith('secretsmanager:'));
    expect(secrets(collectId)).toEqual(['secretsmanager:GetSecretValue']);
    expect(secrets(dispatchId)).toEqual([]);
    expect(withGitHub.toJSON().Resources[collectId].Properties.Environment.Variables).toMatchObject({ GITHUB_SECRET: 'pullwatch/github', GITHUB_API_URL: 'https://github.example.com/api/v3' });
  });
});

describe('Docker Hub secret', () => {
  const secretActions = (t: typeof template, fn: string) =>
    functionPermissions(t, fn).flatMap((s) => s.actions).filter((action) => action.startsWith('secretsmanager:'));

  it('is neither read nor referenced unless the dockerhubSecret context names one', () => {
    expect(secretActions(template, collect)).toEqual([]);
    expect(resource(collect).Properties.Environment.Variables.DOCKERHUB_SECRET).toBeUndefined();
  });

  it('lets collect alone read the named secret, and tells it which one', () => {
    const withSecret = synthesize({ context: { dockerhubSecret: 'pullwatch/dockerhub' } }).template;
    const collectId = logicalId(withSecret, 'AWS::Lambda::Function', 'CollectorCollect');
    const dispatchId = logicalId(withSecret, 'AWS::Lambda::Function', 'CollectorDispatch');
    expect(secretActions(withSecret, collectId)).toContain('secretsmanager:GetSecretValue');
    expect(secretActions(withSecret, dispatchId)).toEqual([]);
    expect(withSecret.toJSON().Resources[collectId].Properties.Environment.Variables.DOCKERHUB_SECRET).toBe('pullwatch/dockerhub');
  });
});

describe('shared request schedule', () => {
  const scheduleTable = logicalId(template, 'AWS::DynamoDB::GlobalTable', 'CollectorRequestSchedule');
  const onSchedule = (fn: string) =>
    functionPermissions(template, fn)
      .filter((statement) => JSON.stringify(statement.resources).includes(`"${scheduleTable}"`))
      .flatMap((statement) => statement.actions);

  it('is an on-demand table keyed by registry, deleted with the stack: it holds only pacing state', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'registry', KeyType: 'HASH' }],
      }),
      DeletionPolicy: 'Delete',
    });
    expect(resource(scheduleTable).Properties.Replicas[0].PointInTimeRecoverySpecification).toBeUndefined();
  });

  it('is named to collect, which may only move a registry on and read it; dispatch may not touch it', () => {
    expect(resource(collect).Properties.Environment.Variables.REQUEST_SCHEDULE_TABLE).toEqual({ Ref: scheduleTable });
    expect(onSchedule(collect).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(onSchedule(dispatch)).toEqual([]);
  });
});
