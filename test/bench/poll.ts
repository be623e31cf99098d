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
