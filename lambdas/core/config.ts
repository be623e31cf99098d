// Reads pullwatch's environment contract (ARCHITECTURE.md) into typed settings, naming any bad value.
import { DEFAULTS } from './defaults.ts';
import type { HttpSettings } from './http.ts';
import type { IngestSettings } from './ingest.ts';
import { Pacer, type PacerOptions } from './pacing.ts';
import type { RegistryCounters, RequestSchedule } from './ports.ts';
import type { Registry } from './refs.ts';
import type { Endpoint } from './sources/context.ts';
import { type DockerHubCredentials, DockerHubSource } from './sources/dockerhub.ts';
import { GhcrSource } from './sources/ghcr.ts';
import type { Sources } from './sources/index.ts';
import { QuaySource } from './sources/quay.ts';
import { SelfHostedSource } from './sources/registry.ts';

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30s`, `10m`, `1h`, `1d`; `0` alone needs no unit. Returns milliseconds. */
export function parseDuration(name: string, text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new ConfigError(`${name}=${JSON.stringify(text)} is not a duration such as 30s, 10m or 1h`);
  const [, amount, unit] = match;
  // A bare number once meant seconds, and POLL_INTERVAL=5 (meant as minutes) polled every 5 s.
  if (unit === undefined && Number(amount) !== 0) throw new ConfigError(`${name}=${JSON.stringify(text)} needs a unit: ${amount}s, ${amount}m or ${amount}h${name === 'POLL_INTERVAL' ? ' (0 collects once)' : ''}`);
  return Number(amount) * UNIT_MS[(unit ?? 's') as keyof typeof UNIT_MS];
}

export function upstreamUrl(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got ${value}`);
  return value.replace(/\/+$/, '');
}

/** Docker Hub credentials from `DOCKERHUB_USERNAME` + `DOCKERHUB_TOKEN`; both or neither. */
export function dockerHubCredentialsFromEnv(env: Env): DockerHubCredentials | undefined {
  const identifier = env.DOCKERHUB_USERNAME?.trim();
  const secret = env.DOCKERHUB_TOKEN?.trim();
  if (!identifier && !secret) return undefined;
  if (!identifier || !secret) throw new ConfigError('set both DOCKERHUB_USERNAME and DOCKERHUB_TOKEN, or neither');
  return { identifier, secret };
}

export interface SourceOptions {
  /** Default: DOCKERHUB_USERNAME + DOCKERHUB_TOKEN. */
  dockerhubCredentials?: DockerHubCredentials;
  /** The webhook's counters, where self-hosted registries are counted. */
  registryCounters?: Pick<RegistryCounters, 'repository'>;
  /** Shared by every collector instance (AWS); absent, this process paces each registry alone. */
  schedule?: RequestSchedule;
  now?: () => Date;
}

/** How every upstream call is made: registries and GitHub alike. */
export function httpSettingsFromEnv(env: Env): HttpSettings {
  return {
    timeoutMs: env.UPSTREAM_TIMEOUT ? parseDuration('UPSTREAM_TIMEOUT', env.UPSTREAM_TIMEOUT) : DEFAULTS.upstreamTimeoutMs,
    maxBytes: DEFAULTS.upstreamMaxBytes,
    userAgent: DEFAULTS.userAgent,
  };
}

export function sourcesFromEnv(env: Env, options: SourceOptions = {}): Sources {
  const http = httpSettingsFromEnv(env);
  const now = options.now ?? (() => new Date());
  const shared = options.schedule && { schedule: options.schedule, slotsPerReservation: DEFAULTS.sharedScheduleSlots };
  const endpoint = (registry: Registry, urlName: string, fallbackUrl: string, pacing: Omit<PacerOptions, 'registry'>): Endpoint => ({
    baseUrl: upstreamUrl(env, urlName, fallbackUrl),
    http,
    now,
    pacer: new Pacer({ registry, ...shared, ...pacing }),
  });
  const dockerhubCredentials = options.dockerhubCredentials ?? dockerHubCredentialsFromEnv(env);
  return {
    dockerhub: new DockerHubSource(
      endpoint('dockerhub', 'DOCKERHUB_API_URL', DEFAULTS.dockerhubApiUrl, { assumed: DEFAULTS.dockerhubAssumedBudget }),
      dockerhubCredentials,
    ),
    ghcr: new GhcrSource(
      endpoint('ghcr', 'GHCR_URL', DEFAULTS.ghcrUrl, {
        minGapMs: env.GHCR_REQUEST_GAP ? parseDuration('GHCR_REQUEST_GAP', env.GHCR_REQUEST_GAP) : DEFAULTS.ghcrRequestGapMs,
      }),
    ),
    quay: new QuaySource(endpoint('quay', 'QUAY_API_URL', DEFAULTS.quayApiUrl, { minGapMs: DEFAULTS.quayRequestGapMs })),
    registry: new SelfHostedSource(options.registryCounters, now),
  };
}

/** Poll interval in minutes as the stack passes it to the functions (`POLL_MINUTES`). */
export function pollMinutesFromEnv(env: Env): number {
  const value = Number(env.POLL_MINUTES ?? DEFAULTS.pollMinutes);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`POLL_MINUTES=${env.POLL_MINUTES} must be a positive number`);
  return value;
}

export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}

/** `RETENTION_DAYS`: days of samples kept, 0 (the default) for ever. */
export function retentionDaysFromEnv(env: Env): number {
  const text = env.RETENTION_DAYS?.trim() || '0';
  if (!/^\d+$/.test(text)) throw new ConfigError(`RETENTION_DAYS=${JSON.stringify(env.RETENTION_DAYS)} must be a whole number of days (0 keeps everything)`);
  return Number(text);
}

/** The webhook's settings: `REGISTRY_NAME` (names the registry in refs) and `INGEST_MAX_REPOSITORIES`. */
export function ingestSettingsFromEnv(env: Env): IngestSettings {
  const text = env.INGEST_MAX_REPOSITORIES?.trim() || String(DEFAULTS.ingestMaxRepositories);
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1) {
    throw new ConfigError(`INGEST_MAX_REPOSITORIES=${JSON.stringify(env.INGEST_MAX_REPOSITORIES)} must be a whole number of repositories, at least 1`);
  }
  const registryName = env.REGISTRY_NAME?.trim().toLowerCase() || undefined;
  return { maxRepositories: Number(text), ...(registryName && { registryName }) };
}
