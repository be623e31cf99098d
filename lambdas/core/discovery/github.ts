// The GitHub REST calls discovery makes, and the request budget GitHub announces on every answer: spent down to zero,
// then parked until the reset, so an anonymous run takes what the hour allows and the next run carries on.
import * as z from 'zod/mini';
import { UpstreamError } from '../errors.ts';
import { type HttpSettings, fetchUpstream, parseJsonBody, validateBody } from '../http.ts';
import { readAnnounced } from '../rate-budget.ts';

export interface GitHubEndpoint {
  /** https://api.github.com, or a fake in tests. */
  baseUrl: string;
  http: HttpSettings;
  /** Raises the budget from 60 to 5,000 requests an hour. */
  token?: string;
  now: () => Date;
}

/** The budget is spent: nothing more until `until` (epoch ms). */
export class GitHubParked extends Error {
  override readonly name = 'GitHubParked';
  constructor(readonly until: number) {
    super(`GitHub's request budget is spent until ${new Date(until).toISOString()}`);
  }
}

export interface ListedRepository {
  name: string;
  defaultBranch: string;
  archived: boolean;
  fork: boolean;
}

export interface RepositoryPage {
  repositories: ListedRepository[];
  /** The next page's URL (from the `Link` header), absent on the last page. */
  next?: string;
}

const repositorySchema = z.object({
  name: z.string().check(z.minLength(1)),
  default_branch: z.string().check(z.minLength(1)),
  archived: z.optional(z.boolean()),
  fork: z.optional(z.boolean()),
});
const treeSchema = z.object({
  tree: z.array(z.object({ path: z.string(), type: z.string() })),
  truncated: z.optional(z.boolean()),
});
const contentSchema = z.object({ content: z.optional(z.string()), encoding: z.optional(z.string()) });

const PAGE_SIZE = 100;

export class GitHubClient {
  /** Requests left in the current window, and when it resets (epoch ms); unknown until the first answer. */
  private budget: { remaining: number; resetAt: number } | undefined;
  /** Requests sent through this client: what a run cost. */
  requests = 0;

  constructor(private readonly endpoint: GitHubEndpoint) {}

  /** The owner's public repositories, a page at a time: an organisation's listing, or a user's where the owner is one. */
  async repositories(owner: string, pageUrl?: string): Promise<RepositoryPage> {
    // `type=public` is an organisation listing's filter; a user's lists only public repositories to others anyway.
    const first = (kind: 'orgs' | 'users') => `${this.endpoint.baseUrl}/${kind}/${encodeURIComponent(owner)}/repos?per_page=${PAGE_SIZE}${kind === 'orgs' ? '&type=public' : ''}`;
    let url = pageUrl ?? first('orgs');
    let response;
    try {
      response = await this.get(url);
    } catch (error) {
      // Users have no /orgs/ listing: GitHub answers 404 there.
      if (pageUrl !== undefined || !(error instanceof UpstreamError) || error.kind !== 'not_found') throw error;
      url = first('users');
      response = await this.get(url);
    }
    const listed = validateBody(z.array(repositorySchema), parseJsonBody(response), url, 'repository listing');
    const next = this.nextPage(response.headers.get('link'), url);
    return { repositories: listed.map(listedRepository), ...(next && { next }) };
  }

  async repository(owner: string, name: string): Promise<ListedRepository> {
    const url = `${this.endpoint.baseUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
    return listedRepository(validateBody(repositorySchema, parseJsonBody(await this.get(url)), url, 'repository'));
  }

  /** Every file path of a branch; `truncated` when GitHub cut a very large tree. */
  async files(owner: string, name: string, branch: string): Promise<{ paths: string[]; truncated: boolean }> {
    const url = `${this.endpoint.baseUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/git/trees/${encodeURIComponent(branch)}?recursive=1`;
    const tree = validateBody(treeSchema, parseJsonBody(await this.get(url)), url, 'tree');
    return { paths: tree.tree.filter((entry) => entry.type === 'blob').map((entry) => entry.path), truncated: tree.truncated === true };
  }

  /** A file's text; undefined for one GitHub serves without content (over 1 MB). */
  async file(owner: string, name: string, path: string, branch: string): Promise<string | undefined> {
    const url = `${this.endpoint.baseUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/contents/${path.split('/').map(encodeURIComponent).join('/')}?ref=${encodeURIComponent(branch)}`;
    const body = validateBody(contentSchema, parseJsonBody(await this.get(url)), url, 'file');
    if (body.encoding !== 'base64' || body.content === undefined) return undefined;
    return Buffer.from(body.content, 'base64').toString('utf8');
  }

  /**
   * `<https://…?page=2>; rel="next", <…>; rel="last"` → the next URL. Only the API's own origin is followed: the token
   * goes with each request, so a link elsewhere, or to plain http, is a changed format, not a page.
   */
  private nextPage(link: string | null, url: string): string | undefined {
    for (const part of (link ?? '').split(',')) {
      const written = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part)?.[1];
      if (written === undefined) continue;
      let next: URL;
      try {
        next = new URL(written, url);
      } catch {
        throw new UpstreamError('format_changed', url, `next page link is not a URL: ${JSON.stringify(written.slice(0, 80))}`);
      }
      if (next.origin !== new URL(this.endpoint.baseUrl).origin) throw new UpstreamError('format_changed', url, `next page link leaves the API: ${next.origin}`);
      return next.href;
    }
    return undefined;
  }

  private async get(url: string) {
    const now = this.endpoint.now().getTime();
    if (this.budget && this.budget.remaining <= 0 && this.budget.resetAt > now) throw new GitHubParked(this.budget.resetAt);
    this.requests++;
    if (this.budget) this.budget.remaining--;
    try {
      const response = await fetchUpstream(
        {
          url,
          accept: 'application/vnd.github+json',
          allowedHosts: [new URL(this.endpoint.baseUrl).host],
          headers: { 'x-github-api-version': '2022-11-28', ...(this.endpoint.token && { authorization: `Bearer ${this.endpoint.token}` }) },
        },
        this.endpoint.http,
        () => this.endpoint.now().getTime(),
      );
      const announced = readAnnounced(response.headers);
      if (announced) this.budget = { remaining: announced.remaining, resetAt: announced.resetAt };
      return response;
    } catch (error) {
      // Past the budget GitHub answers 403 or 429 naming the reset or a retry-after: park until then.
      if (error instanceof UpstreamError && error.kind === 'rate_limited' && error.retryAt !== undefined) throw new GitHubParked(error.retryAt);
      throw error;
    }
  }
}

function listedRepository(repository: z.infer<typeof repositorySchema>): ListedRepository {
  return { name: repository.name, defaultBranch: repository.default_branch, archived: repository.archived === true, fork: repository.fork === true };
}


