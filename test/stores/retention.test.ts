import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../lambdas/core/samples.ts';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { DynamoSeriesStore, RAW_READING_DAYS } from '../../lambdas/stores/dynamodb/series-table.ts';
import { startTestDynamo } from './dynalite.ts';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const reading = (day: string, pullCount: number): Sample => ({ registry: 'dockerhub', repo: 'acme/old', collectedAt: `${day}T06:00:00.000Z`, pullCount });

let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
let store: DynamoSeriesStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = new DynamoSeriesStore(dynamo.doc, LOCAL_TABLES.series, 30, () => NOW);
  await store.write([reading('2026-10-01', 100), reading('2026-10-30', 400), reading('2026-11-20', 600)]);
});
afterAll(() => dynamo.close());

describe('retention on the DynamoDB store', () => {
  it('hides samples older than the retention from every read, before TTL has deleted them', async () => {
    expect(await store.daily('2026-09-01', '2026-11-23')).toEqual([reading('2026-10-30', 400), reading('2026-11-20', 600)]);
    expect(await store.samples('2026-09-01T00:00:00.000Z', '2026-11-24T00:00:00.000Z')).toEqual([reading('2026-10-30', 400), reading('2026-11-20', 600)]);
  });

  it('drops a repository from the summary once its newest sample is past retention', async () => {
    const later = new DynamoSeriesStore(dynamo.doc, LOCAL_TABLES.series, 30, () => NOW + 40 * 86_400_000);
    expect(await later.latest()).toEqual([]);
    expect(await store.latest()).toEqual([reading('2026-11-20', 600)]);
  });

  it('stamps expires_at for DynamoDB TTL: samples at read time + retention, month items after their last day', async () => {
    const raw = await dynamo.doc.send(new GetCommand({ TableName: LOCAL_TABLES.series, Key: { pk: 'dockerhub:acme/old', sk: '2026-11-20T06:00:00.000Z' } }));
    expect(raw.Item?.expires_at).toBe(Date.parse('2026-11-20T06:00:00.000Z') / 1000 + 30 * 86_400);
    const month = await dynamo.doc.send(new GetCommand({ TableName: LOCAL_TABLES.series, Key: { pk: 'month#2026-10', sk: 'dockerhub:acme/old' } }));
    expect(month.Item?.expires_at).toBe(Date.parse('2026-11-01T00:00:00.000Z') / 1000 + 30 * 86_400);
  });

  it('keeps daily history forever when retention is 0, and raw readings only as long as hourly views reach back', async () => {
    const forever = new DynamoSeriesStore(dynamo.doc, LOCAL_TABLES.series, 0, () => NOW);
    await forever.write([{ ...reading('2020-01-01', 1), repo: 'acme/forever' }]);
    expect(await forever.daily('2020-01-01', '2020-01-01')).toHaveLength(1);
    const month = await dynamo.doc.send(new GetCommand({ TableName: LOCAL_TABLES.series, Key: { pk: 'month#2020-01', sk: 'dockerhub:acme/forever' } }));
    expect(month.Item?.expires_at).toBeUndefined();
    const raw = await dynamo.doc.send(new GetCommand({ TableName: LOCAL_TABLES.series, Key: { pk: 'dockerhub:acme/forever', sk: '2020-01-01T06:00:00.000Z' } }));
    expect(raw.Item?.expires_at).toBe(Date.parse('2020-01-01T06:00:00.000Z') / 1000 + RAW_READING_DAYS * 86_400);
  });
});
