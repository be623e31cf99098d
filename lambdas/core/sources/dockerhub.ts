// Docker Hub: a repository's lifetime pull_count, and every repository of an owner through the owner listing.
import * as z from 'zod/mini';
import { UpstreamError } from '../errors.ts';
import { type UpstreamRequest, type UpstreamResponse, fetchUpstream, parseJsonBody, validateBody } from '../http.ts';
import { COMPONENT, type Ref } from '../refs.ts';
import type { Sample } from '../samples.ts';
import { type Collected, type Endpoint, type Source, hostOf } from './context.ts';

/** The listing's largest page that keeps two pages under the anonymous offset cap of 100. */
export const OWNER_PAGE_SIZE = 99;
/** Anonymous listings may not start a page at offset ≥ 100: two pages of 99 are all they get. */
export const ANONYMOUS_PAGE_LIMIT = 2;
/** Docker Hub access tokens are short-lived; renew well before. */
const TOKEN_REUSE_MS = 4 * 60_000;

const repositorySchema = z.object({
  pull_count: z.int().check(z.nonnegative()),
  star_count: z.nullish(z.int().check(z.nonnegative())),
  last_updated: z.nullish(z.string()),
});
// A row's name becomes part of a series key: it must be a name a ref could hold.
const listingRowSchema = z.extend(repositorySchema, { name: z.string().check(z.regex(COMPONENT)) });
/** Rows are checked one by one: one malformed row is skipped and reported, not a reason to drop the page. */
const listingSchema = z.object({
  count: z.nullish(z.int().check(z.nonnegative())),
  next: z.nullish(z.string()),
  results: z.array(z.unknown()),
});
const tagsSchema = z.object({ count: z.int().check(z.nonnegative()) });
const tokenSchema = z.object({ access_token: z.string().check(z.minLength(1)) });

export interface DockerHubCredentials {
  /** Docker ID (personal access token) or organization name (organization access token). */
  identifier: string;
  secret: string;
}

export interface OwnerListing {
  samples: Sample[];
  /** Set when the anonymous offset cap cut the listing short: what was left out, and how to get it. */
  truncated?: string;
  /** Set when some rows were malformed and skipped: how many, and the first of them. */
  skipped?: string;
}

/** Docker Hub, with the credentials and current bearer token of one collector when a token is configured. */
export class DockerHubSource implements Source {
  private token: { value: string; until: number } | undefined;

  /** Credentials raise the limits and lift the listing cap. */
  constructor(
    private readonly endpoint: Endpoint,
    private readonly credentials?: DockerHubCredentials,
  ) {}

  async collect(ref: Ref): Promise<Collected> {
    const readTagCount = (path: string) => this.tagCount(path);
    if (!ref.wildcard) return { samples: [await this.repository(ref.path)], readTagCount };
    const listing = await this.owner(ref.path.split('/')[0]!);
    const warnings = [listing.truncated, listing.skipped].filter((warning) => warning !== undefined);
    return { samples: listing.samples, readTagCount, ...(warnings.length > 0 && { warnings }) };
  }

  /** The repository's tag count: the tags listing's `count`, read with the smallest page. */
  async tagCount(path: string): Promise<number> {
    const [namespace, name] = path.split('/');
    const url = `${this.endpoint.baseUrl}/v2/repositories/${namespace}/${name}/tags?page_size=1`;
    return validateBody(tagsSchema, parseJsonBody(await this.get(url)), url, 'tags listing JSON').count;
  }

  /** Reads one repository (`namespace/name`); official images are `library/<name>`. */
  async repository(path: string): Promise<Sample> {
    const [namespace, name] = path.split('/');
    const url = `${this.endpoint.baseUrl}/v2/repositories/${namespace}/${name}/`;
    const response = await this.get(url);
    return parseDockerHubRepository(parseJsonBody(response), path, url, this.endpoint.now());
  }

  /**
   * Reads every public repository of an owner, with its counts, from the owner listing.
   * Anonymously Docker Hub serves only the first 198 rows; with credentials it serves them all.
   */
  async owner(namespace: string): Promise<OwnerListing> {
    const samples: Sample[] = [];
    const collectedAt = this.endpoint.now();
    const malformed: string[] = [];
    let rows = 0;
    let total: number | undefined;
    const done = (truncated: boolean, url?: string): OwnerListing => {
      if (malformed.length > 0 && samples.length === 0) {
        throw new UpstreamError('format_changed', url ?? this.endpoint.baseUrl, `every listing row of ${namespace} is malformed (first: ${malformed[0]})`);
      }
      return {
        samples,
        ...(truncated && { truncated: anonymousCapMessage(namespace, samples.length + malformed.length, total) }),
        ...(malformed.length > 0 && { skipped: `${namespace}/*: ${malformed.length} listing ${malformed.length === 1 ? 'row' : 'rows'} skipped as malformed (first: ${malformed[0]})` }),
      };
    };
    for (let page = 1; ; page++) {
      if (!this.credentials && page > ANONYMOUS_PAGE_LIMIT) return done(true);
      const url = `${this.endpoint.baseUrl}/v2/namespaces/${namespace}/repositories?page_size=${OWNER_PAGE_SIZE}&page=${page}`;
      let response: UpstreamResponse;
      try {
        response = await this.get(url);
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        // A page past the end is a 404; a missing owner is an empty first page.
        if (error.kind === 'not_found' && page > 1) return done(false, url);
        if (error.kind === 'auth' && page > 1 && !this.credentials) return done(true, url);
        throw error;
      }
      const listing = parseDockerHubListingPage(parseJsonBody(response), namespace, url, collectedAt, rows);
      total = listing.count ?? total;
      rows += listing.rows;
      samples.push(...listing.samples);
      malformed.push(...listing.malformed);
      if (!listing.next || listing.rows === 0) return done(false, url);
    }
  }

  private async bearer(credentials: DockerHubCredentials): Promise<string> {
    const now = this.endpoint.now().getTime();
    if (this.token && this.token.until > now) return this.token.value;
    const url = `${this.endpoint.baseUrl}/v2/auth/token`;
    const response = await fetchUpstream({ ...this.request(url), jsonBody: { identifier: credentials.identifier, secret: credentials.secret } }, this.endpoint.http);
    const { access_token } = validateBody(tokenSchema, parseJsonBody(response), url, 'token JSON');
    this.token = { value: access_token, until: now + TOKEN_REUSE_MS };
    return this.token.value;
  }

  private request(url: string): UpstreamRequest {
    return { url, accept: 'application/json', allowedHosts: [hostOf(this.endpoint.baseUrl)], pacer: this.endpoint.pacer };
  }

  private async get(url: string): Promise<UpstreamResponse> {
    const bearer = this.credentials && (await this.bearer(this.credentials));
    return fetchUpstream({ ...this.request(url), ...(bearer && { headers: { authorization: `Bearer ${bearer}` } }) }, this.endpoint.http);
  }
}

export interface ListingPage {
  samples: Sample[];
  /** One line per row skipped: `row 7 has no pull_count` (rows numbered across pages from 1). */
  malformed: string[];
  /** Rows on the page, valid or not. */
  rows: number;
  /** The owner's repository count, as Docker Hub states it. */
  count?: number;
  next: boolean;
}

/**
 * One page of an owner listing. Its envelope must hold (else format_changed); each row is read on its own, so one
 * malformed row is reported and skipped rather than losing the page. `rowsBefore`: rows on the pages before.
 */
export function parseDockerHubListingPage(body: unknown, namespace: string, url: string, collectedAt: Date, rowsBefore = 0): ListingPage {
  const listing = validateBody(listingSchema, body, url, 'owner listing JSON');
  const samples: Sample[] = [];
  const malformed: string[] = [];
  listing.results.forEach((rowBody, index) => {
    const row = listingRowSchema.safeParse(rowBody);
    if (row.success) samples.push(toSample(`${namespace}/${row.data.name}`, row.data, collectedAt));
    else malformed.push(`row ${rowsBefore + index + 1} ${rowProblem(rowBody, row.error.issues[0])}`);
  });
  return { samples, malformed, rows: listing.results.length, ...(listing.count != null && { count: listing.count }), next: Boolean(listing.next) };
}

export function parseDockerHubRepository(body: unknown, path: string, url: string, collectedAt: Date): Sample {
  return toSample(path, validateBody(repositorySchema, body, url, 'repository JSON'), collectedAt);
}

function toSample(path: string, row: z.infer<typeof repositorySchema>, collectedAt: Date): Sample {
  return {
    registry: 'dockerhub',
    repo: path,
    collectedAt: collectedAt.toISOString(),
    pullCount: row.pull_count,
    ...(row.star_count != null && { starCount: row.star_count }),
    ...(row.last_updated != null && { lastUpdated: row.last_updated }),
  };
}

function anonymousCapMessage(namespace: string, rows: number, total: number | undefined): string {
  const of = total !== undefined && total > rows ? ` of ${total}` : '';
  return `${namespace}/*: ${rows}${of} repositories (anonymous listing cap; set DOCKERHUB_USERNAME/DOCKERHUB_TOKEN, a Docker Hub token secret in AWS, to read them all)`;
}

/** What is wrong with one listing row, in words: `has no pull_count`, `has pull_count "12", not a whole number ≥ 0`. */
function rowProblem(body: unknown, issue: z.core.$ZodIssue | undefined): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'is not an object';
  const field = String(issue?.path[0] ?? '');
  const value = (body as Record<string, unknown>)[field];
  if (value === undefined) return `has no ${field}`;
  return `has ${field} ${JSON.stringify(value)?.slice(0, 40)}, which is not ${field === 'name' ? 'a repository name' : field === 'last_updated' ? 'a text' : 'a whole number ≥ 0'}`;
}
