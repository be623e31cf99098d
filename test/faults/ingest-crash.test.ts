// kill -9 of local mode during a burst of webhook posts, then a restart on the same DATA_DIR and the registry's
// redelivery of every envelope: each counter (repository pulls, version checks, pushes, deletes, first and last times,
// pushers; each tag's pulls, version checks and last pull) must equal what the events sent, once each.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackedRegistryRefs, ingestEvents } from '../../lambdas/core/ingest.ts';
import { decodeEnvelope } from '../../lambdas/core/registry-events.ts';
import { MemoryCounters, MemoryRepos } from '../fuzz/memory-ports.ts';
import { type LocalProcess, startLocalProcess } from '../local/process.ts';

const TOKEN = 'crash-token';
const HOST = 'registry.crash.example:5000';
const REPOSITORIES = ['team/app', 'team/api', 'team/web', 'ops/tool', 'ops/agent'];
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const ENVELOPES = 50;
const EVENTS_PER_ENVELOPE = 10;
/** Posters at once, as a registry with several notification endpoints, or several registries, would post. */
const POSTERS = 5;
/** The process is killed once this many envelopes were acknowledged: a third of the way into the burst. */
const KILL_AFTER = 17;

interface RepoRow {
  ref: string;
  webhook?: Record<string, unknown>;
}

/** 500 events: pulls by tag and digest, version checks, pushes by three actors, deletes of tags, and blob fetches. */
function envelopeBodies(): string[] {
  return Array.from({ length: ENVELOPES }, (_, e) =>
    JSON.stringify({
      events: Array.from({ length: EVENTS_PER_ENVELOPE }, (_, i) => {
        const n = e * EVENTS_PER_ENVELOPE + i;
        const repository = REPOSITORIES[n % REPOSITORIES.length]!;
        const base = { id: `crash-${n}`, timestamp: new Date(Date.UTC(2026, 10, 23, 8, 0, 0, n * 37)).toISOString(), request: { host: HOST, method: 'GET' } };
        const tag = `v${n % 6}`;
        switch (n % 9) {
          case 0:
            return { ...base, action: 'push', target: { mediaType: MANIFEST, repository, tag }, request: { host: HOST, method: 'PUT' }, actor: { name: ['ci', 'alice', 'bob'][n % 3] } };
          case 1:
            return { ...base, action: 'pull', target: { mediaType: MANIFEST, repository, tag }, request: { host: HOST, method: 'HEAD' } };
          case 2:
            return { ...base, action: 'delete', target: { repository, tag }, request: { host: HOST, method: 'DELETE' }, actor: { name: 'admin' } };
          case 3:
            return { ...base, action: 'pull', target: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', repository } };
          case 4:
            return { ...base, action: 'pull', target: { mediaType: MANIFEST, repository, digest: `sha256:${'c'.repeat(64)}` } };
          default:
            return { ...base, action: 'pull', target: { mediaType: MANIFEST, repository, tag } };
        }
      }),
    }),
  );
}

/** What every counter must read: the same envelopes, counted once each by the in-memory store. */
async function expectedCounters(bodies: string[]) {
  const counters = new MemoryCounters();
  const tracked = new TrackedRegistryRefs(new MemoryRepos(), 1_000, 0);
  for (const body of bodies) await ingestEvents(decodeEnvelope(new TextEncoder().encode(body), 1_000), { counters, tracked });
  return Promise.all(REPOSITORIES.map(async (repository) => ({ repository, counts: await counters.repository(`registry:${HOST}/${repository}`), tags: await counters.tags(`registry:${HOST}/${repository}`) })));
}

function post(url: string, body: string): Promise<Response> {
  return fetch(`${url}api/ingest/registry`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/vnd.docker.distribution.events.v1+json' }, body });
}

/** The counters as the API shows them: /api/repos for each repository, /api/tags for its tags. */
async function servedCounters(url: string) {
  const repos = (await (await fetch(`${url}api/repos`)).json()) as RepoRow[];
  return Promise.all(
    REPOSITORIES.map(async (repository) => {
      const ref = `registry:${HOST}/${repository}`;
      const tags = (await (await fetch(`${url}api/tags?repo=${encodeURIComponent(ref)}`)).json()) as Record<string, unknown>[];
      return { repository, webhook: repos.find((row) => row.ref === ref)?.webhook, tags: tags.map(({ repo: _repo, ...tag }) => tag).sort((a, b) => (String(a.tag) < String(b.tag) ? -1 : 1)) };
    }),
  );
}

/** The in-memory expectation in the API's shape. */
function asServed(expected: Awaited<ReturnType<typeof expectedCounters>>) {
  return expected.map(({ repository, counts, tags }) => ({
    repository,
    webhook: {
      pulls: counts!.pulls,
      version_checks: counts!.versionChecks,
      pushes: counts!.pushes,
      deletes: counts!.deletes,
      first_pull_at: counts!.firstPullAt ?? null,
      last_pull_at: counts!.lastPullAt ?? null,
      first_push_at: counts!.firstPushAt ?? null,
      last_push_at: counts!.lastPushAt ?? null,
      last_delete_at: counts!.lastDeleteAt ?? null,
      pushers: counts!.pushers,
    },
    tags: tags.map((tag) => ({ tag: tag.tag, pulls: tag.pulls, version_checks: tag.versionChecks, last_pull_at: tag.lastPullAt ?? null })).sort((a, b) => (a.tag < b.tag ? -1 : 1)),
  }));
}

describe('local mode killed with SIGKILL during a burst of webhook posts', () => {
  let dataDir: string;
  let pullwatch: LocalProcess | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-ingest-crash-'));
  });
  afterAll(async () => {
    await pullwatch?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('counts every event exactly once after a restart and the redelivery of every envelope', async () => {
    const env = { PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', INGEST_TOKEN: TOKEN };
    const bodies = envelopeBodies();
    pullwatch = await startLocalProcess(env);
    const crashing = pullwatch;

    // The burst: POSTERS posters take the next envelope as soon as their last one is answered; the kill comes as the
    // KILL_AFTER-th acknowledgement arrives, with other posts in flight.
    const acknowledged = new Set<number>();
    const failed = new Set<number>();
    let next = 0;
    let killed: Promise<unknown> | undefined;
    await Promise.all(
      Array.from({ length: POSTERS }, async () => {
        while (next < bodies.length && !killed) {
          const index = next++;
          try {
            const response = await post(crashing.url, bodies[index]!);
            if (response.status === 200) acknowledged.add(index);
            else failed.add(index);
            await response.arrayBuffer();
          } catch {
            failed.add(index);
          }
          if (acknowledged.size >= KILL_AFTER && !killed) killed = crashing.stop('SIGKILL');
        }
      }),
    );
    await killed;
    expect(crashing.child.signalCode).toBe('SIGKILL');
    const unsent = bodies.length - acknowledged.size - failed.size;
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(unsent).toBeGreaterThan(0);

    // Restart; the registry redelivers every envelope it holds (here: all of them, acknowledged or not), in any order.
    pullwatch = await startLocalProcess(env);
    const redelivered = { counted: 0, duplicates: 0, ignored: 0, skipped: 0 };
    const order = bodies.map((_, index) => index).sort((a, b) => ((a * 7919) % 50) - ((b * 7919) % 50));
    for (const index of order) {
      const response = await post(pullwatch.url, bodies[index]!);
      expect(response.status).toBe(200);
      const result = (await response.json()) as { counted: Record<string, number>; duplicates: number; ignored: number; skipped: number };
      redelivered.counted += Object.values(result.counted).reduce((sum, n) => sum + n, 0);
      redelivered.duplicates += result.duplicates;
      redelivered.ignored += result.ignored;
      redelivered.skipped += result.skipped;
    }

    const expected = asServed(await expectedCounters(bodies));
    const countable = expected.reduce((sum, { webhook }) => sum + webhook.pulls + webhook.version_checks + webhook.pushes + webhook.deletes, 0);
    const served = await servedCounters(pullwatch.url);
    // The run's figures, printed for the record: what was acknowledged before the kill, what the redelivery found.
    console.log(
      JSON.stringify({
        sent: { envelopes: ENVELOPES, events: ENVELOPES * EVENTS_PER_ENVELOPE, countable, blobFetches: ENVELOPES * EVENTS_PER_ENVELOPE - countable },
        beforeKill: { acknowledged: acknowledged.size, failedInFlight: failed.size, neverSent: unsent },
        redelivery: redelivered,
        after: Object.fromEntries(served.map(({ repository, webhook }) => [repository, webhook && { pulls: webhook.pulls, version_checks: webhook.version_checks, pushes: webhook.pushes, deletes: webhook.deletes }])),
      }),
    );
    expect(served).toEqual(expected);
    // Every countable event was counted once: before the kill, or on redelivery, never both.
    expect(redelivered.duplicates + redelivered.counted).toBe(countable);
    expect(redelivered.duplicates).toBeGreaterThan(0);

    // A clean stop folds the journal into its snapshot; the next start reads the same counts.
    expect(await pullwatch.stop('SIGTERM')).toBe(0);
    pullwatch = await startLocalProcess(env);
    expect(await servedCounters(pullwatch.url)).toEqual(expected);
    expect(pullwatch.output()).not.toMatch(/truncated|damaged|not a whole record/);
  }, 90_000);
});
