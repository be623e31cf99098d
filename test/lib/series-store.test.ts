import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionPermissions, logicalId, synthesize } from './synth.ts';

const timestream = synthesize({ context: { store: 'timestream' }, region: 'us-east-1' }).template;
const dynamodb = synthesize().template;

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'timestream:WriteRecords',
];

const functionsOf = (template: typeof timestream) => ({
  dispatch: logicalId(template, 'AWS::Lambda::Function', 'CollectorDispatch'),
  collect: logicalId(template, 'AWS::Lambda::Function', 'CollectorCollect'),
  api: logicalId(template, 'AWS::Lambda::Function', 'QueryApi'),
});
const environmentOf = (template: typeof timestream, fn: string) =>
  template.toJSON().Resources[fn].Properties.Environment.Variables as Record<string, unknown>;
const actionsOf = (template: typeof timestream, fn: string) => functionPermissions(template, fn).flatMap((s) => s.actions);
const mentions = (value: unknown, logicalId: string) => JSON.stringify(value).includes(`"${logicalId}"`);

describe('Timestream series store (-c store=timestream)', () => {
  const fns = functionsOf(timestream);
  const database = logicalId(timestream, 'AWS::Timestream::Database', 'SeriesDatabase');
  const table = logicalId(timestream, 'AWS::Timestream::Table', 'SeriesTable');
  const readModel = logicalId(timestream, 'AWS::DynamoDB::GlobalTable', 'SeriesReadModel');

  it('keeps a day in memory and, by default, as long as Timestream can on magnetic storage, which also accepts late writes', () => {
    timestream.hasResource('AWS::Timestream::Table', {
      Properties: {
        DatabaseName: { Ref: database },
        TableName: 'pulls',
        RetentionProperties: { MemoryStoreRetentionPeriodInHours: '24', MagneticStoreRetentionPeriodInDays: '73000' },
        MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
      },
      DeletionPolicy: 'Retain',
    });
    timestream.hasResource('AWS::Timestream::Database', { DeletionPolicy: 'Retain' });
  });

  it('keeps retentionDays of samples when asked, and tells the functions', () => {
    const kept = synthesize({ context: { store: 'timestream', retentionDays: 400 }, region: 'us-east-1' }).template;
    kept.hasResourceProperties('AWS::Timestream::Table', { RetentionProperties: { MemoryStoreRetentionPeriodInHours: '24', MagneticStoreRetentionPeriodInDays: '400' } });
    const collectId = logicalId(kept, 'AWS::Lambda::Function', 'CollectorCollect');
    expect(kept.toJSON().Resources[collectId].Properties.Environment.Variables.RETENTION_DAYS).toBe('400');
  });

  it('creates no DynamoDB series table, only the read model beside it', () => {
    // Besides the repos table, the webhook's counters table and the collectors' request schedule.
    expect(Object.keys(timestream.findResources('AWS::DynamoDB::GlobalTable')).filter((id) => !/^(Repos|WebhookCounters|CollectorRequestSchedule)/.test(id))).toEqual([readModel]);
  });

  it('tells collect and api where it is', () => {
    for (const fn of [fns.collect, fns.api]) {
      expect(environmentOf(timestream, fn)).toMatchObject({
        SERIES_STORE: 'timestream',
        TIMESTREAM_DATABASE: { Ref: database },
        TIMESTREAM_TABLE: 'pulls',
      });
      expect(environmentOf(timestream, fn)).not.toHaveProperty('SERIES_TABLE');
    }
  });

  it('lets collect write records to the table and nothing more', () => {
    expect(functionPermissions(timestream, fns.collect).filter((s) => s.actions.some((a) => a.startsWith('timestream:')))).toEqual([
      { actions: ['timestream:DescribeEndpoints'], resources: ['*'] },
      { actions: ['timestream:WriteRecords'], resources: [{ 'Fn::GetAtt': [table, 'Arn'] }] },
    ]);
  });

  it('lets api select from the table, and describe it for the health check, and nothing more', () => {
    expect(functionPermissions(timestream, fns.api).filter((s) => s.actions.some((a) => a.startsWith('timestream:')))).toEqual([
      { actions: ['timestream:DescribeEndpoints'], resources: ['*'] },
      { actions: ['timestream:Select', 'timestream:DescribeTable'], resources: [{ 'Fn::GetAtt': [table, 'Arn'] }] },
    ]);
  });

  it('gives dispatch no access to the series store', () => {
    expect(actionsOf(timestream, fns.dispatch).filter((a) => a.startsWith('timestream:'))).toEqual([]);
    expect(Object.keys(environmentOf(timestream, fns.dispatch)).filter((name) => /SERIES|TIMESTREAM/.test(name))).toEqual([]);
  });

  it('gives api no write action on any table', () => {
    expect(actionsOf(timestream, fns.api).filter((a) => WRITE_ACTIONS.includes(a))).toEqual([]);
  });

  it('keeps the read model in a DynamoDB table of the series key schema: on demand, recoverable, kept, no TTL', () => {
    timestream.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
      DeletionPolicy: 'Retain',
    });
    expect(timestream.toJSON().Resources[readModel].Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('tells collect and api where the read model is; collect may write it, api only read it', () => {
    for (const fn of [fns.collect, fns.api]) expect(environmentOf(timestream, fn)).toMatchObject({ READ_MODEL_TABLE: { Ref: readModel }, RETENTION_DAYS: '0' });
    const onReadModel = (fn: string) => functionPermissions(timestream, fn).filter((s) => mentions(s.resources, readModel)).flatMap((s) => s.actions);
    expect(onReadModel(fns.collect)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']));
    expect(onReadModel(fns.api)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    expect(onReadModel(fns.api).filter((a) => WRITE_ACTIONS.includes(a))).toEqual([]);
  });

  it('gives dispatch no access to the read model', () => {
    expect(functionPermissions(timestream, fns.dispatch).filter((s) => mentions(s.resources, readModel))).toEqual([]);
    expect(environmentOf(timestream, fns.dispatch)).not.toHaveProperty('READ_MODEL_TABLE');
  });
});

describe('DynamoDB series store (the default)', () => {
  const fns = functionsOf(dynamodb);
  const seriesTable = logicalId(dynamodb, 'AWS::DynamoDB::GlobalTable', 'SeriesTable');

  it('is keyed by pk and sk, billed on demand, recoverable, expires items by expires_at and is kept', () => {
    dynamodb.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('creates no Timestream resources and grants no timestream action to anyone', () => {
    const types = Object.values(dynamodb.toJSON().Resources).map((r) => (r as { Type: string }).Type);
    expect(types.filter((type) => type.startsWith('AWS::Timestream::'))).toEqual([]);
    const policies = Object.values(dynamodb.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument);
    expect(JSON.stringify(policies)).not.toContain('timestream:');
  });

  it('tells collect and api where it is, and that the read model is in it', () => {
    for (const fn of [fns.collect, fns.api]) {
      expect(environmentOf(dynamodb, fn)).toMatchObject({ SERIES_STORE: 'dynamodb', SERIES_TABLE: { Ref: seriesTable }, READ_MODEL_TABLE: { Ref: seriesTable } });
      expect(Object.keys(environmentOf(dynamodb, fn)).filter((name) => name.startsWith('TIMESTREAM_'))).toEqual([]);
    }
  });

  it('lets collect write to the series table, the read model included', () => {
    const onSeries = functionPermissions(dynamodb, fns.collect).filter((s) => mentions(s.resources, seriesTable));
    expect(onSeries.flatMap((s) => s.actions)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:UpdateItem']));
  });

  it('creates no table for the read model', () => {
    expect(Object.keys(dynamodb.findResources('AWS::DynamoDB::GlobalTable')).filter((id) => !/^(Repos|WebhookCounters|CollectorRequestSchedule)/.test(id))).toEqual([seriesTable]);
  });

  it('lets api only read the series table', () => {
    const onSeries = functionPermissions(dynamodb, fns.api).filter((s) => mentions(s.resources, seriesTable));
    expect(onSeries.flatMap((s) => s.actions)).toContain('dynamodb:Query');
    expect(actionsOf(dynamodb, fns.api).filter((a) => WRITE_ACTIONS.includes(a))).toEqual([]);
  });

  it('gives dispatch no access to the series table', () => {
    expect(functionPermissions(dynamodb, fns.dispatch).filter((s) => mentions(s.resources, seriesTable))).toEqual([]);
    expect(environmentOf(dynamodb, fns.dispatch)).not.toHaveProperty('SERIES_TABLE');
    expect(environmentOf(dynamodb, fns.dispatch)).not.toHaveProperty('READ_MODEL_TABLE');
  });
});
