import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambdas/core/errors.ts';
import { Pacer, type Turn } from '../../../lambdas/core/pacing.ts';
import { GHCR_BROWSER_USER_AGENT, GhcrSource, MAX_LISTING_PAGES, parseGhcrDownloads, parseGhcrListing } from '../../../lambdas/core/sources/ghcr.ts';
import { testEndpoint } from '../../fakes/endpoint.ts';
import { type FakeUpstream, startFakeUpstream } from '../../fakes/upstream.ts';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/ghcr/${name}`, import.meta.url), 'utf8');
const PACKAGE_PAGE = fixture('package-page.html');
const ORG_PAGE_1 = fixture('org-listing-page-1.html');
const ORG_PAGE_2 = fixture('org-listing-page-2.html');
const USER_LISTING = fixture('user-listing.html');
const EMPTY_ORG_LISTING = fixture('empty-org-listing.html');

const URL_ = 'https://github.com/users/acme-labs/packages/container/package/cli';
const NOW = new Date('2026-11-23T10:00:00Z');
const MIB = 1024 * 1024;

/** The fixture with its real count replaced: the Issues counter and the commented decoy stay where they are. */
const withDownloads = (title: string): string => PACKAGE_PAGE.replace('<h3 title="176180">', `<h3 title="${title}">`);

function thrown(run: () => unknown): UpstreamError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  }
  throw new Error('expected an UpstreamError, got a result');
}

async function rejected(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

/** The parser's whole contract: an exact non-negative count, or a format_changed UpstreamError. */
function holdsContract(html: string): void {
  try {
    const count = parseGhcrDownloads(html, URL_);
    expect(Number.isSafeInteger(count) && count >= 0).toBe(true);
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe('format_changed');
  }
}

describe('parseGhcrDownloads', () => {
  it('reads Total downloads, not the Issues counter before it', () => {
    expect(PACKAGE_PAGE.indexOf('title="12"')).toBeLessThan(PACKAGE_PAGE.indexOf('title="176180"'));
    expect(parseGhcrDownloads(PACKAGE_PAGE, URL_)).toBe(176_180);
  });

  it('ignores a commented-out Total downloads block', () => {
    expect(PACKAGE_PAGE).toContain('<!-- <span class="d-block color-fg-muted text-small mb-1">Total downloads</span><h3 title="999">999</h3> -->');
    expect(parseGhcrDownloads(PACKAGE_PAGE, URL_)).toBe(176_180);
    // Uncommented, the decoy is a second label: the parser refuses rather than choosing one.
    const uncommented = PACKAGE_PAGE.replace('<!-- <span', '<span').replace('</h3> -->', '</h3>');
    expect(thrown(() => parseGhcrDownloads(uncommented, URL_)).message).toContain('2 "Total downloads" labels');
  });

  it('skips a commented-out count between the label and the real one', () => {
    const html = '<span>Total downloads</span>\n<!-- <h3 title="999">999</h3> -->\n<h3 title="4242">4.24K</h3>';
    expect(parseGhcrDownloads(html, URL_)).toBe(4242);
  });

  it('reads the label across tags, attributes and newlines between it and the count', () => {
    const html = '<span class="x">\n  Total downloads\n</span>\n<div class="y">\n<h3 class="h3" data-x="a > b" title="77">77</h3></div>';
    expect(parseGhcrDownloads(html, URL_)).toBe(77);
  });

  it('keeps counts above 2^31 exact, up to 2^53 - 1', () => {
    expect(parseGhcrDownloads(withDownloads('3000000000'), URL_)).toBe(3_000_000_000);
    expect(parseGhcrDownloads(withDownloads('9007199254740991'), URL_)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('accepts a comma-grouped title and reads the digits', () => {
    expect(parseGhcrDownloads(withDownloads('176,180'), URL_)).toBe(176_180);
    expect(parseGhcrDownloads(withDownloads('3,000,000,000'), URL_)).toBe(3_000_000_000);
  });

  it.each(['176K', '1,76,180', '176,18', '-5', '1.5', '', ' 176180', '1e6', '0x10', '９９'])('refuses the title %j, never guessing', (title) => {
    const error = thrown(() => parseGhcrDownloads(withDownloads(title), URL_));
    expect(error.kind).toBe('format_changed');
    expect(error.message).toContain('not a whole number');
  });

  it('refuses a count it could not keep exactly (beyond 2^53)', () => {
    const error = thrown(() => parseGhcrDownloads(withDownloads('9007199254740993'), URL_));
    expect(error.kind).toBe('format_changed');
    expect(error.message).toContain('too large');
  });

  it('reports a page without the label as format_changed naming the URL, never 0', () => {
    const html = PACKAGE_PAGE.replaceAll('>Total downloads</span>', '>Pulls</span>');
    const error = thrown(() => parseGhcrDownloads(html, URL_));
    expect(error.kind).toBe('format_changed');
    expect(error.url).toBe(URL_);
    expect(error.message).toContain('no "Total downloads" label');
    expect(error.message).toContain(URL_);
  });

  it('does not take the label from an attribute (the og:description mentions Total downloads)', () => {
    const html = PACKAGE_PAGE.replaceAll('>Total downloads</span>', '>Pulls</span>');
    expect(html).toContain('content="Total downloads, versions');
    expect(thrown(() => parseGhcrDownloads(html, URL_)).message).toContain('no "Total downloads" label');
  });

  it('reports a label without a following count as format_changed', () => {
    const error = thrown(() => parseGhcrDownloads('<span>Total downloads</span><p>176K</p>', URL_));
    expect(error.kind).toBe('format_changed');
    expect(error.message).toContain('no <h3> count');
  });

  it('does not reach for a count further than 2,000 characters from the label', () => {
    const html = `<span>Total downloads</span>${' '.repeat(2_100)}<h3 title="5">5</h3>`;
    expect(thrown(() => parseGhcrDownloads(html, URL_)).message).toContain('within 2000 characters');
    expect(parseGhcrDownloads(`<span>Total downloads</span>${' '.repeat(1_900)}<h3 title="5">5</h3>`, URL_)).toBe(5);
  });

  it('reports a count heading without a title as format_changed, not the visible "176K"', () => {
    const html = PACKAGE_PAGE.replace('<h3 title="176180">', '<h3>');
    const error = thrown(() => parseGhcrDownloads(html, URL_));
    expect(error.message).toContain('no title attribute');
  });

  it('does not read a title hidden inside another attribute of the heading', () => {
    const html = '<span>Total downloads</span><h3 data-note="title=&quot;9&quot; title=9">9</h3>';
    expect(thrown(() => parseGhcrDownloads(html, URL_)).message).toContain('no title attribute');
  });

  it('returns an exact count or format_changed for any string', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 500 })), holdsContract), { numRuns: 2_000 });
  });

  it('returns an exact count or format_changed for markup-shaped noise', () => {
    const token = fc.constantFrom(
      '<span>', 'Total downloads', '</span>', '<h3', '<h3>', ' title="', ' title=', "'", '"', '>', '=', ' ', '\n',
      '176,180', '12', '3000000000', '99999999999999999999', ',', '<!--', '-->', '--!>', '<a ', 'K',
    );
    fc.assert(fc.property(fc.array(token, { maxLength: 40 }), (tokens) => holdsContract(tokens.join(''))), { numRuns: 3_000 });
  });

  it('returns an exact count or format_changed when arbitrary text is spliced into the page', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.nat(), (text, at) => {
        const cut = at % (PACKAGE_PAGE.length + 1);
        holdsContract(PACKAGE_PAGE.slice(0, cut) + text + PACKAGE_PAGE.slice(cut));
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('parseGhcrListing', () => {
  it('reads the owner\'s package links in order, decoding nested names, once each', () => {
    expect(parseGhcrListing(ORG_PAGE_1, 'acme-labs')).toMatchObject({ names: ['cli', 'api', 'tools/migrate'], hasNext: true, saysEmpty: false });
  });

  it('leaves out other owners\' packages and commented-out links', () => {
    const { names } = parseGhcrListing(ORG_PAGE_1, 'acme-labs');
    expect(ORG_PAGE_1).toContain('/orgs/other-org/packages/container/package/acme-sdk');
    expect(ORG_PAGE_1).toContain('/orgs/Acme-Labs/packages/container/package/retired');
    expect(names).not.toContain('acme-sdk');
    expect(names).not.toContain('retired');
    expect(parseGhcrListing(ORG_PAGE_1, 'other-org').names).toEqual(['acme-sdk']);
  });

  it('reads user-form and repository-scoped links, and sees a disabled Next as the last page', () => {
    expect(parseGhcrListing(USER_LISTING, 'jdoe')).toMatchObject({ names: ['dotfiles', 'homelab/dns'], hasNext: false });
    expect(parseGhcrListing(ORG_PAGE_2, 'acme-labs')).toMatchObject({ names: ['web', 'tools/seed'], hasNext: false });
  });

  it('counts links to other owners, and sees GitHub\'s "no packages" notice', () => {
    expect(parseGhcrListing(ORG_PAGE_1, 'acme-labs').otherOwners).toBeGreaterThan(0);
    expect(parseGhcrListing(EMPTY_ORG_LISTING, 'quiet-org')).toEqual({ names: [], hasNext: false, otherOwners: 0, saysEmpty: true });
  });

  it('refuses names that are not plain package names', () => {
    const html = [
      '<a href="/orgs/o/packages/container/package/%2E%2E">x</a>',
      '<a href="/orgs/o/packages/container/package/a%2F%2Fb">x</a>',
      '<a href="/orgs/o/packages/container/package/%E0%A4%A">x</a>',
      '<a href="/orgs/o/packages/container/package/ok%2Fname">x</a>',
    ].join('');
    expect(parseGhcrListing(html, 'o').names).toEqual(['ok/name']);
  });

  it('reads hostile 2 MiB pages in linear time (unclosed tags and comments, endless labels)', () => {
    const hostile = ['<a ', '<a x="', '<a x', '<!--', '<b>Total downloads</b>', '<h3 '].map((unit) => unit.repeat(Math.ceil((2 * MIB) / unit.length)));
    const started = performance.now();
    for (const page of hostile) {
      expect(parseGhcrListing(page, 'o').names).toEqual([]);
      expect(() => parseGhcrDownloads(page, URL_)).toThrow(UpstreamError);
    }
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('never throws, and yields only plain names, for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 500 })), (html) => {
        const { names } = parseGhcrListing(`<a href="/orgs/o/packages/container/package/${html}">${html}`, 'o');
        for (const name of names) expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('GHCR over HTTP', () => {
  let fake: FakeUpstream;
  let elsewhere: FakeUpstream;
  let ghcr: GhcrSource;
  let seenHeaders: IncomingHttpHeaders | undefined;
  const html = (res: ServerResponse, body: string, status = 200): void => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  };
  const pacedBy = (pacer: Pacer): GhcrSource => new GhcrSource(testEndpoint(fake.url, { now: () => NOW, http: { timeoutMs: 2_000, maxBytes: 2 * MIB, userAgent: 'test' }, pacer }));

  /** Counts turns, so a test can hold the source to one turn per request. */
  class CountingPacer extends Pacer {
    turns = 0;
    override turn(url: string): Promise<Turn> {
      this.turns++;
      return super.turn(url);
    }
  }

  beforeAll(async () => {
    fake = await startFakeUpstream();
    elsewhere = await startFakeUpstream();
    ghcr = pacedBy(new Pacer({ registry: 'ghcr' }));

    fake.route('/users/acme-labs/packages/container/package/cli', (req, res) => {
      seenHeaders = req.headers;
      html(res, PACKAGE_PAGE);
    });
    fake.route('/users/acme-labs/packages/container/package/tools%2Fmigrate', (_req, res) => html(res, withDownloads('3000000000')));
    // An organisation's package: the /users/ form is missing, the /orgs/ form answers.
    fake.route('/orgs/acme-org/packages/container/package/engine', (_req, res) => html(res, withDownloads('5150')));
    // GitHub's own move: /users/ for an organisation redirects to the repository-scoped page on the same host.
    fake.route('/users/acme-moved/packages/container/package/engine', (_req, res) =>
      res.writeHead(301, { location: '/acme-moved/platform/pkgs/container/engine' }).end(),
    );
    fake.route('/acme-moved/platform/pkgs/container/engine', (_req, res) => html(res, withDownloads('61')));
    fake.route('/users/acme-labs/packages/container/package/huge', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = 'x'.repeat(64 * 1024);
      for (let sent = 0; sent <= 2 * MIB; sent += chunk.length) res.write(chunk);
      res.end();
    });
    fake.route('/users/acme-labs/packages/container/package/offsite', (_req, res) =>
      res.writeHead(302, { location: `${elsewhere.url}/users/acme-labs/packages/container/package/offsite` }).end(),
    );
    fake.route('/users/acme-labs/packages/container/package/redesigned', (_req, res) => html(res, '<html><body><h3 title="12">12</h3></body></html>'));
    fake.route('/users/acme-labs/packages/container/package/busy', (_req, res) =>
      res.writeHead(429, { 'retry-after': '30', 'content-type': 'text/html' }).end('slow down'),
    );

    fake.route('/orgs/acme-labs/packages', (_req, res, url) => {
      const page = url.searchParams.get('page');
      if (page === '1') html(res, ORG_PAGE_1);
      else if (page === '2') html(res, ORG_PAGE_2);
      else html(res, 'no such page', 404);
    });
    fake.route('/jdoe', (_req, res, url) => html(res, url.searchParams.get('tab') === 'packages' ? USER_LISTING : '<html>profile</html>'));
    fake.route('/orgs/quiet-org/packages', (_req, res) => html(res, EMPTY_ORG_LISTING));
    // A redesign: the packages are there, but no link has the form this reader knows, and there is no notice either.
    fake.route('/orgs/redesigned-org/packages', (_req, res) => html(res, ORG_PAGE_1.replaceAll('/packages/container/package/', '/packages/oci/')));
    fake.route('/orgs/mirror-org/packages', (_req, res) => html(res, '<a href="/orgs/someone-else/packages/container/package/app">app</a>'));
    // A listing that repeats page 1 forever: the "next" link never leads anywhere new.
    fake.route('/orgs/stuck-org/packages', (_req, res) => html(res, ORG_PAGE_1.replaceAll('Acme-Labs', 'stuck-org')));
    // Every page is full and links onward: more packages than the walk will read.
    fake.route('/orgs/giant-org/packages', (_req, res, url) => {
      const page = Number(url.searchParams.get('page'));
      const links = Array.from({ length: 30 }, (_, i) => `<a href="/orgs/giant-org/packages/container/package/p${page}-${i}">p</a>`);
      html(res, `${links.join('\n')}<a rel="next" href="/orgs/giant-org/packages?ecosystem=container&amp;page=${page + 1}">Next</a>`);
    });
    // Page 1 links to a page 2 that is gone.
    fake.route('/orgs/vanishing-org/packages', (_req, res, url) => {
      if (url.searchParams.get('page') === '1') html(res, ORG_PAGE_1.replaceAll('Acme-Labs', 'vanishing-org'));
      else html(res, 'gone', 404);
    });
  });
  afterAll(async () => {
    await fake.close();
    await elsewhere.close();
  });
  beforeEach(() => {
    fake.requests.splice(0);
    elsewhere.requests.splice(0);
    seenHeaders = undefined;
  });

  describe('fetchGhcrPackage', () => {
    it('reads a package page into a ghcr sample', async () => {
      expect(await ghcr.package('acme-labs/cli')).toEqual({
        registry: 'ghcr',
        repo: 'acme-labs/cli',
        collectedAt: NOW.toISOString(),
        pullCount: 176_180,
      });
      expect(fake.requests).toEqual(['GET /users/acme-labs/packages/container/package/cli']);
    });

    it('requests a nested package as one %2F-escaped segment', async () => {
      const sample = await ghcr.package('acme-labs/tools/migrate');
      expect(sample).toMatchObject({ repo: 'acme-labs/tools/migrate', pullCount: 3_000_000_000 });
      expect(fake.requests).toEqual(['GET /users/acme-labs/packages/container/package/tools%2Fmigrate']);
    });

    it('asks like a browser: desktop Chrome User-Agent, Accept text/html', async () => {
      await ghcr.package('acme-labs/cli');
      expect(seenHeaders?.['user-agent']).toBe(GHCR_BROWSER_USER_AGENT);
      expect(seenHeaders?.['user-agent']).toMatch(/^Mozilla\/5\.0 \(.+\) AppleWebKit\/537\.36 \(KHTML, like Gecko\) Chrome\/\d+\.0\.0\.0 Safari\/537\.36$/);
      expect(seenHeaders?.['user-agent']).not.toBe('test');
      expect(seenHeaders?.accept).toBe('text/html');
    });

    it('falls back to the organisation page when the user page is 404', async () => {
      expect((await ghcr.package('acme-org/engine')).pullCount).toBe(5150);
      expect(fake.requests).toEqual([
        'GET /users/acme-org/packages/container/package/engine',
        'GET /orgs/acme-org/packages/container/package/engine',
      ]);
    });

    it('follows GitHub\'s redirect from the user page to the repository-scoped page on the same host', async () => {
      expect((await ghcr.package('acme-moved/engine')).pullCount).toBe(61);
      expect(fake.requests).toEqual(['GET /users/acme-moved/packages/container/package/engine', 'GET /acme-moved/platform/pkgs/container/engine']);
    });

    it('reports a package missing under both /users/ and /orgs/ as not_found naming both', async () => {
      const error = await rejected(ghcr.package('acme-labs/nothing'));
      expect(error.kind).toBe('not_found');
      expect(error.url).toBe(`${fake.url}/users/acme-labs/packages/container/package/nothing`);
      expect(error.message).toContain(`${fake.url}/orgs/acme-labs/packages/container/package/nothing`);
      expect(fake.requests).toHaveLength(2);
    });

    it('refuses a body over the 2 MiB cap with the http helper\'s format_changed', async () => {
      const error = await rejected(ghcr.package('acme-labs/huge'));
      expect(error.kind).toBe('format_changed');
      expect(error.message).toContain(`${2 * MIB}-byte cap`);
    });

    it('refuses a redirect to another host without contacting it', async () => {
      const error = await rejected(ghcr.package('acme-labs/offsite'));
      expect(error.kind).toBe('format_changed');
      expect(error.message).toContain('redirected off the registry');
      expect(elsewhere.requests).toEqual([]);
    });

    it('reports a redesigned page as format_changed, never a sample', async () => {
      const error = await rejected(ghcr.package('acme-labs/redesigned'));
      expect(error.kind).toBe('format_changed');
      expect(error.url).toBe(`${fake.url}/users/acme-labs/packages/container/package/redesigned`);
    });

    it('passes a rate limit through without trying the organisation page, and sends nothing more before its retry time', async () => {
      const paced = pacedBy(new Pacer({ registry: 'ghcr' }));
      const error = await rejected(paced.package('acme-labs/busy'));
      expect(error.kind).toBe('rate_limited');
      expect(fake.requests).toEqual(['GET /users/acme-labs/packages/container/package/busy']);
      expect((await rejected(paced.package('acme-labs/cli'))).rateLimit?.by).toBe('pacer');
      expect(fake.requests).toHaveLength(1);
    });

    it('refuses a path that is not owner/package before any request', async () => {
      await expect(ghcr.package('acme-labs')).rejects.toThrow('a GHCR package is owner/package');
      await expect(ghcr.package('acme-labs/../cli')).rejects.toThrow('a GHCR package is owner/package');
      expect(fake.requests).toEqual([]);
    });

    it('waits for the pacer before every request, the fallback included', async () => {
      const pacer = new CountingPacer({ registry: 'ghcr' });
      await pacedBy(pacer).package('acme-org/engine');
      expect(pacer.turns).toBe(2);
      expect(fake.requests).toHaveLength(2);
    });

    it('spaces requests by the pacer gap', async () => {
      const paced = pacedBy(new Pacer({ registry: 'ghcr', minGapMs: 200 }));
      const started = performance.now();
      await paced.package('acme-labs/cli');
      await paced.package('acme-labs/cli');
      expect(performance.now() - started).toBeGreaterThanOrEqual(180);
      expect(fake.requests).toHaveLength(2);
    });
  });

  describe('listGhcrPackages', () => {
    it('walks an organisation listing across its two pages', async () => {
      expect(await ghcr.packages('acme-labs')).toEqual(['cli', 'api', 'tools/migrate', 'web', 'tools/seed']);
      expect(fake.requests).toEqual([
        'GET /orgs/acme-labs/packages?ecosystem=container&page=1',
        'GET /orgs/acme-labs/packages?ecosystem=container&page=2',
      ]);
    });

    it('falls back to the user listing when the organisation listing is 404', async () => {
      expect(await ghcr.packages('jdoe')).toEqual(['dotfiles', 'homelab/dns']);
      expect(fake.requests).toEqual(['GET /orgs/jdoe/packages?ecosystem=container&page=1', 'GET /jdoe?tab=packages&ecosystem=container&page=1']);
    });

    it('returns no packages for an owner that has none', async () => {
      expect(await ghcr.packages('quiet-org')).toEqual([]);
      expect(fake.requests).toHaveLength(1);
    });

    it('reports a listing with no package links and no "no packages" notice as format_changed, not an empty owner', async () => {
      const error = await rejected(ghcr.packages('redesigned-org'));
      expect(error.kind).toBe('format_changed');
      expect(error.message).toContain('no package links and no "no packages" notice');
    });

    it('reports a listing whose links all belong to other owners as format_changed', async () => {
      const error = await rejected(ghcr.packages('mirror-org'));
      expect(error.kind).toBe('format_changed');
      expect(error.message).toContain("links only to other owners' packages (1 links)");
    });

    it('reports an owner missing as both organisation and user as not_found', async () => {
      const error = await rejected(ghcr.packages('nobody-at-all'));
      expect(error.kind).toBe('not_found');
      expect(error.message).toContain('no GitHub organization or user "nobody-at-all"');
      expect(fake.requests).toEqual([
        'GET /orgs/nobody-at-all/packages?ecosystem=container&page=1',
        'GET /nobody-at-all?tab=packages&ecosystem=container&page=1',
      ]);
    });

    it('stops with format_changed when a page links onward but adds nothing new', async () => {
      const error = await rejected(ghcr.packages('stuck-org'));
      expect(error.kind).toBe('format_changed');
      expect(error.message).toContain('listing page 2 links to a next page but adds no package names');
      expect(fake.requests).toHaveLength(2);
    });

    it(`refuses to cut an owner off silently past ${MAX_LISTING_PAGES} pages`, async () => {
      const error = await rejected(ghcr.packages('giant-org'));
      expect(error.kind).toBe('format_changed');
      expect(error.message).toContain(`more than ${MAX_LISTING_PAGES} listing pages`);
      expect(fake.requests).toHaveLength(MAX_LISTING_PAGES);
    });

    it('reports a linked next page that answers 404 as format_changed, not a missing owner', async () => {
      const error = await rejected(ghcr.packages('vanishing-org'));
      expect(error.kind).toBe('format_changed');
      expect(error.message).toContain('listing page 2 was linked as next but answered 404');
    });

    it('waits for the pacer before every listing request', async () => {
      const pacer = new CountingPacer({ registry: 'ghcr' });
      await pacedBy(pacer).packages('jdoe');
      expect(pacer.turns).toBe(2);
      await pacedBy(pacer).packages('acme-labs');
      expect(pacer.turns).toBe(4);
      expect(fake.requests).toHaveLength(4);
    });
  });
});
