// Benchmark: one poll of local mode against a fake Docker Hub; upstream requests, wall time and samples stored.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal } from '../../lambdas/local/server.ts';
import { installFakeDockerHub, ownerRepos } from '../fakes/dockerhub.ts';
import { startFakeUpstream } from '../fakes/upstream.ts';

export interface PollScenario {
  owners: number;
  reposPerOwner: number;
  explicitRefs: number;
  latencyMs?: number;
  requestsPerMinute?: number;
}

export interface PollReport {
  scenario: PollScenario;
  upstreamRequests: number;
  throttled: number;
  wallMs: number;
  repositoriesStored: number;
}

export async function benchPoll(scenario: PollScenario): Promise<PollReport> {
  const hub = await startFakeUpstream();
  const repos = new Map<string, number>();
  for (let owner = 0; owner < scenario.owners; owner++) for (const [path, pulls] of ownerRepos(`owner${owner}`, scenario.reposPerOwner)) repos.set(path, pulls);
  const explicit = ownerRepos('solo', scenario.explicitRefs);
  for (const [path, pulls] of explicit) repos.set(path, pulls);
  const state = { repos, latencyMs: scenario.latencyMs, requestsPerMinute: scenario.requestsPerMinute, throttled: 0 };
  installFakeDockerHub(hub, state);

  const refs = [...Array.from({ length: scenario.owners }, (_, owner) => `dockerhub:owner${owner}/*`), ...explicit.map(([path]) => path)];
  const dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-bench-'));
  const previousLogLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const started = performance.now();
  const pullwatch = await startLocal({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', REPOS: refs.join(','), DOCKERHUB_API_URL: hub.url });
  try {
    await pullwatch.idle();
    const wallMs = Math.round(performance.now() - started);
    const summary = (await (await fetch(`${pullwatch.url}api/summary`)).json()) as unknown[];
    return { scenario, upstreamRequests: hub.requests.length, throttled: state.throttled, wallMs, repositoriesStored: summary.length };
  } finally {
    await pullwatch.close();
    await hub.close();
    await rm(dataDir, { recursive: true, force: true });
    process.env.POWERTOOLS_LOG_LEVEL = previousLogLevel;
  }
}

export interface RateLimitedPollReport {
  refs: number;
  requestsPerMinute: number;
  latencyMs: number;
  /** Every request the fake served, 429s included. */
  upstreamRequests: number;
  /** 429s the fake served (each one a ref sent back to the queue with the Retry-After delay). */
  throttled: number;
  wallMs: number;
  /** Refs whose item ends with a last success and no error after it. */
  collected: number;
  deadLettered: number;
  /** Refs whose last recorded outcome is a rate_limited error: a 429 the collector gave up on. */
  leftRateLimited: number;
  /** The target: every ref collected within the hour, no 429 left unhandled. */
  withinTarget: boolean;
}

/**
 * One poll of `refs` explicit Docker Hub refs against a fake Docker Hub that allows `requestsPerMinute` requests per
 * rolling minute and answers after `latencyMs`. At 180/min the 1,000 requests alone take 5.5 minutes: run it by hand
 * (`tsx -e "import('./test/bench/poll.ts').then(async (m) => console.log(await m.benchRateLimitedPoll()))"`), not in CI.
 */
export async function benchRateLimitedPoll({ refs = 1_000, requestsPerMinute = 180, latencyMs = 50 } = {}): Promise<RateLimitedPollReport> {
  const hub = await startFakeUpstream();
  const repos = new Map(ownerRepos('solo', refs, (i) => 5_000 + i));
  const state = { repos, latencyMs, requestsPerMinute, throttled: 0 };
  installFakeDockerHub(hub, state);

  const dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-bench-ratelimit-'));
  const previousLogLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const started = performance.now();
  const pullwatch = await startLocal({
    PORT: '0',
    DATA_DIR: dataDir,
    POLL_INTERVAL: '0',
    REPOS: [...repos.keys()].join(','),
    DOCKERHUB_API_URL: hub.url,
  });
  try {
    await pullwatch.idle();
    const wallMs = Math.round(performance.now() - started);
    const items = (await (await fetch(`${pullwatch.url}api/repos`)).json()) as { last_success_at: string | null; last_error: { kind: string; at: string } | null }[];
    const collected = items.filter((item) => item.last_success_at !== null && (item.last_error === null || item.last_error.at <= item.last_success_at)).length;
    const leftRateLimited = items.filter(
      (item) => item.last_error?.kind === 'rate_limited' && (item.last_success_at === null || item.last_error.at > item.last_success_at),
    ).length;
    const deadLettered = pullwatch.deadLettered.length;
    return {
      refs,
      requestsPerMinute,
      latencyMs,
      upstreamRequests: hub.requests.length,
      throttled: state.throttled,
      wallMs,
      collected,
      deadLettered,
      leftRateLimited,
      withinTarget: wallMs < 3_600_000 && collected === refs && deadLettered === 0 && leftRateLimited === 0,
    };
  } finally {
    await pullwatch.close();
    await hub.close();
    await rm(dataDir, { recursive: true, force: true });
    process.env.POWERTOOLS_LOG_LEVEL = previousLogLevel;
  }
}
