// Docker Hub: a repository's lifetime pull_count, and every repository of an owner through the owner listing.
import * as z from 'zod/mini';
import { UpstreamError } from '../errors.ts';
import { type UpstreamRequest, type UpstreamResponse, fetchUpstream, parseJsonBody, validateBody } from '../http.ts';
import type { Sample } from '../samples.ts';
import { hostOf, type SourceContext } from './context.ts';

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

/** Holds the credentials and the current bearer token of one collector. */
export class DockerHubAuth {
  private token: { value: string; until: number } | undefined;

  constructor(readonly credentials: DockerHubCredentials) {}

  async bearer(ctx: SourceContext): Promise<string> {
    const now = ctx.now().getTime();
    if (this.token && this.token.until > now) return this.token.value;
    const url = `${ctx.urls.dockerhub}/v2/auth/token`;
    const response = await fetchUpstream(
      { ...baseRequest(url, ctx), jsonBody: { identifier: this.credentials.identifier, secret: this.credentials.secret } },
      ctx.http,
    );
    const { access_token } = validateBody(tokenSchema, parseJsonBody(response), url, 'token JSON');
    this.token = { value: access_token, until: now + TOKEN_REUSE_MS };
    return this.token.value;
  }
}

export interface OwnerListing {
  samples: Sample[];
  /** Set when the anonymous offset cap cut the listing short: what was left out, and how to get it. */
  truncated?: string;
}

/** Reads one repository (`namespace/name`); official images are `library/<name>`. */
export async function fetchDockerHubRepository(path: string, ctx: SourceContext): Promise<Sample> {
  const [namespace, name] = path.split('/');
  const url = `${ctx.urls.dockerhub}/v2/repositories/${namespace}/${name}/`;
  const response = await get(url, ctx);
  return parseDockerHubRepository(parseJsonBody(response), path, url, ctx.now());
}

/**
 * Reads every public repository of an owner, with its counts, from the owner listing.
 * Anonymously Docker Hub serves only the first 198 rows; with credentials it serves them all.
 */
export async function listDockerHubOwner(namespace: string, ctx: SourceContext): Promise<OwnerListing> {
  const samples: Sample[] = [];
  const collectedAt = ctx.now();
  for (let page = 1; ; page++) {
    if (!ctx.dockerhubAuth && page > ANONYMOUS_PAGE_LIMIT) {
      return { samples, truncated: anonymousCapMessage(namespace, samples.length) };
    }
    const url = `${ctx.urls.dockerhub}/v2/namespaces/${namespace}/repositories?page_size=${OWNER_PAGE_SIZE}&page=${page}`;
    let response: UpstreamResponse;
    try {
      response = await get(url, ctx);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      // A page past the end is a 404; a missing owner is an empty first page.
      if (error.kind === 'not_found' && page > 1) return { samples };
      if (error.kind === 'auth' && page > 1 && !ctx.dockerhubAuth) return { samples, truncated: anonymousCapMessage(namespace, samples.length) };
      throw error;
    }
    const listing = validateBody(listingSchema, parseJsonBody(response), url, 'owner listing JSON');
    for (const row of listing.results) samples.push(toSample(`${namespace}/${row.name}`, row, collectedAt));
    if (!listing.next || listing.results.length === 0) return { samples };
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

function baseRequest(url: string, ctx: SourceContext): UpstreamRequest {
  return { url, accept: 'application/json', allowedHosts: [hostOf(ctx.urls.dockerhub)], budget: ctx.dockerhubBudget };
}

async function get(url: string, ctx: SourceContext): Promise<UpstreamResponse> {
  const bearer = await ctx.dockerhubAuth?.bearer(ctx);
  return fetchUpstream({ ...baseRequest(url, ctx), ...(bearer && { headers: { authorization: `Bearer ${bearer}` } }) }, ctx.http);
}
