// The server's answer the dashboard reads (lambdas/core/views/dashboard.ts), on in-memory inputs: the cases the page
// relies on and cannot check for itself.
import { describe, expect, it } from 'vitest';
import { createApiApp } from '../../lambdas/api/app.ts';
import type { TrackedRepo } from '../../lambdas/core/ports.ts';
import { foldSamples } from '../../lambdas/core/read-model.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import { type DashboardAnswer, dashboardView } from '../../lambdas/core/views/dashboard.ts';
import { MemoryReadModel, MemoryRepos, MemorySeries } from '../fuzz/memory-ports.ts';

const NOW = new Date('2026-11-23T12:30:00.000Z');
const reading = (repo: string, collectedAt: string, pullCount: number): Sample => ({ registry: 'dockerhub', repo, collectedAt, pullCount });
const NGINX = [reading('library/nginx', '2026-11-23T10:10:00.000Z', 100), reading('library/nginx', '2026-11-23T11:10:00.000Z', 130)];

function answer(repos: TrackedRepo[], range: '7d' | '30d', samples: Sample[] = NGINX) {
  const view = foldSamples(undefined, samples).view;
  const series = { daily: async () => [], samples: async () => samples };
  return dashboardView({ views: [view], repos, series, now: NOW, range, mode: 'aws' });
}

describe('GET /api/dashboard as the page reads it', () => {
  it('counts the rise since tracking began on its first day: two readings an hour apart, 30 up', async () => {
    const month = await answer([{ ref: 'dockerhub:library/nginx', enabled: true }], '30d');
    expect(month.interval).toBe('day');
    expect(month.repositories[0]).toMatchObject({ pulls_1d: 30, in_range: 30, pull_count: 130 });
    expect(month.repositories[0]!.daily.slice(-2)).toEqual([null, 30]);

    const week = await answer([{ ref: 'dockerhub:library/nginx', enabled: true }], '7d');
    expect(week).toMatchObject({ interval: 'hour', buckets: ['2026-11-23T10:00:00.000Z', '2026-11-23T11:00:00.000Z', '2026-11-23T12:00:00.000Z'] });
    expect(week.repositories[0]).toMatchObject({ daily: [0, 30, 0], cumulative: [100, 130, 130], in_range: 30 });
  });

  it('compares with the week before only when that week was tracked: no rise from 0 on a new repository', async () => {
    const { repositories } = await answer([{ ref: 'dockerhub:library/nginx', enabled: true }], '30d');
    expect(repositories[0]).toMatchObject({ pulls_7d: 30, previous_7d: null, change_7d: null, percent_7d: null, previous_30d: null });
  });

  it("keeps the 7-day view hourly for a new install although Quay back-filled its daily stats", async () => {
    const quay = Array.from({ length: 40 }, (_, i): Sample => ({ registry: 'quay', repo: 'ns/app', collectedAt: `${new Date(Date.UTC(2026, 9, 10 + i)).toISOString().slice(0, 10)}T00:00:00.000Z`, pullCount: 3, measure: 'daily_actions' }));
    const views = [foldSamples(undefined, NGINX).view, foldSamples(undefined, quay).view];
    const week = await dashboardView({ views, repos: [], series: { daily: async () => [], samples: async () => NGINX }, now: NOW, range: '7d', mode: 'aws' });
    expect(week.interval).toBe('hour');
    const all = await dashboardView({ views, repos: [], series: { daily: async () => [...NGINX, ...quay], samples: async () => NGINX }, now: NOW, range: 'all', mode: 'aws' });
    // The whole history starts with Quay's first day.
    expect(all.buckets[0]).toBe('2026-10-10');
  });

  it('joins an item stored as typed (`nginx`) with its repository: one row, with the item’s label, state and error', async () => {
    const error = { kind: 'rate_limited' as const, message: 'HTTP 429', at: '2026-11-23T12:00:00.000Z' };
    const { repositories } = await answer([{ ref: 'nginx', enabled: false, label: 'web server', lastError: error }], '30d');
    expect(repositories).toHaveLength(1);
    expect(repositories[0]).toMatchObject({ ref: 'dockerhub:library/nginx', has_data: true, label: 'web server', enabled: false, error: { kind: 'rate_limited', message: 'HTTP 429' } });
  });

  it('names the wildcard an error was recorded on, for the repository it concerns only', async () => {
    const samples = [...NGINX, reading('library/redis', '2026-11-23T11:10:00.000Z', 7)];
    const views = ['library/nginx', 'library/redis'].map((repo) => foldSamples(undefined, samples.filter((one) => one.repo === repo)).view);
    const repos = [{ ref: 'dockerhub:library/*', enabled: true, lastError: { kind: 'not_found' as const, message: 'HTTP 404', at: '2026-11-23T12:00:00.000Z', ref: 'dockerhub:library/redis' } }];
    const { repositories } = await dashboardView({ views, repos, series: { daily: async () => [], samples: async () => samples }, now: NOW, range: '30d', mode: 'aws' });
    expect(repositories.map((row) => [row.ref, row.error?.wildcard ?? null])).toEqual([
      ['dockerhub:library/nginx', null],
      ['dockerhub:library/redis', 'dockerhub:library/*'],
    ]);
  });

  it('says where it runs, so the empty state tells how to add a repository there', async () => {
    const series = { daily: async () => [], samples: async () => [] };
    expect((await dashboardView({ views: [], repos: [], series, now: NOW, range: '30d', mode: 'local' })).mode).toBe('local');
    expect((await dashboardView({ views: [], repos: [], series, now: NOW, range: '30d', mode: 'aws' })).mode).toBe('aws');
  });

  it('answers the mode the API was built with over HTTP: aws unless local mode says local', async () => {
    const modeOf = async (mode?: 'local' | 'aws') => {
      const app = createApiApp({ repos: new MemoryRepos(), series: new MemorySeries(), readModel: new MemoryReadModel(), pollMinutes: 60, now: () => NOW, ...(mode && { mode }) });
      const response = await app.request('/api/dashboard');
      expect(response.status).toBe(200);
      return ((await response.json()) as DashboardAnswer).mode;
    };
    expect(await modeOf()).toBe('aws');
    expect(await modeOf('local')).toBe('local');
  });

  it('passes the time of the next try through, and gives the repositories behind a wildcard its listing warnings', async () => {
    const samples = [...NGINX, reading('hugeorg/app', '2026-11-23T11:10:00.000Z', 7)];
    const views = ['library/nginx', 'hugeorg/app'].map((repo) => foldSamples(undefined, samples.filter((one) => one.repo === repo)).view);
    const cut = 'hugeorg/*: 198 of 250 repositories (anonymous listing cap; set DOCKERHUB_USERNAME/DOCKERHUB_TOKEN)';
    const repos: TrackedRepo[] = [
      { ref: 'dockerhub:library/nginx', enabled: true, lastError: { kind: 'transient', message: 'transient: cannot resolve hub.docker.com', at: '2026-11-23T12:00:00.000Z', retryAt: '2026-11-23T12:05:00.000Z' } },
      { ref: 'dockerhub:hugeorg/*', enabled: true, warnings: [cut] },
      { ref: 'dockerhub:emptyorg/*', enabled: true, warnings: ['emptyorg/*: 2 listing rows skipped as malformed (first: row 1 has no name)'] },
    ];
    const { repositories } = await dashboardView({ views, repos, series: { daily: async () => [], samples: async () => samples }, now: NOW, range: '30d', mode: 'aws' });
    const row = (ref: string) => repositories.find((one) => one.ref === ref)!;
    expect(row('dockerhub:library/nginx').error).toEqual({ kind: 'transient', message: 'transient: cannot resolve hub.docker.com', at: '2026-11-23T12:00:00.000Z', retryAt: '2026-11-23T12:05:00.000Z' });
    expect(row('dockerhub:library/nginx')).not.toHaveProperty('warnings');
    expect(row('dockerhub:hugeorg/app').warnings).toEqual([cut]);
    // A wildcard that found nothing has a row of its own, with its warnings.
    expect(row('dockerhub:emptyorg/*')).toMatchObject({ has_data: false, warnings: ['emptyorg/*: 2 listing rows skipped as malformed (first: row 1 has no name)'] });
  });
});
