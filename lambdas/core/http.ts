// The one way pullwatch calls an upstream registry: timeout, body cap, User-Agent, same-registry redirects, typed errors.
import type * as z from 'zod/mini';
import { type RateLimitDetail, UpstreamError } from './errors.ts';
import type { Pacer, Turn } from './pacing.ts';
import { readAnnounced } from './rate-budget.ts';

export interface HttpSettings {
  timeoutMs: number;
  maxBytes: number;
  userAgent: string;
}

export interface UpstreamRequest {
  url: string;
  accept: string;
  /** GET unless a JSON body is given, which is POSTed. */
  jsonBody?: unknown;
  /** The registry's pacer: the call waits its turn there. */
  pacer?: Pacer;
  /** Hosts (host[:port]) a redirect may lead to: the registry's own. */
  allowedHosts: readonly string[];
  headers?: Record<string, string>;
  userAgent?: string;
}

export interface UpstreamResponse {
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

const MAX_REDIRECTS = 5;
/** Wait used when a 429 names no time: long enough not to hammer, short enough to catch up in the same poll. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * Calls an upstream URL; any answer but 2xx becomes an UpstreamError of the matching kind. The call waits its turn
 * with the registry's pacer once: a redirect rides on that turn (github.com redirects every organisation's /users/
 * page, and pacing that hop too would double GHCR's time).
 */
export async function fetchUpstream(request: UpstreamRequest, settings: HttpSettings, now: () => number = Date.now): Promise<UpstreamResponse> {
  const turn = await request.pacer?.turn(request.url);
  let url = request.url;
  try {
    for (let hop = 0; ; hop++) {
      const answer = await exchange(url, request, settings, now, turn);
      if ('body' in answer) return answer;
      if (!request.allowedHosts.includes(answer.location.host)) {
        throw new UpstreamError('format_changed', request.url, `redirected off the registry to ${answer.location.host}`);
      }
      if (hop >= MAX_REDIRECTS) throw new UpstreamError('format_changed', request.url, `more than ${MAX_REDIRECTS} redirects`);
      url = answer.location.href;
    }
  } finally {
    // Without a final answer the request may or may not have counted at the registry: the pacer keeps it counted.
    turn?.answered();
  }
}

/** One HTTP request; its timeout runs from the moment it is sent, so waiting for the turn is never taken for a slow registry. */
async function exchange(
  url: string,
  request: UpstreamRequest,
  settings: HttpSettings,
  now: () => number,
  turn: Turn | undefined,
): Promise<UpstreamResponse | { location: URL }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), settings.timeoutMs);
  try {
    const post = request.jsonBody !== undefined;
    const response = await fetch(url, {
      method: post ? 'POST' : 'GET',
      redirect: 'manual',
      signal: abort.signal,
      headers: {
        accept: request.accept,
        'user-agent': request.userAgent ?? settings.userAgent,
        ...(post && { 'content-type': 'application/json' }),
        ...request.headers,
      },
      ...(post && { body: JSON.stringify(request.jsonBody) }),
    });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      return { location: new URL(location, url) };
    }
    const throttledUntil = throttledUntilOf(response, now());
    turn?.answered(response.headers, throttledUntil);
    if (throttledUntil !== undefined) {
      await response.body?.cancel();
      const detail: RateLimitDetail = { by: 'registry', ...(turn && { belief: turn.belief }) };
      throw new UpstreamError('rate_limited', url, `HTTP ${response.status}, retry after ${new Date(throttledUntil).toISOString()}`, throttledUntil, detail);
    }
    if (response.status < 200 || response.status >= 300) {
      await response.body?.cancel();
      throw statusError(url, response.status);
    }
    const body = await readCapped(response, settings.maxBytes, url);
    return { url, status: response.status, headers: response.headers, body };
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    const host = new URL(url).host;
    if (abort.signal.aborted) throw new UpstreamError('transient', url, `${host} gave no complete answer within ${settings.timeoutMs} ms`);
    throw new UpstreamError('transient', url, networkFailure(error, host));
  } finally {
    clearTimeout(timer);
  }
}

/** Parses a JSON body; a body that is not JSON means the upstream changed, never an empty result. */
export function parseJsonBody(response: UpstreamResponse): unknown {
  try {
    return JSON.parse(response.body);
  } catch {
    throw new UpstreamError('format_changed', response.url, `body is not JSON: ${JSON.stringify(response.body.slice(0, 80))}`);
  }
}

/** Validates a parsed body; the first problem, with its path, becomes a format_changed error naming the URL. */
export function validateBody<T>(schema: z.ZodMiniType<T>, body: unknown, url: string, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UpstreamError('format_changed', url, `${what}: ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** When a rate-limited client may retry: `Retry-After` (seconds or HTTP date) or `X-Retry-After` (unix seconds). */
export function retryAtFrom(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return now + Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(now, date);
  }
  const unix = headers.get('x-retry-after')?.trim();
  if (unix && /^\d+$/.test(unix)) return Math.max(now, Number(unix) * 1000);
  return undefined;
}

/**
 * When a throttled answer allows the next request: a 429, or a 403 that names a retry time or an empty budget (GitHub
 * answers so past its rate limits); undefined for any other answer.
 */
function throttledUntilOf(response: Response, now: number): number | undefined {
  if (response.status === 429) return retryAtFrom(response.headers, now) ?? now + DEFAULT_RATE_LIMIT_WAIT_MS;
  if (response.status !== 403) return undefined;
  const retryAt = retryAtFrom(response.headers, now);
  if (retryAt !== undefined) return retryAt;
  const announced = readAnnounced(response.headers);
  return announced?.remaining === 0 ? Math.max(now, announced.resetAt) : undefined;
}

/** A request that got no answer, said with the host and what went wrong, not the runtime's error chain. */
function networkFailure(error: unknown, host: string): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = String(cause?.code ?? (error as { code?: unknown }).code ?? '');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return `cannot resolve ${host}`;
  if (code === 'ECONNREFUSED') return `${host} refused the connection`;
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH' || code === 'ENETDOWN') return `cannot reach ${host} (no route to it)`;
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return `cannot connect to ${host} (timed out)`;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return `${host} closed the connection before answering in full`;
  if (/CERT|SSL|TLS/.test(code)) return `TLS with ${host} failed (${code})`;
  return `request to ${host} failed: ${String(cause?.message ?? (error as Error).message)}`;
}

function statusError(url: string, status: number): UpstreamError {
  if (status === 404 || status === 410) return new UpstreamError('not_found', url, `HTTP ${status}`);
  if (status === 401 || status === 403) return new UpstreamError('auth', url, `HTTP ${status}`);
  if (status >= 500) return new UpstreamError('transient', url, `HTTP ${status}`);
  return new UpstreamError('format_changed', url, `unexpected HTTP ${status}`);
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new UpstreamError('format_changed', url, `body of ${declared} bytes exceeds the ${maxBytes}-byte cap`);
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new UpstreamError('format_changed', url, `body exceeds the ${maxBytes}-byte cap`);
    }
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
