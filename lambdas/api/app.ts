// The query API as a Hono app: parses parameters, asks lambdas/core for the answer, renders it; served by the api
// Lambda in AWS and by @hono/node-server locally.
import { type Context, Hono } from 'hono';
import { etag } from 'hono/etag';
import { dayOf, daysBetween } from '../core/days.ts';
import type { ReadModel, RegistryCounters, RepoList, RepositoryCounts, SeriesStore } from '../core/ports.ts';
import { RANGES, type Range } from '../core/ranges.ts';
import { discoverySummary, withFoundIn } from '../core/discovery/summary.ts';
import { tryParseRef } from '../core/refs.ts';
import { badgeSvg, shieldsEndpoint } from '../core/render/badge.ts';
import { prometheusText, registryStatsText } from '../core/render/prometheus.ts';
import { seriesKey } from '../core/samples.ts';
import { type RunMode, dashboardView } from '../core/views/dashboard.ts';
import { BADGE_WINDOWS, type BadgeWindowName, SUMMARY_COLUMNS, TREND_COLUMNS, badgeOf, latestDay, metricsInput, snapshotRows, summaryRows, summaryRowsOn, trendRows } from '../core/views/figures.ts';
import { collectionHealth } from '../core/views/health.ts';
import { type Grouping, cumulativeRows, dailyHistories, dailyRows, hourBuckets, hourlyHistories, hourlyRows } from '../core/views/series.ts';
import { logger } from '../logger.ts';
import { type HandlerMetrics, METRIC_NAMES } from '../metrics.ts';
import { AnswerCache, type CurrentAnswers, cacheControl } from './answers.ts';
import { openApiDocument } from './openapi.ts';
import { BadParameter, MAX_HOURLY_RANGE_DAYS, dayRange, parseDay, seriesFilter, timeRange } from './params.ts';
import { respondRows } from './respond.ts';

export interface ApiDeps {
  repos: Pick<RepoList, 'list'>;
  series: Pick<SeriesStore, 'daily' | 'samples' | 'health'>;
  readModel: Pick<ReadModel, 'generation' | 'views'>;
  /** The webhook's counters of self-hosted registries. */
  counters?: Pick<RegistryCounters, 'repository' | 'tags'>;
  pollMinutes: number;
  /** Days of samples kept (RETENTION_DAYS; 0: all): no daily range may be longer than what is kept. */
  retentionDays?: number;
  now?: () => Date;
  metrics?: HandlerMetrics;
  /** Where this runs, for the dashboard's empty state; default aws. */
  mode?: RunMode;
}

/** Routes whose answers change only with the read model's generation (and the UTC day): tagged and cached by it. */
const GENERATION_ROUTES = /^\/api\/(?:summary|trends|metrics|dashboard|pulls(?:\/daily)?|snapshot|badge\/.*)$/;

export function createApiApp(deps: ApiDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? (() => new Date());
  const answers = new AnswerCache(deps.readModel);
  /** The generation each request is answered at, read once by the middleware. */
  const answering = new WeakMap<Request, CurrentAnswers>();
  const views = (c: Context) => answering.get(c.req.raw)!.views();

  app.use('/api/*', async (c, next) => {
    if (c.req.method !== 'GET' || !GENERATION_ROUTES.test(c.req.path)) return next();
    const current = await answers.current();
    answering.set(c.req.raw, current);
    const at = now();
    const tag = current.tag(c.req.url, c.req.header('accept'), dayOf(at.toISOString()));
    const maxAge = cacheControl(deps.pollMinutes, current.generation, at);
    if (c.req.header('if-none-match')?.split(/\s*,\s*/).includes(tag)) return c.body(null, 304, { etag: tag, 'cache-control': maxAge });
    const cached = current.response(tag);
    if (cached) return cached;
    await next();
    if (c.res.status >= 400) c.res.headers.set('cache-control', 'no-store');
    else c.res.headers.set('cache-control', maxAge);
    if (c.res.status === 200) {
      c.res.headers.set('etag', tag);
      await current.keep(tag, c.res);
    }
  });
  // The rest (repos with live webhook counts, tags, the OpenAPI document) is tagged by its body.
  app.use('/api/*', async (c, next) => {
    if (answering.has(c.req.raw)) return next();
    await etag()(c, next);
    if (c.req.method === 'GET' && c.res.status < 400) c.header('cache-control', cacheControl(deps.pollMinutes, undefined, now()));
    else c.header('cache-control', 'no-store');
  });

  const today = () => dayOf(now().toISOString());

  // 200 while the store can be read, `degraded` (with the reason) when collection has stalled; `?ready` is for
  // container health checks: 503 until the first successful collection.
  app.get('/api/health', async (c) => {
    let repos;
    try {
      [, repos] = await Promise.all([deps.series.health(), deps.repos.list()]);
    } catch (error) {
      logger.error('health check failed', { error });
      return c.json({ status: 'unavailable', reason: `the store cannot be read: ${(error as Error).name}` }, 503);
    }
    const { ready, ...health } = collectionHealth(repos, now(), deps.pollMinutes);
    if (c.req.query('ready') !== undefined && !ready) return c.json({ status: 'starting', reason: 'no collection has succeeded yet' }, 503);
    return c.json(health);
  });

  app.get('/api/repos', async (c) => {
    const rows = await Promise.all(
      (await deps.repos.list()).map(async (repo) => {
        const parsed = tryParseRef(repo.ref);
        const webhook = parsed.ok && parsed.ref.registry === 'registry' ? await deps.counters?.repository(repo.ref) : undefined;
        return {
          ref: repo.ref,
          registry: parsed.ok ? parsed.ref.registry : null,
          name: parsed.ok ? parsed.ref.path : null,
          enabled: repo.enabled,
          label: repo.label ?? null,
          // Full precision, like last_error.at: which came last matters here, and the peer has no such endpoint.
          last_success_at: repo.lastSuccessAt ?? null,
          last_error: repo.lastError ?? null,
          ...(repo.warnings && { warnings: repo.warnings }),
          ...(repo.discovery && { discovery: discoveryAnswer(discoverySummary(repo.discovery, now())) }),
          ...(webhook && { webhook: webhookCounts(webhook) }),
        };
      }),
    );
    return respondRows(c, rows, ['ref', 'registry', 'name', 'enabled', 'label', 'last_success_at', 'last_error', 'warnings', 'webhook'], 'repos');
  });

  app.get('/api/tags', async (c) => {
    const repos = seriesFilter(c).repos;
    if (!repos || repos.length !== 1 || (repos[0]!.registry ?? 'registry') !== 'registry') {
      throw new BadParameter('repo', 'name one self-hosted repository, e.g. repo=registry:registry.example.com/team/app');
    }
    const ref = `registry:${repos[0]!.path}`;
    if (!deps.counters) return c.json({ error: 'no webhook counters are configured here' }, 404);
    const rows = (await deps.counters.tags(ref)).map((tag) => ({
      repo: repos[0]!.path,
      tag: tag.tag,
      pulls: tag.pulls,
      version_checks: tag.versionChecks,
      last_pull_at: tag.lastPullAt ?? null,
    }));
    return respondRows(c, rows.sort((a, b) => b.pulls - a.pulls || (a.tag < b.tag ? -1 : 1)), ['repo', 'tag', 'pulls', 'version_checks', 'last_pull_at'], 'tags');
  });

  app.get('/api/summary', async (c) => {
    const filter = seriesFilter(c);
    const asked = c.req.query('date');
    const date = asked === undefined ? undefined : parseDay('date', asked);
    if (date !== undefined && date > today()) throw new BadParameter('date', `${date} is after today (${today()})`);
    const [all, repos] = await Promise.all([views(c), deps.repos.list()]);
    if (date === undefined || date === today()) return respondRows(c, withFoundIn(summaryRows(all, filter, today()), repos), SUMMARY_COLUMNS, 'summary');
    return respondRows(c, withFoundIn(await summaryRowsOn(all, deps.series, filter, date, today()), repos), SUMMARY_COLUMNS, `summary-${date}`);
  });

  app.get('/api/trends', async (c) => {
    const filter = seriesFilter(c);
    return respondRows(c, trendRows(await views(c), filter, today()), TREND_COLUMNS, 'trends');
  });

  app.get('/api/pulls', async (c) => {
    const filter = seriesFilter(c);
    const by = grouping(c.req.query('by'));
    const columns = by === 'ref' ? ['timestamp', 'registry', 'repo', 'pull_count', 'measure'] : ['timestamp', 'repo', 'pull_count', 'measure'];
    const interval = c.req.query('interval') ?? 'day';
    if (interval === 'hour') {
      const { from, to } = timeRange(c, now(), MAX_HOURLY_RANGE_DAYS, 2);
      const buckets = hourBuckets(from, to);
      const histories = await hourlyHistories({ views: await views(c), series: deps.series }, buckets, filter);
      return respondRows(c, hourlyRows(histories, buckets, by), columns, 'pulls-hourly');
    }
    if (interval !== 'day') throw new BadParameter('interval', `${JSON.stringify(interval)} is not day or hour`);
    const { fromDay, toDay } = dayRange(c, now(), deps.retentionDays);
    const histories = await dailyHistories({ views: await views(c), series: deps.series }, fromDay, toDay, today(), filter);
    return respondRows(c, cumulativeRows(histories, daysBetween(fromDay, toDay), by), columns, 'pulls');
  });

  app.get('/api/pulls/daily', async (c) => {
    const filter = seriesFilter(c);
    const by = grouping(c.req.query('by'));
    const { fromDay, toDay } = dayRange(c, now(), deps.retentionDays);
    const histories = await dailyHistories({ views: await views(c), series: deps.series }, fromDay, toDay, today(), filter);
    const columns = ['timestamp', ...(by === 'ref' ? ['registry'] : []), 'repo', 'daily_pulls', 'first_seen', ...(by === 'ref' ? ['first_seen_at'] : []), 'measure'];
    return respondRows(c, dailyRows(histories, daysBetween(fromDay, toDay), by), columns, 'pulls-daily');
  });

  app.get('/api/snapshot', async (c) => {
    const filter = seriesFilter(c);
    const asked = c.req.query('date');
    const askedDay = asked === undefined ? undefined : parseDay('date', asked);
    const all = await views(c);
    const date = askedDay ?? latestDay(all) ?? today();
    const rows = await snapshotRows(all, deps.series, date, today(), filter);
    return respondRows(c, rows, ['timestamp', 'registry', 'repo', 'pull_count', 'measure'], `snapshot-${date}`);
  });

  app.get('/api/dashboard', async (c) => {
    const range = c.req.query('range') ?? '30d';
    if (!(RANGES as readonly string[]).includes(range)) throw new BadParameter('range', `${JSON.stringify(range)} is not one of ${RANGES.join(', ')}`);
    const [all, repos] = await Promise.all([views(c), deps.repos.list()]);
    return c.json(await dashboardView({ views: all, repos, series: deps.series, now: now(), range: range as Range, mode: deps.mode ?? 'aws' }));
  });

  // `?compat=registry-stats`: the peer v2's metric names instead of pullwatch's, for its dashboards and rules.
  app.get('/api/metrics', async (c) => {
    const compat = c.req.query('compat');
    if (compat !== undefined && compat !== 'registry-stats') throw new BadParameter('compat', `${JSON.stringify(compat)} is not registry-stats`);
    const [all, repos] = await Promise.all([views(c), deps.repos.list()]);
    const input = metricsInput(all, repos, today(), deps.pollMinutes);
    return c.body(compat ? registryStatsText(input) : prometheusText(input), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  app.get('/api/badge/:registry/:path{.+\\.(?:svg|json)}', async (c) => {
    const raw = c.req.param('path');
    const format = raw.endsWith('.json') ? 'json' : 'svg';
    const path = raw.slice(0, raw.lastIndexOf('.'));
    const parsed = tryParseRef(`${c.req.param('registry')}:${path}`);
    if (!parsed.ok || parsed.ref.wildcard) throw new BadParameter('path', parsed.ok ? 'a badge is for one repository, not a wildcard' : parsed.error.reason);
    const window = c.req.query('window') ?? 'total';
    if (!Object.hasOwn(BADGE_WINDOWS, window)) throw new BadParameter('window', `${JSON.stringify(window)} is not one of ${Object.keys(BADGE_WINDOWS).join(', ')}`);
    const key = seriesKey({ registry: parsed.ref.registry, repo: parsed.ref.path });
    const view = (await views(c)).find((one) => one.key === key);
    const { tracked, badge } = badgeOf(view, window as BadgeWindowName, today(), c.req.query('label'));
    const status = tracked ? 200 : 404;
    if (format === 'json') return c.json(shieldsEndpoint(badge), status);
    return c.body(badgeSvg(badge), status, { 'content-type': 'image/svg+xml; charset=utf-8' });
  });

  app.get('/api/openapi.json', (c) => c.json(openApiDocument()));

  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    if (error instanceof BadParameter) return c.json({ error: error.message, parameter: error.parameter }, 400);
    logger.error('request failed', { path: c.req.path, error });
    deps.metrics?.count(METRIC_NAMES.apiServerErrors, 1);
    deps.metrics?.flush();
    return c.json({ error: 'internal error; the server log has the details' }, 500);
  });
  return app;
}

function grouping(value: string | undefined): Grouping {
  if (value === undefined || value === 'name') return 'name';
  if (value === 'ref') return 'ref';
  throw new BadParameter('by', `${JSON.stringify(value)} is not name or ref`);
}

function webhookCounts(counts: RepositoryCounts) {
  return {
    pulls: counts.pulls,
    version_checks: counts.versionChecks,
    pushes: counts.pushes,
    deletes: counts.deletes,
    first_pull_at: counts.firstPullAt ?? null,
    last_pull_at: counts.lastPullAt ?? null,
    first_push_at: counts.firstPushAt ?? null,
    last_push_at: counts.lastPushAt ?? null,
    last_delete_at: counts.lastDeleteAt ?? null,
    pushers: counts.pushers,
  };
}

/** A discovery summary in the API's snake_case. */
function discoveryAnswer(summary: ReturnType<typeof discoverySummary>) {
  return {
    repositories_read: summary.repositoriesRead,
    images: summary.images.map((image) => ({ ref: image.ref, found_in: image.foundIn })),
    misses: summary.misses,
    skipped: summary.skipped,
    next_run_at: summary.nextRunAt ?? null,
    ...(summary.inProgress && { in_progress: { repositories_read: summary.inProgress.repositoriesRead } }),
  };
}
