// Discovery's settings from the environment: GITHUB_API_URL, GITHUB_TOKEN (or the token read from a secret by the
// caller), GITHUB_DISCOVERY_INTERVAL.
import { type Env, ConfigError, httpSettingsFromEnv, parseDuration, upstreamUrl } from '../config.ts';
import { DEFAULTS } from '../defaults.ts';
import type { DiscoveryDeps } from './collect-github.ts';

/** Everything but where the states are kept: read before any store is opened, so a bad setting touches nothing. */
export function discoveryFromEnv(env: Env, options: { token?: string; now?: () => Date } = {}): Omit<DiscoveryDeps, 'states'> {
  const token = options.token ?? env.GITHUB_TOKEN?.trim();
  const intervalMs = env.GITHUB_DISCOVERY_INTERVAL ? parseDuration('GITHUB_DISCOVERY_INTERVAL', env.GITHUB_DISCOVERY_INTERVAL) : DEFAULTS.githubDiscoveryIntervalMs;
  // Zero would read the whole owner again on every poll: the budget GitHub gives is too small for that.
  if (intervalMs < 3_600_000) throw new ConfigError(`GITHUB_DISCOVERY_INTERVAL=${env.GITHUB_DISCOVERY_INTERVAL} is shorter than 1h`);
  return {
    github: {
      baseUrl: upstreamUrl(env, 'GITHUB_API_URL', DEFAULTS.githubApiUrl),
      http: httpSettingsFromEnv(env),
      ...(token && { token }),
      now: options.now ?? (() => new Date()),
    },
    intervalMs,
    maxRequestsPerRun: DEFAULTS.githubRequestsPerRun,
  };
}
