// The HTTP API as the dashboard reads it: row types (lambdas/api/openapi.ts) and fetches by relative URL, so the
// same build works behind CloudFront (`/api` on the same origin) and in local mode.

export type Measure = 'pulls' | 'actions';

export interface SummaryRow {
  registry: string;
  name: string;
  measure: Measure;
  /** null for Quay, which has no lifetime total. */
  pull_count: number | null;
  star_count: number | null;
  last_updated: string | null;
  collected_at: string;
  pulls_1d: number | null;
  pulls_7d: number | null;
  pulls_30d: number | null;
}

export interface RecordedError {
  kind: string;
  message: string;
  at: string;
}

export interface RepoItem {
  ref: string;
  registry: string | null;
  name: string | null;
  enabled: boolean;
  label: string | null;
  last_success_at: string | null;
  last_error: RecordedError | null;
}

export interface TrendRow {
  registry: string;
  name: string;
  measure: Measure;
  pulls_7d: number;
  previous_7d: number;
  change_7d: number;
  percent_7d: number | null;
  pulls_30d: number;
  previous_30d: number;
  change_30d: number;
  percent_30d: number | null;
}

/** Rows of /api/pulls/daily and /api/pulls: keyed by name only (a name in several registries is summed). */
export interface DailyRow {
  timestamp: string;
  repo: string;
  daily_pulls: number;
  first_seen?: boolean;
  measure?: 'actions';
}

export interface CumulativeRow {
  timestamp: string;
  repo: string;
  pull_count: number;
  measure?: 'actions';
}

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
