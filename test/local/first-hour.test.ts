// Pins numbers from the first hour: two collections an hour apart with a rise of 30 show 30 today, end to end in
// local mode (its own process, clock set by faketime) against a fake Docker Hub.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, dockerHubRepository, json, startFakeUpstream } from '../fakes/upstream.ts';
import { eventually, startLocalProcess } from './process.ts';

let hub: FakeUpstream;
let dataDir: string;
let pulls = 5_000;
/** Today (UTC) at 09:00 and 10:00: both collections and the reading afterwards share the UTC day. */
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  hub = await startFakeUpstream();
  hub.route('/v2/repositories/acme/new/', (_req, res) => json(res, 200, dockerHubRepository('acme', 'new', pulls)));
  dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-first-hour-'));
});
afterAll(async () => {
  await hub.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a repository tracked an hour ago', () => {
  it('shows the 30 pulls of its first hour today, in the summary, the daily rows and the dashboard answer', async () => {
    const env = { PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', REPOS: 'acme/new', DOCKERHUB_API_URL: hub.url };
    const collectAt = async (time: string) => {
      const run = await startLocalProcess(env, { fakeTime: time });
      await eventually(async () => ((await (await fetch(`${run.url}api/repos`)).json()) as { last_success_at: string | null }[])[0]?.last_success_at ?? undefined);
      await run.stop();
    };
    await collectAt(`${today}T09:00:00Z`);
    pulls += 30;
    await collectAt(`${today}T10:00:00Z`);

    const reader = await startLocalProcess({ ...env, REPOS: '' }, { fakeTime: `${today}T10:30:00Z` });
    try {
      const [row] = (await (await fetch(`${reader.url}api/summary`)).json()) as Record<string, unknown>[];
      expect(row).toMatchObject({ name: 'acme/new', pull_count: 5_030, pulls_1d: 30, pulls_7d: 30, pulls_30d: 30, first_seen_at: expect.stringMatching(new RegExp(`^${today}T09:00`)) });
      const daily = (await (await fetch(`${reader.url}api/pulls/daily?by=ref&from=${today}`)).json()) as Record<string, unknown>[];
      expect(daily).toEqual([{ timestamp: `${today}T00:00:00Z`, registry: 'dockerhub', repo: 'acme/new', daily_pulls: 30, first_seen: true, first_seen_at: row!.first_seen_at }]);
      const dashboard = (await (await fetch(`${reader.url}api/dashboard?range=30d`)).json()) as { buckets: string[]; repositories: { pulls_1d: number; daily: (number | null)[] }[] };
      expect(dashboard.buckets.at(-1)).toBe(today);
      expect(dashboard.repositories[0]).toMatchObject({ pulls_1d: 30 });
      expect(dashboard.repositories[0]!.daily.at(-1)).toBe(30);
    } finally {
      await reader.stop();
    }
  });
});
