// Fuzzes registry notification envelopes: decoding, the grammar check, classification, and counting them into
// canonical refs only, each event once however often it is delivered.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrackedRegistryRefs, ingestEvents } from '../../lambdas/core/ingest.ts';
import { refString, tryParseRef } from '../../lambdas/core/refs.ts';
import { type CountedEvent, EnvelopeError, MANIFEST_MEDIA_TYPES, type RegistryEvent, classifyEvent, decodeEnvelope } from '../../lambdas/core/registry-events.ts';
import { FUZZ_RUNS, mutatedJson } from './arbitraries.ts';
import { MemoryCounters, MemoryRepos } from './memory-ports.ts';

const ENVELOPE = JSON.parse(readFileSync(new URL('../fixtures/registry/envelope-mixed.json', import.meta.url), 'utf8')) as unknown;
const MANIFESTS = [...MANIFEST_MEDIA_TYPES];
const TAG = /^\w[\w.-]{0,127}$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** Well-formed values only: events distribution could send. */
const wellFormed = {
  id: fc.oneof(fc.uuid(), fc.constantFrom('e1', 'e2', 'dup'), fc.string({ minLength: 1, maxLength: 256 }).filter((id) => !LONE_SURROGATE.test(id))),
  timestamp: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
  action: fc.constantFrom('pull', 'push', 'delete', 'mount'),
  mediaType: fc.constantFrom(...MANIFESTS, 'application/octet-stream', 'application/vnd.oci.image.layer.v1.tar+gzip'),
  digest: fc.constantFrom(`sha256:${'4a'.repeat(32)}`, `sha512:${'0'.repeat(128)}`),
  repository: fc.oneof(fc.constantFrom('team/app', 'library/nginx', 'app', 'a/b/c'), fc.stringMatching(/^[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,8}){0,2}(?:\/[a-z0-9]{1,8}){0,2}$/)),
  tag: fc.oneof(fc.constantFrom('v1', 'latest', '1.0.0-rc_1'), fc.stringMatching(TAG)),
  method: fc.constantFrom('GET', 'HEAD', 'PUT', 'get', 'head', 'DELETE'),
  host: fc.constantFrom('registry.example.com', 'Registry.Example.COM:5000', 'localhost:5000', '127.0.0.1:5000'),
  actor: fc.oneof(fc.constantFrom('ci-bot', 'admin@example.com', ''), fc.string({ maxLength: 20 }).filter((name) => !LONE_SURROGATE.test(name) && !/[\u0000-\u001f\u007f]/.test(name))),
};

/** Near misses and junk for each field. */
const broken = {
  id: fc.oneof(fc.constant(''), fc.string({ minLength: 257, maxLength: 300 }), fc.constantFrom('\ud800', 'x\udfff')),
  timestamp: fc.constantFrom('yesterday', '', '0', '2026-02-30T00:00:00Z', '9999-12-31T00:00:00Z', '1999-12-31T23:59:59Z', 'x'.repeat(100)),
  mediaType: fc.constantFrom('application', '/json', 'a b/c', 'x'.repeat(300)),
  digest: fc.constantFrom('sha256:4a2f', 'sha256:', ':abc', 'SHA256:abc'),
  repository: fc.constantFrom('Team/App', 'a//b', '../x', 'a:b', 'a b', `a/${'b'.repeat(260)}`, '-x'),
  tag: fc.constantFrom('.x', '-x', 'a b', 'x'.repeat(129), 'v1/2'),
  host: fc.constantFrom('bad host', '-x-.com', 'registry', 'a'.repeat(300)),
  actor: fc.constantFrom('a\nb', 'x'.repeat(257), '\u0000'),
};

type Field = keyof typeof broken;
const FIELDS = Object.keys(broken) as Field[];

/** A well-formed event, optionally with one field broken: then, and only then, classifyEvent skips it as invalid. */
const event = fc
  .record({
    id: wellFormed.id,
    timestamp: wellFormed.timestamp,
    action: wellFormed.action,
    mediaType: optional(wellFormed.mediaType),
    digest: optional(wellFormed.digest),
    repository: wellFormed.repository,
    tag: optional(wellFormed.tag),
    method: optional(wellFormed.method),
    host: wellFormed.host,
    actor: optional(wellFormed.actor),
    broken: optional(fc.constantFrom(...FIELDS).chain((field) => fc.tuple(fc.constant(field), broken[field] as fc.Arbitrary<string>))),
  })
  .map(({ broken: fault, ...fields }) => {
    const value = (field: Field) => (fault?.[0] === field ? fault[1] : fields[field]);
    const raw = {
      id: value('id'),
      timestamp: value('timestamp'),
      action: fields.action,
      target: { mediaType: value('mediaType'), digest: value('digest'), repository: value('repository'), tag: value('tag') },
      request: { method: fields.method, host: value('host') },
      actor: { name: value('actor') },
    };
    return { raw: JSON.parse(JSON.stringify(raw)) as RegistryEvent, broken: fault?.[0] };
  });

/** The README's counting rules, restated: what kind a well-formed event counts as, if any. */
function expectedKind(e: RegistryEvent): CountedEvent['kind'] | undefined {
  const manifest = MANIFEST_MEDIA_TYPES.has(e.target?.mediaType ?? '');
  const method = e.request?.method?.toUpperCase();
  if (e.action === 'pull' && manifest) return method === 'HEAD' ? 'version_check' : method === 'GET' || method === undefined ? 'pull' : undefined;
  if (e.action === 'push' && manifest) return 'push';
  if (e.action === 'delete' && (e.target?.tag || manifest)) return 'delete';
  return undefined;
}

describe('registry notification envelopes under fuzzing', () => {
  it(`classifies ${FUZZ_RUNS} events: skips exactly those with a broken field, counts the rest by the counting rules`, () => {
    fc.assert(
      fc.property(event, fc.option(fc.constantFrom('registry.example.com', 'Proxy.Example.com'), { nil: undefined }), ({ raw, broken: fault }, registryName) => {
        const classified = classifyEvent(raw, registryName ? { registryName } : {});
        // A broken host does not matter when REGISTRY_NAME names the registry instead.
        if (fault && !(fault === 'host' && registryName)) {
          expect(classified, `broken ${fault}`).toEqual({ invalid: expect.any(String) });
          return;
        }
        if ('invalid' in classified) {
          // The only other reason: host and repository together are longer than a ref may be.
          expect(new TextEncoder().encode(`${registryName ?? raw.request!.host}/${raw.target!.repository}`).length).toBeGreaterThan(255);
          return;
        }
        if ('ignored' in classified) {
          expect(expectedKind(raw)).toBeUndefined();
          return;
        }
        const { counted } = classified;
        const host = (registryName ?? raw.request!.host!).toLowerCase();
        expect(counted.kind).toBe(expectedKind(raw));
        expect(counted.id).toBe(raw.id);
        expect(counted.ref).toBe(`registry:${host}/${raw.target!.repository}`);
        expect(counted.at).toBe(new Date(raw.timestamp).toISOString());
        expect(counted.tag).toBe(raw.target?.tag || undefined);
        expect(counted.actor).toBe(raw.actor?.name || undefined);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it(`decodes ${FUZZ_RUNS} mutated and arbitrary bodies into events or an EnvelopeError, with short reasons`, () => {
    const body = fc.oneof(mutatedJson(ENVELOPE), fc.jsonValue(), fc.record({ events: fc.array(fc.oneof(event.map((one) => one.raw), fc.jsonValue()), { maxLength: 6 }) }));
    fc.assert(
      fc.property(body, (value) => {
        let decoded;
        try {
          decoded = decodeEnvelope(new TextEncoder().encode(JSON.stringify(value) ?? ''), 1_000);
        } catch (error) {
          expect(error).toBeInstanceOf(EnvelopeError);
          return;
        }
        for (const raw of decoded.events) {
          const classified = classifyEvent(raw);
          const reason = 'invalid' in classified ? classified.invalid : 'ignored' in classified ? classified.ignored : undefined;
          if (reason !== undefined) expect(reason.length).toBeLessThan(200);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('counts fuzzed envelopes into canonical refs only, each event once however often it is delivered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 8 }), async (generated) => {
        const events = generated.map((one) => one.raw);
        const counters = new MemoryCounters();
        const repos = new MemoryRepos();
        const deps = { counters, tracked: new TrackedRegistryRefs(repos, 1_000, 60_000) };
        const first = await ingestEvents({ events, lossy: false }, deps);
        const counted = Object.values(first.counted).reduce((sum, n) => sum + n, 0);
        expect(counted + first.duplicates + first.ignored + first.skipped).toBe(events.length);
        for (const ref of (await repos.list()).map((repo) => repo.ref)) {
          const parsed = tryParseRef(ref);
          expect(parsed.ok && refString(parsed.ref) === ref, ref).toBe(true);
        }
        // The registry redelivers: nothing counts twice.
        const again = await ingestEvents({ events, lossy: false }, deps);
        expect(Object.values(again.counted).every((n) => n === 0)).toBe(true);
        expect(again.duplicates).toBe(counted + first.duplicates);
      }),
      { numRuns: 2_000 },
    );
  });
});
