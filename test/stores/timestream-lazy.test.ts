// The Timestream store as the functions get it from their environment: built on first use, then reused.
import { QueryCommand, TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { DescribeTableCommand, TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storesFromEnv } from '../../lambdas/stores/from-env.ts';

const writer = mockClient(TimestreamWriteClient);
const reader = mockClient(TimestreamQueryClient);
const env = {
  SERIES_STORE: 'timestream',
  TIMESTREAM_DATABASE: 'pullwatch-db',
  TIMESTREAM_TABLE: 'pulls',
  REPOS_TABLE: 'repos',
  READ_MODEL_TABLE: 'read-model',
};

beforeEach(() => {
  writer.reset();
  reader.reset();
  process.env.AWS_REGION = 'us-east-1';
});
afterEach(() => {
  delete process.env.AWS_REGION;
});

describe('the Timestream series store from the environment', () => {
  it('makes no Timestream call until asked, then sends each call to the table the stack named', async () => {
    writer.on(DescribeTableCommand).resolves({ Table: { TableName: 'pulls', TableStatus: 'ACTIVE' } });
    writer.on(WriteRecordsCommand).resolves({});
    const { series } = storesFromEnv(env);
    expect(writer.calls()).toHaveLength(0);
    expect(reader.calls()).toHaveLength(0);

    await series.health();
    await series.write([{ registry: 'dockerhub', repo: 'library/nginx', collectedAt: '2026-11-23T10:00:00.000Z', pullCount: 5 }]);
    expect(writer.commandCalls(DescribeTableCommand)[0]!.args[0].input).toEqual({ DatabaseName: 'pullwatch-db', TableName: 'pulls' });
    expect(writer.commandCalls(WriteRecordsCommand)[0]!.args[0].input).toMatchObject({ DatabaseName: 'pullwatch-db', TableName: 'pulls' });
  });

  it('passes reads through with their arguments', async () => {
    reader.on(QueryCommand).resolves({ Rows: [], ColumnInfo: [] });
    writer.on(DescribeTableCommand).resolves({ Table: { TableName: 'pulls', TableStatus: 'ACTIVE' } });
    const { series } = storesFromEnv(env);
    expect(await series.daily('2026-11-01', '2026-11-02', { registries: ['dockerhub'] })).toEqual([]);
    expect(String(reader.commandCalls(QueryCommand)[0]!.args[0].input.QueryString)).toContain('"pullwatch-db"."pulls"');
  });
});
