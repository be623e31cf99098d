// One SeriesStore contract for both adapters: DynamoDB on dynalite, Timestream on the in-memory twin.
import { QueryCommand } from '@aws-sdk/client-timestream-query';
import { DescribeTableCommand, RejectedRecordsException, WriteRecordsCommand, type _Record } from '@aws-sdk/client-timestream-write';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeriesStore } from '../../lambdas/core/ports.ts';
import type { Registry } from '../../lambdas/core/refs.ts';
import { type Sample, seriesKey } from '../../lambdas/core/samples.ts';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { DynamoSeriesStore } from '../../lambdas/stores/dynamodb/series-table.ts';
import { TimestreamSeriesStore, dailyQuery, latestQuery, samplesQuery } from '../../lambdas/stores/timestream/series.ts';
import { type TimestreamTwin, createTimestreamTwin } from '../fakes/timestream.ts';
import { startTestDynamo } from './dynalite.ts';

/** The clock Timestream's ago() reads; every sample below is within the adapter's 35-day latest lookback of it. */
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const TARGET = { database: 'pullwatch', table: 'pulls' };

interface Harness {
  store: SeriesStore;
  /** The same adapter pointed at a table that does not exist. */
  missingTable: SeriesStore;
  twin?: TimestreamTwin;
  close(): Promise<void>;
}

async function makeDynamo(): Promise<Harness> {
  const dynamo = await startTestDynamo();
  return {
    store: new DynamoSeriesStore(dynamo.doc, LOCAL_TABLES.series),
    missingTable: new DynamoSeriesStore(dynamo.doc, 'no-such-table'),
    close: () => dynamo.close(),
  };
}

async function makeTwin(): Promise<Harness> {
  const twin = createTimestreamTwin({ ...TARGET, now: () => NOW });
  return {
    store: twin.store,
    missingTable: new TimestreamSeriesStore(twin.writer, twin.reader, { ...TARGET, table: 'no-such-table' }),
    twin,
    close: async () => twin.restore(),
  };
}

const STORES = [
  ['dynamodb', makeDynamo],
  ['timestream', makeTwin],
] as const;

const reading = (registry: Registry, repo: string, collectedAt: string, pullCount: number, extra: Partial<Sample> = {}): Sample => ({
  registry,
  repo,
  collectedAt,
  pullCount,
  ...extra,
});
const actions = (repo: string, day: string, pullCount: number): Sample => ({ registry: 'quay', repo, collectedAt: `${day}T00:00:00.000Z`, pullCount, measure: 'daily_actions' });
/** latest() promises no order. */
const sorted = (samples: Sample[]) => [...samples].sort((a, b) => (seriesKey(a) < seriesKey(b) ? -1 : seriesKey(a) > seriesKey(b) ? 1 : 0));

describe.each(STORES)('SeriesStore contract on %s', (_kind, make) => {
  let harness: Harness;
  let store: SeriesStore;
  beforeEach(async () => {
    harness = await make();
    store = harness.store;
  });
  afterEach(() => harness.close());

  it('answers nothing, without failing, before anything was written', async () => {
    expect(await store.latest()).toEqual([]);
    expect(await store.daily('2026-11-01', '2026-11-23')).toEqual([]);
    expect(await store.daily('2026-11-01', '2026-11-23', { registries: ['ghcr'], repos: [{ path: 'acme/app' }] })).toEqual([]);
    expect(await store.samples('2026-11-01T00:00:00.000Z', '2026-11-23T00:00:00.000Z')).toEqual([]);
  });

  it('is healthy when its table can be read, and names the reason when it cannot', async () => {
    await expect(store.health()).resolves.toBeUndefined();
    await expect(harness.missingTable.health()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('answers the newest sample of every repository, with its stars and last update', async () => {
    await store.write([
      reading('dockerhub', 'library/nginx', '2026-11-22T10:00:00.000Z', 100, { starCount: 4, lastUpdated: '2026-11-01T00:00:00Z' }),
      reading('ghcr', 'acme/app', '2026-11-22T10:00:00.000Z', 7),
    ]);
    await store.write([reading('dockerhub', 'library/nginx', '2026-11-23T10:00:00.000Z', 150, { starCount: 5, lastUpdated: '2026-11-23T08:15:30.123456Z' })]);
    expect(sorted(await store.latest())).toEqual([
      reading('dockerhub', 'library/nginx', '2026-11-23T10:00:00.000Z', 150, { starCount: 5, lastUpdated: '2026-11-23T08:15:30.123456Z' }),
      reading('ghcr', 'acme/app', '2026-11-22T10:00:00.000Z', 7),
    ]);
  });

  it('answers a newest sample without stars as having none, even when an older one had them', async () => {
    await store.write([reading('dockerhub', 'acme/app', '2026-11-22T10:00:00.000Z', 100, { starCount: 4 })]);
    await store.write([reading('dockerhub', 'acme/app', '2026-11-23T10:00:00.000Z', 110)]);
    expect(await store.latest()).toEqual([reading('dockerhub', 'acme/app', '2026-11-23T10:00:00.000Z', 110)]);
  });

  it('answers repositories whose registry reports no stars or update times (a GHCR-only deployment)', async () => {
    // Timestream has no star_count or last_updated column until some record carries one.
    await store.write([reading('ghcr', 'acme/app', '2026-11-22T10:00:00.000Z', 7), reading('ghcr', 'acme/app', '2026-11-23T10:00:00.000Z', 9)]);
    expect(await store.latest()).toEqual([reading('ghcr', 'acme/app', '2026-11-23T10:00:00.000Z', 9)]);
    expect(await store.samples('2026-11-22T00:00:00.000Z', '2026-11-24T00:00:00.000Z')).toEqual([
      reading('ghcr', 'acme/app', '2026-11-22T10:00:00.000Z', 7),
      reading('ghcr', 'acme/app', '2026-11-23T10:00:00.000Z', 9),
    ]);
  });

  it('never moves latest back to an older sample delivered late', async () => {
    await store.write([reading('dockerhub', 'library/nginx', '2026-11-23T10:00:00.000Z', 150)]);
    await store.write([reading('dockerhub', 'library/nginx', '2026-11-23T09:00:00.000Z', 140)]);
    expect(await store.latest()).toEqual([reading('dockerhub', 'library/nginx', '2026-11-23T10:00:00.000Z', 150)]);
  });

  it('takes a reading written again for the same time with the newer count, and a replay as no change', async () => {
    const first = reading('dockerhub', 'library/nginx', '2026-11-23T10:00:00.000Z', 150);
    const corrected = { ...first, pullCount: 155 };
    await store.write([first]);
    await store.write([corrected]);
    await store.write([corrected]);
    expect(await store.latest()).toEqual([corrected]);
    expect(await store.daily('2026-11-23', '2026-11-23')).toEqual([corrected]);
    expect(await store.samples('2026-11-23T00:00:00.000Z', '2026-11-24T00:00:00.000Z')).toEqual([corrected]);
  });

  describe('history', () => {
    const hourly = [
      reading('dockerhub', 'hist/app', '2026-10-31T10:00:00.000Z', 100),
      reading('dockerhub', 'hist/app', '2026-10-31T23:00:00.000Z', 110),
      reading('dockerhub', 'hist/app', '2026-11-01T00:00:00.000Z', 115),
      reading('dockerhub', 'hist/app', '2026-11-01T01:00:00.000Z', 120),
      reading('dockerhub', 'hist/app', '2026-11-02T05:00:00.000Z', 150),
      reading('ghcr', 'hist/app', '2026-11-01T05:00:00.000Z', 7),
      reading('dockerhub', 'hist/other', '2026-11-01T05:00:00.000Z', 9),
    ];
    const [oct31early, oct31, nov1first, nov1, nov2, ghcrNov1, otherNov1] = hourly;

    beforeEach(async () => {
      // Out of order, newest first, and across two writes: a day keeps its latest reading whatever the arrival order.
      await store.write(hourly.slice(4));
      await store.write(hourly.slice(0, 4).reverse());
    });

    it('answers the last reading of each UTC day, across a month boundary', async () => {
      expect(await store.daily('2026-10-31', '2026-11-02', { registries: ['dockerhub'], repos: [{ path: 'hist/app' }] })).toEqual([oct31, nov1, nov2]);
    });

    it('answers only the days asked for, both ends included', async () => {
      expect(await store.daily('2026-11-01', '2026-11-01', { repos: [{ registry: 'dockerhub', path: 'hist/app' }] })).toEqual([nov1]);
      expect(await store.daily('2026-11-02', '2026-11-30', { repos: [{ registry: 'dockerhub', path: 'hist/app' }] })).toEqual([nov2]);
    });

    it('selects by path across registries, by exact ref, by registry alone, and everything without a filter', async () => {
      expect(await store.daily('2026-11-01', '2026-11-01', { repos: [{ path: 'hist/app' }] })).toEqual([nov1, ghcrNov1]);
      expect(await store.daily('2026-11-01', '2026-11-01', { repos: [{ registry: 'ghcr', path: 'hist/app' }] })).toEqual([ghcrNov1]);
      expect(await store.daily('2026-11-01', '2026-11-01', { registries: ['ghcr'] })).toEqual([ghcrNov1]);
      expect(await store.daily('2026-11-01', '2026-11-01', { registries: ['ghcr'], repos: [{ registry: 'dockerhub', path: 'hist/app' }] })).toEqual([]);
      expect(await store.daily('2026-11-01', '2026-11-01')).toEqual([nov1, otherNov1, ghcrNov1]);
    });

    it('selects nothing with an empty list of registries or repositories', async () => {
      expect(await store.daily('2026-10-01', '2026-11-30', { registries: [] })).toEqual([]);
      expect(await store.daily('2026-10-01', '2026-11-30', { repos: [] })).toEqual([]);
      expect(await store.samples('2026-10-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', { registries: [] })).toEqual([]);
      expect(await store.samples('2026-10-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', { repos: [] })).toEqual([]);
    });

    it('answers raw readings in a half-open range: from included, to excluded', async () => {
      const raw = await store.samples(oct31!.collectedAt, nov2!.collectedAt, { repos: [{ registry: 'dockerhub', path: 'hist/app' }] });
      expect(raw).toEqual([oct31, nov1first, nov1]);
      expect(await store.samples(oct31early!.collectedAt, oct31early!.collectedAt)).toEqual([]);
    });

    it('filters raw readings like daily ones', async () => {
      const range = ['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z'] as const;
      expect(await store.samples(...range)).toEqual([nov1first, nov1, otherNov1, ghcrNov1]);
      expect(await store.samples(...range, { repos: [{ path: 'hist/app' }] })).toEqual([nov1first, nov1, ghcrNov1]);
      expect(await store.samples(...range, { registries: ['ghcr'] })).toEqual([ghcrNov1]);
    });
  });

  it('sorts history by series key in code-point order, then time, whatever order the filter names repositories in', async () => {
    // '-' < '.' < '/' < '_' in code points (DynamoDB sort keys, Timestream ORDER BY); a locale collation differs.
    const names = ['acme/my_app', 'acme/my.app', 'acme/my-app', 'acme/myapp'];
    await store.write(names.flatMap((repo, i) => [reading('ghcr', repo, '2026-11-21T06:00:00.000Z', i), reading('dockerhub', repo, '2026-11-22T06:00:00.000Z', 10 + i)]));
    await store.write(names.map((repo, i) => reading('dockerhub', repo, '2026-11-21T06:00:00.000Z', 5 + i)));
    const expected = ['dockerhub:acme/my-app', 'dockerhub:acme/my.app', 'dockerhub:acme/my_app', 'dockerhub:acme/myapp'].flatMap((key) => [`${key}@21`, `${key}@22`]);
    expected.push('ghcr:acme/my-app@21', 'ghcr:acme/my.app@21', 'ghcr:acme/my_app@21', 'ghcr:acme/myapp@21');
    const keys = (samples: Sample[]) => samples.map((sample) => `${seriesKey(sample)}@${sample.collectedAt.slice(8, 10)}`);
    const filter = { repos: names.map((path) => ({ path })) };
    expect(keys(await store.daily('2026-11-21', '2026-11-22', filter))).toEqual(expected);
    expect(keys(await store.daily('2026-11-21', '2026-11-22'))).toEqual(expected);
    expect(keys(await store.samples('2026-11-21T00:00:00.000Z', '2026-11-23T00:00:00.000Z', filter))).toEqual(expected);
    expect(keys(await store.samples('2026-11-21T00:00:00.000Z', '2026-11-23T00:00:00.000Z'))).toEqual(expected);
  });

  it('keeps counts past 2^31 and up to 2^53-1 exact', async () => {
    const big = [
      reading('dockerhub', 'big/int32', '2026-11-23T10:00:00.000Z', 2 ** 31 - 1),
      reading('dockerhub', 'big/max-safe', '2026-11-23T10:00:00.000Z', Number.MAX_SAFE_INTEGER),
      reading('dockerhub', 'big/past-int32', '2026-11-23T10:00:00.000Z', 2 ** 31 + 1, { starCount: 2 ** 33 }),
    ];
    await store.write(big);
    expect(sorted(await store.latest())).toEqual(big);
    // Daily points carry the count only.
    expect(await store.daily('2026-11-23', '2026-11-23')).toEqual(big.map(({ starCount: _stars, ...point }) => point));
    expect(await store.samples('2026-11-23T00:00:00.000Z', '2026-11-24T00:00:00.000Z')).toEqual(big);
  });

  it("keeps Quay's daily actions as actions: one per day in daily, the newest day in latest, never among raw readings", async () => {
    const days = [actions('coreos/etcd', '2026-11-20', 3), actions('coreos/etcd', '2026-11-21', 0), actions('coreos/etcd', '2026-11-22', 12)];
    await store.write(days);
    await store.write([reading('quay', 'coreos/other', '2026-11-22T06:00:00.000Z', 1)]);
    expect(sorted(await store.latest())).toEqual([days[2], reading('quay', 'coreos/other', '2026-11-22T06:00:00.000Z', 1)]);
    expect(await store.daily('2026-11-19', '2026-11-22', { repos: [{ path: 'coreos/etcd' }] })).toEqual(days);
    expect(await store.samples('2026-11-19T00:00:00.000Z', '2026-11-23T00:00:00.000Z', { registries: ['quay'] })).toEqual([
      reading('quay', 'coreos/other', '2026-11-22T06:00:00.000Z', 1),
    ]);
  });

  it('writes and answers more rows than one request or page holds', async () => {
    // 105 repositories × 2 days: past 100 records per WriteRecords and 25 per BatchWrite, 100 keys per BatchGet,
    // and the twin's 50-row Query pages. (DynamoDB pages at 1 MB, which this does not reach.)
    const repos = Array.from({ length: 105 }, (_, i) => `bulk/r${String(i).padStart(3, '0')}`);
    const many = repos.flatMap((repo, i) => [reading('dockerhub', repo, '2026-11-22T06:00:00.000Z', i), reading('dockerhub', repo, '2026-11-23T06:00:00.000Z', 1_000 + i)]);
    await store.write(many);
    const newest = many.filter((sample) => sample.collectedAt.startsWith('2026-11-23'));
    expect(sorted(await store.latest())).toEqual(newest);
    expect(await store.daily('2026-11-22', '2026-11-23')).toEqual(many);
    expect(await store.daily('2026-11-22', '2026-11-23', { repos: repos.map((path) => ({ registry: 'dockerhub', path })) })).toEqual(many);
    expect(await store.samples('2026-11-22T00:00:00.000Z', '2026-11-24T00:00:00.000Z')).toEqual(many);
    if (harness.twin) expect(harness.twin.queries.filter((query) => query.nextToken).length).toBeGreaterThan(8);
  });
});

describe('where DynamoDB and Timestream differ', () => {
  let dynamo: Harness;
  let timestream: Harness;
  beforeEach(async () => {
    [dynamo, timestream] = await Promise.all([makeDynamo(), makeTwin()]);
  });
  afterEach(() => Promise.all([dynamo.close(), timestream.close()]));

  it('a Quay day read again with a lower count keeps its highest count on both stores, and a growing count replaces it', async () => {
    // Quay lists yesterday as 0 until its counter runs and can zero days it has expired. DynamoDB's month item only
    // lets a day's count grow (its condition decides); Timestream records of Quay days carry the count as Version,
    // so a lower count is rejected (ExistingVersion) and the adapter takes that as the intended no-op.
    const day = (count: number) => actions('ns/daily', '2026-11-21', count);
    for (const { store } of [dynamo, timestream]) for (const count of [0, 17, 0]) await store.write([day(count)]);
    for (const { store } of [dynamo, timestream]) expect(await store.daily('2026-11-21', '2026-11-21')).toEqual([day(17)]);
    for (const { store } of [dynamo, timestream]) await store.write([day(20), actions('ns/daily', '2026-11-22', 4)]);
    for (const { store } of [dynamo, timestream]) expect(await store.daily('2026-11-21', '2026-11-22')).toEqual([day(20), actions('ns/daily', '2026-11-22', 4)]);
  });

  it('latest(): DynamoDB remembers every repository ever written, Timestream only those read in the last 35 days', async () => {
    // The Timestream query bounds the data it scans (and bills) with `time > ago(35d)`; DynamoDB keeps one latest
    // item per repository at no extra cost. A repository not collected for 35 days drops out of Timestream's summary.
    const stale = reading('dockerhub', 'acme/stale', '2026-10-15T06:00:00.000Z', 42);
    const fresh = reading('dockerhub', 'acme/fresh', '2026-11-23T06:00:00.000Z', 43);
    for (const { store } of [dynamo, timestream]) await store.write([stale, fresh]);
    expect(sorted(await dynamo.store.latest())).toEqual([fresh, stale]);
    expect(await timestream.store.latest()).toEqual([fresh]);
    // History still has it on both.
    for (const { store } of [dynamo, timestream]) expect(await store.daily('2026-10-15', '2026-10-15')).toEqual([stale]);
  });
});

describe('the Timestream twin behaves like the service where the contract relies on it', () => {
  let twin: TimestreamTwin;
  beforeEach(() => {
    twin = createTimestreamTwin({ ...TARGET, now: () => NOW, version: () => 7 });
  });
  afterEach(() => twin.restore());

  const record = (pullCount: number, version = 7, repo = 'acme/app'): _Record => ({
    Dimensions: [
      { Name: 'registry', Value: 'dockerhub' },
      { Name: 'repo', Value: repo },
    ],
    MeasureName: 'pulls',
    MeasureValueType: 'MULTI',
    MeasureValues: [{ Name: 'pull_count', Value: String(pullCount), Type: 'BIGINT' }],
    Time: String(Date.parse('2026-11-23T06:00:00.000Z')),
    TimeUnit: 'MILLISECONDS',
    Version: version,
  });
  const write = (...records: _Record[]) => twin.writer.send(new WriteRecordsCommand({ DatabaseName: 'pullwatch', TableName: 'pulls', Records: records }));
  const query = (sql: string, nextToken?: string) => twin.reader.send(new QueryCommand({ QueryString: sql, ...(nextToken && { NextToken: nextToken }) }));
  const counts = () => twin.records().map((stored) => `${stored.dimensions.repo}=${stored.measures.pull_count?.value}@v${stored.version}`);

  it('takes at most 100 records per WriteRecords', async () => {
    await expect(write(...Array.from({ length: 101 }, (_, i) => record(i, 7, `bulk/r${i}`)))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(write()).rejects.toMatchObject({ name: 'ValidationException' });
    expect(twin.records()).toEqual([]);
  });

  it('rejects different values at an equal or lower version, naming ExistingVersion, and keeps the valid records of the request', async () => {
    await write(record(1, 7));
    const error = await write(record(2, 7), record(5, 1, 'acme/other'), record(3, 6)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RejectedRecordsException);
    expect((error as RejectedRecordsException).RejectedRecords).toEqual([
      { RecordIndex: 0, Reason: expect.any(String), ExistingVersion: 7 },
      { RecordIndex: 2, Reason: expect.any(String), ExistingVersion: 7 },
    ]);
    expect(counts()).toEqual(['acme/app=1@v7', 'acme/other=5@v1']);
  });

  it('accepts the same values again at an equal or lower version without change, and replaces on a higher version', async () => {
    await write(record(1, 7));
    await write(record(1, 7), record(1, 3));
    expect(counts()).toEqual(['acme/app=1@v7']);
    await write(record(1, 8));
    await write(record(2, 9));
    expect(counts()).toEqual(['acme/app=2@v9']);
  });

  it('rejects records that break the table: empty dimension, bad BIGINT, a measure changing type', async () => {
    await write(record(1));
    const broken = [
      { ...record(1, 7, 'x/empty'), Dimensions: [{ Name: 'registry', Value: 'dockerhub' }, { Name: 'repo', Value: 'x/empty' }, { Name: 'tag', Value: '' }] },
      record(1.5, 7, 'x/fraction'),
      { ...record(1, 7, 'x/type'), MeasureValues: [{ Name: 'pull_count', Value: '1', Type: 'DOUBLE' as const }] },
    ];
    const error = (await write(...broken).catch((e: unknown) => e)) as RejectedRecordsException;
    expect(error.RejectedRecords?.map((rejected) => rejected.RecordIndex)).toEqual([0, 1, 2]);
  });

  it('refuses to store what pullwatch never writes, loudly', async () => {
    await expect(write({ ...record(1), MeasureValueType: 'BIGINT', MeasureValues: undefined, MeasureValue: '1' })).rejects.toThrow(/multi-measure/);
    await expect(write({ ...record(1), TimeUnit: 'SECONDS' })).rejects.toThrow(/MILLISECONDS/);
    await expect(write({ ...record(1), Dimensions: [{ Name: 'registry', Value: 'dockerhub' }] })).rejects.toThrow(/registry and repo/);
  });

  it('answers DescribeTable for its table only', async () => {
    expect((await twin.writer.send(new DescribeTableCommand({ DatabaseName: 'pullwatch', TableName: 'pulls' }))).Table?.TableStatus).toBe('ACTIVE');
    await expect(twin.writer.send(new DescribeTableCommand({ DatabaseName: 'pullwatch', TableName: 'other' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(twin.writer.send(new WriteRecordsCommand({ DatabaseName: 'other', TableName: 'pulls', Records: [record(1)] }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('answers real-shaped pages: typed columns, Timestream timestamps, NullValue, NextToken tied to its query', async () => {
    await write(...Array.from({ length: 60 }, (_, i) => record(i, 7, `bulk/r${String(i).padStart(2, '0')}`)));
    const sql = samplesQuery(TARGET, '2026-11-23T00:00:00.000Z', '2026-11-24T00:00:00.000Z', {}, new Set(['star_count', 'last_updated']));
    const first = await query(sql);
    expect(first.ColumnInfo?.map((column) => `${column.Name}:${column.Type?.ScalarType}`)).toEqual([
      'registry:VARCHAR',
      'repo:VARCHAR',
      'measure_name:VARCHAR',
      'collected_at:TIMESTAMP',
      'pull_count:BIGINT',
      'star_count:UNKNOWN',
      'last_updated:UNKNOWN',
    ]);
    expect(first.Rows).toHaveLength(50);
    expect(first.Rows?.[0]?.Data).toEqual([
      { ScalarValue: 'dockerhub' },
      { ScalarValue: 'bulk/r00' },
      { ScalarValue: 'pulls' },
      { ScalarValue: '2026-11-23 06:00:00.000000000' },
      { ScalarValue: '0' },
      { NullValue: true },
      { NullValue: true },
    ]);
    expect(first.NextToken).toBeDefined();
    await expect(query(latestQuery(TARGET), first.NextToken)).rejects.toMatchObject({ name: 'ValidationException' });
    const second = await query(sql, first.NextToken);
    expect([second.Rows?.length, second.NextToken]).toEqual([10, undefined]);
  });

  it('fails a query naming a column no record has carried, as the service does', async () => {
    await write(record(1));
    await expect(query(samplesQuery(TARGET, '2026-11-23T00:00:00.000Z', '2026-11-24T00:00:00.000Z', {}))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/^line 1:\d+: Column 'star_count' does not exist$/),
    });
  });

  it('fails loudly, naming the query, on SQL it was not taught', async () => {
    await write(record(1));
    const unknown = latestQuery(TARGET).replace('GROUP BY registry, repo, measure_name', 'GROUP BY registry, repo, measure_name\nLIMIT 10');
    await expect(query(unknown)).rejects.toThrow(/Timestream twin cannot answer[\s\S]*LIMIT 10/);
    await expect(query(latestQuery(TARGET).replace('max(time)', 'min(time)'))).rejects.toThrow(/cannot answer the select item `min \( time \) AS collected_at`/);
    await expect(query(dailyQuery(TARGET, '2026-11-23', '2026-11-23', {}).replace(/\n\s+AND time[^\n]+/, ''))).rejects.toThrow(/time predicate/);
  });

  it('lets the adapter read every row when the first page comes back empty, as a slow query may', async () => {
    const slow = createTimestreamTwin({ ...TARGET, now: () => NOW, emptyFirstPage: true, pageSize: 2 });
    try {
      const samples = Array.from({ length: 5 }, (_, i) => reading('dockerhub', `acme/r${i}`, '2026-11-23T06:00:00.000Z', i));
      await slow.store.write(samples);
      expect(await slow.store.samples('2026-11-23T00:00:00.000Z', '2026-11-24T00:00:00.000Z')).toEqual(samples);
      expect(slow.queries.filter((one) => !one.error).map((one) => one.rows)).toEqual([0, 2, 2, 1]);
    } finally {
      slow.restore();
    }
  });
});
