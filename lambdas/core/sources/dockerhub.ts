// Docker Hub: a repository's lifetime pull_count, and every repository of an owner through the owner listing.
import * as z from 'zod/mini';
import { UpstreamError } from '../errors.ts';
import { type UpstreamRequest, type UpstreamResponse, fetchUpstream, parseJsonBody, validateBody } from '../http.ts';
import type { Ref } from '../refs.ts';
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
const listingSchema = z.object({
  next: z.nullish(z.string()),
  results: z.array(z.extend(repositorySchema, { name: z.string().check(z.minLength(1)) })),
});
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
    if (!ref.wildcard) return { samples: [await this.repository(ref.path)] };
    const listing = await this.owner(ref.path.split('/')[0]!);
    return { samples: listing.samples, ...(listing.truncated && { warnings: [listing.truncated] }) };
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
    for (let page = 1; ; page++) {
      if (!this.credentials && page > ANONYMOUS_PAGE_LIMIT) {
        return { samples, truncated: anonymousCapMessage(namespace, samples.length) };
      }
      const url = `${this.endpoint.baseUrl}/v2/namespaces/${namespace}/repositories?page_size=${OWNER_PAGE_SIZE}&page=${page}`;
      let response: UpstreamResponse;
      try {
        response = await this.get(url);
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        // A page past the end is a 404; a missing owner is an empty first page.
        if (error.kind === 'not_found' && page > 1) return { samples };
        if (error.kind === 'auth' && page > 1 && !this.credentials) return { samples, truncated: anonymousCapMessage(namespace, samples.length) };
        throw error;
      }
      const listing = validateBody(listingSchema, parseJsonBody(response), url, 'owner listing JSON');
      for (const row of listing.results) samples.push(toSample(`${namespace}/${row.name}`, row, collectedAt));
      if (!listing.next || listing.results.length === 0) return { samples };
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

function anonymousCapMessage(namespace: string, rows: number): string {
  return `Docker Hub lists only ${rows} repositories of ${namespace} to anonymous clients; set DOCKERHUB_USERNAME and DOCKERHUB_TOKEN (a Docker Hub token secret in AWS) to read them all`;
}
