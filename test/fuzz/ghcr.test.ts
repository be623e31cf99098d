// Fuzzes the GHCR page parsers: a package page yields a count it states, or format_changed; a listing page never throws.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../lambdas/core/errors.ts';
import { parseGhcrDownloads, parseGhcrListing } from '../../lambdas/core/sources/ghcr.ts';
import { FUZZ_RUNS, mutatedText } from './arbitraries.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/ghcr/${name}`, import.meta.url), 'utf8');
const PACKAGE_PAGE = fixture('package-page.html');
const LISTINGS = ['org-listing-page-1.html', 'org-listing-page-2.html', 'user-listing.html', 'empty-org-listing.html'].map(fixture);
const URL_ = 'https://github.com/users/acme-labs/packages/container/package/cli';
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const HTML_TOKENS = [
  '<',
  '>',
  '"',
  "'",
  '=',
  '/',
  ' ',
  '\n',
  '<!--',
  '-->',
  '<h3>',
  '<h3 title="12">',
  '<h3 title=7>',
  ' title="',
  '</h3>',
  '<span>Total downloads</span>',
  'Total downloads',
  '<TOTAL DOWNLOADS>',
  '1,234',
  '00',
  '-5',
  '9007199254740993',
  '<a href="/orgs/acme-labs/packages/container/package/x">',
  '<a rel="next" href="?page=2">',
  '%2F',
  '%ZZ',
];

describe('GHCR package page under fuzzing', () => {
  it(`reads ${FUZZ_RUNS} pages as a count the page states, or format_changed`, () => {
    const page = fc.oneof(
      { weight: 3, arbitrary: mutatedText(PACKAGE_PAGE, HTML_TOKENS) },
      { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(...HTML_TOKENS), { maxLength: 30 }).map((parts) => parts.join('')) },
    );
    fc.assert(
      fc.property(page, (html) => {
        let count: number;
        try {
          count = parseGhcrDownloads(html, URL_);
        } catch (error) {
          expect(error).toBeInstanceOf(UpstreamError);
          expect((error as UpstreamError).kind).toBe('format_changed');
          expect((error as UpstreamError).url).toBe(URL_);
          return;
        }
        expect(Number.isSafeInteger(count) && count >= 0).toBe(true);
        // Never invented: the page carries the number as a title, plain or grouped by thousands.
        const grouped = count.toLocaleString('en-US');
        expect(html.includes(String(count)) || html.includes(grouped), `count ${count}`).toBe(true);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('reads any exact count written in the title, plain or grouped, and refuses anything else there', () => {
    const title = fc.oneof(
      fc.maxSafeNat().map(String),
      fc.maxSafeNat().map((n) => n.toLocaleString('en-US')),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(title, (text) => {
        const html = PACKAGE_PAGE.replace('<h3 title="176180">', `<h3 title="${text.replaceAll('"', '&quot;')}">`);
        const exact = /^(?:\d+|\d{1,3}(?:,\d{3})+)$/.test(text) && Number.isSafeInteger(Number(text.replaceAll(',', '')));
        if (exact) expect(parseGhcrDownloads(html, URL_)).toBe(Number(text.replaceAll(',', '')));
        else expect(() => parseGhcrDownloads(html, URL_)).toThrowError(/format_changed/);
      }),
      { numRuns: 2_000 },
    );
  });
});

/** One generated package link in any of GitHub's three forms, the owner in any casing, quoted any way. */
const linkTo = (owner: string, name: string, form: number, quote: string, casing: (text: string) => string): string => {
  const encoded = name.split('/').map(encodeURIComponent).join('%2F');
  const href = [
    `/orgs/${casing(owner)}/packages/container/package/${encoded}`,
    `/users/${casing(owner)}/packages/container/package/${encoded}`,
    `/${casing(owner)}/some-repo/pkgs/container/${encoded}`,
  ][form]!;
  return `<a class="Link--primary" href=${quote}${href}${quote} title=${quote}${name}${quote}>${name}</a>`;
};

describe('GHCR listing page under fuzzing', () => {
  it(`never throws on ${FUZZ_RUNS} pages and only returns well-formed, distinct package names`, () => {
    const page = fc.oneof(
      fc.constantFrom(...LISTINGS).chain((html) => mutatedText(html, HTML_TOKENS)),
      fc.string({ maxLength: 300 }),
      fc.array(fc.constantFrom(...HTML_TOKENS), { maxLength: 30 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(page, fc.constantFrom('acme-labs', 'Acme-Labs', 'octo', 'x'), (html, owner) => {
        const { names, hasNext, otherOwners, saysEmpty } = parseGhcrListing(html, owner);
        expect(typeof hasNext).toBe('boolean');
        expect(typeof saysEmpty).toBe('boolean');
        expect(Number.isSafeInteger(otherOwners) && otherOwners >= 0).toBe(true);
        expect(new Set(names).size).toBe(names.length);
        for (const name of names) for (const segment of name.split('/')) expect(segment).toMatch(SEGMENT);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('finds exactly the owner’s packages, in order, among decoys, in any link form and quoting', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/);
    const name = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => segments.join('/'));
    const entry = fc.record({
      name,
      mine: fc.boolean(),
      form: fc.nat(2),
      quote: fc.constantFrom('"', "'", ''),
      upper: fc.boolean(),
      filler: fc.constantFrom('', '\n  ', '<li class="Box-row">', '<p>Published <relative-time datetime="2026-10-30T12:00:00Z">Oct 30</relative-time></p>', '<a href="/features">Features</a>', '<!-- <a href="/orgs/acme-labs/packages/container/package/hidden">x</a> -->'),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), fc.boolean(), (entries, next) => {
        const owner = 'acme-labs';
        const body = entries
          .map((item) => item.filler + linkTo(item.mine ? owner : 'other-org', item.name, item.form, item.quote, item.upper ? (text) => text.toUpperCase() : (text) => text))
          .join('\n');
        const html = `<html><body><ul>${body}</ul>${next ? '<a class="next_page" rel="next" href="/orgs/acme-labs/packages?ecosystem=container&amp;page=2">Next</a>' : ''}</body></html>`;
        const expected = [...new Set(entries.filter((item) => item.mine).map((item) => item.name))];
        expect(parseGhcrListing(html, owner)).toEqual({ names: expected, hasNext: next, otherOwners: entries.filter((item) => !item.mine).length, saysEmpty: false });
      }),
      { numRuns: 2_000 },
    );
  });
});
