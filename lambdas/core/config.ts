// Reads pullwatch's environment contract (ARCHITECTURE.md) into typed settings, naming any bad value.
import { DEFAULTS } from './defaults.ts';
import { Pacer } from './pacing.ts';
import { RateBudget } from './rate-budget.ts';
import { type DockerHubCredentials, DockerHubAuth } from './sources/dockerhub.ts';
import type { SourceContext } from './sources/context.ts';

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30s`, `10m`, `1h`, `1d`, `0`; a bare number is seconds. Returns milliseconds. */
export function parseDuration(name: string, text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new ConfigError(`${name}=${JSON.stringify(text)} is not a duration such as 30s, 10m or 1h`);
  return Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS];
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

export function sourceContextFromEnv(
  env: Env,
  dockerhubCredentials = dockerHubCredentialsFromEnv(env),
  now: () => Date = () => new Date(),
): SourceContext {
  return {
    urls: {
      dockerhub: upstreamUrl(env, 'DOCKERHUB_API_URL', DEFAULTS.dockerhubApiUrl),
      ghcr: upstreamUrl(env, 'GHCR_URL', DEFAULTS.ghcrUrl),
      quay: upstreamUrl(env, 'QUAY_API_URL', DEFAULTS.quayApiUrl),
    },
    http: {
      timeoutMs: env.UPSTREAM_TIMEOUT ? parseDuration('UPSTREAM_TIMEOUT', env.UPSTREAM_TIMEOUT) : DEFAULTS.upstreamTimeoutMs,
      maxBytes: DEFAULTS.upstreamMaxBytes,
      userAgent: DEFAULTS.userAgent,
    },
    now,
    ghcrPacer: new Pacer(env.GHCR_REQUEST_GAP ? parseDuration('GHCR_REQUEST_GAP', env.GHCR_REQUEST_GAP) : DEFAULTS.ghcrRequestGapMs),
    dockerhubBudget: new RateBudget(),
    ...(dockerhubCredentials && { dockerhubAuth: new DockerHubAuth(dockerhubCredentials) }),
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
