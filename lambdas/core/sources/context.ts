// What every source needs to reach its registry: base URLs, HTTP settings and a clock.
import type { HttpSettings } from '../http.ts';

export interface UpstreamUrls {
  dockerhub: string;
  ghcr: string;
  quay: string;
}

export interface SourceContext {
  urls: UpstreamUrls;
  http: HttpSettings;
  now: () => Date;
}

/** host[:port] of a base URL, for the redirect allow-list. */
export function hostOf(baseUrl: string): string {
  return new URL(baseUrl).host;
}
