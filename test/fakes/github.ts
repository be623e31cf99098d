// A fake GitHub REST API on a FakeUpstream: owners (organisations and users) with repositories and files, listings paged
// by `per_page` with Link headers, and the hourly budget announced in x-ratelimit-* headers, 403 past it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FakeUpstream, json } from './upstream.ts';

export interface FakeRepository {
  name: string;
  defaultBranch?: string;
  archived?: boolean;
  fork?: boolean;
  /** Path → file text. */
  files: Record<string, string>;
}

export interface FakeGitHubState {
  owners: Map<string, { kind: 'org' | 'user'; repositories: FakeRepository[] }>;
  /** Tokens that get the authenticated budget. */
  tokens?: Set<string>;
  /** The fake's clock (epoch ms): budgets reset on the hour of this time. */
  now: () => number;
  anonymousLimit?: number;
  tokenLimit?: number;
  /** The next this many requests answer 403 with `retry-after` (a secondary limit). */
  secondaryLimited?: { requests: number; retryAfterSeconds: number };
  /** Requests answered 403 for the budget. */
  refused?: number;
}

const HOUR_MS = 3_600_000;

export function installFakeGitHub(fake: FakeUpstream, state: FakeGitHubState): void {
  const used = new Map<string, { window: number; count: number }>();

  /** Counts the request against its client's budget, sets the headers; answers 403 itself when the budget is spent. */
  const admit = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (state.secondaryLimited && state.secondaryLimited.requests > 0) {
      state.secondaryLimited.requests--;
      json(response, 403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': String(state.secondaryLimited.retryAfterSeconds) });
      return false;
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const authorized = token !== undefined && (state.tokens?.has(token) ?? false);
    const client = authorized ? `token:${token}` : 'anonymous';
    const limit = authorized ? (state.tokenLimit ?? 5_000) : (state.anonymousLimit ?? 60);
    const window = Math.floor(state.now() / HOUR_MS);
    const spent = used.get(client);
    const count = spent && spent.window === window ? spent.count : 0;
    const headers = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-reset': String(((window + 1) * HOUR_MS) / 1000),
      'x-ratelimit-resource': 'core',
    };
    if (count >= limit) {
      state.refused = (state.refused ?? 0) + 1;
      json(response, 403, { message: 'API rate limit exceeded' }, { ...headers, 'x-ratelimit-remaining': '0', 'x-ratelimit-used': String(count) });
      return false;
    }
    used.set(client, { window, count: count + 1 });
    for (const [name, value] of Object.entries({ ...headers, 'x-ratelimit-remaining': String(limit - count - 1), 'x-ratelimit-used': String(count + 1) })) response.setHeader(name, value);
    return true;
  };
  const route = (pattern: RegExp, answer: (match: RegExpExecArray, url: URL, response: ServerResponse) => void) =>
    fake.route(pattern, (request, response, url) => {
      if (admit(request, response)) answer(pattern.exec(url.pathname)!, url, response);
    });
  const repository = (owner: string, name: string) => state.owners.get(owner)?.repositories.find((candidate) => candidate.name === name);
  const notFound = (response: ServerResponse) => json(response, 404, { message: 'Not Found', status: '404' });

  route(/^\/(orgs|users)\/([^/]+)\/repos$/, ([, kind, owner], url, response) => {
    const entry = state.owners.get(owner!);
    if (!entry || (kind === 'orgs' && entry.kind !== 'org')) return notFound(response);
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const repositories = entry.repositories.slice((page - 1) * perPage, page * perPage);
    const pages = Math.max(1, Math.ceil(entry.repositories.length / perPage));
    const link = (n: number) => {
      const next = new URL(url.pathname, fake.url);
      for (const [key, value] of url.searchParams) next.searchParams.set(key, value);
      next.searchParams.set('page', String(n));
      return next.href;
    };
    const links = page < pages ? [`<${link(page + 1)}>; rel="next"`, `<${link(pages)}>; rel="last"`] : [];
    json(response, 200, repositories.map((repo) => repositoryRecord(owner!, repo)), links.length > 0 ? { link: links.join(', ') } : {});
  });

  route(/^\/repos\/([^/]+)\/([^/]+)$/, ([, owner, name], _url, response) => {
    const repo = repository(owner!, name!);
    return repo ? json(response, 200, repositoryRecord(owner!, repo)) : notFound(response);
  });

  route(/^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/([^/]+)$/, ([, owner, name, branch], _url, response) => {
    const repo = repository(owner!, name!);
    if (!repo || decodeURIComponent(branch!) !== (repo.defaultBranch ?? 'main')) return notFound(response);
    const paths = Object.keys(repo.files).sort();
    const directories = [...new Set(paths.flatMap((path) => path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))))];
    const tree = [
      ...directories.map((path) => ({ path, mode: '040000', type: 'tree', sha: sha(path) })),
      ...paths.map((path) => ({ path, mode: '100644', type: 'blob', sha: sha(path), size: repo.files[path]!.length })),
    ];
    json(response, 200, { sha: sha(name!), tree, truncated: false });
  });

  route(/^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/, ([, owner, name, path], url, response) => {
    const repo = repository(owner!, name!);
    const file = decodeURIComponent(path!);
    const text = repo?.files[file];
    if (!repo || text === undefined || url.searchParams.get('ref') !== (repo.defaultBranch ?? 'main')) return notFound(response);
    // GitHub wraps the base64 body at 60 characters.
    const content = Buffer.from(text).toString('base64').replace(/.{60}/g, '$&\n');
    json(response, 200, { type: 'file', encoding: 'base64', name: file.split('/').pop(), path: file, size: text.length, sha: sha(file), content });
  });
}

function repositoryRecord(owner: string, repo: FakeRepository): Record<string, unknown> {
  return {
    id: repo.name.length,
    name: repo.name,
    full_name: `${owner}/${repo.name}`,
    owner: { login: owner, type: 'Organization' },
    private: false,
    fork: repo.fork ?? false,
    archived: repo.archived ?? false,
    default_branch: repo.defaultBranch ?? 'main',
    html_url: `https://github.com/${owner}/${repo.name}`,
  };
}

function sha(text: string): string {
  return Buffer.from(text).toString('hex').padEnd(40, '0').slice(0, 40);
}
