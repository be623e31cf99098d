// A real registry (distribution 2.8) notifies local mode while skopeo pushes and pulls: pulls, version checks and
// pushes are counted once each, under the ref the registry's own events name.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fakes/upstream.ts';
import { type LocalProcess, eventually, startLocalProcess } from '../local/process.ts';
import { OCI_MANIFEST, type OciImage, writeOciImage } from './oci-image.ts';
import { type RegistryServer, findTools, skopeoCopy, startRegistry } from './registry-server.ts';

const TAG_PULLS = 3;
const TIMEOUT = 120_000;
const EVENTS_V1 = 'application/vnd.docker.distribution.events.v1+json';

interface Captured {
  contentType: string;
  body: string;
  events: { id: string; action: string; target?: { mediaType?: string; tag?: string }; request?: { method?: string; host?: string } }[];
}

interface Webhook {
  pulls: number;
  version_checks: number;
  pushes: number;
  deletes: number;
  first_pull_at: string | null;
  last_pull_at: string | null;
  first_push_at: string | null;
  last_push_at: string | null;
  pushers: string[];
}

let workDir: string;
let image: OciImage;
let capture: FakeUpstream;
const captured: Captured[] = [];
let pullwatch: LocalProcess | undefined;
let registry: RegistryServer | undefined;
const token = randomBytes(24).toString('hex');

beforeAll(async () => {
  findTools(); // fails every test with the apt-get line when the registry or skopeo is missing
  workDir = await mkdtemp(join(tmpdir(), 'pullwatch-registry-'));
  image = await writeOciImage(join(workDir, 'image'), 'v1');

  // A second endpoint records exactly what the registry sends, to replay it later.
  capture = await startFakeUpstream();
  capture.route('/events', async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    captured.push({ contentType: request.headers['content-type'] ?? '', body, events: (JSON.parse(body) as { events: Captured['events'] }).events });
    response.writeHead(200).end();
  });

  pullwatch = await startLocalProcess({ PORT: '0', DATA_DIR: join(workDir, 'data'), POLL_INTERVAL: '2s', INGEST_TOKEN: token });
  registry = await startRegistry({
    dir: join(workDir, 'registry'),
    endpoints: [
      { name: 'pullwatch', url: `${pullwatch.url}api/ingest/registry`, headers: { Authorization: [`Bearer ${token}`] } },
      { name: 'capture', url: `${capture.url}/events` },
    ],
  });
}, TIMEOUT);

afterAll(async () => {
  await registry?.stop();
  await pullwatch?.stop();
  await capture?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const getJson = async <T>(url: string): Promise<T> => {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
};

const postEnvelope = (body: string, headers: Record<string, string>) =>
  fetch(`${pullwatch!.url}api/ingest/registry`, { method: 'POST', headers: { 'content-type': EVENTS_V1, ...headers }, body });

describe('registry webhook from a real registry', { timeout: TIMEOUT }, () => {
  const ref = () => `registry:${registry!.host}/ns/app`;
  const webhook = async () => (await getJson<{ ref: string; webhook?: Webhook }[]>(`${pullwatch!.url}api/repos`)).find((row) => row.ref === ref())?.webhook;
  const manifestEvents = () => captured.flatMap((envelope) => envelope.events).filter((event) => event.target?.mediaType === OCI_MANIFEST);

  it('counts each skopeo pull once, a manifest HEAD as a version check, and the push', async () => {
    await skopeoCopy(`oci:${image.dir}:v1`, `docker://${registry!.host}/ns/app:v1`);

    // What a client polling for updates does: HEAD the tag's manifest and read its digest.
    const head = await fetch(`${registry!.url}/v2/ns/app/manifests/v1`, { method: 'HEAD', headers: { accept: OCI_MANIFEST } });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(image.manifestDigest); // skopeo pushed the manifest unchanged

    for (let i = 0; i < TAG_PULLS; i++) await skopeoCopy(`docker://${registry!.host}/ns/app:v1`, `dir:${join(workDir, `pull-${i}`)}`);
    await skopeoCopy(`docker://${registry!.host}/ns/app@${image.manifestDigest}`, `dir:${join(workDir, 'pull-by-digest')}`);

    // skopeo GETs the manifest once per copy and never HEADs it, so the only version check is the fetch above.
    const counts = await eventually(async () => {
      const counts = await webhook();
      return counts && counts.pulls === TAG_PULLS + 1 && counts.version_checks === 1 && counts.pushes === 1 ? counts : undefined;
    }, 30_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\ncaptured manifest events: ${JSON.stringify(manifestEvents())}\nregistry log:\n${registry!.output().slice(-4000)}`);
    });
    expect(counts).toMatchObject({ pulls: TAG_PULLS + 1, version_checks: 1, pushes: 1, deletes: 0, pushers: [] }); // no auth: the actor is {}
    expect(Date.parse(counts.first_pull_at!)).toBeLessThanOrEqual(Date.parse(counts.last_pull_at!));
    expect(Date.parse(counts.first_push_at!)).toBeLessThanOrEqual(Date.parse(counts.first_pull_at!));

    // The pull by digest names no tag, so the tag has the tag pulls only; the HEAD named the tag.
    const tags = await getJson<{ tag: string; pulls: number; version_checks: number }[]>(`${pullwatch!.url}api/tags?repo=${encodeURIComponent(ref())}`);
    expect(tags.map(({ tag, pulls, version_checks }) => ({ tag, pulls, version_checks }))).toEqual([{ tag: 'v1', pulls: TAG_PULLS, version_checks: 1 }]);
  });

  it('shows the counter in the summary after the next poll', async () => {
    const row = await eventually(async () => {
      const rows = await getJson<{ registry: string; name: string; pull_count: number | null }[]>(`${pullwatch!.url}api/summary`);
      return rows.find((one) => one.registry === 'registry' && one.pull_count === TAG_PULLS + 1);
    }, 30_000);
    expect(row).toMatchObject({ registry: 'registry', name: `${registry!.host}/ns/app`, pull_count: TAG_PULLS + 1 });
  });

  it('receives the registry v1 content type and the events the counts come from', async () => {
    await eventually(async () => (manifestEvents().length === TAG_PULLS + 3 ? true : undefined));
    expect(new Set(captured.map((envelope) => envelope.contentType))).toEqual(new Set([EVENTS_V1]));
    const seen = manifestEvents().map((event) => `${event.action} ${event.request?.method} ${event.target?.tag ?? '(no tag)'}`);
    expect(seen.sort()).toEqual(['pull GET (no tag)', ...Array<string>(TAG_PULLS).fill('pull GET v1'), 'pull HEAD v1', 'push PUT v1'].sort());
    expect(new Set(captured.flatMap((envelope) => envelope.events.map((event) => event.request?.host)))).toEqual(new Set([registry!.host]));
  });

  it('counts nothing twice when the registry redelivers envelopes', async () => {
    const before = await webhook();
    const envelopes = [...captured]; // blob events of the last pull may still be arriving
    let duplicates = 0;
    let ignored = 0;
    for (const envelope of envelopes) {
      const response = await postEnvelope(envelope.body, { 'content-type': envelope.contentType, authorization: `Bearer ${token}` });
      expect(response.status).toBe(200);
      const result = (await response.json()) as { counted: Record<string, number>; duplicates: number; ignored: number };
      const manifests = envelope.events.filter((event) => event.target?.mediaType === OCI_MANIFEST).length;
      expect(result).toMatchObject({ counted: { pull: 0, version_check: 0, push: 0, delete: 0 }, duplicates: manifests });
      duplicates += result.duplicates;
      ignored += result.ignored;
    }
    expect(duplicates).toBe(TAG_PULLS + 3);
    expect(ignored).toBe(envelopes.reduce((sum, envelope) => sum + envelope.events.length, 0) - duplicates); // blob pushes and fetches
    expect(await webhook()).toEqual(before);
  });

  it('rejects an envelope with a wrong or missing token and counts nothing from it', async () => {
    const before = await webhook();
    // A fresh id: were the token accepted, this pull would count, so unchanged counts show the rejection.
    const envelope = captured.find((one) => one.events.some((event) => event.target?.mediaType === OCI_MANIFEST && event.request?.method === 'GET'))!;
    const fresh = JSON.stringify({ events: (JSON.parse(envelope.body) as { events: { id: string }[] }).events.map((event) => ({ ...event, id: randomUUID() })) });

    const wrong = await postEnvelope(fresh, { authorization: 'Bearer wrong' });
    expect(wrong.status).toBe(401);
    const missing = await postEnvelope(fresh, {});
    expect(missing.status).toBe(401);
    expect(await webhook()).toEqual(before);
  });
});
