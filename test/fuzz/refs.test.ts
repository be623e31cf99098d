// Fuzzes the ref parser: whatever users type or paste, the answer is a canonical ref or a RefError saying why.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RefError } from '../../lambdas/core/errors.ts';
import { REGISTRIES, notFoundHint, parseRef, parseRefs, refHint, refOwner, refString } from '../../lambdas/core/refs.ts';
import { FUZZ_RUNS, mutatedText } from './arbitraries.ts';

/** What people write, from the README's table, plus forms that sit on the grammar's edges. */
const SEEDS = [
  'nginx',
  'docker.io/nginx',
  'myorg/app',
  'docker.io/myorg/app',
  'dockerhub:myorg/*',
  'ghcr.io/owner/pkg',
  'ghcr.io/owner/nested/pkg',
  'quay.io/ns/repo',
  'quay:ns/*',
  'registry.example.com/team/app',
  'localhost:5000/app',
  'registry:reg.example.com:5000/a/b/c',
  'index.docker.io/library/redis',
  'my-org/my_app.v2',
  'a__b/c--d',
];
const TOKENS = ['/', ':', '.', '-', '_', '__', '*', '@', '#', '?', '%2F', '\\', ' ', '\t', 'A', 'é', 'docker.io', 'ghcr.io', 'quay.io', 'localhost', ':5000', ':latest', '@sha256:abc', '..', '//', 'registry:', 'dockerhub:', '\u0000'];

const refInput = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^[a-zA-Z0-9./:_*@-]{0,40}$/),
  fc.constantFrom(...SEEDS).chain((seed) => mutatedText(seed, TOKENS)),
  fc.tuple(fc.constantFrom('', 'dockerhub:', 'ghcr:', 'quay:', 'registry:', 'docker.io/', 'ghcr.io/', 'quay.io/', 'r.example.com/'), fc.array(fc.stringMatching(/^[a-z0-9._*-]{0,12}$/), { maxLength: 5 })).map(
    ([prefix, segments]) => prefix + segments.join('/'),
  ),
  // Names around the 255-byte limit, bare (Docker Hub adds `library/`) and under a namespace.
  fc.tuple(fc.constantFrom('', 'dockerhub:', 'acme/', 'quay:ns/', 'ghcr.io/o/', 'r.example.com/'), fc.integer({ min: 235, max: 270 }), fc.constantFrom('a', 'b-c', 'd.e_f')).map(
    ([prefix, length, unit]) => prefix + unit.repeat(Math.ceil(length / unit.length)).slice(0, length).replace(/[._-]+$/, 'z'),
  ),
);

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

describe('parseRef under fuzzing', () => {
  it(`answers ${FUZZ_RUNS} inputs with a well-formed canonical ref or a RefError naming the input`, () => {
    fc.assert(
      fc.property(refInput, (input) => {
        let ref;
        try {
          ref = parseRef(input);
        } catch (error) {
          expect(error).toBeInstanceOf(RefError);
          expect((error as RefError).input).toBe(input);
          expect((error as RefError).message).toContain(JSON.stringify(input));
          expect((error as RefError).reason.length).toBeGreaterThan(0);
          return;
        }
        const canonical = refString(ref);
        // Canonical refs are fixed points, and parse to the same ref however they were written.
        expect(parseRef(canonical)).toEqual(ref);
        expect(REGISTRIES).toContain(ref.registry);
        expect(new TextEncoder().encode(ref.path).length).toBeLessThanOrEqual(255);
        expect(ref.path).toBe(ref.path.toLowerCase());
        expect(ref.path).not.toMatch(/[\s@#?%\\]/);
        expect(ref.wildcard).toBe(ref.path.endsWith('/*'));
        const segments = ref.path.split('/');
        const names = ref.registry === 'registry' ? segments.slice(1) : ref.wildcard ? segments.slice(0, -1) : segments;
        for (const name of names) expect(name).toMatch(COMPONENT);
        if (ref.wildcard) expect(segments).toHaveLength(2);
        else if (ref.registry === 'dockerhub' || ref.registry === 'quay') expect(segments).toHaveLength(2);
        else if (ref.registry === 'ghcr') expect(segments.length).toBeGreaterThanOrEqual(2);
        else expect(segments.length).toBeGreaterThanOrEqual(2);
        expect(refOwner(ref).length).toBeGreaterThan(0);
        // A hint that suggests a wildcard suggests one that parses.
        for (const hint of [refHint(input, ref), notFoundHint(ref)]) {
          const suggested = hint && /did you mean (dockerhub:\S+\/\*)/.exec(hint)?.[1];
          if (suggested) expect(parseRef(suggested).wildcard).toBe(true);
        }
      }),
      // Found by this test: a bare name of 248 to 255 bytes passed, but its canonical form (`library/` added) did not.
      { numRuns: FUZZ_RUNS, examples: [['a'.repeat(250)], [`docker.io/${'b'.repeat(250)}`]] },
    );
  });

  it('keeps each canonical ref once and reports every reject, for lists of fuzzed inputs', () => {
    fc.assert(
      fc.property(fc.array(refInput, { maxLength: 8 }), (inputs) => {
        const { refs, errors } = parseRefs(inputs);
        const canonical = refs.map(refString);
        expect(new Set(canonical).size).toBe(canonical.length);
        expect(refs.length + errors.length).toBeLessThanOrEqual(inputs.length);
        const rejected = inputs.filter((input) => {
          try {
            parseRef(input);
            return false;
          } catch {
            return true;
          }
        });
        expect(errors.map((error) => error.input)).toEqual(rejected);
      }),
      { numRuns: 1_000 },
    );
  });
});
