import { describe, expect, it } from 'vitest';
import { synthesize } from './synth.ts';

const { template } = synthesize();
const functions = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } }));
const logGroups = template.findResources('AWS::Logs::LogGroup');

describe('every pullwatch function', () => {
  it('exists five times: dispatch, collect, api, ingest and the store guard', () => {
    expect(functions.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'CollectorCollect',
      'CollectorDispatch',
      'QueryApi',
      'StoreGuardFunction',
      'WebhookIngest',
    ]);
  });

  it.each(functions)('%s runs Node.js 24 on arm64 with JSON logs and source-mapped stack traces', (id, fn) => {
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogFormat: 'JSON' },
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
    });
    // The guard compares two strings once per deploy; the handlers get at least 256 MiB.
    expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(id.startsWith('StoreGuard') ? 128 : 256);
    expect(fn.Properties.TracingConfig).toBeUndefined();
  });

  it.each(functions)('%s logs to its own log group, kept a month and deleted with the stack', (_id, fn) => {
    const logGroupRef = fn.Properties.LoggingConfig.LogGroup as { Ref: string };
    expect(logGroups[logGroupRef.Ref]).toMatchObject({
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
    });
  });

  it.each(functions)('%s has its own role, with no managed policies', (_id, fn) => {
    const role = template.findResources('AWS::IAM::Role')[(fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
  });
});
