// Backup and restore over each series store: an export imported into an empty store answers /api/pulls/daily,
// /api/summary and the other views exactly as the original does; importing again changes nothing; an import never
// replaces a newer reading; registry-stats snapshots land in the same views.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../lambdas/api/app.ts';
import { collectMessage } from '../../lambdas/core/collect.ts';
import { exportCsv } from '../../lambdas/core/history-files.ts';
import { type HistoryFile, exportHistory, importHistory, parseHistoryFiles } from '../../lambdas/core/history-transfer.ts';
import type { SeriesStore } from '../../lambdas/core/ports.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import { LOCAL_TABLES, ensureTables } from '../../lambdas/local/dynamo.ts';
import { DynamoReadModel } from '../../lambdas/stores/dynamodb/read-model-table.ts';
import { seriesTableDefinition } from '../../lambdas/stores/dynamodb/schema.ts';
import { DynamoSeriesStore } from '../../lambdas/stores/dynamodb/series-table.ts';
import { createTimestreamTwin } from '../fakes/timestream.ts';
import { MemoryRepos } from '../fuzz/memory-ports.ts';
import { startTestDynamo } from '../stores/dynalite.ts';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const day = (n: number) => new Date(Date.UTC(2026, 7, 15 + n)).toISOString().slice(0, 10); // n = 0 is 2026-08-15; 100 is 11-23
const at = (date: string, hour: number, ms = 0) => `${date}T${String(hour).padStart(2, '0')}:00:00.${String(ms).padStart(3, '0')}Z`;

/** Collections as the collector makes them: several a day, a gap, a reset, nested GHCR, Quay, a self-hosted host:port. */
function collections(): Sample[][] {
  const rounds: Sample[][] = [];
  for (let n = 0; n <= 100; n++) {
    for (const hour of n >= 98 ? [2, 8, 11] : [6]) {
      if (n >= 80 && n <= 83) continue; // four days without any reading
      const date = day(n);
      const round: Sample[] = [
        { registry: 'dockerhub', repo: 'library/nginx', collectedAt: at(date, hour, 417), pullCount: 10_000 + 100 * n + hour, starCount: 20 + (n % 3), lastUpdated: `${day(Math.max(0, n - 2))}T08:15:30.123456Z` },
        { registry: 'dockerhub', repo: 'acme/flaky', collectedAt: at(date, hour, 5), pullCount: n === 60 ? 3 : 500 + 7 * n },
        { registry: 'registry', repo: 'localhost:5000/team/app', collectedAt: at(date, hour, 9), pullCount: 2 * n },
        { registry: 'quay', repo: 'coreos/etcd', collectedAt: `${date}T00:00:00.000Z`, pullCount: 3 + (n % 5), measure: 'daily_actions' },
      ];
      if (n >= 40) round.push({ registry: 'ghcr', repo: 'owner/nested/tool', collectedAt: at(date, hour, 31), pullCount: 40 + 3 * (n - 40) });
      rounds.push(round);
    }
  }
  return rounds;
}

type TestDynamo = Awaited<ReturnType<typeof startTestDynamo>>;
interface Store {
  series: SeriesStore;
  readModel: DynamoReadModel;
  api: ReturnType<typeof createApiApp>;
}

const STORES: [string, (dynamo: TestDynamo, name: string) => { series: SeriesStore; close?: () => void }][] = [
  ['dynamodb (local mode)', (dynamo, name) => ({ series: new DynamoSeriesStore(dynamo.doc, name, 0, () => NOW.getTime()) })],
  [
    'timestream',
    (_dynamo, name) => {
      const twin = createTimestreamTwin({ database: 'pullwatch', table: name, now: () => NOW.getTime() });
      return { series: twin.store, close: () => twin.restore() };
    },
  ],
];

/** Every view the API answers from history, the default and the long ranges, by name and by ref. */
const VIEWS = [
  '/api/summary',
  '/api/summary?date=2026-11-01',
  '/api/summary?date=2026-09-15',
  '/api/pulls/daily',
  '/api/pulls/daily?by=ref',
  '/api/pulls/daily?from=2026-08-15&by=ref',
  '/api/pulls/daily?from=2026-08-01',
  '/api/pulls',
  '/api/pulls?from=2026-08-15&by=ref',
  '/api/pulls?interval=hour&from=3d&by=ref',
  '/api/trends',
  '/api/snapshot',
  '/api/snapshot?date=2026-09-04',
  '/api/badge/ghcr/owner/nested/tool.json?window=30d',
  '/api/metrics',
  '/api/metrics?compat=registry-stats',
];

describe.each(STORES)('export → import over %s', (_name, makeSeries) => {
  let dynamo: TestDynamo;
  const closers: (() => void)[] = [];
  let original: Store;
  let restored: Store;
  let csv: string;

  /** A store with its own tables: the series table doubles as the read model's, as in local mode. */
  const store = (name: string): Store => {
    const { series, close } = makeSeries(dynamo, name);
    if (close) closers.push(close);
    const readModel = new DynamoReadModel(dynamo.doc, name, 0, () => NOW.getTime());
    return { series, readModel, api: createApiApp({ repos: new MemoryRepos(), series, readModel, pollMinutes: 60, now: () => NOW }) };
  };
  const load = (target: Store, files: HistoryFile[]) => importHistory(parseHistoryFiles(files, { now: NOW }), { ...target, now: () => NOW });
  const answers = async (target: Store) => Object.fromEntries(await Promise.all(VIEWS.map(async (path) => [path, await (await target.api.request(path)).text()] as const)));

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    await ensureTables(dynamo.client, [seriesTableDefinition('restored')]);
    original = store(LOCAL_TABLES.series);
    restored = store('restored');
    // Collected as the collector does, Docker Hub's tag counts folded in along the way.
    let tags = 10;
    for (const round of collections()) {
      const collectedAt = new Date(round[0]!.collectedAt);
      await collectMessage(
        { ref: 'dockerhub:acme/*' },
        {
          collectFromSource: async () => ({ samples: round, readTagCount: async () => tags++ }),
          series: original.series,
          readModel: original.readModel,
          repos: { recordSuccess: async () => undefined, recordError: async () => undefined },
          queue: { send: async () => undefined },
          now: () => collectedAt,
        },
      );
    }
    csv = exportCsv(await exportHistory({ ...original, now: () => NOW }));
  }, 60_000);
  afterAll(async () => {
    for (const close of closers) close();
    await dynamo.close();
  });

  it('reproduces every view exactly in an empty store', async () => {
    const reports = await load(restored, [{ name: 'backup.csv', text: csv }]);
    expect(reports).toEqual([{ file: 'backup.csv', taken: csv.trimEnd().split('\r\n').length - 1, skipped: [] }]);
    const before = await answers(original);
    expect(JSON.parse(before['/api/summary']!)).toHaveLength(5);
    expect(JSON.parse(before['/api/summary']!).find((row: { name: string }) => row.name === 'library/nginx').tag_count).toBeGreaterThan(10);
    expect(await answers(restored)).toEqual(before);
  }, 60_000);

  it('changes nothing when the same export is imported again', async () => {
    const before = await answers(restored);
    const [report] = await load(restored, [{ name: 'backup.csv', text: csv }]);
    expect(report!.taken).toBe(0);
    expect(report!.skipped.map(({ reason }) => reason)).toEqual(expect.arrayContaining(['already stored']));
    expect(await answers(restored)).toEqual(before);
    // The export of the restored store is the export it came from.
    expect(exportCsv(await exportHistory({ ...restored, now: () => NOW }))).toBe(csv);
  }, 60_000);

  it('never replaces a newer reading: an older reading of a stored day, or a lower Quay count, is skipped', async () => {
    const before = await answers(restored);
    const stale = [
      'registry,repo,measure,collected_at,pull_count,star_count,last_updated,tag_count',
      `dockerhub,library/nginx,pulls,${day(100)}T01:00:00.000Z,1,,,`,
      `quay,coreos/etcd,actions,${day(99)}T00:00:00.000Z,0,,,`,
    ].join('\n');
    expect(await load(restored, [{ name: 'stale.csv', text: stale }])).toEqual([
      {
        file: 'stale.csv',
        taken: 0,
        skipped: [
          { reason: 'older than the reading stored for its day', count: 1 },
          { reason: 'lower than the count stored for its day', count: 1 },
        ],
      },
    ]);
    expect(await answers(restored)).toEqual(before);
  });

  it('adds registry-stats snapshots from before tracking began as history, both registries', async () => {
    const snapshot = (date: string, nginx: number, tool: number) =>
      JSON.stringify({ timestamp: `${date}T12:00:00Z`, docker_hub: [{ repo: 'nginx', last_updated: '', tags: [{ name: 'latest' }], pull_count: nginx }], ghcr: [{ package: 'owner/nested/tool', download_count: tool }] });
    const reports = await load(restored, [
      { name: '2026-08-13.json', text: snapshot('2026-08-13', 9_700, 1) },
      { name: '2026-08-14.json', text: snapshot('2026-08-14', 9_900, 2) },
    ]);
    expect(reports.map(({ taken }) => taken)).toEqual([2, 2]);
    const rows = JSON.parse(await (await restored.api.request('/api/pulls/daily?repo=nginx&from=2026-08-13&to=2026-08-16')).text()) as { timestamp: string; daily_pulls: number; first_seen?: true }[];
    expect(rows).toEqual([
      { timestamp: '2026-08-13T00:00:00Z', repo: 'library/nginx', daily_pulls: 0, first_seen: true },
      { timestamp: '2026-08-14T00:00:00Z', repo: 'library/nginx', daily_pulls: 200 },
      { timestamp: '2026-08-15T00:00:00Z', repo: 'library/nginx', daily_pulls: 10_006 - 9_900 },
      { timestamp: '2026-08-16T00:00:00Z', repo: 'library/nginx', daily_pulls: 100 },
    ]);
    const [summary] = JSON.parse(await (await restored.api.request('/api/summary?repo=nginx')).text()) as { first_seen_at: string }[];
    expect(summary!.first_seen_at).toBe('2026-08-13T12:00:00Z');
  });
});
