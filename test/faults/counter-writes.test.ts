// Fault injection between writes: the writer is stopped before its 1st, 2nd, ... write (a hook in each store adapter
// makes that write and every later one fail, as if the process had died), then a fresh writer on the same store takes
// the registry's redelivery of every envelope. Whatever the stopping point, every counter must equal what was sent once
// (the webhook's counters, on both stores), and the read model must agree with the series it was folded from.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectMessage } from '../../lambdas/core/collect.ts';
import { TrackedRegistryRefs, ingestEvents } from '../../lambdas/core/ingest.ts';
import type { RegistryCounters, RepoList } from '../../lambdas/core/ports.ts';
import { type DecodedEnvelope, decodeEnvelope } from '../../lambdas/core/registry-events.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import { JournalCounters } from '../../lambdas/local/counter-journal.ts';
import { LOCAL_TABLES, ensureTables } from '../../lambdas/local/dynamo.ts';
import { DynamoRegistryCounters } from '../../lambdas/stores/dynamodb/counters-table.ts';
import { DynamoReadModel } from '../../lambdas/stores/dynamodb/read-model-table.ts';
import { DynamoRepoList } from '../../lambdas/stores/dynamodb/repo-table.ts';
import { seriesTableDefinition } from '../../lambdas/stores/dynamodb/schema.ts';
import { DynamoSeriesStore } from '../../lambdas/stores/dynamodb/series-table.ts';
import { MemoryCounters, MemoryRepos } from '../fuzz/memory-ports.ts';
import { startTestDynamo } from '../stores/dynalite.ts';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const REPOSITORIES = ['team/app', 'team/api', 'ops/tool'];

/** Stops a writer: its `stopAt`-th write (from 0) and every one after it throw. Counts writes when never stopping. */
class Stopper {
  writes = 0;
  constructor(private readonly stopAt = Number.POSITIVE_INFINITY) {}
  write = (): void => {
    if (this.writes++ >= this.stopAt) throw new Error(`stopped before write ${this.stopAt}`);
  };
}

/**
 * Twelve envelopes over three repositories: pulls by tag and digest, version checks, pushes by two actors, deletes,
 * blob fetches, an id sent twice in one envelope and ids that come again in later envelopes (redeliveries).
 */
function envelopes(namespace: string): DecodedEnvelope[] {
  const host = `${namespace}.registry.example.com`;
  const bodies: unknown[][] = [];
  let n = 0;
  for (let e = 0; e < 12; e++) {
    const events: unknown[] = [];
    for (let i = 0; i < 5; i++, n++) {
      const repository = REPOSITORIES[n % 3]!;
      const kind = n % 7;
      const at = new Date(Date.UTC(2026, 10, 23, 10, 0, n)).toISOString();
      const base = { id: `${namespace}-${n}`, timestamp: at, request: { host, method: kind === 1 ? 'HEAD' : kind === 2 ? 'PUT' : kind === 3 ? 'DELETE' : 'GET' } };
      if (kind === 2) events.push({ ...base, action: 'push', target: { mediaType: MANIFEST, repository, tag: `v${n % 4}` }, actor: { name: n % 2 ? 'ci' : 'alice' } });
      else if (kind === 3) events.push({ ...base, action: 'delete', target: { repository, tag: `v${n % 4}` }, actor: { name: 'admin' } });
      else if (kind === 4) events.push({ ...base, action: 'pull', target: { mediaType: 'application/octet-stream', repository } });
      else events.push({ ...base, action: 'pull', target: { mediaType: MANIFEST, repository, ...(n % 5 ? { tag: `v${n % 4}` } : {}) } });
    }
    if (e % 4 === 1) events.push(events[0]);
    if (e >= 3) events.push(...(bodies[e - 3]!.slice(0, 2)));
    bodies.push(events);
  }
  return bodies.map((events) => decodeEnvelope(new TextEncoder().encode(JSON.stringify({ events })), 1_000));
}

interface Writer {
  counters: Pick<RegistryCounters, 'record' | 'repository' | 'tags'>;
  repos: Pick<RepoList, 'list' | 'add'>;
}

/** Delivers the envelopes in order, as a registry does, until one fails (the writer has stopped). */
async function deliver(writer: Writer, all: readonly DecodedEnvelope[]): Promise<number> {
  const tracked = new TrackedRegistryRefs(writer.repos, 1_000, 0);
  let delivered = 0;
  for (const envelope of all) {
    try {
      await ingestEvents(envelope, { counters: writer.counters, tracked });
      delivered++;
    } catch {
      break;
    }
  }
  return delivered;
}

/** Every counter of every repository and tag the envelopes name. */
async function countsOf(counters: Pick<RegistryCounters, 'repository' | 'tags'>, namespace: string) {
  const refs = REPOSITORIES.map((repository) => `registry:${namespace}.registry.example.com/${repository}`);
  return Promise.all(refs.map(async (ref) => ({ counts: await counters.repository(ref), tags: (await counters.tags(ref)).sort((a, b) => (a.tag < b.tag ? -1 : 1)) })));
}

/** A repos list whose adds are writes the stopper can stop. */
function stoppable(repos: Pick<RepoList, 'list' | 'add'>, stopper: Stopper): Pick<RepoList, 'list' | 'add'> {
  return {
    list: () => repos.list(),
    add: async (refs) => {
      stopper.write();
      return repos.add(refs);
    },
  };
}

/** What every counter must read: the same envelopes counted by the in-memory store, which never stops. */
async function expectedCounts(namespace: string) {
  const memory = new MemoryCounters();
  await deliver({ counters: memory, repos: new MemoryRepos() }, envelopes(namespace));
  return countsOf(memory, namespace);
}

describe('the webhook counters stopped between any two writes, then redelivered', () => {
  let workDir: string;
  let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'pullwatch-faults-'));
    dynamo = await startTestDynamo();
  });
  afterAll(async () => {
    await dynamo.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('local mode (the journal, compacting often): counts equal what was sent, wherever the writer stopped', async () => {
    // A small journal folds into its snapshot every few envelopes, so stops fall between those writes too.
    const options = (stopper: Stopper) => ({ maxJournalBytes: 1_500, hooks: { beforeWrite: stopper.write } });
    const clean = new Stopper();
    const cleanCounters = (await JournalCounters.open(join(workDir, 'journal-clean'), options(clean))).counters;
    await deliver({ counters: cleanCounters, repos: stoppable(new MemoryRepos(), clean) }, envelopes('j'));
    await cleanCounters.close();
    expect(clean.writes).toBeGreaterThan(20);

    const expected = await expectedCounts('j');
    for (let stopAt = 0; stopAt <= clean.writes; stopAt++) {
      const dir = join(workDir, `journal-${stopAt}`);
      const repos = new MemoryRepos();
      const stopper = new Stopper(stopAt);
      const stopped = (await JournalCounters.open(dir, options(stopper))).counters;
      const delivered = await deliver({ counters: stopped, repos: stoppable(repos, stopper) }, envelopes('j'));
      // A new process on the same directory; the registry redelivers everything it sent.
      const restarted = (await JournalCounters.open(dir, { maxJournalBytes: 1_500 })).counters;
      expect(await deliver({ counters: restarted, repos }, envelopes('j'))).toBe(12);
      expect(await countsOf(restarted, 'j'), `stopped before write ${stopAt}, after ${delivered} envelopes`).toEqual(expected);
      await restarted.close();
      const reopened = (await JournalCounters.open(dir)).counters;
      expect(await countsOf(reopened, 'j'), `reopened after the stop before write ${stopAt}`).toEqual(expected);
      // The stopped writer's file handle: it writes nothing more (its every write fails), it only lets go.
      await Promise.all([reopened.close(), stopped.close()]);
    }
  });

  it('AWS (one transaction per group of events): counts equal what was sent, wherever the writer stopped', async () => {
    const clean = new Stopper();
    const repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
    await deliver({ counters: new DynamoRegistryCounters(dynamo.transactional, LOCAL_TABLES.counters, Date.now, { beforeWrite: clean.write }), repos: stoppable(repos, clean) }, envelopes('clean'));
    expect(clean.writes).toBeGreaterThan(12);

    for (let stopAt = 0; stopAt <= clean.writes; stopAt++) {
      // One namespace (registry host) per run keeps the runs apart in one table.
      const namespace = `d${stopAt}`;
      const stopper = new Stopper(stopAt);
      const delivered = await deliver({ counters: new DynamoRegistryCounters(dynamo.transactional, LOCAL_TABLES.counters, Date.now, { beforeWrite: stopper.write }), repos: stoppable(repos, stopper) }, envelopes(namespace));
      const restarted = new DynamoRegistryCounters(dynamo.transactional, LOCAL_TABLES.counters);
      expect(await deliver({ counters: restarted, repos }, envelopes(namespace))).toBe(12);
      expect(await countsOf(restarted, namespace), `stopped before write ${stopAt}, after ${delivered} envelopes`).toEqual(await expectedCounts(namespace));
      // Tracked before counted: every repository counted is tracked too.
      expect((await repos.list()).filter((repo) => repo.ref.startsWith(`registry:${namespace}.`))).toHaveLength(3);
    }
  }, 120_000);
});

describe('the read model stopped between any two writes of a collection, then redelivered', () => {
  let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.close());

  const samplesAt = (at: Date, count: number): Sample[] => ['acme/a', 'acme/b', 'acme/c'].map((repo, i) => ({ registry: 'dockerhub', repo, collectedAt: at.toISOString(), pullCount: count + i }));
  /** One collection of a wildcard (three repositories) into its own table, every write behind the stopper. */
  const collect = (table: string, stopper: Stopper, at: Date, count: number) => {
    const series = new DynamoSeriesStore(dynamo.doc, table);
    const readModel = new DynamoReadModel(dynamo.doc, table, 0, () => at.getTime(), { afterRead: async () => stopper.write() });
    const repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
    return collectMessage(
      { ref: 'dockerhub:acme/*' },
      {
        collectFromSource: async () => ({ samples: samplesAt(at, count) }),
        series: { write: async (samples) => (stopper.write(), series.write(samples)) },
        readModel: { apply: (samples) => readModel.apply(samples), touch: async () => (stopper.write(), readModel.touch()) },
        repos: { recordSuccess: async (ref, when) => (stopper.write(), repos.recordSuccess(ref, when)), recordError: (ref, error) => repos.recordError(ref, error) },
        queue: { send: async () => undefined },
        now: () => at,
      },
    );
  };

  /** For each stopping point: the views and the series after the stopped collection and its redelivery. */
  async function stoppedAndRedelivered(name: string) {
    const clean = new Stopper();
    await ensureTables(dynamo.client, [seriesTableDefinition(`${name}-clean`)]);
    await collect(`${name}-clean`, clean, new Date('2026-11-23T10:00:00Z'), 100);
    // One conditional put per view (after its read), series.write, recordSuccess, touch.
    expect(clean.writes).toBe(6);
    const outcomes = [];
    for (let stopAt = 0; stopAt <= clean.writes; stopAt++) {
      const table = `${name}-${stopAt}`;
      await ensureTables(dynamo.client, [seriesTableDefinition(table)]);
      await collect(table, new Stopper(stopAt), new Date('2026-11-23T10:00:00Z'), 100).catch(() => undefined);
      // SQS redelivers the message a little later; the source answers again, a little higher.
      await collect(table, new Stopper(), new Date('2026-11-23T10:05:00Z'), 107);
      const series = new DynamoSeriesStore(dynamo.doc, table);
      const readModel = new DynamoReadModel(dynamo.doc, table);
      outcomes.push({ stopAt, views: await readModel.views(), latest: await series.latest(), stored: await series.samples('2026-11-23T00:00:00.000Z', '2026-11-24T00:00:00.000Z'), generation: await readModel.generation() });
    }
    return outcomes;
  }

  it('agrees with the series on every newest reading and day closing, wherever the collection stopped', async () => {
    for (const { stopAt, views, latest, generation } of await stoppedAndRedelivered('read-model')) {
      expect(latest).toHaveLength(3);
      for (const sample of latest) {
        const view = views.find((one) => one.repo === sample.repo);
        expect(view?.latest, `stopped before write ${stopAt}: ${sample.repo}`).toEqual(sample);
        expect(view?.days['2026-11-23'], `stopped before write ${stopAt}: ${sample.repo}`).toEqual([sample.pullCount, sample.collectedAt]);
      }
      expect(generation.value).toBeGreaterThan(0);
    }
  });

  // The views are written before the history: a reading the stopped collection fetched stays the view's first even
  // where the history never got it, so no pull between it and the redelivered reading is lost from any figure.
  it('keeps the first reading fetched as the first of a new view, wherever the collection stopped', async () => {
    for (const { stopAt, views, stored } of await stoppedAndRedelivered('first-reading')) {
      for (const view of views) {
        const first = stored.find((one) => one.repo === view.repo)!;
        expect(view.first.at <= first.collectedAt, `stopped before write ${stopAt}: ${view.repo} starts no later than its history`).toBe(true);
        expect(view.figures.pulls_1d, `stopped before write ${stopAt}: ${view.repo}`).toBe(view.latest.pullCount - view.first.count);
        if (view.first.at < first.collectedAt) expect(view.first).toMatchObject({ at: '2026-11-23T10:00:00.000Z' });
      }
    }
  });
});
