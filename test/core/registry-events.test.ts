import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeError, classifyEvent, parseEnvelope } from '../../lambdas/core/registry-events.ts';

const envelope = JSON.parse(readFileSync(new URL('../fixtures/registry/envelope-mixed.json', import.meta.url), 'utf8')) as unknown;
const events = parseEnvelope(envelope);
const classified = (index: number, registryName?: string) => classifyEvent(events[index]!, registryName);

describe('classifyEvent', () => {
  it('counts a manifest push once, with the pusher', () => {
    expect(classified(0)).toEqual({
      counted: { id: events[0]!.id, kind: 'push', ref: 'registry:registry.example.com/team/app', tag: 'v1', at: '2026-11-23T10:00:00.123Z', actor: 'ci-bot' },
    });
  });

  it('counts a manifest GET by tag as a pull of the repository and its tag', () => {
    expect(classified(1)).toMatchObject({ counted: { kind: 'pull', tag: 'v1', ref: 'registry:registry.example.com/team/app' } });
  });

  it('counts a pull by digest (an OCI index) with no tag', () => {
    const result = classified(3);
    expect(result).toMatchObject({ counted: { kind: 'pull' } });
    expect('counted' in result && result.counted.tag).toBe(undefined);
  });

  it('keeps a manifest HEAD apart as a version check', () => {
    expect(classified(4)).toMatchObject({ counted: { kind: 'version_check', tag: 'latest' } });
  });

  it('ignores blob fetches and mounts, saying why', () => {
    expect(classified(2)).toEqual({ ignored: 'pull of application/vnd.oci.image.layer.v1.tar+gzip by GET' });
    expect(classified(5)).toMatchObject({ ignored: expect.stringContaining('mount') });
  });

  it('records a delete that names a tag, and ignores one by bare digest (a blob and a manifest look alike)', () => {
    expect(classified(6)).toMatchObject({ counted: { kind: 'delete', actor: 'admin', tag: 'latest' } });
    expect(classified(7)).toMatchObject({ ignored: expect.stringContaining('delete') });
  });

  it('names the registry by REGISTRY_NAME when set', () => {
    expect(classified(1, 'Registry.Internal:5000')).toMatchObject({ counted: { ref: 'registry:registry.internal:5000/team/app' } });
  });
});

describe('parseEnvelope', () => {
  it.each([{}, { events: 'x' }, { events: [{ action: 'pull' }] }, [], null, 'text'])('rejects %j naming the problem', (body) => {
    expect(() => parseEnvelope(body)).toThrowError(EnvelopeError);
  });

  it('returns events or an EnvelopeError for any JSON, and classifying them never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ events: fc.array(fc.record({ id: fc.string(), timestamp: fc.string(), action: fc.string(), target: fc.jsonValue(), request: fc.jsonValue() })) })), (body) => {
        let parsed;
        try {
          parsed = parseEnvelope(body);
        } catch (error) {
          expect(error).toBeInstanceOf(EnvelopeError);
          return;
        }
        for (const event of parsed) classifyEvent(event);
      }),
      { numRuns: 2_000 },
    );
  });
});
