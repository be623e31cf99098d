// Registry notification envelopes: decoding, the grammar every kept field is checked against, and the counting rules.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeError, TooManyEventsError, classifyEvent, decodeEnvelope } from '../../lambdas/core/registry-events.ts';

const fixture = readFileSync(new URL('../fixtures/registry/envelope-mixed.json', import.meta.url));
const { events } = decodeEnvelope(fixture, 1_000);
const event = (index: number) => events[index] as { id: string; target: Record<string, unknown>; request: Record<string, unknown>; actor?: Record<string, unknown> };
const classified = (index: number, registryName?: string) => classifyEvent(events[index], registryName ? { registryName } : {});
/** The fixture's GET of a manifest by tag, with some fields replaced. */
const pullWith = (changes: { target?: object; request?: object; actor?: object; id?: unknown; timestamp?: unknown }) => {
  const base = event(1);
  return {
    ...base,
    ...('id' in changes && { id: changes.id }),
    ...('timestamp' in changes && { timestamp: changes.timestamp }),
    target: { ...base.target, ...changes.target },
    request: { ...base.request, ...changes.request },
    ...(changes.actor && { actor: changes.actor }),
  };
};
const bytes = (text: string) => new TextEncoder().encode(text);

describe('classifyEvent', () => {
  it('counts a manifest push once, with the pusher', () => {
    expect(classified(0)).toEqual({
      counted: { id: event(0).id, kind: 'push', ref: 'registry:registry.example.com/team/app', tag: 'v1', at: '2026-11-23T10:00:00.123Z', actor: 'ci-bot' },
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

  it.each([
    ['a 2,000-character tag', { target: { tag: 'v'.repeat(2_000) } }, 'target.tag'],
    ['a tag starting with a dot', { target: { tag: '.hidden' } }, 'target.tag'],
    ['an uppercase repository', { target: { repository: 'Team/App' } }, 'target.repository'],
    ['a repository with an empty component', { target: { repository: 'team//app' } }, 'target.repository'],
    ['a 300-character repository', { target: { repository: `team/${'a'.repeat(300)}` } }, 'target.repository'],
    ['no repository', { target: { repository: undefined } }, 'target.repository'],
    ['a sha256 digest of 63 hex digits', { target: { digest: `sha256:${'a'.repeat(63)}` } }, 'target.digest'],
    ['a digest without an algorithm', { target: { digest: 'deadbeef' } }, 'target.digest'],
    ['a media type without a subtype', { target: { mediaType: 'application' } }, 'target.mediaType'],
    ['a 2,000-character actor name', { actor: { name: 'x'.repeat(2_000) } }, 'actor.name'],
    ['an actor name with a line feed', { actor: { name: 'ci\nbot' } }, 'actor.name'],
    ['a host with a space', { request: { host: 'bad host' } }, 'request.host'],
    ['a timestamp in year 9999', { timestamp: '9999-12-31T00:00:00Z' }, 'timestamp'],
    ['a timestamp that is no time', { timestamp: 'yesterday' }, 'timestamp'],
    ['an empty id', { id: '' }, 'id'],
    ['a 257-character id', { id: 'i'.repeat(257) }, 'id'],
    ['a numeric id', { id: 42 }, 'id'],
    ['an id with a lone surrogate', { id: 'abc\ud800' }, 'UTF-8'],
  ])('skips an event with %s, naming the field', (_, changes, field) => {
    const result = classifyEvent(pullWith(changes));
    expect(result).toEqual({ invalid: expect.stringContaining(field) });
    // Reasons never quote the input: an attacker cannot grow the answer or the log with them.
    expect('invalid' in result && result.invalid.length).toBeLessThan(150);
  });

  it('skips an event that is not an object, or whose target is not one', () => {
    expect(classifyEvent(42)).toEqual({ invalid: expect.stringContaining('event') });
    expect(classifyEvent({ ...event(1), target: 'x' })).toEqual({ invalid: expect.stringContaining('target') });
  });

  it('counts the longest valid tag, a sha512 digest and a nested repository', () => {
    const result = classifyEvent(pullWith({ target: { tag: `v${'1'.repeat(127)}`, digest: `sha512:${'f'.repeat(128)}`, repository: 'a/b.c/d__e/f-g' } }));
    expect(result).toMatchObject({ counted: { kind: 'pull', ref: 'registry:registry.example.com/a/b.c/d__e/f-g', tag: `v${'1'.repeat(127)}` } });
  });

  it('ignores an action distribution does not define, without quoting it', () => {
    expect(classifyEvent({ ...event(1), action: 'x'.repeat(500) })).toEqual({ ignored: 'an action other than pull, push, mount or delete' });
  });
});

describe('decodeEnvelope', () => {
  it.each(['{}', '{"events":"x"}', '[]', 'null', '"text"'])('rejects %s naming the problem', (body) => {
    expect(() => decodeEnvelope(bytes(body), 10)).toThrowError(/events/);
  });

  it('answers a body that is not JSON with an EnvelopeError', () => {
    expect(() => decodeEnvelope(bytes('{"events": ['), 10)).toThrowError(EnvelopeError);
  });

  it('refuses more events than the cap, saying how many', () => {
    const body = bytes(JSON.stringify({ events: Array.from({ length: 11 }, () => ({})) }));
    expect(() => decodeEnvelope(body, 10)).toThrowError(TooManyEventsError);
    expect(() => decodeEnvelope(body, 10)).toThrowError('holds 11 events');
    expect(decodeEnvelope(body, 11).events).toHaveLength(11);
  });

  it('keeps events that are not events, for classifyEvent to skip one by one', () => {
    expect(decodeEnvelope(bytes('{"events":[1,{"id":"a"}]}'), 10)).toEqual({ events: [1, { id: 'a' }], lossy: false });
  });

  it('decodes a body with bytes that are not UTF-8, and then skips every event showing U+FFFD', () => {
    // Two ids that differ only in their invalid bytes decode alike: neither may be counted as the other.
    const prefix = bytes('{"events":[{"id":"a');
    const middle = bytes('","timestamp":"2026-11-23T10:00:00Z","action":"pull","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","repository":"team/app"},"request":{"method":"GET","host":"r.example.com"}}]}');
    const body = new Uint8Array([...prefix, 0xff, ...middle]);
    const decoded = decodeEnvelope(body, 10);
    expect(decoded.lossy).toBe(true);
    expect(classifyEvent(decoded.events[0], { lossy: decoded.lossy })).toEqual({ invalid: expect.stringContaining('UTF-8') });
    // In a body that is valid UTF-8, a real U+FFFD in an id is an id like any other.
    const valid = decodeEnvelope(bytes(new TextDecoder().decode(body)), 10);
    expect(valid.lossy).toBe(false);
    expect(classifyEvent(valid.events[0], { lossy: valid.lossy })).toMatchObject({ counted: { id: 'a\ufffd' } });
  });

  it('decodes any bytes into events or an EnvelopeError, and classifying them never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.jsonValue().map((value) => bytes(JSON.stringify({ events: [value] })))), (body) => {
        let decoded;
        try {
          decoded = decodeEnvelope(body, 10);
        } catch (error) {
          expect(error).toBeInstanceOf(EnvelopeError);
          return;
        }
        for (const raw of decoded.events) {
          const result = classifyEvent(raw, { lossy: decoded.lossy });
          expect(Object.keys(result)).toHaveLength(1);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
