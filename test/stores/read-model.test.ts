// Pins the read model on DynamoDB, in the series table (DynamoDB store) and in a table of its own (Timestream store):
// folds as the core does, loses nothing to concurrent collectors, writes nothing on redelivery, moves the generation.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldSamples } from '../../lambdas/core/read-model.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import { LOCAL_TABLES, ensureTables } from '../../lambdas/local/dynamo.ts';
import { DynamoReadModel, type ReadModelHooks } from '../../lambdas/stores/dynamodb/read-model-table.ts';
import { seriesTableDefinition } from '../../lambdas/stores/dynamodb/schema.ts';
import { startTestDynamo } from './dynalite.ts';

const pulls = (repo: string, at: string, pullCount: number): Sample => ({ registry: 'dockerhub', repo, collectedAt: at, pullCount });

const TABLES = [
  ['the series table (DynamoDB store)', LOCAL_TABLES.series],
  ['a table of its own (Timestream store)', 'pullwatch-read-model'],
] as const;

describe.each(TABLES)('read model in %s', (_where, tableName) => {
  let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
  let puts: number;
  const model = (hooks: ReadModelHooks = {}, retentionDays = 0, now = Date.now) => new DynamoReadModel(dynamo.doc, tableName, retentionDays, now, hooks);

  beforeEach(async () => {
    dynamo = await startTestDynamo();
    // ensureTables waits until dynalite marks the table ACTIVE: it refuses reads and writes before that.
    await ensureTables(dynamo.client, [seriesTableDefinition(tableName)]);
    puts = 0;
    const send = dynamo.doc.send.bind(dynamo.doc);
    dynamo.doc.send = ((command: unknown, ...rest: unknown[]) => {
      if (command instanceof PutCommand) puts++;
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof dynamo.doc.send;
  });
  afterEach(() => dynamo.close());

  it('holds nothing and generation 0 before the first collection', async () => {
    expect(await model().views()).toEqual([]);
    expect(await model().generation()).toEqual({ value: 0 });
  });

  it('stores the view the core folds, one per series, and reads it back equal', async () => {
    const samples = [pulls('acme/a', '2026-12-01T09:00:00.000Z', 100), pulls('acme/a', '2026-12-01T10:00:00.000Z', 130), pulls('acme/b', '2026-12-01T10:00:00.000Z', 7)];
    await model().apply(samples);
    const views = (await model().views()).sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(views).toEqual([foldSamples(undefined, samples.slice(0, 2)).view, foldSamples(undefined, samples.slice(2)).view]);
    expect(views[0]!.figures).toMatchObject({ day: '2026-12-01', pulls_1d: 30 });
  });

  it('writes nothing when a message is delivered again', async () => {
    const samples = [pulls('acme/a', '2026-12-01T09:00:00.000Z', 100), pulls('acme/b', '2026-12-01T09:00:00.000Z', 5)];
    await model().apply(samples);
    expect(puts).toBe(2);
    const before = await model().views();
    await model().apply(samples);
    expect(puts).toBe(2);
    expect(await model().views()).toEqual(before);
  });

  it('loses nothing when two collectors fold into one series at once: the later write reads again', async () => {
    let release!: () => void;
    let hasRead!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    const read = new Promise<void>((resolve) => (hasRead = resolve));
    let reads = 0;
    const slow = model({
      async afterRead() {
        if (++reads > 1) return;
        hasRead();
        await paused; // the slow writer's first read goes stale while the other one writes
      },
    });
    const first = slow.apply([pulls('acme/a', '2026-12-01T09:00:00.000Z', 100)]);
    await read;
    await model().apply([pulls('acme/a', '2026-12-01T10:00:00.000Z', 140)]);
    release();
    await first;
    const [view] = await model().views();
    expect(view!.first).toEqual({ at: '2026-12-01T09:00:00.000Z', count: 100 });
    expect(view!.latest.pullCount).toBe(140);
    expect(view!.version).toBe(2);
    expect(reads).toBe(2);
  });

  it('keeps every sample of ten collectors writing one series at the same moment', async () => {
    const samples = Array.from({ length: 10 }, (_, i) => pulls('acme/a', `2026-12-01T${String(i + 8).padStart(2, '0')}:00:00.000Z`, 1_000 + i * 10));
    await Promise.all(samples.map((sample) => model().apply([sample])));
    const [view] = await model().views();
    expect(view).toEqual({ ...foldSamples(undefined, samples).view, version: view!.version });
    expect(view!.figures.pulls_1d).toBe(90);
  });

  it('reports counters that went down, once', async () => {
    await model().apply([pulls('acme/a', '2026-12-01T09:00:00.000Z', 500)]);
    expect(await model().apply([pulls('acme/a', '2026-12-01T10:00:00.000Z', 120)])).toEqual({ drops: [{ key: 'dockerhub:acme/a', previous: 500, current: 120 }], tagCountsDue: ['dockerhub:acme/a'] });
    // A Docker Hub series never given a tag count stays due, redelivered or not.
    expect(await model().apply([pulls('acme/a', '2026-12-01T10:00:00.000Z', 120)])).toEqual({ drops: [], tagCountsDue: ['dockerhub:acme/a'] });
  });

  it('moves the generation on each touch and says when', async () => {
    await model(undefined, 0, () => Date.parse('2026-12-01T10:00:00.000Z')).touch();
    await model(undefined, 0, () => Date.parse('2026-12-01T11:00:00.000Z')).touch();
    expect(await model().generation()).toEqual({ value: 2, writtenAt: '2026-12-01T11:00:00.000Z' });
  });

  it('hides a series whose newest reading is past retention', async () => {
    await model().apply([pulls('acme/old', '2026-10-01T09:00:00.000Z', 5), pulls('acme/new', '2026-11-30T09:00:00.000Z', 6)]);
    const views = await model(undefined, 30, () => Date.parse('2026-12-01T00:00:00.000Z')).views();
    expect(views.map((view) => view.key)).toEqual(['dockerhub:acme/new']);
  });
});
