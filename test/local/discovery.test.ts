// Local mode with REPOS=github:acme/* against a fake GitHub and the registries' fakes: discovery tracks exactly the images
// that exist, each with where it was found, in /api/summary and /api/repos.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPullwatch, startLocal } from '../../lambdas/local/server.ts';
import { ACME_CANDIDATES, acmeRepositories } from '../core/discovery/organisation.ts';
import { installFakeDockerHub } from '../fakes/dockerhub.ts';
import { installFakeGitHub } from '../fakes/github.ts';
import { type FakeUpstream, json, startFakeUpstream } from '../fakes/upstream.ts';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
/** The guess `dockerhub:acme/legacy` (a Dockerfile-only repository) exists nowhere: a miss. */
const MISS = 'dockerhub:acme/legacy';

let api: FakeUpstream;
let hub: FakeUpstream;
let ghcr: FakeUpstream;
let quay: FakeUpstream;
let dataDir: string;
let pullwatch: LocalPullwatch;

beforeAll(async () => {
  [api, hub, ghcr, quay] = await Promise.all([startFakeUpstream(), startFakeUpstream(), startFakeUpstream(), startFakeUpstream()]);
  installFakeGitHub(api, { owners: new Map([['acme', { kind: 'org', repositories: acmeRepositories() }]]), tokens: new Set(['t0ken']), now: Date.now });
  installFakeDockerHub(hub, { repos: new Map([['acme/acme-cli', 500], ['acme/web', 70], ['acme/worker', 9]]) });
  for (const name of ['api', 'cli', 'tool', 'legacy']) {
    ghcr.route(`/users/acme/packages/container/package/${name}`, (_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(fixture('ghcr/package-page.html')));
  }
  quay.route('/api/v1/repository/acme/web', (_request, response) => json(response, 200, JSON.parse(fixture('quay/repository.json'))));
  dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-discovery-'));
  pullwatch = await startLocal({
    PORT: '0',
    DATA_DIR: dataDir,
    POLL_INTERVAL: '0',
    REPOS: 'github:acme/*',
    GITHUB_API_URL: api.url,
    GITHUB_TOKEN: 't0ken',
    DOCKERHUB_API_URL: hub.url,
    GHCR_URL: ghcr.url,
    GHCR_REQUEST_GAP: '0',
    QUAY_API_URL: quay.url,
  });
  await pullwatch.idle();
});

afterAll(async () => {
  await pullwatch.close();
  await Promise.all([api, hub, ghcr, quay].map((fake) => fake.close()));
  await rm(dataDir, { recursive: true, force: true });
});

const get = async <T>(path: string): Promise<T> => (await fetch(`${pullwatch.url}${path}`)).json() as Promise<T>;
const existing = ACME_CANDIDATES.filter((candidate) => candidate.ref !== MISS);

describe('local mode with REPOS=github:acme/*', () => {
  it('tracks exactly the discovered images that exist, each with where it was found, in /api/summary', async () => {
    const rows = await get<{ registry: string; name: string; found_in?: string }[]>('api/summary');
    expect(rows.map((row) => ({ ref: `${row.registry}:${row.name}`, foundIn: row.found_in })).sort((a, b) => a.ref.localeCompare(b.ref))).toEqual(
      [...existing].sort((a, b) => a.ref.localeCompare(b.ref)),
    );
  });

  it('shows the ref with what it read, found and missed in /api/repos, and nothing else tracked', async () => {
    const repos = await get<{ ref: string; last_error: unknown; discovery?: { repositories_read: number; images: { ref: string; found_in: string }[]; misses: string[]; next_run_at: string } }[]>('api/repos');
    expect(repos.map((repo) => repo.ref)).toEqual(['github:acme/*']);
    const [item] = repos;
    expect(item!.last_error).toBeNull();
    expect(item!.discovery).toMatchObject({ repositories_read: 118, misses: [MISS] });
    expect(item!.discovery!.images.map((image) => ({ ref: image.ref, foundIn: image.found_in }))).toEqual(existing);
    expect(Date.parse(item!.discovery!.next_run_at)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  it('read the organisation once: two listing pages, each repository once', () => {
    expect(api.requests.filter((request) => request.includes('/orgs/acme/repos'))).toHaveLength(2);
    expect(new Set(api.requests).size).toBe(api.requests.length);
  });
});
