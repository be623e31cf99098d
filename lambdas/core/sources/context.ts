// What every source needs to reach its registry: base URLs, HTTP settings and a clock.
import type { HttpSettings } from '../http.ts';
import type { Pacer } from '../pacing.ts';
import type { RegistryCounters } from '../ports.ts';
import type { RateBudget } from '../rate-budget.ts';
import type { DockerHubAuth } from './dockerhub.ts';

export interface UpstreamUrls {
  dockerhub: string;
  ghcr: string;
  quay: string;
}

export interface SourceContext {
  urls: UpstreamUrls;
  http: HttpSettings;
  now: () => Date;
  /** GHCR has no API: its pages are scraped, politely, one request per gap from one collector. */
  ghcrPacer: Pacer;
  /** Docker Hub announces its budget in X-RateLimit-* headers; one collector keeps inside it. */
  dockerhubBudget: RateBudget;
  /** Present when a Docker Hub token is configured: raises limits and lifts the listing cap. */
  dockerhubAuth?: DockerHubAuth;
  /** Self-hosted registries have no counter of their own: pullwatch's webhook counts their pulls. */
  registryCounters?: Pick<RegistryCounters, 'repository'>;
}

/** host[:port] of a base URL, for the redirect allow-list. */
export function hostOf(baseUrl: string): string {
  return new URL(baseUrl).host;
}
