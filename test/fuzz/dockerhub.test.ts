// Fuzzes Docker Hub's repository JSON and owner listing pages: a body yields the exact counts it states, or a
// format_changed error, never 0; a listing page keeps its valid rows and names each malformed one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../lambdas/core/errors.ts';
import { type UpstreamResponse, parseJsonBody } from '../../lambdas/core/http.ts';
import { parseDockerHubListingPage, parseDockerHubRepository } from '../../lambdas/core/sources/dockerhub.ts';
import { dockerHubRepository } from '../fakes/upstream.ts';
import { FUZZ_RUNS, mutatedJson, mutatedText, oddValue } from './arbitraries.ts';

const URL_ = 'https://hub.docker.com/v2/repositories/acme/app/';
const AT = new Date('2026-11-23T10:00:00Z');
const REAL = dockerHubRepository('acme', 'app', 1_234_567, 89);

const body = fc.oneof(
  fc.jsonValue(),
  mutatedJson(REAL),
  fc.record({ pull_count: oddValue, star_count: oddValue, last_updated: oddValue }, { requiredKeys: [] }),
  fc.record({ pull_count: fc.oneof(fc.nat(), fc.maxSafeNat()), star_count: fc.option(fc.nat(), { nil: null }), last_updated: fc.option(fc.string(), { nil: null }) }),
);

/** The parser's whole contract for one body. */
function holdsContract(json: unknown): void {
  let sample;
  try {
    sample = parseDockerHubRepository(json, 'acme/app', URL_, AT);
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe('format_changed');
    expect((error as UpstreamError).url).toBe(URL_);
    return;
  }
  const stated = json as { pull_count: unknown; star_count?: unknown; last_updated?: unknown };
  // The count is the one the body states, exactly: a 0 only ever comes from a body that says 0.
  expect(sample.pullCount).toBe(stated.pull_count);
  expect(Number.isSafeInteger(sample.pullCount) && sample.pullCount >= 0).toBe(true);
  expect(sample).toMatchObject({ registry: 'dockerhub', repo: 'acme/app', collectedAt: AT.toISOString() });
  if (stated.star_count == null) expect(sample.starCount).toBeUndefined();
  else expect(sample.starCount).toBe(stated.star_count);
  if (stated.last_updated == null) expect(sample.lastUpdated).toBeUndefined();
  else expect(sample.lastUpdated).toBe(stated.last_updated);
}

describe('Docker Hub repository JSON under fuzzing', () => {
  it(`reads ${FUZZ_RUNS} parsed bodies as their exact count or format_changed`, () => {
    fc.assert(fc.property(body, holdsContract), { numRuns: FUZZ_RUNS });
  });

  it(`reads ${FUZZ_RUNS} raw bodies (mutated, truncated, arbitrary text) as their exact count or format_changed`, () => {
    const text = fc.oneof(
      mutatedText(JSON.stringify(REAL), ['"pull_count":', '"many"', '-1', '0', '1e3', '1.0', 'null', '}', '{', ',', '"', '\\u0000', ' ']),
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((value) => JSON.stringify(value)),
    );
    fc.assert(
      fc.property(text, (raw) => {
        const response: UpstreamResponse = { url: URL_, status: 200, headers: new Headers(), body: raw };
        let json: unknown;
        try {
          json = parseJsonBody(response);
        } catch (error) {
          expect(error).toBeInstanceOf(UpstreamError);
          expect((error as UpstreamError).kind).toBe('format_changed');
          return;
        }
        holdsContract(json);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('Docker Hub owner listing pages under fuzzing', () => {
  const row = fc.oneof(
    { weight: 3, arbitrary: fc.record({ name: fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/), pull_count: fc.maxSafeNat(), star_count: fc.option(fc.nat(), { nil: null }) }) },
    { weight: 1, arbitrary: fc.record({ name: oddValue, pull_count: oddValue, star_count: oddValue }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.jsonValue() },
  );
  const page = fc.oneof(
    { weight: 4, arbitrary: fc.record({ count: fc.option(fc.nat(), { nil: null }), next: fc.option(fc.constant('https://hub/next'), { nil: null }), results: fc.array(row, { maxLength: 12 }) }) },
    { weight: 1, arbitrary: fc.jsonValue() },
  );

  it(`reads ${FUZZ_RUNS} pages as exactly their valid rows, each other row reported once by its number, or format_changed`, () => {
    fc.assert(
      fc.property(page, fc.nat(300), (body, before) => {
        let parsed;
        try {
          parsed = parseDockerHubListingPage(body, 'acme', URL_, AT, before);
        } catch (error) {
          expect(error).toBeInstanceOf(UpstreamError);
          expect((error as UpstreamError).kind).toBe('format_changed');
          return;
        }
        const rows = (body as { results: unknown[] }).results;
        expect(parsed.rows).toBe(rows.length);
        expect(parsed.samples.length + parsed.malformed.length).toBe(rows.length);
        for (const sample of parsed.samples) {
          expect(sample.repo).toMatch(/^acme\/[a-z0-9]+(?:[._-][a-z0-9]+)*$/);
          expect(rows).toContainEqual(expect.objectContaining({ name: sample.repo.slice('acme/'.length), pull_count: sample.pullCount }));
        }
        const numbers = parsed.malformed.map((line) => /^row (\d+) /.exec(line)?.[1]);
        expect(new Set(numbers).size).toBe(numbers.length);
        for (const line of parsed.malformed) {
          const number = Number(/^row (\d+) /.exec(line)?.[1]);
          expect(number).toBeGreaterThan(before);
          expect(number).toBeLessThanOrEqual(before + rows.length);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
