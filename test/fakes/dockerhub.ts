// A fake Docker Hub on a FakeUpstream: repositories, owner listings with the anonymous offset cap, token auth.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateWindow, type WindowKind } from './rate-window.ts';
import { type FakeUpstream, dockerHubRepository, json } from './upstream.ts';

export interface FakeDockerHubState {
  /** `namespace/name` → pull_count. */
  repos: Map<string, number>;
  credentials?: { identifier: string; secret: string };
  /** Answer every request after this long. */
  latencyMs?: number;
  /**
   * Requests allowed per minute; announced in X-RateLimit-* headers, 429 with Retry-After past it. By default a budget
   * no test reaches, announced all the same: without one, the collector paces by Docker Hub's real 180 a minute.
   */
  requestsPerMinute?: number;
  /** How the minute is counted: `rolling` (the last 60 s, the default) or `fixed` (resetting on the minute). */
  window?: WindowKind;
  /** Counts the 429s served. */
  throttled?: number;
  /** `namespace/name` → tag count, served by the tags listing; a tracked repository without one has no tags. */
  tags?: Map<string, number>;
}

const ACCESS_TOKEN = 'fake-hub-access-token';
const GENEROUS_REQUESTS_PER_MINUTE = 1_000_000;

export function installFakeDockerHub(fake: FakeUpstream, state: FakeDockerHubState): void {
  const authorized = (request: IncomingMessage) => request.headers.authorization === `Bearer ${ACCESS_TOKEN}`;
  const window = new RateWindow(state.window ?? 'rolling', state.requestsPerMinute ?? GENEROUS_REQUESTS_PER_MINUTE, 60_000);

  /** Applies latency and the rate limit; answers 429 itself and returns false when the request is over the limit. */
  const admit = async (response: ServerResponse): Promise<boolean> => {
    if (state.latencyMs) await new Promise((resolve) => setTimeout(resolve, state.latencyMs));
    const admission = window.admit(Date.now());
    if (!admission.admitted) {
      state.throttled = (state.throttled ?? 0) + 1;
      json(response, 429, { message: 'too many requests' }, admission.headers);
      return false;
    }
    for (const [name, value] of Object.entries(admission.headers)) response.setHeader(name, value);
    return true;
  };

  fake.route('/v2/auth/token', async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const { identifier, secret } = JSON.parse(body || '{}') as { identifier?: string; secret?: string };
    if (!state.credentials || identifier !== state.credentials.identifier || secret !== state.credentials.secret) {
      return json(response, 401, { detail: 'incorrect authentication credentials' });
    }
    json(response, 200, { access_token: ACCESS_TOKEN });
  });

  fake.route(/^\/v2\/namespaces\/[^/]+\/repositories$/, async (request, response, url) => {
    if (!(await admit(response))) return;
    const namespace = url.pathname.split('/')[3]!;
    const pageSize = Number(url.searchParams.get('page_size') ?? 10);
    const page = Number(url.searchParams.get('page') ?? 1);
    const offset = (page - 1) * pageSize;
    if (offset >= 100 && !authorized(request)) {
      return json(response, 403, { message: 'pagination offset too large for anonymous requests; please authenticate' });
    }
    const rows = [...state.repos].filter(([path]) => path.startsWith(`${namespace}/`)).sort(([a], [b]) => a.localeCompare(b));
    if (page > 1 && offset >= rows.length) return json(response, 404, { message: 'page not found' });
    const slice = rows.slice(offset, offset + pageSize);
    const next = offset + pageSize < rows.length ? `${fake.url}${url.pathname}?page_size=${pageSize}&page=${page + 1}` : null;
    json(response, 200, {
      count: rows.length,
      next,
      previous: page > 1 ? `${fake.url}${url.pathname}?page_size=${pageSize}&page=${page - 1}` : null,
      results: slice.map(([path, pulls]) => dockerHubRepository(namespace, path.split('/')[1]!, pulls)),
    });
  });

  fake.route(/^\/v2\/repositories\/[^/]+\/[^/]+\/tags\/?$/, async (_request, response, url) => {
    if (!(await admit(response))) return;
    const [, , , namespace, name] = url.pathname.split('/');
    if (!state.repos.has(`${namespace}/${name}`)) return json(response, 404, { message: 'object not found' });
    const count = state.tags?.get(`${namespace}/${name}`) ?? 0;
    const results = Array.from({ length: Math.min(count, Number(url.searchParams.get('page_size') ?? 10)) }, (_, i) => ({ name: `v${i}`, full_size: 1024 }));
    json(response, 200, { count, next: null, previous: null, results });
  });

  fake.route(/^\/v2\/repositories\/[^/]+\/[^/]+\/$/, async (_request, response, url) => {
    if (!(await admit(response))) return;
    const [, , , namespace, name] = url.pathname.split('/');
    const pulls = state.repos.get(`${namespace}/${name}`);
    if (pulls === undefined) return json(response, 404, { message: 'object not found' });
    json(response, 200, dockerHubRepository(namespace!, name!, pulls));
  });
}

export function ownerRepos(namespace: string, count: number, pulls = (i: number) => 1000 + i): [string, number][] {
  return Array.from({ length: count }, (_, i) => [`${namespace}/repo-${String(i).padStart(3, '0')}`, pulls(i)]);
}
