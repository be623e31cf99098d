// Fuzzes registry notification envelopes: parsing, classification, and counting them into canonical refs only.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ingestEvents } from '../../lambdas/core/ingest.ts';
import type { RegistryCounters } from '../../lambdas/core/ports.ts';
import { refString, tryParseRef } from '../../lambdas/core/refs.ts';
import { type CountedEvent, EnvelopeError, MANIFEST_MEDIA_TYPES, type RegistryEvent, classifyEvent, parseEnvelope } from '../../lambdas/core/registry-events.ts';
import { FUZZ_RUNS, mutatedJson } from './arbitraries.ts';

const ENVELOPE = JSON.parse(readFileSync(new URL('../fixtures/registry/envelope-mixed.json', import.meta.url), 'utf8')) as unknown;
const MANIFESTS = [...MANIFEST_MEDIA_TYPES];

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
/** Events shaped like distribution's, with every field drawn from real values, near misses and junk. */
const event = fc.record(
  {
    id: fc.oneof(fc.uuid(), fc.constantFrom('e1', 'e2', 'dup'), fc.string({ maxLength: 300 })),
    timestamp: fc.oneof(
      fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
      fc.constantFrom('2026-11-23T10:00:00.123456789Z', '2026-11-23T10:00:00+02:00', 'yesterday', '', '0', '2026-02-30T00:00:00Z'),
      fc.string({ maxLength: 30 }),
    ),
    action: fc.oneof(fc.constantFrom('pull', 'push', 'delete', 'mount', 'PULL'), fc.string({ maxLength: 8 })),
    target: optional(
      fc.record(
        {
          mediaType: optional(fc.oneof(fc.constantFrom(...MANIFESTS), fc.constantFrom('application/octet-stream', 'application/vnd.oci.image.layer.v1.tar+gzip'), fc.string({ maxLength: 20 }))),
          digest: optional(fc.constantFrom('sha256:4a2f', '')),
          repository: optional(fc.oneof(fc.constantFrom('team/app', 'library/nginx', 'app', 'Team/App', 'a//b', '../x', 'a:b', 'a b', ''), fc.stringMatching(/^[a-z0-9][a-z0-9._\/-]{0,20}$/), fc.string({ maxLength: 20 }))),
          tag: optional(fc.oneof(fc.constantFrom('v1', 'latest', ''), fc.string({ maxLength: 12 }))),
        },
        { requiredKeys: [] },
      ),
    ),
    request: optional(
      fc.record(
        {
          method: optional(fc.oneof(fc.constantFrom('GET', 'HEAD', 'PUT', 'get', 'head', 'DELETE'), fc.string({ maxLength: 6 }))),
          host: optional(fc.oneof(fc.constantFrom('registry.example.com', 'Registry.Example.COM:5000', 'localhost:5000', '127.0.0.1:5000', '', 'bad host', '-x-.com'), fc.string({ maxLength: 20 }))),
          useragent: optional(fc.string({ maxLength: 10 })),
        },
        { requiredKeys: [] },
      ),
    ),
    actor: optional(fc.record({ name: optional(fc.oneof(fc.constantFrom('ci-bot', ''), fc.string({ maxLength: 10 }))) }, { requiredKeys: [] })),
  },
  { requiredKeys: ['id', 'timestamp', 'action'] },
);
const envelope = fc.oneof(mutatedJson(ENVELOPE), fc.jsonValue(), fc.record({ events: fc.array(event, { maxLength: 6 }) }), fc.array(event, { maxLength: 2 }));

/** The README's counting rules, restated: what kind an event counts as, if any. */
function expectedKind(e: RegistryEvent): CountedEvent['kind'] | undefined {
  const manifest = MANIFEST_MEDIA_TYPES.has(e.target?.mediaType ?? '');
  const method = e.request?.method?.toUpperCase();
  if (e.action === 'pull' && manifest) return method === 'HEAD' ? 'version_check' : method === 'GET' || method === undefined ? 'pull' : undefined;
  if (e.action === 'push' && manifest) return 'push';
  if (e.action === 'delete' && (e.target?.tag || manifest)) return 'delete';
  return undefined;
}

describe('registry notification envelopes under fuzzing', () => {
  it(`parses ${FUZZ_RUNS} bodies into events or an EnvelopeError, and classifies each event by the counting rules`, () => {
    fc.assert(
      fc.property(envelope, fc.option(fc.constantFrom('registry.example.com', 'Proxy.Example.com'), { nil: undefined }), (body, registryName) => {
        let events: RegistryEvent[];
        try {
          events = parseEnvelope(body);
        } catch (error) {
          expect(error).toBeInstanceOf(EnvelopeError);
          expect((error as Error).message).toMatch(/^not a registry notification envelope: /);
          return;
        }
        for (const e of events) {
          expect(typeof e.id === 'string' && e.id.length >= 1 && e.id.length <= 256).toBe(true);
          const classified = classifyEvent(e, registryName);
          if ('ignored' in classified) {
            expect(classified.ignored.length).toBeGreaterThan(0);
            continue;
          }
          const { counted } = classified;
          const host = (registryName ?? e.request?.host ?? '').toLowerCase();
          expect(counted.kind).toBe(expectedKind(e));
          expect(counted.id).toBe(e.id);
          expect(counted.ref).toBe(`registry:${host}/${e.target!.repository}`);
          expect(host.length).toBeGreaterThan(0);
          expect(counted.at).toBe(new Date(e.timestamp).toISOString());
          expect(counted.tag).toBe(e.target?.tag || undefined);
          expect(counted.actor).toBe(e.actor?.name || undefined);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('counts fuzzed envelopes into canonical refs only, each event once however often it is delivered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 8 }), async (raw) => {
        // Only events an envelope can carry: ids of 1 to 256 characters.
        const events = raw.flatMap((one) => (one.id.length >= 1 && one.id.length <= 256 ? parseEnvelope({ events: [one] }) : []));
        const recorded = new Map<string, CountedEvent>();
        const counters: Pick<RegistryCounters, 'record'> = {
          record: async (counted) => {
            if (recorded.has(counted.id)) return false;
            recorded.set(counted.id, counted);
            return true;
          },
        };
        const added: string[] = [];
        const deps = { counters, repos: { add: async (refs: readonly string[]) => (added.push(...refs), [...refs]) }, trackedRefs: new Set<string>() };
        const first = await ingestEvents(events, deps);
        const counted = Object.values(first.counted).reduce((sum, n) => sum + n, 0);
        expect(counted + first.duplicates + first.ignored).toBe(events.length);
        expect(counted).toBe(recorded.size);
        for (const ref of [...added, ...[...recorded.values()].map((one) => one.ref)]) {
          const parsed = tryParseRef(ref);
          expect(parsed.ok && refString(parsed.ref) === ref, ref).toBe(true);
        }
        // The registry redelivers: nothing counts twice.
        const again = await ingestEvents(events, deps);
        expect(Object.values(again.counted).every((n) => n === 0)).toBe(true);
        expect(again.duplicates).toBe(counted);
      }),
      { numRuns: 2_000 },
    );
  });
});
