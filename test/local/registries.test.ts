import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPullwatch, startLocal } from '../../lambdas/local/server.ts';
import { installFakeDockerHub } from '../fakes/dockerhub.ts';
import { type FakeUpstream, json, startFakeUpstream } from '../fakes/upstream.ts';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
const packagePage = (downloads: number) => fixture('ghcr/package-page.html').replace('<h3 title="176180">', `<h3 title="${downloads}">`);

interface SummaryRow {
  registry: string;
  name: string;
  pull_count: number;
  measure: string;
}
interface RepoRow {
  ref: string;
  last_success_at: string | null;
  last_error: { kind: string; message: string } | null;
}

let hub: FakeUpstream;
let github: FakeUpstream;
let quay: FakeUpstream;
let dataDir: string;
let pullwatch: LocalPullwatch;

beforeAll(async () => {
  [hub, github, quay] = await Promise.all([startFakeUpstream(), startFakeUpstream(), startFakeUpstream()]);
  installFakeDockerHub(hub, {
    repos: new Map([
      ['library/nginx', 3_000_000_000],
      ['acme/app-a', 10],
      ['acme/app-b', 0],
    ]),
  });

  github.route('/users/octo/packages/container/package/cli', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(packagePage(176_180)));
  github.route('/users/octo/packages/container/package/tools%2Fmigrate', (_req, res) => res.writeHead(200).end(packagePage(42)));
  github.route('/users/octo/packages/container/package/broken', (_req, res) => res.writeHead(200).end('<html><body>Sign in to GitHub</body></html>'));
  github.route('/orgs/octo/packages', (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      ['cli', 'tools%2Fmigrate'].map((name) => `<a href="/orgs/octo/packages/container/package/${name}">${name}</a>`).join('\n'),
    ),
  );

  const etcd = JSON.parse(fixture('quay/repository.json')) as { stats: { date: string; count: number }[] };
  quay.route('/api/v1/repository/coreos/etcd', (_req, res) => json(res, 200, etcd));
  quay.route('/api/v1/repository', (_req, res) =>
    json(res, 200, { repositories: [{ namespace: 'coreos', name: 'etcd', is_public: true, kind: 'image', state: 'NORMAL' }] }),
  );

  dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-registries-'));
  pullwatch = await startLocal({
    PORT: '0',
    DATA_DIR: dataDir,
    POLL_INTERVAL: '0',
    REPOS: [
      'nginx',
      'dockerhub:acme/*',
      'acme/app-a',
      'dockerhub:acme/missing',
      'ghcr:octo/*',
      'ghcr.io/octo/cli',
      'ghcr.io/octo/broken',
      'quay.io/coreos/etcd',
      'quay:coreos/*',
    ].join(','),
    DOCKERHUB_API_URL: hub.url,
    GHCR_URL: github.url,
    GHCR_REQUEST_GAP: '0',
    QUAY_API_URL: quay.url,
  });
  await pullwatch.idle();
});

afterAll(async () => {
  await pullwatch.close();
  await Promise.all([hub.close(), github.close(), quay.close()]);
  await rm(dataDir, { recursive: true, force: true });
});

const get = async <T>(path: string): Promise<T> => (await fetch(`${pullwatch.url}${path}`)).json() as Promise<T>;

describe('local mode across Docker Hub, GHCR and Quay', () => {
  it('shows the right count for explicit refs, wildcards and pasted names', async () => {
    const rows = await get<SummaryRow[]>('api/summary');
    const counts = Object.fromEntries(rows.map((row) => [`${row.registry}:${row.name}`, row.pull_count]));
    expect(counts).toMatchObject({
      'dockerhub:library/nginx': 3_000_000_000,
      'dockerhub:acme/app-a': 10,
      'dockerhub:acme/app-b': 0,
      'ghcr:octo/cli': 176_180,
      'ghcr:octo/tools/migrate': 42,
    });
    const etcd = rows.find((row) => row.registry === 'quay');
    expect(etcd).toMatchObject({ name: 'coreos/etcd', measure: 'actions', pull_count: null });
    expect(rows.filter((row) => row.registry !== 'quay').every((row) => row.measure === 'pulls')).toBe(true);
  });

  it('shows failures as errors on the refs, never as a zero count', async () => {
    const rows = await get<SummaryRow[]>('api/summary');
    expect(rows.map((row) => row.name)).not.toContain('acme/missing');
    expect(rows.map((row) => row.name)).not.toContain('octo/broken');
    const repos = await get<RepoRow[]>('api/repos');
    const byRef = Object.fromEntries(repos.map((repo) => [repo.ref, repo]));
    expect(byRef['dockerhub:acme/missing']?.last_error?.kind).toBe('not_found');
    expect(byRef['ghcr:octo/broken']?.last_error).toMatchObject({ kind: 'format_changed', message: expect.stringContaining('/users/octo/packages/container/package/broken') });
    expect(byRef['dockerhub:acme/app-a']?.last_success_at).not.toBeNull();
    expect(byRef['ghcr:octo/*']?.last_error).toBeNull();
  });

  it('answers explicit refs covered by an owner wildcard from its listing, at no extra request', () => {
    // (Its tags listing is read once a day, for tag_count: that is not the repository request.)
    expect(hub.requests.filter((request) => request === 'GET /v2/repositories/acme/app-a/')).toEqual([]);
    expect(hub.requests.filter((request) => request.startsWith('GET /v2/namespaces/acme/repositories'))).toHaveLength(1);
  });

  it('reads each GHCR package page once, even when an explicit ref and a wildcard both name it', () => {
    expect(github.requests.filter((request) => request === 'GET /users/octo/packages/container/package/cli')).toHaveLength(1);
  });
});
