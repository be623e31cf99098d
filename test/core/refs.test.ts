import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RefError } from '../../lambdas/core/errors.ts';
import { notFoundHint, parseRef, parseRefs, refHint, refOwner, refString } from '../../lambdas/core/refs.ts';

const canonical = (input: string) => refString(parseRef(input));

describe('parseRef', () => {
  it.each([
    ['nginx', 'dockerhub:library/nginx'],
    ['myorg/app', 'dockerhub:myorg/app'],
    ['docker.io/x/y', 'dockerhub:x/y'],
    ['docker.io/nginx', 'dockerhub:library/nginx'],
    ['index.docker.io/library/redis', 'dockerhub:library/redis'],
    ['dockerhub:nginx', 'dockerhub:library/nginx'],
    ['dockerhub:myorg/*', 'dockerhub:myorg/*'],
    ['ghcr.io/owner/pkg', 'ghcr:owner/pkg'],
    ['ghcr.io/o/nested/p', 'ghcr:o/nested/p'],
    ['ghcr:owner/*', 'ghcr:owner/*'],
    ['quay.io/ns/repo', 'quay:ns/repo'],
    ['quay:ns/*', 'quay:ns/*'],
    ['registry.example.com/team/app', 'registry:registry.example.com/team/app'],
    ['localhost:5000/app', 'registry:localhost:5000/app'],
    ['registry:Registry.Example.com:5000/team/app', 'registry:registry.example.com:5000/team/app'],
    ['  my-org/my_app.v2  ', 'dockerhub:my-org/my_app.v2'],
  ])('normalises %s to %s', (input, expected) => {
    expect(canonical(input)).toBe(expected);
  });

  it('marks owner wildcards', () => {
    expect(parseRef('ghcr:owner/*')).toEqual({ registry: 'ghcr', path: 'owner/*', wildcard: true });
    expect(parseRef('nginx').wildcard).toBe(false);
  });

  it.each([
    ['', 'empty'],
    ['nginx:1.25', 'tag'],
    ['nginx@sha256:abc', 'digests'],
    ['a/b/c', 'namespace/name'],
    ['quay.io/ns/a/b', 'namespace/name'],
    ['ghcr.io/owner', 'owner/package'],
    ['MyOrg/app', 'lowercase'],
    ['dockerhub:../etc', 'not a valid name'],
    ['dockerhub:a/./b', 'not a valid name'],
    ['a%2Fb/c', 'escapes'],
    ['a/b?x=1', 'queries'],
    ['a/b#frag', 'queries'],
    ['registry:reg.example.com/*', 'wildcards'],
    ['dockerhub:a/*/b', 'owner/*'],
    ['registry:-bad-.com/app', 'host'],
    ['my app', 'white space'],
    ['a//b', 'empty path segment'],
    [`dockerhub:a/${'b'.repeat(260)}`, '255 bytes'],
  ])('rejects %j, saying why (%s)', (input, reason) => {
    expect(() => parseRef(input)).toThrowError(RefError);
    try {
      parseRef(input);
    } catch (error) {
      expect((error as RefError).message).toContain(JSON.stringify(input));
      expect((error as RefError).reason).toContain(reason);
    }
  });

  it('returns a ref or a RefError for any input, and canonical refs parse to themselves', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[a-z0-9./:_*@-]{0,40}$/)), (input) => {
        let ref;
        try {
          ref = parseRef(input);
        } catch (error) {
          expect(error).toBeInstanceOf(RefError);
          return;
        }
        expect(canonical(refString(ref))).toBe(refString(ref));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('parseRefs', () => {
  it('keeps each repository once, whichever way it was written, and collects the rejects', () => {
    const { refs, errors } = parseRefs(['nginx', 'docker.io/library/nginx', 'dockerhub:library/nginx', 'Bad', 'quay.io/a/b']);
    expect(refs.map(refString)).toEqual(['dockerhub:library/nginx', 'quay:a/b']);
    expect(errors.map((error) => error.input)).toEqual(['Bad']);
  });
});

describe('refOwner', () => {
  it('is the namespace, or host plus namespace for self-hosted registries', () => {
    expect(refOwner(parseRef('myorg/app'))).toBe('myorg');
    expect(refOwner(parseRef('ghcr:o/*'))).toBe('o');
    expect(refOwner(parseRef('reg.example.com/team/app'))).toBe('reg.example.com/team');
  });
});

describe('ref hints', () => {
  const hint = (input: string) => refHint(input, parseRef(input));

  it('asks whether an owner written like a canonical ref without /* meant the wildcard', () => {
    expect(hint('dockerhub:bigorg')).toBe('tracked as the official image library/bigorg; did you mean dockerhub:bigorg/*?');
    // `nginx` is how official images are written: no hint until Docker Hub says there is none.
    expect(hint('nginx')).toBeUndefined();
    expect(hint('dockerhub:library/nginx')).toBeUndefined();
    expect(hint('dockerhub:bigorg/*')).toBeUndefined();
    expect(notFoundHint(parseRef('nginx'))).toBe('did you mean dockerhub:nginx/* (every repository of nginx)?');
    expect(notFoundHint(parseRef('acme/app'))).toBeUndefined();
    expect(notFoundHint(parseRef('ghcr.io/acme/cli'))).toBeUndefined();
  });

  it('says that a self-hosted ref is fed by the webhook, not polled', () => {
    expect(hint('registry.example.com/team/app')).toMatch(/^counted from the registry's webhook notifications, not polled: .*"Self-hosted registries"/);
    expect(hint('ghcr.io/acme/cli')).toBeUndefined();
    expect(hint('quay:ns/*')).toBeUndefined();
  });
});
