import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../lambdas/core/samples.ts';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { DynamoRepoList } from '../../lambdas/stores/dynamodb/repo-table.ts';
import { DynamoSeriesStore } from '../../lambdas/stores/dynamodb/series-table.ts';
import { startTestDynamo } from './dynalite.ts';

let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
let repos: DynamoRepoList;
let series: DynamoSeriesStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
  series = new DynamoSeriesStore(dynamo.doc, LOCAL_TABLES.series);
});
afterAll(() => dynamo.close());

const at = (hour: number) => new Date(Date.UTC(2026, 10, 23, hour)).toISOString();
const sample = (repo: string, hour: number, pullCount: number, extra: Partial<Sample> = {}): Sample => ({
  registry: 'dockerhub',
  repo,
  collectedAt: at(hour),
  pullCount,
  ...extra,
});

describe('DynamoRepoList', () => {
  it('adds refs once and lists them, enabled by default', async () => {
    expect(await repos.add(['dockerhub:library/nginx', 'quay:a/b', 'dockerhub:library/nginx'])).toEqual(['dockerhub:library/nginx', 'quay:a/b']);
    expect(await repos.add(['quay:a/b'])).toEqual([]);
    expect(await repos.list()).toEqual([
      { ref: 'dockerhub:library/nginx', enabled: true },
      { ref: 'quay:a/b', enabled: true },
    ]);
  });

  it('reads items written by hand in the console, label and enabled=false included', async () => {
    await dynamo.doc.send(new PutCommand({ TableName: LOCAL_TABLES.repos, Item: { ref: 'ghcr:o/p', enabled: false, label: 'Our CLI' } }));
    expect((await repos.list()).find((repo) => repo.ref === 'ghcr:o/p')).toEqual({ ref: 'ghcr:o/p', enabled: false, label: 'Our CLI' });
  });

  it('keeps the last error until the next success clears it', async () => {
    const error = { kind: 'transient' as const, message: 'HTTP 503 (http://hub/)', at: at(1) };
    await repos.recordError('quay:a/b', error);
    expect((await repos.list()).find((repo) => repo.ref === 'quay:a/b')).toMatchObject({ lastError: error });
    await repos.recordSuccess('quay:a/b', at(2));
    const item = (await repos.list()).find((repo) => repo.ref === 'quay:a/b');
    expect(item).toEqual({ ref: 'quay:a/b', enabled: true, lastSuccessAt: at(2) });
  });

  it('does not resurrect a ref removed while it was being collected', async () => {
    await repos.recordSuccess('dockerhub:gone/repo', at(3));
    await repos.recordError('dockerhub:gone/repo', { kind: 'not_found', message: 'x', at: at(3) });
    expect((await repos.list()).map((repo) => repo.ref)).not.toContain('dockerhub:gone/repo');
  });
});

describe('DynamoSeriesStore', () => {
  it('answers the newest sample of every repository', async () => {
    await series.write([sample('library/nginx', 1, 100, { starCount: 5, lastUpdated: '2026-11-01T00:00:00Z' }), sample('library/redis', 1, 7)]);
    await series.write([sample('library/nginx', 2, 150)]);
    const latest = await series.latest();
    expect(latest.sort((a, b) => a.repo.localeCompare(b.repo))).toEqual([sample('library/nginx', 2, 150), sample('library/redis', 1, 7)]);
  });

  it('never moves a repository back to an older sample delivered late', async () => {
    await series.write([sample('library/nginx', 0, 50)]);
    expect((await series.latest()).find((s) => s.repo === 'library/nginx')?.pullCount).toBe(150);
  });

  it('stores counts past 2^31 exactly, and Quay daily actions with their meaning', async () => {
    const quay: Sample = { registry: 'quay', repo: 'ns/app', collectedAt: '2026-11-22T00:00:00.000Z', pullCount: 12, measure: 'daily_actions' };
    await series.write([sample('big/one', 1, 2 ** 40 + 3), quay]);
    const latest = await series.latest();
    expect(latest.find((s) => s.repo === 'big/one')?.pullCount).toBe(2 ** 40 + 3);
    expect(latest.find((s) => s.registry === 'quay')).toEqual(quay);
  });

  it("keeps the highest count seen for a Quay day: a later 0 is Quay's placeholder, not a correction", async () => {
    const day = (pullCount: number): Sample => ({ registry: 'quay', repo: 'ns/daily', collectedAt: '2026-11-21T00:00:00.000Z', pullCount, measure: 'daily_actions' });
    await series.write([day(0)]);
    await series.write([day(17)]);
    await series.write([day(0)]);
    expect(await series.daily('2026-11-21', '2026-11-21', { repos: [{ path: 'ns/daily' }] })).toEqual([day(17)]);
  });

  it('writes more samples than one batch holds', async () => {
    const many = Array.from({ length: 60 }, (_, i) => sample(`bulk/r${i}`, 4, i));
    await series.write(many);
    const latest = await series.latest();
    expect(latest.filter((s) => s.repo.startsWith('bulk/'))).toHaveLength(60);
  });
});

describe('DynamoSeriesStore history', () => {
  const reading = (registry: Sample['registry'], repo: string, collectedAt: string, pullCount: number): Sample => ({ registry, repo, collectedAt, pullCount });
  const hourly = [
    reading('dockerhub', 'hist/app', '2026-10-31T10:00:00.000Z', 100),
    reading('dockerhub', 'hist/app', '2026-10-31T23:00:00.000Z', 110),
    reading('dockerhub', 'hist/app', '2026-11-01T01:00:00.000Z', 120),
    reading('dockerhub', 'hist/app', '2026-11-02T05:00:00.000Z', 150),
    reading('ghcr', 'hist/app', '2026-11-01T05:00:00.000Z', 7),
    reading('dockerhub', 'hist/other', '2026-11-01T05:00:00.000Z', 9),
  ];

  beforeAll(async () => {
    // Written out of order: the day keeps its latest reading whatever the arrival order.
    await series.write(hourly.slice(3));
    await series.write(hourly.slice(0, 3).reverse());
  });

  it('answers the last reading of each day, across a month boundary', async () => {
    const daily = await series.daily('2026-10-31', '2026-11-02', { registries: ['dockerhub'], repos: [{ path: 'hist/app' }] });
    expect(daily).toEqual([hourly[1], hourly[2], hourly[3]]);
  });

  it('selects by path across registries, by exact ref, and by registry alone', async () => {
    const both = await series.daily('2026-11-01', '2026-11-01', { repos: [{ path: 'hist/app' }] });
    expect(both.map((s) => `${s.registry}:${s.pullCount}`)).toEqual(['dockerhub:120', 'ghcr:7']);
    const one = await series.daily('2026-11-01', '2026-11-01', { repos: [{ registry: 'ghcr', path: 'hist/app' }] });
    expect(one).toEqual([hourly[4]]);
    const ghcrOnly = await series.daily('2026-11-01', '2026-11-01', { registries: ['ghcr'] });
    expect(ghcrOnly).toEqual([hourly[4]]);
  });

  it('answers every repository of a day range when no filter is given', async () => {
    const all = await series.daily('2026-11-01', '2026-11-01');
    expect(all.filter((s) => s.repo.startsWith('hist/')).map((s) => `${s.registry}:${s.repo}`)).toEqual(['dockerhub:hist/app', 'dockerhub:hist/other', 'ghcr:hist/app']);
  });

  it('answers raw readings in a half-open time range', async () => {
    const raw = await series.samples('2026-10-31T23:00:00.000Z', '2026-11-02T05:00:00.000Z', { repos: [{ registry: 'dockerhub', path: 'hist/app' }] });
    expect(raw).toEqual([hourly[1], hourly[2]]);
  });
});
