// Quay: daily repository-action counts from the repository API, and the public repositories of a namespace.
import * as z from 'zod/mini';
import { UpstreamError } from '../errors.ts';
import { type UpstreamResponse, fetchUpstream, parseJsonBody, validateBody } from '../http.ts';
import type { Ref } from '../refs.ts';
import type { Sample } from '../samples.ts';
import { type Collected, type Endpoint, type Source, hostOf } from './context.ts';

/** Quay pages listings 100 repositories at a time: 100 pages is 10,000 repositories, far past any real namespace. */
export const MAX_LISTING_PAGES = 100;

/** Quay writes each day as Python's `date.isoformat()`, from a DATE column and from its zero-fill alike. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(text);
}

const statSchema = z.object({
  date: z.string().check(z.refine(isCalendarDate, 'is not a YYYY-MM-DD calendar date')),
  count: z.int().check(z.nonnegative()),
});

const repositorySchema = z.object({
  // Quay leaves `stats` out when it ignored includeStats (application repositories, other servers):
  // treating that as an empty history would record days of zero activity that never happened.
  stats: z.array(statSchema, {
    error: (issue) => (issue.input === undefined ? 'is missing: the answer carries no daily counts' : undefined),
  }),
});

const listingSchema = z.object({
  repositories: z.array(z.object({ namespace: z.string().check(z.minLength(1)), name: z.string().check(z.minLength(1)) })),
  next_page: z.nullish(z.string().check(z.minLength(1))),
});

/**
 * Turns a repository answer into daily samples. A day listed twice with the same count is one day; with
 * different counts the answer contradicts itself (Quay keeps one row per repository and day), so it is rejected.
 * Days after the UTC day of `now` are dropped: Quay only reports days its counter has closed, so such a day
 * means the clocks disagree, and one odd day should not mark the whole repository as changed format.
 */
export function parseQuayRepository(body: unknown, path: string, url: string, now: Date): Sample[] {
  const { stats } = validateBody(repositorySchema, body, url, 'repository JSON');
  const today = now.toISOString().slice(0, 10);
  const counts = new Map<string, number>();
  for (const { date, count } of stats) {
    if (date > today) continue;
    const earlier = counts.get(date);
    if (earlier !== undefined && earlier !== count) {
      throw new UpstreamError('format_changed', url, `stats list ${date} twice with different counts (${earlier} and ${count})`);
    }
    counts.set(date, count);
  }
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, count]) => ({ registry: 'quay', repo: path, collectedAt: `${date}T00:00:00.000Z`, pullCount: count, measure: 'daily_actions' }));
}

/** Quay's repository API, anonymous for public repositories; every request waits its turn with the pacer. */
export class QuaySource implements Source {
  constructor(private readonly endpoint: Endpoint) {}

  async collect(ref: Ref): Promise<Collected> {
    if (!ref.wildcard) return { samples: await this.repository(ref.path) };
    const namespace = ref.path.split('/')[0]!;
    return { samples: [], expand: (await this.repositories(namespace)).map((path) => `quay:${path}`) };
  }

  /** Reads one repository (`namespace/name`): one sample per day Quay reports, oldest first. */
  async repository(path: string): Promise<Sample[]> {
    const url = `${this.endpoint.baseUrl}/api/v1/repository/${path.split('/').map(encodeURIComponent).join('/')}?includeStats=true&includeTags=false`;
    const response = await this.get(url);
    return parseQuayRepository(parseJsonBody(response), path, url, this.endpoint.now());
  }

  /** Lists the public repositories of a namespace (`quay:namespace/*`) as `namespace/name` paths, in Quay's order. */
  async repositories(namespace: string): Promise<string[]> {
    const firstPage = `${this.endpoint.baseUrl}/api/v1/repository?namespace=${encodeURIComponent(namespace)}&public=true`;
    const paths = new Set<string>();
    const tokens = new Set<string>();
    let url = firstPage;
    for (let page = 1; ; page++) {
      const response = await this.get(url);
      const { repositories, nextPage } = parseQuayListing(parseJsonBody(response), namespace, url);
      for (const path of repositories) paths.add(path);
      if (nextPage === undefined) return [...paths];
      if (tokens.has(nextPage)) {
        throw new UpstreamError('format_changed', url, `next_page token ${JSON.stringify(nextPage)} came back again; following it would loop`);
      }
      if (page >= MAX_LISTING_PAGES) {
        throw new UpstreamError('format_changed', url, `listing of ${namespace} goes on past ${MAX_LISTING_PAGES} pages`);
      }
      tokens.add(nextPage);
      url = `${firstPage}&next_page=${encodeURIComponent(nextPage)}`;
    }
  }

  private get(url: string): Promise<UpstreamResponse> {
    const { baseUrl, http, pacer } = this.endpoint;
    return fetchUpstream({ url, accept: 'application/json', allowedHosts: [hostOf(baseUrl)], pacer }, http);
  }
}

/**
 * One listing page: its `namespace/name` paths and the token of the next page, if any. A row from another
 * namespace means Quay ignored the filter and is listing every public repository: stop rather than collect them.
 */
export function parseQuayListing(body: unknown, namespace: string, url: string): { repositories: string[]; nextPage?: string } {
  const { repositories, next_page } = validateBody(listingSchema, body, url, 'repository listing JSON');
  const foreign = repositories.find((row) => row.namespace !== namespace);
  if (foreign) {
    throw new UpstreamError('format_changed', url, `listing for namespace ${namespace} returned ${foreign.namespace}/${foreign.name}`);
  }
  return {
    repositories: repositories.map((row) => `${row.namespace}/${row.name}`),
    ...(next_page != null && { nextPage: next_page }),
  };
}
