// Fuzzes Quay's JSON: repository stats become exactly the stated daily counts up to today, or format_changed.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../lambdas/core/errors.ts';
import { parseQuayListing, parseQuayRepository } from '../../lambdas/core/sources/quay.ts';
import { FUZZ_RUNS, mutatedJson, oddValue } from './arbitraries.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/quay/${name}`, import.meta.url), 'utf8'));
const REPOSITORY = fixture('repository.json');
const LISTINGS = ['repositories-page-1.json', 'repositories-page-2.json', 'repositories-page-3.json'].map(fixture);
const URL_ = 'https://quay.io/api/v1/repository/coreos/etcd?includeStats=true&includeTags=false';
const NOW = new Date('2026-11-23T10:00:00Z');

function expectFormatChanged(error: unknown): void {
  expect(error).toBeInstanceOf(UpstreamError);
  expect((error as UpstreamError).kind).toBe('format_changed');
  expect((error as UpstreamError).url).toBe(URL_);
}

/** Days around NOW, real and impossible, in and out of the YYYY-MM-DD form. */
const day = fc.oneof(
  fc.integer({ min: -120, max: 3 }).map((offset) => new Date(NOW.getTime() + offset * 86_400_000).toISOString().slice(0, 10)),
  fc.constantFrom('2026-02-30', '2026-13-01', '2026-11-23T00:00:00Z', '20261123', '2026-1-5', '', '2026-11-24', '2024-02-29', '2025-02-29'),
  fc.string({ maxLength: 12 }),
);
const stats = fc.array(fc.record({ date: day, count: fc.oneof({ weight: 4, arbitrary: fc.nat(100_000) }, { weight: 1, arbitrary: oddValue }) }), { maxLength: 30 });
const repositoryBody = fc.oneof(
  mutatedJson(REPOSITORY),
  fc.jsonValue(),
  stats.map((list) => ({ namespace: 'coreos', name: 'etcd', stats: list })),
  // Repeated days, some with the same count and some not.
  stats.chain((list) => fc.shuffledSubarray(list).map((again) => ({ stats: [...list, ...again.map((stat, i) => (i % 2 === 0 ? stat : { ...stat, count: 7 }))] }))),
);

describe('Quay repository JSON under fuzzing', () => {
  it(`turns ${FUZZ_RUNS} bodies into exactly the stated days up to today, or format_changed`, () => {
    fc.assert(
      fc.property(repositoryBody, (body) => {
        let samples;
        try {
          samples = parseQuayRepository(body, 'coreos/etcd', URL_, NOW);
        } catch (error) {
          expectFormatChanged(error);
          return;
        }
        const today = NOW.toISOString().slice(0, 10);
        const stated = (body as { stats: { date: string; count: number }[] }).stats;
        const days = samples.map((sample) => sample.collectedAt.slice(0, 10));
        // Strictly ascending calendar days, none after today, each at UTC midnight.
        expect([...days].sort()).toEqual(days);
        expect(new Set(days).size).toBe(days.length);
        // Plain checks per sample: tens of thousands of samples go through this loop.
        for (const sample of samples) {
          const date = sample.collectedAt.slice(0, 10);
          const problem =
            sample.registry !== 'quay' || sample.repo !== 'coreos/etcd' || sample.measure !== 'daily_actions'
              ? 'not a Quay daily_actions sample of coreos/etcd'
              : sample.collectedAt !== `${date}T00:00:00.000Z` || new Date(sample.collectedAt).toISOString() !== sample.collectedAt
                ? 'not at UTC midnight of a calendar day'
                : date > today
                  ? 'after today'
                  : !Number.isSafeInteger(sample.pullCount) || sample.pullCount < 0
                    ? 'not a count'
                    : // Every count is one the body states for that day; nothing is filled in.
                      !stated.some((stat) => stat.date === date && stat.count === sample.pullCount)
                      ? 'a count the body does not state for that day'
                      : undefined;
          if (problem) expect.fail(`${JSON.stringify(sample)}: ${problem}`);
        }
        // Every day stated up to today is kept.
        expect(new Set(stated.filter((stat) => stat.date <= today).map((stat) => stat.date))).toEqual(new Set(days));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('Quay repository listing under fuzzing', () => {
  const row = fc.record({ namespace: fc.oneof(fc.constant('coreos'), fc.constant('other'), fc.string({ maxLength: 6 })), name: fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,10}$/), fc.string({ maxLength: 6 })) });
  const listing = fc.oneof(
    fc.constantFrom(...LISTINGS).chain(mutatedJson),
    fc.jsonValue(),
    fc.record({ repositories: fc.array(row, { maxLength: 8 }), next_page: fc.option(fc.oneof(fc.string({ maxLength: 10 }), oddValue), { nil: undefined }) }, { requiredKeys: ['repositories'] }),
  );

  it(`reads ${FUZZ_RUNS} listing pages as the namespace's own rows and next token, or format_changed`, () => {
    fc.assert(
      fc.property(listing, (body) => {
        let page;
        try {
          page = parseQuayListing(body, 'coreos', URL_);
        } catch (error) {
          expectFormatChanged(error);
          return;
        }
        const stated = body as { repositories: { namespace: string; name: string }[]; next_page?: string | null };
        expect(stated.repositories.every((repository) => repository.namespace === 'coreos')).toBe(true);
        expect(page.repositories).toEqual(stated.repositories.map((repository) => `coreos/${repository.name}`));
        if (stated.next_page == null) expect(page.nextPage).toBeUndefined();
        else expect(page.nextPage).toBe(stated.next_page);
        if (page.nextPage !== undefined) expect(page.nextPage.length).toBeGreaterThan(0);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
