import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DiscoveryState, type GitHubTarget, discover } from '../../../lambdas/core/discovery/discover.ts';
import { GitHubClient } from '../../../lambdas/core/discovery/github.ts';
import { type FakeGitHubState, installFakeGitHub } from '../../fakes/github.ts';
import { type FakeUpstream, startFakeUpstream } from '../../fakes/upstream.ts';
import { ACME_CANDIDATES, FILLER_REPOSITORIES, acmeRepositories } from './organisation.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const START = Date.parse('2026-12-01T10:00:00Z');
const http = { timeoutMs: 5_000, maxBytes: 1_048_576, userAgent: 'pullwatch-test' };
const acme: GitHubTarget = { owner: 'acme', forks: false };

let fake: FakeUpstream;
let state: FakeGitHubState;
let time = START;
let tests = 0;

beforeAll(async () => {
  fake = await startFakeUpstream();
  state = { owners: new Map(), tokens: new Set(['t0ken']), now: () => time };
  installFakeGitHub(fake, state);
});
afterAll(() => fake.close());
beforeEach(() => {
  // The fake's budgets count per hour: each test starts on a day of its own, in a fresh window.
  time = START + tests++ * 7 * DAY_MS;
  state.owners = new Map([
    ['acme', { kind: 'org', repositories: acmeRepositories() }],
    ['jo', { kind: 'user', repositories: [{ name: 'app', files: { Dockerfile: 'FROM scratch' } }] }],
  ]);
  state.secondaryLimited = undefined;
  fake.requests.length = 0;
});

const client = (token?: string) => new GitHubClient({ baseUrl: fake.url, http, now: () => new Date(time), ...(token && { token }) });
const run = (target: GitHubTarget, before: DiscoveryState, github = client('t0ken')) => discover(target, before, github, { now: () => new Date(time), intervalMs: DAY_MS });

describe('discovery of an organisation', () => {
  it('finds every published image, with where, across two listing pages, skipping archived repositories and forks', async () => {
    const result = await run(acme, {});
    expect(result.completed).toBe(true);
    expect(result.state.last?.candidates).toEqual(ACME_CANDIDATES);
    expect(result.state.last?.repositoriesRead).toBe(FILLER_REPOSITORIES + 8);
    expect(result.state.last?.skippedCount).toBe(1);
    expect(result.state.last?.skipped[0]).toMatchObject({ file: '.github/workflows/push.yml', reason: expect.stringContaining('secrets.DOCKERHUB_USERNAME') });
    // Two listing pages, one tree per repository read, one request per build file (seven files in all).
    expect(result.requests).toBe(2 + (FILLER_REPOSITORIES + 8) + 7);
    expect(fake.requests.filter((request) => request.includes('/old/') || request.includes('/forked/'))).toEqual([]);
    expect(result.state.nextRunAt).toBe(new Date(time + DAY_MS).toISOString());
  });

  it('waits for the next run time, then starts a new pass', async () => {
    const first = await run(acme, {});
    const early = await run(acme, first.state);
    expect(early).toMatchObject({ completed: false, requests: 0 });
    time += DAY_MS;
    const again = await run(acme, first.state);
    expect(again.completed).toBe(true);
    expect(again.requests).toBe(first.requests);
  });

  it('takes forks when asked', async () => {
    const result = await run({ ...acme, forks: true }, {});
    expect(result.state.last?.repositoriesRead).toBe(FILLER_REPOSITORIES + 9);
  });

  it('falls back to the user listing for a user, and guesses names for a Dockerfile-only repository', async () => {
    const result = await run({ owner: 'jo', forks: false }, {});
    expect(fake.requests[0]).toMatch(/^GET \/orgs\/jo\/repos\?/);
    expect(fake.requests[1]).toMatch(/^GET \/users\/jo\/repos\?/);
    expect(result.state.last?.candidates).toEqual([
      { ref: 'dockerhub:jo/app', foundIn: 'github:jo/app Dockerfile' },
      { ref: 'ghcr:jo/app', foundIn: 'github:jo/app Dockerfile' },
    ]);
  });

  it('reads one repository by name, its default branch from its record', async () => {
    const result = await run({ owner: 'acme', repo: 'web', forks: false }, {});
    expect(result.state.last?.candidates.map((candidate) => candidate.ref)).toEqual(['dockerhub:acme/web', 'quay:acme/web']);
    expect(fake.requests).toEqual(['GET /repos/acme/web', 'GET /repos/acme/web/git/trees/trunk?recursive=1', 'GET /repos/acme/web/contents/.github/workflows/docker.yaml?ref=trunk']);
  });
});

describe('a repository that keeps failing', () => {
  it('is skipped after three failed runs with the failure as the reason, so the pass completes', async () => {
    state.owners.set('flaky', { kind: 'org', repositories: [{ name: 'worker', files: {} }, ...acmeRepositories().slice(0, 3)] });
    fake.route('/repos/flaky/worker/git/trees/main', (_request, response) => void response.writeHead(500).end());
    let progress: DiscoveryState = {};
    const runs: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await run({ owner: 'flaky', forks: false }, progress);
      progress = result.state;
      runs.push(result.completed);
      if (!result.completed) expect(progress.lastError).toMatchObject({ kind: 'transient' });
    }
    expect(runs).toEqual([false, false, false, true]);
    expect(progress.lastError).toBeUndefined();
    expect(progress.last?.candidates.map((candidate) => candidate.ref)).toEqual(['ghcr:flaky/api', 'dockerhub:acme/acme-cli', 'ghcr:flaky/cli', 'dockerhub:acme/web', 'quay:acme/web']);
    expect(progress.last?.skipped.map((skipped) => skipped.reason)).toContainEqual(expect.stringMatching(/^skipped after 3 failed runs: transient: HTTP 500/));
  });

  it('keeps its progress after each repository, for a run that never returns', async () => {
    const saved: DiscoveryState[] = [];
    const github = client('t0ken');
    await discover(acme, {}, github, { now: () => new Date(time), intervalMs: DAY_MS, maxRequests: 12, checkpoint: async (state) => void saved.push(structuredClone(state)) });
    // The listing page, then each repository read: the last checkpoint is where a crashed run resumes.
    expect(saved.length).toBeGreaterThan(5);
    expect(saved.at(-1)?.pass?.repositoriesRead).toBe(saved.length - 1);
  });
});

describe('listing links', () => {
  it('follows a next page only on the API origin: another host, or plain http, is a changed format', async () => {
    const evil = { kind: 'org' as const, repositories: [{ name: 'one', files: {} }] };
    state.owners.set('evil', evil);
    fake.route('/orgs/evil/repos', (_request, response) => void response.writeHead(200, { 'content-type': 'application/json', link: '<https://elsewhere.example/orgs/evil/repos?page=2>; rel="next"' }).end('[]'));
    const result = await run({ owner: 'evil', forks: false }, {});
    expect(result.state.lastError).toMatchObject({ kind: 'format_changed', message: expect.stringContaining('leaves the API: https://elsewhere.example') });
  });
});

describe('within GitHub budget', () => {
  it('spends the anonymous 60 requests, parks until the reset, and resumes where it stopped', async () => {
    const uninterrupted = (await run(acme, {})).requests;
    fake.requests.length = 0;
    const anonymous = client();
    let result = await run(acme, {}, anonymous);
    const runs = [result.requests];
    expect(result.completed).toBe(false);
    const parkedUntil = Date.parse(result.state.parkedUntil!);
    expect(parkedUntil).toBe((Math.floor(time / HOUR_MS) + 1) * HOUR_MS);
    // Before the reset nothing is sent.
    expect(await run(acme, result.state, anonymous)).toMatchObject({ requests: 0, completed: false });
    while (!result.completed) {
      time = Date.parse(result.state.parkedUntil!);
      result = await run(acme, result.state, anonymous);
      runs.push(result.requests);
    }
    expect(result.state.last?.candidates).toEqual(ACME_CANDIDATES);
    expect(runs).toEqual([60, 60, uninterrupted - 120]);
    // Never a request GitHub refused, never one read twice.
    expect(state.refused ?? 0).toBe(0);
    expect(new Set(fake.requests).size).toBe(fake.requests.length);
  });

  it('honours a 403 with retry-after', async () => {
    state.secondaryLimited = { requests: 1, retryAfterSeconds: 120 };
    const result = await run(acme, {});
    expect(result.state.parkedUntil).toBe(new Date(time + 120_000).toISOString());
    time += 120_000;
    const resumed = await run(acme, result.state);
    expect(resumed.completed).toBe(true);
    expect(resumed.state.last?.candidates).toEqual(ACME_CANDIDATES);
  });

  it('keeps what it read when a request fails, and names the failure', async () => {
    const first = await run(acme, {});
    let broken = true;
    // Failing first, then gone: the route outlives the test, so it answers as for a deleted repository once mended.
    fake.route('/repos/acme/lib-050/git/trees/main', (_request, response) => void response.writeHead(broken ? 502 : 404).end());
    time += DAY_MS;
    const failed = await run(acme, first.state);
    expect(failed.completed).toBe(false);
    expect(failed.state.lastError).toMatchObject({ kind: 'transient', message: expect.stringContaining('HTTP 502') });
    expect(failed.state.pass?.pending[0]?.name).toBe('lib-050');

    // Deleted meanwhile: the next run skips it with the reason and completes the pass it resumed.
    const repositories = state.owners.get('acme')!.repositories;
    repositories.splice(repositories.findIndex((repository) => repository.name === 'lib-050'), 1);
    broken = false;
    fake.requests.length = 0;
    const resumed = await run(acme, failed.state);
    expect(resumed.completed).toBe(true);
    expect(resumed.state.lastError).toBeUndefined();
    expect(resumed.state.last?.candidates).toEqual(ACME_CANDIDATES);
    expect(resumed.state.last?.skipped.map((skipped) => skipped.written)).toContain('github:acme/lib-050');
    // Resumed, not restarted: neither the first listing page nor a repository read before is asked for again.
    expect(fake.requests.filter((request) => request.includes('/repos?') && !request.includes('page=2'))).toEqual([]);
    expect(fake.requests.filter((request) => /\/(api|cli|lib-049)\//.test(request))).toEqual([]);
  });
});
