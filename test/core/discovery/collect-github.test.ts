import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CollectDeps, collectMessage } from '../../../lambdas/core/collect.ts';
import type { RefMessage } from '../../../lambdas/core/dispatch.ts';
import { UpstreamError } from '../../../lambdas/core/errors.ts';
import { LOCAL_TABLES } from '../../../lambdas/local/dynamo.ts';
import { DynamoDiscoveryStates } from '../../../lambdas/stores/dynamodb/discovery-states.ts';
import { DynamoRepoList } from '../../../lambdas/stores/dynamodb/repo-table.ts';
import { type FakeGitHubState, installFakeGitHub } from '../../fakes/github.ts';
import { type FakeUpstream, startFakeUpstream } from '../../fakes/upstream.ts';
import { startTestDynamo } from '../../stores/dynalite.ts';
import { ACME_CANDIDATES, acmeRepositories } from './organisation.ts';

const DAY_MS = 86_400_000;
let time = Date.parse('2026-12-01T10:00:00Z');
let fake: FakeUpstream;
let github: FakeGitHubState;
let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
let repos: DynamoRepoList;
let sent: { messages: RefMessage[]; delaySeconds?: number }[];
let existing: Set<string>;

beforeAll(async () => {
  fake = await startFakeUpstream();
  github = { owners: new Map([['acme', { kind: 'org', repositories: acmeRepositories() }]]), tokens: new Set(['t']), now: () => time };
  installFakeGitHub(fake, github);
  dynamo = await startTestDynamo();
  repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
});
afterAll(async () => {
  await fake.close();
  await dynamo.close();
});
beforeEach(async () => {
  time += 7 * DAY_MS;
  sent = [];
  existing = new Set(ACME_CANDIDATES.map((candidate) => candidate.ref).filter((ref) => ref !== 'dockerhub:acme/legacy'));
  for (const item of await repos.list()) await repos.remove(item.ref);
  await repos.add(['github:acme/*']);
});

function deps(maxRequestsPerRun = 1_000): CollectDeps {
  return {
    collectFromSource: async (ref) => {
      const name = `${ref.registry}:${ref.path}`;
      if (!existing.has(name)) throw new UpstreamError('not_found', `http://fake/${name}`, 'HTTP 404');
      return { samples: [{ registry: ref.registry, repo: ref.path, collectedAt: new Date(time).toISOString(), pullCount: 5 }] };
    },
    series: { write: async () => {} },
    readModel: { apply: async () => ({ drops: [] }), touch: async () => {} },
    repos,
    queue: { send: async (messages, delaySeconds) => void sent.push({ messages: [...messages], ...(delaySeconds !== undefined && { delaySeconds }) }) },
    now: () => new Date(time),
    discovery: {
      github: { baseUrl: fake.url, http: { timeoutMs: 5_000, maxBytes: 1 << 20, userAgent: 't' }, token: 't', now: () => new Date(time) },
      states: new DynamoDiscoveryStates(dynamo.doc, LOCAL_TABLES.repos),
      intervalMs: DAY_MS,
      maxRequestsPerRun,
    },
  };
}

describe('collecting a github: ref', () => {
  it('discovers, fans out to the images found, and leaves a miss out until the next pass', async () => {
    const first = await collectMessage({ ref: 'github:acme/*', skip: ['dockerhub:acme/web', 'quay:acme/*'] }, deps());
    expect(first).toMatchObject({ status: 'stored', samples: 0 });
    const children = sent.flatMap((batch) => batch.messages);
    // Tracked on their own or behind a tracked wildcard: collected there, not again.
    expect(children.map((child) => child.ref)).toEqual(ACME_CANDIDATES.map((candidate) => candidate.ref).filter((ref) => ref !== 'dockerhub:acme/web' && ref !== 'quay:acme/web'));
    expect(children.every((child) => child.parent === 'github:acme/*')).toBe(true);

    for (const child of children) await collectMessage(child, deps());
    const item = (await repos.list()).find((repo) => repo.ref === 'github:acme/*');
    expect(item?.lastError).toBeUndefined();
    expect(item?.lastSuccessAt).toBeDefined();
    // What discovery could not track is said on the ref, with the first example.
    expect(item?.warnings).toEqual([
      'github:acme/*: 1 image name not tracked (first: ${{ secrets.DOCKERHUB_USERNAME }}/secret:latest in .github/workflows/push.yml: ${{ secrets.DOCKERHUB_USERNAME }} cannot be resolved from the repository\'s files)',
    ]);

    // The next poll: no GitHub request (the pass is a day old at most), the miss is left out.
    const before = fake.requests.length;
    sent = [];
    await collectMessage({ ref: 'github:acme/*' }, deps());
    expect(fake.requests.length).toBe(before);
    expect(sent.flatMap((batch) => batch.messages).map((child) => child.ref)).not.toContain('dockerhub:acme/legacy');
    expect(sent.flatMap((batch) => batch.messages).map((child) => child.ref)).toContain('ghcr:acme/legacy');

    // A day later a new pass completes and probes the miss again.
    time += DAY_MS;
    sent = [];
    await collectMessage({ ref: 'github:acme/*' }, deps());
    expect(fake.requests.length).toBeGreaterThan(before);
    expect(sent.flatMap((batch) => batch.messages).map((child) => child.ref)).toContain('dockerhub:acme/legacy');
  });

  it('carries a long pass on in another message, tracking what it found so far', async () => {
    const result = await collectMessage({ ref: 'github:acme/*' }, deps(5));
    expect(result).toMatchObject({ status: 'stored' });
    expect(sent.at(-1)).toEqual({ messages: [{ ref: 'github:acme/*', continues: true }], delaySeconds: 1 });
    const found = sent.slice(0, -1).flatMap((batch) => batch.messages.map((child) => child.ref));
    expect(found).toEqual(['ghcr:acme/api', 'dockerhub:acme/acme-cli', 'ghcr:acme/cli']);

    // The continuation sends only the images it found new, never those the message before it sent.
    sent = [];
    await collectMessage({ ref: 'github:acme/*', continues: true }, deps(4));
    const next = sent.slice(0, -1).flatMap((batch) => batch.messages.map((child) => child.ref));
    expect(next).toEqual(['dockerhub:acme/web', 'quay:acme/web', 'dockerhub:acme/worker']);
  });

  it('records a GitHub failure on the ref, and an unknown owner is an error there', async () => {
    await repos.add(['github:nobody/*']);
    const result = await collectMessage({ ref: 'github:nobody/*' }, deps());
    expect(result).toMatchObject({ status: 'failed', error: { kind: 'not_found' }, retry: false });
    expect((await repos.list()).find((repo) => repo.ref === 'github:nobody/*')?.lastError).toMatchObject({ kind: 'not_found', message: expect.stringContaining('/users/nobody/repos') });
  });
});
