import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvents } from '../../lambdas/core/ingest.ts';
import { parseEnvelope } from '../../lambdas/core/registry-events.ts';
import { readRegistryCounters } from '../../lambdas/core/sources/registry.ts';
import { createIngestApp, INGEST_PATH, MAX_ENVELOPE_BYTES } from '../../lambdas/ingest/app.ts';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { DynamoRegistryCounters } from '../../lambdas/stores/dynamodb/counters-table.ts';
import { DynamoRepoList } from '../../lambdas/stores/dynamodb/repo-table.ts';
import { testSourceContext } from '../fakes/source-context.ts';
import { startTestDynamo } from '../stores/dynalite.ts';

const body = readFileSync(new URL('../fixtures/registry/envelope-mixed.json', import.meta.url), 'utf8');
const REF = 'registry:registry.example.com/team/app';
const TOKEN = 'webhook-secret-token';
const EVENT_TYPE = 'application/vnd.docker.distribution.events.v1+json';

let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
let counters: DynamoRegistryCounters;
let repos: DynamoRepoList;
let app: ReturnType<typeof createIngestApp>;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  counters = new DynamoRegistryCounters(dynamo.doc, LOCAL_TABLES.counters);
  repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
  const trackedRefs = new Set<string>();
  app = createIngestApp({ token: TOKEN, ingest: (events) => ingestEvents(events, { counters, repos, trackedRefs }) });
});
afterAll(() => dynamo.close());

const post = (payload: string, headers: Record<string, string> = {}) =>
  app.request(INGEST_PATH, { method: 'POST', body: payload, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': EVENT_TYPE, ...headers } });

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
    expect(await response.json()).toMatchObject({ counted: { pull: 2, version_check: 1, push: 1, delete: 1 }, duplicates: 0, ignored: 3 });
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

  it('answers malformed JSON and envelopes with 400, and oversized bodies with 413', async () => {
    expect((await post('{"events": [')).status).toBe(400);
    const notEnvelope = await post('{"event": []}');
    expect(notEnvelope.status).toBe(400);
    expect(((await notEnvelope.json()) as { error: string }).error).toContain('events');
    expect((await post(`{"events": [], "pad": "${'x'.repeat(MAX_ENVELOPE_BYTES)}"}`)).status).toBe(413);
  });

  it('is off, saying how to turn it on, without a configured token', async () => {
    const off = createIngestApp({ token: undefined, ingest: async () => ({ counted: { pull: 0, version_check: 0, push: 0, delete: 0 }, duplicates: 0, ignored: 0, ignoredReasons: [] }) });
    const response = await off.request(INGEST_PATH, { method: 'POST', body, headers: { 'content-type': EVENT_TYPE } });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('INGEST_TOKEN');
  });
});

describe('counting', () => {
  it('ignores events whose repository makes no valid ref', async () => {
    const events = parseEnvelope({ events: [{ id: 'x1', timestamp: '2026-11-23T10:00:00Z', action: 'pull', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'Team/App' }, request: { method: 'GET', host: 'reg.example.com' } }] });
    const result = await ingestEvents(events, { counters, repos, trackedRefs: new Set() });
    expect(result).toMatchObject({ ignored: 1, ignoredReasons: [expect.stringContaining('lowercase')] });
  });
});

describe('self-hosted source', () => {
  it('samples the webhook counter into the series', async () => {
    const ctx = testSourceContext('http://unused', { registryCounters: counters });
    // Two envelopes with distinct event ids were counted above: two pulls each.
    expect(await readRegistryCounters('registry.example.com/team/app', ctx)).toMatchObject({ registry: 'registry', repo: 'registry.example.com/team/app', pullCount: 4 });
  });

  it('reports a repository with no notification yet as an error, not a 0', async () => {
    const ctx = testSourceContext('http://unused', { registryCounters: counters });
    await expect(readRegistryCounters('registry.example.com/team/silent', ctx)).rejects.toMatchObject({ kind: 'not_found' });
  });
});
