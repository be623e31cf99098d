// Local mode with history, for the dashboard's browser tests, its screenshot and its benchmark: daily samples written
// through the DynamoDB series store and folded into the read model before start (as collections would have), a fake
// Docker Hub / GHCR / Quay that answers the start-up collection with the same latest counts, so what the page shows is
// seeded history plus one fresh reading.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Registry } from '../../lambdas/core/refs.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import { LOCAL_TABLES, startLocalDynamo } from '../../lambdas/local/dynamo.ts';
import { type LocalPullwatch, startLocal } from '../../lambdas/local/server.ts';
import { DynamoReadModel } from '../../lambdas/stores/dynamodb/read-model-table.ts';
import { DynamoRepoList } from '../../lambdas/stores/dynamodb/repo-table.ts';
import { DynamoSeriesStore } from '../../lambdas/stores/dynamodb/series-table.ts';
import { documentClient } from '../../lambdas/stores/dynamodb/client.ts';
import { installFakeDockerHub } from '../fakes/dockerhub.ts';
import { type FakeUpstream, json, startFakeUpstream } from '../fakes/upstream.ts';

const DAY_MS = 86_400_000;

/** One repository's made-up history: a lifetime counter (or Quay's daily actions) growing by a daily amount. */
export interface SeriesSpec {
  registry: Registry;
  repo: string;
  /** Lifetime count at the first seeded day (ignored for Quay). */
  start: number;
  /** Typical daily count at the first seeded day. */
  perDay: number;
  /** Daily growth of `perDay`: 0.01 is +1 % a day, negative shrinks. */
  growth?: number;
  /** Extra counts on one day (days ago), as after a release. */
  spike?: { daysAgo: number; extra: number };
  /** First seeded day, in days ago; default: the whole history. */
  since?: number;
  /** Quay: daily repository actions instead of a lifetime counter. */
  actions?: boolean;
}

export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** A deterministic 0..1 sequence per repository, so every run draws the same charts. */
function noise(seed: string): () => number {
  let state = [...seed].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 2_166_136_261);
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Daily counts for `days` days ending today (index 0 = oldest): weekends quieter, a little noise, growth, spikes.
 * Today is partial (the share of the UTC day gone by), as the API's `pulls_1d` is.
 */
export function dailyCounts(spec: SeriesSpec, days: number, now: number): number[] {
  const random = noise(`${spec.registry}:${spec.repo}`);
  const dayFraction = (now % DAY_MS) / DAY_MS;
  return Array.from({ length: days }, (_, i) => {
    const daysAgo = days - 1 - i;
    const weekday = new Date(now - daysAgo * DAY_MS).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 0.62 : 1;
    let count = spec.perDay * (1 + (spec.growth ?? 0)) ** i * weekend * (0.85 + 0.3 * random());
    if (spec.spike?.daysAgo === daysAgo) count += spec.spike.extra;
    if (daysAgo === 0) count *= dayFraction;
    return Math.round(count);
  });
}

/** The samples local mode would have collected: one reading a day (noon UTC; today a few minutes ago). */
export function samplesFor(specs: readonly SeriesSpec[], days: number, now: number): Sample[] {
  const samples: Sample[] = [];
  for (const spec of specs) {
    const counts = dailyCounts(spec, days, now);
    const first = days - 1 - Math.min(spec.since ?? days - 1, days - 1);
    let total = spec.start;
    counts.forEach((count, i) => {
      if (i < first) return;
      const daysAgo = days - 1 - i;
      const day = dayOf(now - daysAgo * DAY_MS);
      if (spec.actions) {
        // Quay reports closed days only, stamped at the day's start.
        if (daysAgo > 0) samples.push({ registry: spec.registry, repo: spec.repo, collectedAt: `${day}T00:00:00.000Z`, pullCount: count, measure: 'daily_actions' });
        return;
      }
      if (i > first) total += count;
      // Today's reading a few minutes ago, but never before today's start (a run just after midnight UTC).
      const collectedAt = daysAgo === 0 ? new Date(Math.max(now - 5 * 60_000, Math.floor(now / DAY_MS) * DAY_MS)).toISOString() : `${day}T12:00:00.000Z`;
      if (collectedAt.startsWith(day)) samples.push({ registry: spec.registry, repo: spec.repo, collectedAt, pullCount: total, starCount: 3 });
    });
  }
  return samples;
}

export interface DashboardFixture {
  /** The page, e.g. http://127.0.0.1:PORT/ */
  url: string;
  pullwatch: LocalPullwatch;
  upstream: FakeUpstream;
  close(): Promise<void>;
}

export interface DashboardOptions {
  specs?: readonly SeriesSpec[];
  /** Days of history, today included. */
  days?: number;
  /** Refs in the repos table (what the start-up collection reads). */
  refs?: readonly string[];
  /** Extra fake upstream routes, registered after the defaults so they win. */
  routes?: (upstream: FakeUpstream) => void;
  now?: number;
}

/** Seeds a fresh data directory, starts the fake upstreams and local mode, and waits for the start-up collection. */
export async function startDashboard(options: DashboardOptions = {}): Promise<DashboardFixture> {
  const { specs = [], days = 60, refs = [], now = Date.now() } = options;
  const dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-web-'));
  const samples = samplesFor(specs, days, now);

  const dynamo = await startLocalDynamo(dataDir);
  try {
    const doc = documentClient(dynamo.client);
    await new DynamoSeriesStore(doc, LOCAL_TABLES.series).write(samples);
    // Local mode keeps its read model in the series table (localStoreEnv's READ_MODEL_TABLE).
    if (samples.length > 0) await new DynamoReadModel(doc, LOCAL_TABLES.series).apply(samples);
    await new DynamoRepoList(doc, LOCAL_TABLES.repos).add(refs);
  } finally {
    await dynamo.close();
  }

  const upstream = await startFakeUpstream();
  const latest = new Map<string, number>();
  for (const sample of samples) if (sample.measure === undefined) latest.set(`${sample.registry}:${sample.repo}`, sample.pullCount);
  installFakeDockerHub(upstream, {
    repos: new Map([...latest].filter(([key]) => key.startsWith('dockerhub:')).map(([key, count]) => [key.slice('dockerhub:'.length), count])),
  });
  for (const spec of specs.filter((one) => one.registry === 'quay')) {
    const counts = dailyCounts(spec, days, now);
    const stats = counts.slice(-93, -1).map((count, i, shown) => ({ date: dayOf(now - (shown.length - i) * DAY_MS), count }));
    upstream.route(`/api/v1/repository/${spec.repo}`, (_request, response) => json(response, 200, { namespace: spec.repo.split('/')[0], name: spec.repo.split('/')[1], stats }));
  }
  for (const [key, count] of latest) {
    if (!key.startsWith('ghcr:')) continue;
    const [owner, pkg] = key.slice('ghcr:'.length).split('/');
    upstream.route(`/users/${owner}/packages/container/package/${pkg}`, (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body><span>Total downloads</span>\n<h3 title="${count}">${count}</h3></body></html>`);
    });
  }
  options.routes?.(upstream);

  const pullwatch = await startLocal({
    PORT: '0',
    DATA_DIR: dataDir,
    POLL_INTERVAL: '0',
    DOCKERHUB_API_URL: upstream.url,
    GHCR_URL: upstream.url,
    QUAY_API_URL: upstream.url,
    GHCR_REQUEST_GAP: '0s',
    UPSTREAM_TIMEOUT: '5s',
  });
  await pullwatch.idle();
  return {
    url: pullwatch.url,
    pullwatch,
    upstream,
    async close() {
      await pullwatch.close();
      await upstream.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A believable mix for the screenshot and the tests: one owner on Docker Hub and GHCR, a Quay mirror, a failing ref. */
export const SHOWCASE: { specs: SeriesSpec[]; refs: string[] } = {
  specs: [
    { registry: 'dockerhub', repo: 'acme/api', start: 41_800_000, perDay: 52_000, growth: 0.004 },
    { registry: 'dockerhub', repo: 'acme/web', start: 11_300_000, perDay: 16_500, growth: 0.001 },
    { registry: 'dockerhub', repo: 'acme/worker', start: 3_900_000, perDay: 7_200, growth: -0.006 },
    { registry: 'dockerhub', repo: 'acme/cli', start: 640_000, perDay: 1_300, growth: 0.002, spike: { daysAgo: 9, extra: 14_000 } },
    { registry: 'ghcr', repo: 'acme/api', start: 1_450_000, perDay: 6_000, growth: 0.012 },
    { registry: 'ghcr', repo: 'acme/operator', start: 268_000, perDay: 1_100, growth: 0.003 },
    { registry: 'ghcr', repo: 'acme/exporter', start: 91_000, perDay: 420, growth: 0, since: 40 },
    { registry: 'quay', repo: 'acme/api', start: 0, perDay: 2_400, growth: 0.002, actions: true },
  ],
  refs: ['dockerhub:acme/*', 'ghcr:acme/api', 'ghcr:acme/operator', 'ghcr:acme/exporter', 'quay:acme/api', 'dockerhub:acme/legacy'],
};

/** Makes the GHCR page of `owner/pkg` lose its "Total downloads" label: the collection records format_changed. */
export function breakGhcrPage(upstream: FakeUpstream, path: string): void {
  const [owner, pkg] = path.split('/');
  upstream.route(`/users/${owner}/packages/container/package/${pkg}`, (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><h2>Package</h2><p>A redesigned page.</p></body></html>');
  });
}
