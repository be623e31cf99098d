// GHCR: the lifetime "Total downloads" scraped from github.com package pages, and owner discovery from the package listings.
import { RefError, UpstreamError } from '../errors.ts';
import { type UpstreamResponse, fetchUpstream } from '../http.ts';
import type { Ref } from '../refs.ts';
import type { Sample } from '../samples.ts';
import { type Collected, type Endpoint, type Source, hostOf } from './context.ts';

/**
 * GitHub serves these pages to any client, but a library-looking agent is the first thing an anti-scraping rule
 * keys on; a plain desktop Chrome string (reduced form, as Chrome itself sends it) draws no special treatment.
 * Refresh the major version now and then: a years-old browser is its own signal.
 */
export const GHCR_BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/154.0.0.0 Safari/537.36';

/** The label text is English only; asking for English keeps a future localised page from reading as a format change. */
const PAGE_HEADERS = { 'accept-language': 'en-US,en;q=0.9' };

/** The count sits a few tags after its label; anything further away belongs to some other part of the page. */
const MAX_LABEL_TO_COUNT_CHARS = 2_000;

/**
 * A listing page holds about 30 packages, and the largest owners measured need about 23 pages. Past this many pages
 * the owner is too large to expand by scraping (each page costs one paced request), so the listing fails loudly
 * rather than returning a silently truncated list.
 */
export const MAX_LISTING_PAGES = 50;

/** Element text "Total downloads": the sidebar label, not the same words inside an attribute or a script string. */
const DOWNLOADS_LABEL = />\s*Total downloads\s*</gi;
/** GitHub prints the exact count as digits; a grouped form is tolerated in case it starts formatting the title. */
const EXACT_COUNT = /^(?:\d+|\d{1,3}(?:,\d{3})+)$/;
/** One package-name segment as GitHub links it; refuses empty, dot-only and anything needing escapes. */
const NAME_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Reads the exact "Total downloads" count from a package page; anything unreadable is format_changed, never 0. */
export function parseGhcrDownloads(html: string, url: string): number {
  const page = stripComments(html);
  const labels = [...page.matchAll(DOWNLOADS_LABEL)];
  if (labels.length === 0) throw formatChanged(url, 'no "Total downloads" label on the package page');
  // Two labels means the page is not the one this parser knows; picking one would be a guess.
  if (labels.length > 1) throw formatChanged(url, `${labels.length} "Total downloads" labels on the package page, expected one`);

  const label = labels[0]!;
  const labelEnd = label.index + label[0].length - 1;
  const window = page.slice(labelEnd, labelEnd + MAX_LABEL_TO_COUNT_CHARS + 4);
  const h3At = window.search(/<h3(?=[\s/>])/i);
  if (h3At < 0 || h3At > MAX_LABEL_TO_COUNT_CHARS) {
    throw formatChanged(url, `no <h3> count within ${MAX_LABEL_TO_COUNT_CHARS} characters after the "Total downloads" label`);
  }
  // The first <h3> after the label is the count; skipping an untitled one could land on a different counter.
  const tag = readStartTag(page, labelEnd + h3At + '<h3'.length);
  if (!tag) throw formatChanged(url, 'the <h3> after the "Total downloads" label is never closed');
  const title = tag.attributes.get('title');
  if (title === undefined) throw formatChanged(url, 'the <h3> after the "Total downloads" label has no title attribute');
  if (!EXACT_COUNT.test(title)) {
    throw formatChanged(url, `the "Total downloads" title ${JSON.stringify(title.slice(0, 40))} is not a whole number`);
  }
  const count = Number(title.replaceAll(',', ''));
  if (!Number.isSafeInteger(count)) throw formatChanged(url, `the "Total downloads" count ${title} is too large to keep exactly`);
  return count;
}

export interface GhcrListingPage {
  /** Package names of the owner linked from the page, decoded (`a/b` for nested), first-seen order, no repeats. */
  names: string[];
  /** Whether the page links to a following page. */
  hasNext: boolean;
  /** Package links to other owners' packages: a page of only these is not this owner's listing. */
  otherOwners: number;
  /** Whether the page shows GitHub's "no packages" notice (its blank-slate box). */
  saysEmpty: boolean;
}

/** GitHub's empty-state box ("No packages published"); an empty listing without it is a page this parser does not know. */
const EMPTY_NOTICE = /\bclass\s*=\s*["']?[^"'>]{0,200}\bblankslate\b/i;

/** Reads one listing page: the owner's package links (any of GitHub's three link forms) and whether a next page exists. */
export function parseGhcrListing(html: string, owner: string): GhcrListingPage {
  const page = stripComments(html);
  const names = new Set<string>();
  let hasNext = false;
  let otherOwners = 0;
  const anchor = /<a(?=[\s/>])/gi;
  for (let match = anchor.exec(page); match; match = anchor.exec(page)) {
    const tag = readStartTag(page, match.index + '<a'.length);
    // A tag still open at the end of the page hides everything after it, as in a browser.
    if (!tag) break;
    // Resuming after the tag keeps the scan linear and never reads a quoted value as markup.
    anchor.lastIndex = tag.end;
    if ((tag.attributes.get('rel') ?? '').toLowerCase().split(/[\t\n\f\r ]+/).includes('next')) hasNext = true;
    const link = packageLink(tag.attributes.get('href'));
    if (link && link.owner.toLowerCase() !== owner.toLowerCase()) otherOwners++;
    else if (link?.name !== undefined) names.add(link.name);
  }
  return { names: [...names], hasNext, otherOwners, saysEmpty: EMPTY_NOTICE.test(page) };
}

/** GHCR's github.com pages, scraped politely: every request waits its turn with the pacer (GHCR_REQUEST_GAP apart). */
export class GhcrSource implements Source {
  constructor(private readonly endpoint: Endpoint) {}

  async collect(ref: Ref): Promise<Collected> {
    if (!ref.wildcard) return { samples: [await this.package(ref.path)] };
    const owner = ref.path.split('/')[0]!;
    return { samples: [], expand: (await this.packages(owner)).map((name) => `ghcr:${owner}/${name}`) };
  }

  /** Reads one package (`owner/package` or `owner/nested/package`) from its github.com page. */
  async package(path: string): Promise<Sample> {
    const segments = path.split('/');
    if (segments.length < 2 || !segments.every((segment) => NAME_SEGMENT.test(segment))) {
      throw new RefError(`ghcr:${path}`, 'a GHCR package is owner/package, with plain name segments');
    }
    const [owner, ...name] = segments;
    const base = this.baseUrl();
    // GitHub names a nested package as one path segment with its slashes escaped (`a%2Fb`), not as sub-paths.
    const pkg = name.map(encodeURIComponent).join('%2F');
    const ownerSegment = encodeURIComponent(owner!);
    const userUrl = `${base}/users/${ownerSegment}/packages/container/package/${pkg}`;
    const orgUrl = `${base}/orgs/${ownerSegment}/packages/container/package/${pkg}`;

    // The /users/ form serves organisations too (GitHub redirects it on github.com); /orgs/ is the fallback for when it does not.
    let response: UpstreamResponse;
    try {
      response = await this.page(userUrl);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        response = await this.page(orgUrl);
      } catch (orgError) {
        if (!isNotFound(orgError)) throw orgError;
        throw new UpstreamError('not_found', userUrl, `no package page for ghcr:${path} under /users/ or /orgs/ (also tried ${orgUrl})`);
      }
    }
    return {
      registry: 'ghcr',
      repo: path,
      collectedAt: this.endpoint.now().toISOString(),
      pullCount: parseGhcrDownloads(response.body, response.url),
    };
  }

  /**
   * Every container package of an owner (`ghcr:owner/*`). The organisation listing is tried first because, for an
   * organisation, the user listing redirects to the profile and drops the query; a 404 there means the owner is a user.
   * Pages are read in order and the walk ends at the first page without a "next" link. A page that links onward but
   * adds no new name, a linked page that is missing, or more than MAX_LISTING_PAGES pages is format_changed: each would
   * otherwise return a silently shortened list.
   */
  async packages(owner: string): Promise<string[]> {
    if (!NAME_SEGMENT.test(owner)) throw new RefError(`ghcr:${owner}/*`, 'a GHCR owner is one plain name segment');
    const base = this.baseUrl();
    const ownerSegment = encodeURIComponent(owner);
    const listingUrl = (kind: 'org' | 'user', page: number): string =>
      kind === 'org'
        ? `${base}/orgs/${ownerSegment}/packages?ecosystem=container&page=${page}`
        : `${base}/${ownerSegment}?tab=packages&ecosystem=container&page=${page}`;

    let kind: 'org' | 'user' = 'org';
    let response: UpstreamResponse;
    try {
      response = await this.page(listingUrl('org', 1));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      kind = 'user';
      try {
        response = await this.page(listingUrl('user', 1));
      } catch (userError) {
        if (!isNotFound(userError)) throw userError;
        throw new UpstreamError('not_found', listingUrl('org', 1), `no GitHub organization or user "${owner}" (also tried ${listingUrl('user', 1)})`);
      }
    }

    const names = new Set<string>();
    for (let page = 1; ; page++) {
      const listing = parseGhcrListing(response.body, owner);
      if (page === 1 && listing.names.length === 0) {
        // An owner with no packages gets GitHub's notice; a page with neither links nor notice is one this reader
        // does not know, and reading it as "no packages" would make owner/* track nothing without a word.
        if (listing.otherOwners > 0) {
          throw formatChanged(response.url, `the listing of ${owner} links only to other owners' packages (${listing.otherOwners} links); the listing markup may have changed`);
        }
        if (!listing.saysEmpty) throw formatChanged(response.url, `the listing of ${owner} has no package links and no "no packages" notice; the listing markup may have changed`);
        return [];
      }
      const known = names.size;
      for (const name of listing.names) names.add(name);
      if (!listing.hasNext) return [...names];
      if (names.size === known) {
        throw formatChanged(response.url, `listing page ${page} links to a next page but adds no package names; the listing markup may have changed`);
      }
      if (page >= MAX_LISTING_PAGES) {
        throw formatChanged(
          response.url,
          `${owner} has more than ${MAX_LISTING_PAGES} listing pages (${names.size}+ packages); too many to expand by scraping, add its packages one by one`,
        );
      }
      const nextUrl = listingUrl(kind, page + 1);
      try {
        response = await this.page(nextUrl);
      } catch (error) {
        // The page was linked as "next"; its absence is not a missing owner.
        if (isNotFound(error)) throw formatChanged(nextUrl, `listing page ${page + 1} was linked as next but answered 404`);
        throw error;
      }
    }
  }

  private page(url: string): Promise<UpstreamResponse> {
    const { baseUrl, http, pacer } = this.endpoint;
    return fetchUpstream({ url, accept: 'text/html', userAgent: GHCR_BROWSER_USER_AGENT, headers: PAGE_HEADERS, allowedHosts: [hostOf(baseUrl)], pacer }, http);
  }

  private baseUrl(): string {
    return this.endpoint.baseUrl.replace(/\/+$/, '');
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof UpstreamError && error.kind === 'not_found';
}

function formatChanged(url: string, message: string): UpstreamError {
  return new UpstreamError('format_changed', url, message);
}

/** Commented-out markup is not on the page; an unclosed comment hides the rest of the document, as in a browser. */
function stripComments(html: string): string {
  return html.replace(/<!--(?:-?>|[\s\S]*?(?:--!?>|$))/g, '');
}

/** HTML's own white space; JavaScript's \s also takes in Unicode spaces, which HTML treats as text. */
const isHtmlSpace = (char: string | undefined): boolean =>
  char === ' ' || char === '\n' || char === '\t' || char === '\r' || char === '\f';

interface StartTag {
  /** Lowercased names; as in HTML, the first of duplicate attributes wins. */
  attributes: Map<string, string>;
  /** Index just after the closing `>`. */
  end: number;
}

/**
 * Reads the attributes of a start tag whose name ends at `from`, the way an HTML tokenizer does, so a `>` or
 * `title=` inside another attribute's quoted value is not mistaken for markup. Undefined when the tag (or one of its
 * quoted values) is still open at the end of the input. Every step consumes input, so the read is linear.
 */
function readStartTag(html: string, from: number): StartTag | undefined {
  const attributes = new Map<string, string>();
  let at = from;
  for (;;) {
    while (at < html.length && (isHtmlSpace(html[at]) || html[at] === '/')) at++;
    if (at >= html.length) return undefined;
    if (html[at] === '>') return { attributes, end: at + 1 };

    const nameStart = at;
    at++; // a name may start with any character but space, / and >, even =
    while (at < html.length && !isHtmlSpace(html[at]) && html[at] !== '/' && html[at] !== '>' && html[at] !== '=') at++;
    const name = html.slice(nameStart, at).toLowerCase();
    while (isHtmlSpace(html[at])) at++;

    let value = '';
    if (html[at] === '=') {
      at++;
      while (isHtmlSpace(html[at])) at++;
      const quote = html[at];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, at + 1);
        if (close < 0) return undefined;
        value = html.slice(at + 1, close);
        at = close + 1;
      } else {
        const valueStart = at;
        while (at < html.length && !isHtmlSpace(html[at]) && html[at] !== '>') at++;
        value = html.slice(valueStart, at);
      }
    }
    if (!attributes.has(name)) attributes.set(name, value);
  }
}

/** `/orgs|users/{owner}/packages/container/package/{name}` and `/{owner}/{repo}/pkgs/container/{name}`. */
const PACKAGE_LINK = /^\/(?:(?:orgs|users)\/([^/?#]+)\/packages\/container\/package|([^/?#]+)\/[^/?#]+\/pkgs\/container)\/([^/?#]+)(?:[?#]|$)/;

/**
 * The owner a package link points under (GitHub prints the registered casing, `Acme-Labs`, while refs are lowercase)
 * and the decoded package name, absent when it is not a plain package name.
 */
function packageLink(href: string | undefined): { owner: string; name?: string } | undefined {
  if (!href) return undefined;
  const match = PACKAGE_LINK.exec(href);
  if (!match) return undefined;
  const owner = (match[1] ?? match[2])!;
  let name: string;
  try {
    name = decodeURIComponent(match[3]!);
  } catch {
    return { owner };
  }
  return name.split('/').every((segment) => NAME_SEGMENT.test(segment)) ? { owner, name } : { owner };
}
