import { QueryCommand, TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../lambdas/core/samples.ts';
import { TimestreamSeriesStore, latestQuery } from '../../lambdas/stores/timestream/series.ts';

const writer = mockClient(TimestreamWriteClient);
const reader = mockClient(TimestreamQueryClient);
const target = { database: 'pullwatch', table: 'pulls' };
const WRITE_TIME = 1_763_900_000_000;
const store = () => new TimestreamSeriesStore(new TimestreamWriteClient({}), new TimestreamQueryClient({}), target, () => WRITE_TIME);

beforeEach(() => {
  writer.reset();
  reader.reset();
});

const nginx: Sample = {
  registry: 'dockerhub',
  repo: 'library/nginx',
  collectedAt: '2026-11-23T10:00:00.000Z',
  pullCount: 9_007_199_254_740_991,
  starCount: 20_000,
  lastUpdated: '2026-11-20T08:15:30.123456Z',
};

describe('TimestreamSeriesStore.write', () => {
  it('writes one multi-measure record per sample with registry and repo dimensions', async () => {
    writer.on(WriteRecordsCommand).resolves({});
    await store().write([nginx, { registry: 'quay', repo: 'ns/app', collectedAt: '2026-11-22T00:00:00.000Z', pullCount: 3, measure: 'daily_actions' }]);
    const calls = writer.commandCalls(WriteRecordsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      DatabaseName: 'pullwatch',
      TableName: 'pulls',
      Records: [
        {
          Dimensions: [
            { Name: 'registry', Value: 'dockerhub' },
            { Name: 'repo', Value: 'library/nginx' },
          ],
          MeasureName: 'pulls',
          MeasureValueType: 'MULTI',
          MeasureValues: [
            { Name: 'pull_count', Value: '9007199254740991', Type: 'BIGINT' },
            { Name: 'star_count', Value: '20000', Type: 'BIGINT' },
            { Name: 'last_updated', Value: '2026-11-20T08:15:30.123456Z', Type: 'VARCHAR' },
          ],
          Time: String(Date.parse('2026-11-23T10:00:00.000Z')),
          TimeUnit: 'MILLISECONDS',
          Version: WRITE_TIME,
        },
        {
          Dimensions: [
            { Name: 'registry', Value: 'quay' },
            { Name: 'repo', Value: 'ns/app' },
          ],
          MeasureName: 'actions',
          MeasureValueType: 'MULTI',
          MeasureValues: [{ Name: 'pull_count', Value: '3', Type: 'BIGINT' }],
          Time: String(Date.parse('2026-11-22T00:00:00.000Z')),
          TimeUnit: 'MILLISECONDS',
          // A Quay day's Version is its count (+1): only a higher count replaces it.
          Version: 4,
        },
      ],
    });
  });

  it('splits writes at the 100-record limit', async () => {
    writer.on(WriteRecordsCommand).resolves({});
    const samples = Array.from({ length: 250 }, (_, i) => ({ ...nginx, repo: `bulk/r${i}` }));
    await store().write(samples);
    expect(writer.commandCalls(WriteRecordsCommand).map((call) => call.args[0].input.Records?.length)).toEqual([100, 100, 50]);
  });
});

describe('TimestreamSeriesStore.latest', () => {
  // Column types as Timestream reports them for this query.
  const columns = [
    ['registry', 'VARCHAR'],
    ['repo', 'VARCHAR'],
    ['measure_name', 'VARCHAR'],
    ['collected_at', 'TIMESTAMP'],
    ['pull_count', 'BIGINT'],
    ['star_count', 'BIGINT'],
    ['last_updated', 'VARCHAR'],
  ].map(([Name, ScalarType]) => ({ Name, Type: { ScalarType: ScalarType as 'VARCHAR' } }));
  const row = (...values: (string | null)[]) => ({ Data: values.map((value) => (value === null ? { NullValue: true } : { ScalarValue: value })) });

  it('sends the latest-sample query and follows NextToken', async () => {
    reader
      .on(QueryCommand, { QueryString: latestQuery(target) })
      .resolvesOnce({
        ColumnInfo: columns,
        Rows: [row('dockerhub', 'library/nginx', 'pulls', '2026-11-23 10:00:00.000000000', '9007199254740991', '20000', '2026-11-20T08:15:30.123456Z')],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        ColumnInfo: columns,
        Rows: [row('quay', 'ns/app', 'actions', '2026-11-22 00:00:00.000000000', '3', null, null)],
      });
    expect(await store().latest()).toEqual([nginx, { registry: 'quay', repo: 'ns/app', collectedAt: '2026-11-22T00:00:00.000Z', pullCount: 3, measure: 'daily_actions' }]);
    const calls = reader.commandCalls(QueryCommand);
    expect(calls.map((call) => call.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
  });

  it('queries with a time predicate, quoted names and only the measures it knows', () => {
    const sql = latestQuery({ database: 'db"x', table: 'pulls' });
    expect(sql).toContain('FROM "db""x"."pulls"');
    expect(sql).toMatch(/time > ago\(\d+d\)/);
    expect(sql).toContain("measure_name IN ('pulls', 'actions')");
  });
});

describe('TimestreamSeriesStore history queries', () => {
  it('bins daily readings with bin(time, 1d), a time predicate and the measures in WHERE', async () => {
    reader.on(QueryCommand).resolves({ ColumnInfo: [], Rows: [] });
    await store().daily('2026-11-01', '2026-11-30', { registries: ['dockerhub', 'ghcr'], repos: [{ path: 'acme/app' }, { registry: 'quay', path: "o'brien/x" }] });
    expect(reader.commandCalls(QueryCommand)[0]!.args[0].input.QueryString).toBe(
      [
        'SELECT registry, repo, measure_name, max(time) AS collected_at, max_by(pull_count, time) AS pull_count',
        'FROM "pullwatch"."pulls"',
        "WHERE measure_name IN ('pulls', 'actions')",
        "  AND time >= from_iso8601_date('2026-11-01') AND time < from_iso8601_date('2026-12-01')",
        "  AND registry IN ('dockerhub', 'ghcr')",
        "  AND (repo = 'acme/app' OR (registry = 'quay' AND repo = 'o''brien/x'))",
        'GROUP BY registry, repo, measure_name, bin(time, 1d)',
        'ORDER BY registry, repo, collected_at',
      ].join('\n'),
    );
  });

  it('reads raw readings of lifetime counters in a half-open range', async () => {
    reader.on(QueryCommand).resolves({
      ColumnInfo: ['registry', 'repo', 'measure_name', 'collected_at', 'pull_count', 'star_count', 'last_updated'].map((Name) => ({ Name, Type: {} })),
      Rows: [{ Data: [{ ScalarValue: 'dockerhub' }, { ScalarValue: 'acme/app' }, { ScalarValue: 'pulls' }, { ScalarValue: '2026-11-01 05:00:00.000000000' }, { ScalarValue: '42' }, { NullValue: true }, { NullValue: true }] }],
    });
    const samples = await store().samples('2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z');
    expect(samples).toEqual([{ registry: 'dockerhub', repo: 'acme/app', collectedAt: '2026-11-01T05:00:00.000Z', pullCount: 42 }]);
    const sql = reader.commandCalls(QueryCommand)[0]!.args[0].input.QueryString!;
    expect(sql).toContain("WHERE measure_name = 'pulls'");
    expect(sql).toContain("time >= from_iso8601_timestamp('2026-11-01T00:00:00.000Z') AND time < from_iso8601_timestamp('2026-11-02T00:00:00.000Z')");
  });
});
