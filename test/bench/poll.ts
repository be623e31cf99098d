// Benchmarks: one poll against a fake Docker Hub (local mode, or collect instances sharing a request schedule); upstream
// requests, 429s, wall time and what was collected.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../../lambdas/core/config.ts';
import type { RecordedError, TrackedRepo } from '../../lambdas/core/ports.ts';
import { startLocal } from '../../lambdas/local/server.ts';
import { installFakeDockerHub, ownerRepos } from '../fakes/dockerhub.ts';
import { startFakeUpstream } from '../fakes/upstream.ts';
import { startSharedScheduleCollectors } from './collectors.ts';

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
  /** Collect instances running batches side by side; more than one share the request schedule (DynamoDB, on dynalite). */
  instances: number;
  /** Every request the fake served, 429s included. */
  upstreamRequests: number;
  /** 429s the fake served (each one a ref sent back to the queue with the Retry-After delay). */
  throttled: number;
  wallMs: number;
  /** The budget's own time: refs ÷ requests per minute. */
  budgetMs: number;
  /** Refs whose item ends with a last success and no error after it. */
  collected: number;
  deadLettered: number;
  /** Refs whose last recorded outcome is a rate_limited error: a 429 the collector gave up on. */
  leftRateLimited: number;
  /** With a shared schedule: its DynamoDB requests, in all and per ref collected. */
  scheduleRequests?: { byCommand: Record<string, number>; perRef: number };
  /** The target: every ref collected, no 429 at all, within 10 % of the budget's time. */
  withinTarget: boolean;
}

/**
 * One poll of `refs` explicit Docker Hub refs against a fake Docker Hub that allows `requestsPerMinute` requests per
 * rolling minute and answers after `latencyMs`. One instance is local mode as `npm start` runs it; two are collect
 * instances as AWS runs them, sharing one request schedule. At 180/min the 1,000 requests alone take 5.5 minutes: run
 * it by hand (`npm run bench -- --rate-limited`), not in CI.
 */
export async function benchRateLimitedPoll({ refs = 1_000, requestsPerMinute = 180, latencyMs = 50, instances = 1 } = {}): Promise<RateLimitedPollReport> {
  const hub = await startFakeUpstream();
  const repos = new Map(ownerRepos('solo', refs, (i) => 5_000 + i));
  const state = { repos, latencyMs, requestsPerMinute, throttled: 0 };
  installFakeDockerHub(hub, state);

  const dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-bench-ratelimit-'));
  const previousLogLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const env = { PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', REPOS: [...repos.keys()].join(','), DOCKERHUB_API_URL: hub.url };
  const started = performance.now();
  const poll = instances === 1 ? await pollLocalMode(env) : await pollSharedSchedule(env, instances, [...repos.keys()]);
  try {
    await poll.done;
    const wallMs = Math.round(performance.now() - started);
    const items = await poll.items();
    const collected = items.filter((item) => item.lastSuccessAt !== undefined && (item.lastError === undefined || item.lastError.at <= item.lastSuccessAt)).length;
    const leftRateLimited = items.filter(
      (item) => item.lastError?.kind === 'rate_limited' && (item.lastSuccessAt === undefined || item.lastError.at > item.lastSuccessAt),
    ).length;
    const deadLettered = poll.deadLettered.length;
    const budgetMs = Math.round((refs / requestsPerMinute) * 60_000);
    return {
      refs,
      requestsPerMinute,
      latencyMs,
      instances,
      upstreamRequests: hub.requests.length,
      throttled: state.throttled,
      wallMs,
      budgetMs,
      collected,
      deadLettered,
      leftRateLimited,
      ...(poll.scheduleRequests && {
        scheduleRequests: {
          byCommand: { ...poll.scheduleRequests },
          perRef: Object.values(poll.scheduleRequests).reduce((sum, count) => sum + count, 0) / Math.max(1, collected),
        },
      }),
      withinTarget: state.throttled === 0 && collected === refs && deadLettered === 0 && Math.abs(wallMs - budgetMs) <= 0.1 * budgetMs,
    };
  } finally {
    await poll.close();
    await hub.close();
    await rm(dataDir, { recursive: true, force: true });
    process.env.POWERTOOLS_LOG_LEVEL = previousLogLevel;
  }
}

interface RunningPoll {
  done: Promise<void>;
  items(): Promise<Pick<TrackedRepo, 'lastSuccessAt' | 'lastError'>[]>;
  deadLettered: readonly string[];
  scheduleRequests?: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

async function pollLocalMode(env: Env): Promise<RunningPoll> {
  const pullwatch = await startLocal(env);
  return {
    done: pullwatch.idle(),
    async items() {
      const rows = (await (await fetch(`${pullwatch.url}api/repos`)).json()) as { last_success_at: string | null; last_error: RecordedError | null }[];
      return rows.map((row) => ({ ...(row.last_success_at && { lastSuccessAt: row.last_success_at }), ...(row.last_error && { lastError: row.last_error }) }));
    },
    get deadLettered() {
      return pullwatch.deadLettered;
    },
    close: () => pullwatch.close(),
  };
}

async function pollSharedSchedule(env: Env & { DATA_DIR: string }, instances: number, refs: string[]): Promise<RunningPoll> {
  const collectors = await startSharedScheduleCollectors(env, instances, refs);
  return {
    done: collectors.collectAll(),
    items: () => collectors.items(),
    get deadLettered() {
      return collectors.deadLettered;
    },
    scheduleRequests: collectors.scheduleRequests,
    close: () => collectors.close(),
  };
}
