import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, synthesize } from './synth.ts';

const { template } = synthesize();

describe('repos table', () => {
  it('is keyed by ref, billed on demand, recoverable to a point in time and kept when the stack goes', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: 'ref', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'ref', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('is named to every handler through REPOS_TABLE (the store guard has no use for it)', () => {
    const table = logicalId(template, 'AWS::DynamoDB::GlobalTable', 'ReposTable');
    const functions = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } }));
    const handlers = functions.filter(([id]) => !id.startsWith('StoreGuard'));
    expect(handlers).toHaveLength(4);
    for (const [, fn] of handlers) {
      expect(fn.Properties.Environment.Variables.REPOS_TABLE).toEqual({ Ref: table });
    }
  });
});
