// kill -9 of local mode in the middle of a collection, then a restart on the same DATA_DIR.
//
// The fake Docker Hub answers each request after LATENCY_MS with a pull_count no other answer carries, so every
// stored sample can be traced to the one answer it came from. Local mode (the `npm start` process) is killed once
// some samples are stored and other repositories are still waiting, three times at different points, and then
// restarted on the same DATA_DIR and left to finish its collection at start. Then the store must read as if nothing had happened: no repair step, every sample an answer the
// fake gave (none twice, none garbled), each repository's latest and daily value its newest sample, and every ref
// collected again with the fake's current count.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../lambdas/core/samples.ts';
import { LOCAL_TABLES, startLocalDynamo } from '../../lambdas/local/dynamo.ts';
import { LATEST_PARTITION, MONTH_PARTITION_PREFIX } from '../../lambdas/stores/dynamodb/schema.ts';
import { DynamoSeriesStore } from '../../lambdas/stores/dynamodb/series-table.ts';
import { documentClient } from '../../lambdas/stores/dynamodb/client.ts';
import { type FakeUpstream, dockerHubRepository, json, startFakeUpstream } from '../fakes/upstream.ts';
import { type LocalProcess, eventually, startLocalProcess } from '../local/process.ts';

const LATENCY_MS = 300;
const REPOS = Array.from({ length: 50 }, (_, i) => `crash/repo-${String(i).padStart(2, '0')}`);

/**
 * Announced like Docker Hub does: 600 a minute paces about ten requests a second, a repository and its daily tags
 * request each, so each killed run stores some repositories and leaves others waiting.
 */
const GENEROUS_BUDGET = () => ({ 'x-ratelimit-limit': '600', 'x-ratelimit-remaining': '599', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 60) });

interface Served {
  repo: string;
  count: number;
  /** 1–3: the runs that are killed; 4: the one left to finish. */
  run: number;
}

interface RepoRow {
  ref: string;
  last_success_at: string | null;
  last_error: unknown;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

describe('local mode killed with SIGKILL during a collection', () => {
  let fake: FakeUpstream;
  let dataDir: string;
  let pullwatch: LocalProcess | undefined;
  const served: Served[] = [];
  let run = 1;
  let nextCount = 7_000_000;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    fake.route(/^\/v2\/repositories\/[^/]+\/[^/]+\/$/, async (_request, response, url) => {
      const [, , , namespace, name] = url.pathname.split('/') as [string, string, string, string, string];
      const repo = `${namespace}/${name}`;
      const asked = run;
      await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
      const count = nextCount++;
      served.push({ repo, count, run: asked });
      json(response, 200, dockerHubRepository(namespace, name, count), GENEROUS_BUDGET());
    });
    // The daily tag counts: answered at once, so the timing stays the repositories' own.
    fake.route(/^\/v2\/repositories\/[^/]+\/[^/]+\/tags$/, (_request, response) => json(response, 200, { count: 3, results: [] }, GENEROUS_BUDGET()));
    dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-crash-'));
  });
  afterAll(async () => {
    await pullwatch?.stop('SIGKILL');
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('restarts on the same DATA_DIR with a consistent store and collects every ref again', async () => {
    const env = { PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', DOCKERHUB_API_URL: fake.url };
    let output = '';
    // Killed at three points of the collection at start: early, midway, late.
    for (const [index, storedBeforeKill] of [2, 12, 25].entries()) {
      run = index + 1;
      const startedAt = new Date().toISOString();
      // The first start tracks the refs; later ones find them in the store.
      pullwatch = await startLocalProcess({ ...env, ...(run === 1 && { REPOS: REPOS.join(',') }) });
      await eventually(async () => {
        const rows = await getJson<{ collected_at: string }[]>(`${pullwatch!.url}api/summary`);
        // collected_at is to the whole second: a reading of the run before, in the second this one started, is not new.
        return rows.filter((row) => Date.parse(row.collected_at) >= Date.parse(startedAt)).length >= storedBeforeKill ? true : undefined;
      }, 20_000);
      expect(await pullwatch.stop('SIGKILL')).toBeNull();
      expect(pullwatch.child.signalCode).toBe('SIGKILL');
      output += pullwatch.output();
      // stop() waits for an exit that already happened when asked twice: afterAll must not ask again.
      pullwatch = undefined;
    }

    run = 4;
    const restartedAt = new Date().toISOString();
    pullwatch = await startLocalProcess(env);
    expect(await getJson(`${pullwatch.url}api/health`)).toEqual({ status: 'ok' });
    const rows = await eventually(async () => {
      const repos = await getJson<RepoRow[]>(`${pullwatch!.url}api/repos`);
      return repos.length === REPOS.length && repos.every((row) => row.last_success_at !== null && row.last_success_at >= restartedAt) ? repos : undefined;
    }, 20_000);
    expect(rows.map((row) => row.ref).sort()).toEqual(REPOS.map((repo) => `dockerhub:${repo}`));
    expect(rows.filter((row) => row.last_error !== null)).toEqual([]);

    // Latest counts are the fake's current ones: the last answer it gave for each repository.
    const current = new Map(served.map((answer) => [answer.repo, answer.count]));
    const summary = await getJson<{ name: string; pull_count: number }[]>(`${pullwatch.url}api/summary`);
    expect(new Map(summary.map((row) => [row.name, row.pull_count]))).toEqual(current);
    expect(served.filter((answer) => answer.run === 4)).toHaveLength(REPOS.length);

    expect(await pullwatch.stop('SIGTERM')).toBe(0);
    output += pullwatch.output();
    pullwatch = undefined;
    // LevelDB recovered from its own log: nothing had to be repaired, nothing read as corrupt.
    expect(output).not.toMatch(/corrupt|repair|LOCK|IO error/i);

    // The store, read directly: every sample is an answer the fake gave, none twice, and the derived items agree.
    const dynamo = await startLocalDynamo(dataDir);
    try {
      const client = documentClient(dynamo.client);
      const store = new DynamoSeriesStore(client, LOCAL_TABLES.series);
      const samples = await store.samples('2000-01-01T00:00:00.000Z', new Date(Date.now() + 60_000).toISOString(), {
        repos: REPOS.map((path) => ({ registry: 'dockerhub', path })),
      });
      const answers = new Map(served.map((answer) => [answer.count, answer]));
      const garbled = samples.filter((sample) => answers.get(sample.pullCount)?.repo !== sample.repo);
      expect(garbled, 'samples that match no answer of the fake').toEqual([]);
      expect(new Set(samples.map((sample) => sample.pullCount)).size, 'a count stored twice').toBe(samples.length);
      // The last run stored each repository once; each killed run at most once, and each stored something.
      for (const repo of REPOS) {
        const runs = samples.filter((sample) => sample.repo === repo).map((sample) => answers.get(sample.pullCount)!.run);
        expect(runs.filter((r) => r === 4), repo).toHaveLength(1);
        expect(runs.length, repo).toBe(new Set(runs).size);
      }
      const storedPerRun = [1, 2, 3].map((r) => samples.filter((sample) => answers.get(sample.pullCount)!.run === r).length);
      expect(storedPerRun.every((stored) => stored > 0 && stored < REPOS.length), `samples stored by the killed runs: ${storedPerRun.join(', ')}`).toBe(true);

      const newest = new Map<string, Sample>();
      for (const sample of samples) if ((newest.get(sample.repo)?.collectedAt ?? '') < sample.collectedAt) newest.set(sample.repo, sample);
      const latest = await store.latest();
      expect(new Map(latest.map((sample) => [sample.repo, [sample.pullCount, sample.collectedAt]]))).toEqual(
        new Map([...newest].map(([repo, sample]) => [repo, [sample.pullCount, sample.collectedAt]])),
      );

      // Each repository's month item holds its newest reading as the value of the day.
      const items = (await client.send(new ScanCommand({ TableName: LOCAL_TABLES.series }))).Items ?? [];
      const months = items.filter((item) => String(item.pk).startsWith(MONTH_PARTITION_PREFIX));
      for (const [repo, sample] of newest) {
        const month = months.find((item) => item.pk === `${MONTH_PARTITION_PREFIX}${sample.collectedAt.slice(0, 7)}` && item.sk === `dockerhub:${repo}`);
        const days = JSON.parse(String(month?.days ?? '{}')) as Record<string, [number, string]>;
        expect(days[sample.collectedAt.slice(8, 10)], repo).toEqual([sample.pullCount, sample.collectedAt]);
      }
      expect(items.filter((item) => item.pk === LATEST_PARTITION)).toHaveLength(REPOS.length);
    } finally {
      await dynamo.close();
    }
  }, 60_000);
});
