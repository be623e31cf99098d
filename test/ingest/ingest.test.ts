// The webhook end to end on the AWS counters (dynalite, transactions emulated): what it counts, what it refuses, what
// it skips inside an envelope it accepts, and the caps on its work.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestResult, TrackedRegistryRefs, ingestEvents } from '../../lambdas/core/ingest.ts';
import { parseRef } from '../../lambdas/core/refs.ts';
import { decodeEnvelope } from '../../lambdas/core/registry-events.ts';
import { SelfHostedSource } from '../../lambdas/core/sources/registry.ts';
import { createIngestApp, INGEST_PATH, MAX_ENVELOPE_BYTES } from '../../lambdas/ingest/app.ts';
import { JournalCounters } from '../../lambdas/local/counter-journal.ts';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { DynamoRegistryCounters } from '../../lambdas/stores/dynamodb/counters-table.ts';
import { DynamoRepoList } from '../../lambdas/stores/dynamodb/repo-table.ts';
import { MemoryCounters, MemoryRepos } from '../fuzz/memory-ports.ts';
import { startTestDynamo } from '../stores/dynalite.ts';

const body = readFileSync(new URL('../fixtures/registry/envelope-mixed.json', import.meta.url), 'utf8');
const REF = 'registry:registry.example.com/team/app';
const TOKEN = 'webhook-secret-token';
const EVENT_TYPE = 'application/vnd.docker.distribution.events.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
let counters: DynamoRegistryCounters;
let repos: DynamoRepoList;
let app: ReturnType<typeof createIngestApp>;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  counters = new DynamoRegistryCounters(dynamo.transactional, LOCAL_TABLES.counters);
  repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
  const tracked = new TrackedRegistryRefs(repos, 1_000, 60_000);
  app = createIngestApp({ token: TOKEN, ingest: (envelope) => ingestEvents(envelope, { counters, tracked }) });
});
afterAll(() => dynamo.close());

const post = (payload: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}, to = app) =>
  to.request(INGEST_PATH, { method: 'POST', body: payload, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': EVENT_TYPE, ...headers } });

/** A manifest GET of `repository:tag`, as distribution sends it. */
const pull = (id: string, repository = 'team/app', tag = 'v1', extra: Record<string, unknown> = {}) => ({
  id,
  timestamp: '2026-11-23T11:00:00Z',
  action: 'pull',
  target: { mediaType: MANIFEST, digest: `sha256:${'ab'.repeat(32)}`, repository, tag },
  request: { method: 'GET', host: 'registry.example.com' },
  ...extra,
});
const envelope = (events: unknown[]) => JSON.stringify({ events });

describe('POST /api/ingest/registry', () => {
  it('refuses a missing or wrong token with 401 and counts nothing', async () => {
    expect((await post(body, { authorization: '' })).status).toBe(401);
    expect((await post(body, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(body, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect(await counters.repository(REF)).toBeUndefined();
  });

  it('counts an envelope: pulls, version checks, pushes and deletes, blobs and mounts ignored', async () => {
    const response = await post(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ counted: { pull: 2, version_check: 1, push: 1, delete: 1 }, duplicates: 0, ignored: 3, skipped: 0 });
    expect(await counters.repository(REF)).toEqual({
      ref: REF,
      pulls: 2,
      versionChecks: 1,
      pushes: 1,
      deletes: 1,
      firstPullAt: '2026-11-23T10:01:00.000Z',
      lastPullAt: '2026-11-23T10:02:00.000Z',
      firstPushAt: '2026-11-23T10:00:00.123Z',
      lastPushAt: '2026-11-23T10:00:00.123Z',
      lastDeleteAt: '2026-11-23T10:05:00.000Z',
      pushers: ['ci-bot'],
    });
    expect(await counters.tags(REF)).toEqual([
      { tag: 'latest', pulls: 0, versionChecks: 1 },
      { tag: 'v1', pulls: 1, versionChecks: 0, lastPullAt: '2026-11-23T10:01:00.000Z' },
    ]);
  });

  it('tracks each repository it sees as a registry ref', async () => {
    expect((await repos.list()).map((repo) => repo.ref)).toContain(REF);
  });

  it('counts nothing twice when the registry redelivers an envelope', async () => {
    const response = await post(body, { 'content-type': 'application/json' });
    expect(await response.json()).toMatchObject({ counted: { pull: 0, version_check: 0, push: 0, delete: 0 }, duplicates: 5 });
    expect((await counters.repository(REF))?.pulls).toBe(2);
  });

  it('accepts the v2 content type and refuses others with 415', async () => {
    const fresh = body.replaceAll('3f2a6a1c000', 'ffffffff000');
    expect((await post(fresh, { 'content-type': 'application/vnd.docker.distribution.events.v2+json; charset=utf-8' })).status).toBe(200);
    expect((await post(body, { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('answers malformed JSON and envelopes with 400, and oversized bodies with 413 closing the connection', async () => {
    expect((await post('{"events": [')).status).toBe(400);
    const notEnvelope = await post('{"event": []}');
    expect(notEnvelope.status).toBe(400);
    expect(((await notEnvelope.json()) as { error: string }).error).toContain('events');
    const oversized = await post(`{"events": [], "pad": "${'x'.repeat(MAX_ENVELOPE_BYTES)}"}`);
    expect(oversized.status).toBe(413);
    expect(oversized.headers.get('connection')).toBe('close');
  });

  it('answers an envelope of more events than the cap with 413, counting none of them', async () => {
    const capped = createIngestApp({ token: TOKEN, maxEvents: 5, ingest: async () => expect.unreachable('an envelope past the cap is not ingested') });
    const response = await post(envelope(Array.from({ length: 6 }, (_, i) => pull(`cap-${i}`))), {}, capped);
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(((await response.json()) as { error: string }).error).toContain('6 events');
  });

  it('is off, saying how to turn it on, without a configured token', async () => {
    const off = createIngestApp({ token: undefined, ingest: async () => expect.unreachable('nothing is ingested while the webhook is off') });
    const response = await off.request(INGEST_PATH, { method: 'POST', body, headers: { 'content-type': EVENT_TYPE } });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('INGEST_TOKEN');
  });

  it('checks the token as the provider gives it, so a rotated secret is honoured once read again', async () => {
    let current = 'first-token';
    const rotating = createIngestApp({ token: async () => current, ingest: (decoded) => ingestEvents(decoded, { counters: new MemoryCounters(), tracked: new TrackedRegistryRefs(new MemoryRepos(), 10, 0) }) });
    expect((await post(envelope([]), { authorization: 'Bearer first-token' }, rotating)).status).toBe(200);
    current = 'second-token';
    expect((await post(envelope([]), { authorization: 'Bearer first-token' }, rotating)).status).toBe(401);
    expect((await post(envelope([]), { authorization: 'Bearer second-token' }, rotating)).status).toBe(200);
  });

  it('answers 503, never 500, when the counters cannot be written, so the registry delivers again', async () => {
    const failing = createIngestApp({ token: TOKEN, ingest: () => Promise.reject(new Error('ProvisionedThroughputExceededException')) });
    expect((await post(envelope([pull('store-down')]), {}, failing)).status).toBe(503);
  });
});

describe('invalid events inside a valid envelope', () => {
  it('skips each invalid event with a reason, counts the valid ones, and writes nothing for the skipped', async () => {
    const repository = 'skips/app';
    const ref = `registry:registry.example.com/${repository}`;
    const events = [
      pull('skip-ok-1', repository),
      pull('skip-long-tag', repository, 't'.repeat(2_000)),
      pull('skip-long-actor', repository, 'v1', { actor: { name: 'a'.repeat(2_000) } }),
      pull('skip-bad-digest', repository, 'v1', { target: { mediaType: MANIFEST, digest: 'sha256:xyz', repository, tag: 'v1' } }),
      pull('skip-upper', 'Skips/App'),
      { id: 7, action: 'pull' },
      'not an event',
      pull('skip-ok-2', repository, 'v2'),
    ];
    const response = await post(envelope(events));
    expect(response.status).toBe(200);
    const result = (await response.json()) as IngestResult;
    expect(result).toMatchObject({ counted: { pull: 2 }, skipped: 6 });
    const reasons = Object.keys(result.skippedReasons);
    expect(reasons).toHaveLength(6);
    for (const field of ['target.tag', 'actor.name', 'target.digest', 'target.repository', 'id ', 'event ']) expect(reasons.join('\n')).toContain(field);
    expect(Object.values(result.skippedReasons).reduce((sum, n) => sum + n, 0)).toBe(6);
    expect((await counters.repository(ref))?.pulls).toBe(2);
    expect((await counters.tags(ref)).map((tag) => tag.tag).sort()).toEqual(['v1', 'v2']);

    // The skipped ids were never recorded: once fixed, the same ids count.
    const fixed = await post(envelope([pull('skip-long-tag', repository, 'v3'), pull('skip-ok-1', repository)]));
    expect(await fixed.json()).toMatchObject({ counted: { pull: 1 }, duplicates: 1 });
  });

  it('keeps apart two ids that differ only in bytes that are not UTF-8: both are skipped, neither counts as the other', async () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    const event = (idBytes: number[]) => [...encode('{"id":"utf'), ...idBytes, ...encode(`","timestamp":"2026-11-23T11:00:00Z","action":"pull","target":{"mediaType":"${MANIFEST}","repository":"bytes/app"},"request":{"method":"GET","host":"registry.example.com"}}`)];
    const raw = new Uint8Array([...encode('{"events":['), ...event([0xff]), ...encode(','), ...event([0xfe]), ...encode(',{"id":"utf-ok","timestamp":"2026-11-23T11:00:00Z","action":"pull","target":{"mediaType":"'), ...encode(MANIFEST), ...encode('","repository":"bytes/app"},"request":{"method":"GET","host":"registry.example.com"}}]}')]);
    const response = await post(raw);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ counted: { pull: 1 }, duplicates: 0, skipped: 2, skippedReasons: { 'holds text that is not valid UTF-8': 2 } });
    // JSON escapes of lone surrogates are no way around it either: DynamoDB would store both as one U+FFFD.
    const escaped = await post(envelope([pull('sur\ud800', 'bytes/app'), pull('sur\udbff', 'bytes/app')]));
    expect(await escaped.json()).toMatchObject({ counted: { pull: 0 }, skipped: 2 });
    expect((await counters.repository('registry:registry.example.com/bytes/app'))?.pulls).toBe(1);
  });
});

describe('the cap on repositories a registry creates', () => {
  it('tracks new repositories up to the cap, then skips the events of more, saying so', async () => {
    const memoryRepos = new MemoryRepos();
    await memoryRepos.add(['dockerhub:library/nginx', 'registry:registry.example.com/already/here']);
    const memoryCounters = new MemoryCounters();
    const deps = { counters: memoryCounters, tracked: new TrackedRegistryRefs(memoryRepos, 3, 60_000) };
    const decode = (events: unknown[]) => decodeEnvelope(new TextEncoder().encode(envelope(events)), 1_000);

    // A leaked token posting many new repositories, four times: at most the cap is ever tracked.
    for (let post = 0; post < 4; post++) {
      const result = await ingestEvents(decode(Array.from({ length: 500 }, (_, i) => pull(`flood-${post}-${i}`, `flood/repo-${post}-${i}`))), deps);
      expect(result.repositoryLimit).toBe(3);
      expect(result.counted.pull + result.skipped).toBe(500);
    }
    const tracked = (await memoryRepos.list()).map((repo) => repo.ref).filter((ref) => ref.startsWith('registry:'));
    expect(tracked).toHaveLength(3);
    expect(tracked).toContain('registry:registry.example.com/already/here');

    // Repositories already tracked keep counting past the cap.
    const known = await ingestEvents(decode([pull('known-1', 'already/here')]), deps);
    expect(known).toMatchObject({ counted: { pull: 1 }, skipped: 0 });
    expect(known.repositoryLimit).toBeUndefined();
    // Skipped events of untracked repositories left no counters behind.
    const counted = (await Promise.all(tracked.map((ref) => memoryCounters.repository(ref)))).reduce((sum, counts) => sum + (counts?.pulls ?? 0), 0);
    expect(counted).toBe(2 + 1);
  });
});

describe('the DynamoDB counters', () => {
  it('counts a 1,000-event envelope in transactions of at most 100 actions, each id once', async () => {
    let transactions = 0;
    const counting = new DynamoRegistryCounters(dynamo.transactional, LOCAL_TABLES.counters, Date.now, { beforeWrite: () => void transactions++ });
    const events = Array.from({ length: 1_000 }, (_, i) => ({ id: `big-${i}`, kind: 'pull' as const, ref: `registry:r.example.com/big/app-${i % 7}`, tag: `t${i % 13}`, at: new Date(Date.UTC(2026, 10, 23, 0, 0, i)).toISOString() }));
    const outcome = await counting.record([...events, events[0]!]);
    expect(outcome.counted).toHaveLength(1_000);
    expect(outcome.duplicates).toBe(1);
    // The emulated TransactWriteItems refuses more than 100 actions; the groups fill them: 1,000 ids plus the 7
    // repository and 91 tag items, written again in each group that touches them, take 22 (groups of 25 took 40).
    expect(transactions).toBeGreaterThanOrEqual(11);
    expect(transactions).toBeLessThanOrEqual(25);
    const pulls = await Promise.all(Array.from({ length: 7 }, (_, i) => counting.repository(`registry:r.example.com/big/app-${i}`)));
    expect(pulls.map((counts) => counts?.pulls)).toEqual([143, 143, 143, 143, 143, 143, 142]);
    expect((await counting.repository('registry:r.example.com/big/app-0'))?.lastPullAt).toBe(events[994]!.at);
    expect((await counting.record(events)).duplicates).toBe(1_000);
  });

  it('leaves out an event another writer recorded between the read and the transaction', async () => {
    const rival = new DynamoRegistryCounters(dynamo.transactional, LOCAL_TABLES.counters);
    const event = (id: string) => ({ id, kind: 'pull' as const, ref: 'registry:r.example.com/race/app', at: '2026-11-23T12:00:00.000Z' });
    let raced = false;
    const racing = new DynamoRegistryCounters(dynamo.transactional, LOCAL_TABLES.counters, Date.now, {
      beforeWrite: async () => {
        if (raced) return;
        raced = true;
        await rival.record([event('race-2')]);
      },
    });
    const outcome = await racing.record([event('race-1'), event('race-2'), event('race-3')]);
    expect(outcome.counted.map((one) => one.id)).toEqual(['race-1', 'race-3']);
    expect(outcome.duplicates).toBe(1);
    expect((await racing.repository('registry:r.example.com/race/app'))?.pulls).toBe(3);
  });
});

describe('first and last times', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 10, minute)).toISOString();
  const event = (id: string, kind: 'pull' | 'push', minute: number) => ({ id, kind, ref: 'registry:r.example.com/times/app', tag: 'v1', at: at(minute), ...(kind === 'push' && { actor: 'ci' }) });

  it('are the earliest and latest event times, whatever order the events arrive in, on both stores', async () => {
    const events = [event('t-5', 'pull', 5), event('t-1', 'pull', 1), event('t-9', 'pull', 9), event('t-3', 'push', 3), event('t-7', 'push', 7), event('t-2', 'pull', 2)];
    const journalDir = await mkdtemp(join(tmpdir(), 'pullwatch-times-'));
    const { counters: journal } = await JournalCounters.open(journalDir);
    try {
      const stores = [new DynamoRegistryCounters(dynamo.transactional, LOCAL_TABLES.counters), journal];
      // Delivered as three envelopes, latest first, then the rest.
      for (const store of stores) for (const envelope of [events.slice(2, 4), events.slice(4), events.slice(0, 2)]) await store.record(envelope);
      for (const store of stores) {
        expect(await store.repository('registry:r.example.com/times/app')).toMatchObject({ firstPullAt: at(1), lastPullAt: at(9), firstPushAt: at(3), lastPushAt: at(7), pulls: 4, pushes: 2 });
        expect(await store.tags('registry:r.example.com/times/app')).toEqual([{ tag: 'v1', pulls: 4, versionChecks: 0, lastPullAt: at(9) }]);
      }
    } finally {
      await journal.close();
      await rm(journalDir, { recursive: true, force: true });
    }
  });

  it('stay right when another writer moves them between the read and the transaction', async () => {
    const ref = 'registry:r.example.com/times/race';
    const rival = new DynamoRegistryCounters(dynamo.transactional, LOCAL_TABLES.counters);
    let raced = false;
    const racing = new DynamoRegistryCounters(dynamo.transactional, LOCAL_TABLES.counters, Date.now, {
      beforeWrite: async () => {
        if (raced) return;
        raced = true;
        await rival.record([{ ...event('race-late', 'pull', 50), ref }, { ...event('race-early', 'pull', 0), ref }]);
      },
    });
    await racing.record([{ ...event('race-mid', 'pull', 20), ref }]);
    expect(await racing.repository(ref)).toMatchObject({ pulls: 3, firstPullAt: at(0), lastPullAt: at(50) });
  });
});

describe('self-hosted source', () => {
  it('samples the webhook counter into the series', async () => {
    const source = new SelfHostedSource(counters, () => new Date('2026-11-23T10:00:00Z'));
    // Two envelopes with distinct event ids were counted above: two pulls each.
    expect((await source.collect(parseRef('registry:registry.example.com/team/app'))).samples[0]).toMatchObject({ registry: 'registry', repo: 'registry.example.com/team/app', pullCount: 4 });
  });

  it('reports a repository with no notification yet as an error, not a 0', async () => {
    const source = new SelfHostedSource(counters, () => new Date('2026-11-23T10:00:00Z'));
    await expect(source.collect(parseRef('registry:registry.example.com/team/silent'))).rejects.toMatchObject({ kind: 'not_found' });
  });
});
