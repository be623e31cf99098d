// Local mode against a Docker Hub that fails on purpose: 5xx, hangs past the timeout, 429 bursts, malformed bodies.
//
// Every 200 the fake writes carries a pull_count no other answer carries (never 0), so a stored sample names the
// one answer it came from. "Served successfully" means: the fake answered at once with a complete, well-formed 200
// (`ok` in faulty-hub.ts) and the collector took it. The collector gives up on an answer it has not finished
// reading within UPSTREAM_TIMEOUT, and that clock also runs while this process's event loop is busy, so now and
// then a prompt `ok` is abandoned like a hang; it then behaves exactly as after any transient failure (a retry
// follows, or the last receive dead-letters the message), and its count must not be stored. A hang's own late 200,
// and the counts inside truncated or cut-off bodies, must never be stored either. The collector stamps each sample
// with its own collectedAt, so a refetch is a second sample with a second count, never the same sample twice.
//
// The claims, over several collections:
// - the stored samples are exactly the answers taken: each once, nothing else, no 0;
// - each repository's requests in a collection follow the queue's rules (a transient failure is redelivered until
//   the third receive dead-letters it, a 429 goes back after its Retry-After, a format change stops) and end in an
//   outcome, so nothing is dropped or fetched again after success;
// - /api/repos shows that outcome: last_success_at, or last_error of the matching kind when the last attempt failed.
//
// FAULT_SEED=<n> replays another script; the seed is in every failure message.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RATE_LIMITED_ATTEMPTS } from '../../lambdas/core/collect.ts';
import { DEFAULTS } from '../../lambdas/core/defaults.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import { LOCAL_TABLES, startLocalDynamo } from '../../lambdas/local/dynamo.ts';
import { type LocalPullwatch, startLocal } from '../../lambdas/local/server.ts';
import { localSettingsFromEnv } from '../../lambdas/local/wiring.ts';
import { DynamoSeriesStore } from '../../lambdas/stores/dynamodb/series-table.ts';
import { documentClient } from '../../lambdas/stores/dynamodb/client.ts';
import { type FakeUpstream, startFakeUpstream } from '../fakes/upstream.ts';
import { type Answer, type FaultyHub, type ServedAnswer, expectedKind, installFaultyHub } from './faulty-hub.ts';

const SEED = Number(process.env.FAULT_SEED ?? 20_261_123);
const TIMEOUT_MS = 300;
const REPOS = Array.from({ length: 24 }, (_, i) => `faulty/repo-${String(i).padStart(2, '0')}`);
const COLLECTIONS = 4;

interface RepoRow {
  ref: string;
  last_success_at: string | null;
  last_error: { kind: string; message: string; at: string } | null;
}

/** How one repository's collection ended, replayed from the answers the fake gave, by the queue's rules. */
type Outcome = { stored: number } | { failed: 'transient' | 'rate_limited' | 'format_changed'; deadLettered: boolean };

interface Reading {
  outcome: Outcome;
  /** Answers the collector gave up on before it had read them all, which it treats as transient failures. */
  abandoned: ServedAnswer[];
}

/**
 * Every way the collector can have read one repository's answers in one collection that follows the queue's rules
 * and ends in an outcome exactly at the last answer, fewest abandoned answers first. An `ok` answer was taken when
 * its count is stored and abandoned otherwise; any other answer reads as its own kind or, abandoned, as transient.
 */
function readings(answers: readonly ServedAnswer[], stored: ReadonlySet<number>): Reading[] {
  const found: Reading[] = [];
  const walk = (index: number, receives: number, rateLimited: number, abandoned: ServedAnswer[]): void => {
    const served = answers[index];
    if (!served) return;
    const own = expectedKind(served.answer);
    const options: (typeof own | 'abandoned')[] =
      own === undefined ? [stored.has(served.count!) ? undefined : 'abandoned'] : own === 'transient' ? [own] : [own, 'abandoned'];
    for (const option of options) {
      const kind = option === 'abandoned' ? 'transient' : option;
      const gaveUp = option === 'abandoned' ? [...abandoned, served] : abandoned;
      let outcome: Outcome | undefined;
      let nextReceives = receives;
      let nextRateLimited = rateLimited;
      if (kind === undefined) outcome = { stored: served.count! };
      else if (kind === 'format_changed') outcome = { failed: kind, deadLettered: false };
      else if (kind === 'transient') {
        // The same message comes back until its last receive, which dead-letters it.
        if (++nextReceives === DEFAULTS.maxReceives) outcome = { failed: kind, deadLettered: true };
      } else if (rateLimited >= MAX_RATE_LIMITED_ATTEMPTS) {
        outcome = { failed: kind, deadLettered: false };
      } else {
        // A 429 succeeds the message and queues a new one, delayed, with fresh receives.
        nextRateLimited++;
        nextReceives = 0;
      }
      if (outcome) {
        // An outcome ends the ref's collection: a request after it means a sample fetched twice or a lost failure.
        if (index === answers.length - 1) found.push({ outcome, abandoned: gaveUp });
        continue;
      }
      walk(index + 1, nextReceives, nextRateLimited, gaveUp);
    }
  };
  walk(0, 0, 0, []);
  return found.sort((a, b) => a.abandoned.length - b.abandoned.length);
}

/** The error kind the collector must record for each error message it writes. */
const MESSAGE_KINDS: [RegExp, string][] = [
  [/HTTP 429/, 'rate_limited'],
  [/HTTP 5\d\d|no complete answer within|closed the connection|request to .* failed/, 'transient'],
  [/body is not JSON|repository JSON: pull_count/, 'format_changed'],
];

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** Reads /api/repos until stopped, noting every error shown; a 429's error shows only until its retry. */
function watchErrors(url: string): { errors: Map<string, { kind: string; message: string }>; stop: () => Promise<void> } {
  const errors = new Map<string, { kind: string; message: string }>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const row of await getJson<RepoRow[]>(`${url}api/repos`)) {
        if (row.last_error) errors.set(`${row.last_error.at} ${row.last_error.message}`, row.last_error);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    errors,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

describe(`local mode against a failing Docker Hub (FAULT_SEED=${SEED})`, () => {
  let fake: FakeUpstream;
  let hub: FaultyHub;
  let dataDir: string;
  let pullwatch: LocalPullwatch | undefined;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    // Every fault shows up at least once, whatever the seed: the first request of the first repositories is fixed.
    const faults: Answer[] = ['server_error', 'hang', 'throttled', 'not_a_number', 'truncated', 'reset'];
    const forced = Object.fromEntries(faults.map((answer, i) => [`${REPOS[i]}#0`, answer]));
    hub = installFaultyHub(fake, { seed: SEED, hangMs: 3 * TIMEOUT_MS, burstLength: 5, forced });
    dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-faults-'));
  });
  afterAll(async () => {
    await pullwatch?.close();
    hub.stop();
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores every answer served successfully exactly once, never a 0, and shows the failures on /api/repos', async () => {
    const startedAt = new Date().toISOString();
    /** What /api/repos showed after each collection, and when that collection started. */
    const shown: { collection: number; since: string; rows: Map<string, RepoRow> }[] = [];
    const snapshot = async (collection: number, since: string) => {
      const rows = await getJson<RepoRow[]>(`${pullwatch!.url}api/repos`);
      shown.push({ collection, since, rows: new Map(rows.map((row) => [row.ref, row])) });
    };

    let since = new Date().toISOString();
    hub.collection = 1;
    // Local mode collects once at start: that is the first collection.
    pullwatch = await startLocal({
      PORT: '0',
      DATA_DIR: dataDir,
      POLL_INTERVAL: '0',
      REPOS: REPOS.join(','),
      DOCKERHUB_API_URL: fake.url,
      UPSTREAM_TIMEOUT: `${TIMEOUT_MS}ms`,
      LOCAL_REDELIVERY: '100ms',
    });
    const watcher = watchErrors(pullwatch.url);
    await pullwatch.idle();
    await snapshot(1, since);
    for (let collection = 2; collection <= COLLECTIONS; collection++) {
      since = new Date().toISOString();
      hub.collection = collection;
      await pullwatch.collect();
      await pullwatch.idle();
      await snapshot(collection, since);
    }
    await watcher.stop();
    const summary = await getJson<{ name: string; pull_count: number }[]>(`${pullwatch.url}api/summary`);
    const deadLettered = pullwatch.deadLettered.length;
    await pullwatch.close();
    pullwatch = undefined;
    hub.stop();

    // Raw samples straight from the store local mode left on DATA_DIR.
    const dynamo = await startLocalDynamo(dataDir);
    let stored: Sample[];
    try {
      const store = new DynamoSeriesStore(documentClient(dynamo.client), LOCAL_TABLES.series);
      stored = await store.samples(startedAt, new Date(Date.now() + 60_000).toISOString(), { repos: REPOS.map((path) => ({ registry: 'dockerhub', path })) });
    } finally {
      await dynamo.close();
    }
    const storedCounts = new Set(stored.map((sample) => sample.pullCount));

    const problems: string[] = [];
    const taken: string[] = [];
    const abandoned: ServedAnswer[] = [];
    const lastTaken = new Map<string, number>();
    let deadLetters = 0;
    for (const { collection, since: collectionStart, rows } of shown) {
      let storedThisCollection = 0;
      for (const repo of REPOS) {
        const answers = hub.answers.filter((served) => served.repo === repo && served.collection === collection);
        const row = rows.get(`dockerhub:${repo}`);
        const succeeded = !!row?.last_success_at && row.last_success_at >= collectionStart;
        const shownFailure = row?.last_error && row.last_error.at >= collectionStart ? row.last_error.kind : undefined;
        const possible = readings(answers, storedCounts);
        const reading = possible.find(({ outcome }) =>
          'stored' in outcome ? succeeded && row!.last_error === null : !succeeded && shownFailure === outcome.failed,
        );
        if (!reading) {
          const tried = answers.map((served) => `${served.answer}${served.count ? ` ${served.count}` : ''}`).join(', ');
          problems.push(
            `collection ${collection}, ${repo}: answers [${tried}] ` +
              (possible.length === 0 ? 'cannot end in one outcome (a request after success or a failure, or none at the end)' : `lead to ${JSON.stringify(possible[0]!.outcome)}`) +
              `, but /api/repos shows ${JSON.stringify(row)}`,
          );
          continue;
        }
        abandoned.push(...reading.abandoned);
        if ('stored' in reading.outcome) {
          storedThisCollection++;
          taken.push(`${repo} ${reading.outcome.stored}`);
          lastTaken.set(repo, reading.outcome.stored);
        } else if (reading.outcome.deadLettered) deadLetters++;
      }
      if (storedThisCollection === 0) problems.push(`collection ${collection} stored nothing: every answer was abandoned or failed`);
    }
    // Whatever the timing, each error is recorded under the kind its cause calls for.
    for (const { kind, message } of watcher.errors.values()) {
      const expected = MESSAGE_KINDS.find(([pattern]) => pattern.test(message))?.[1];
      if (expected !== kind) problems.push(`/api/repos showed a ${kind} error "${message}", expected ${expected ?? 'a known message'}`);
    }

    const context = [
      `FAULT_SEED=${SEED}; answers the collector gave up on: ${abandoned.map((served) => `${served.repo}#${served.attempt} ${served.answer}`).join(', ') || 'none'}`,
      `answers [repo, collection, attempt, answer, count]: ${JSON.stringify(hub.answers.map(({ repo, collection, attempt, answer, count }) => [repo, collection, attempt, answer, count ?? null]))}`,
      `errors /api/repos showed: ${[...watcher.errors.keys()].sort().join('\n')}`,
    ].join('\n');
    expect(problems, context).toEqual([]);

    // The script exercised every fault it claims to.
    expect([...new Set(hub.answers.map((served) => served.answer))].sort(), context).toEqual(['hang', 'not_a_number', 'ok', 'reset', 'server_error', 'throttled', 'truncated']);

    // Every answer taken is stored once; nothing else is: no abandoned or late answer, no garbage, no 0.
    expect(stored.map((sample) => `${sample.repo} ${sample.pullCount}`).sort(), context).toEqual(taken.sort());
    expect(stored.filter((sample) => sample.pullCount === 0)).toEqual([]);
    const late = new Set(hub.answers.filter((served) => served.answer === 'hang' && served.count !== undefined).map((served) => served.count));
    expect(stored.filter((sample) => late.has(sample.pullCount))).toEqual([]);
    expect(new Set(stored.map((sample) => `${sample.repo} ${sample.collectedAt}`)).size).toBe(stored.length);

    // The newest stored count of each repository is the last answer taken for it.
    expect(new Map(summary.map((row) => [row.name, row.pull_count]))).toEqual(lastTaken);

    expect(deadLettered, context).toBe(deadLetters);
    expect([...new Set([...watcher.errors.values()].map((error) => error.kind))].sort(), 'error kinds /api/repos showed during the collections').toEqual(['format_changed', 'rate_limited', 'transient']);
  }, 60_000);
});

describe('LOCAL_REDELIVERY', () => {
  it('sets how long local mode waits before redelivering a failed collection', () => {
    expect(localSettingsFromEnv({ LOCAL_REDELIVERY: '250ms' }).redeliveryMs).toBe(250);
    expect(localSettingsFromEnv({ LOCAL_REDELIVERY: '2s' }).redeliveryMs).toBe(2_000);
    expect(localSettingsFromEnv({}).redeliveryMs).toBe(DEFAULTS.localRedeliveryMs);
    expect(() => localSettingsFromEnv({ LOCAL_REDELIVERY: 'soon' })).toThrow(/LOCAL_REDELIVERY="soon"/);
  });
});
