// The HTTP API as the dashboard reads it: the one answer it asks for (GET /api/dashboard, typed by the server's own
// definition: type imports are erased from the bundle) and fetches by relative URL, so the same build works behind
// CloudFront (`/api` on the same origin) and in local mode.
export type { DashboardAnswer, DashboardRow, RowError } from '../../lambdas/core/views/dashboard.ts';
export type { Measure } from '../../lambdas/core/measures.ts';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`GET ${path}: ${reason}`);
  }
}

/** GET `api/<path>` relative to the page; rejects with an ApiError that names the path and what went wrong. */
export async function getJson<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const query = new URLSearchParams(params).toString();
  const url = new URL(`api/${path}${query ? `?${query}` : ''}`, document.baseURI);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new ApiError(`/api/${path}`, (error as Error).message || 'network error');
  }
  if (!response.ok) {
    const body = await response.json().catch(() => undefined) as { error?: string } | undefined;
    throw new ApiError(`/api/${path}`, `HTTP ${response.status}${body?.error ? ` (${body.error})` : ''}`);
  }
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError(`/api/${path}`, 'the answer is not JSON');
  }
}

/** Absolute URL of a repository's badge on this deployment. */
export function badgeUrl(registry: string, name: string): string {
  return new URL(`api/badge/${registry}/${name}.svg`, document.baseURI).href;
}
