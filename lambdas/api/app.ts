// The query API as a Hono app: served by the api Lambda in AWS and by @hono/node-server locally.
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { addDays, dailyDeltas, dayOf, daysBetween, HOUR_MS, intervalCumulative, sortByMovement, trend, windowTotals } from '../core/history.ts';
import type { RegistryCounters, RepoList, RepositoryCounts, SeriesStore } from '../core/ports.ts';
import { tryParseRef } from '../core/refs.ts';
import { badgeColor, badgeSvg, shieldsEndpoint, type BadgeWindow } from '../core/render/badge.ts';
import { compactNumber } from '../core/render/numbers.ts';
import { prometheusText } from '../core/render/prometheus.ts';
import { type SeriesFilter, matchesFilter, seriesKey } from '../core/samples.ts';
import { logger } from '../logger.ts';
import { type HandlerMetrics, METRIC_NAMES } from '../metrics.ts';
import { openApiDocument } from './openapi.ts';
import { BadParameter, MAX_HOURLY_RANGE_DAYS, dayRange, parseDay, seriesFilter, timeRange } from './params.ts';
import { respondRows } from './respond.ts';
import { cumulativeByName, deltasByName, groupBySeries, readDailySeries } from './views.ts';

export interface ApiDeps {
  repos: Pick<RepoList, 'list'>;
  series: Pick<SeriesStore, 'latest' | 'daily' | 'samples' | 'health'>;
  /** The webhook's counters of self-hosted registries. */
  counters?: Pick<RegistryCounters, 'repository' | 'tags'>;
  pollMinutes: number;
  now?: () => Date;
  metrics?: HandlerMetrics;
}

/** Upper bound on how stale a cached answer may be, whatever the poll interval. */
const MAX_CACHE_SECONDS = 300;

/** Answers change once per poll at most; CloudFront caches by this header, which bounds store queries. */
export function cacheSeconds(pollMinutes: number): number {
  return Math.max(1, Math.min(MAX_CACHE_SECONDS, Math.floor((pollMinutes * 60) / 4)));
}

const BADGE_WINDOWS = { total: 'total', '1d': 'day', '7d': 'week', '30d': 'month' } as const satisfies Record<string, BadgeWindow>;
const BADGE_LABELS = { total: 'pulls', '1d': 'pulls/day', '7d': 'pulls/week', '30d': 'pulls/month' } as const;

export function createApiApp(deps: ApiDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? (() => new Date());
  const maxAge = cacheSeconds(deps.pollMinutes);

  app.use('/api/*', etag(), async (c, next) => {
    await next();
    if (c.req.method === 'GET' && c.res.status < 400) c.header('cache-control', `public, max-age=${maxAge}`);
    else c.header('cache-control', 'no-store');
  });

  app.get('/api/health', async (c) => {
    try {
      await deps.series.health();
      return c.json({ status: 'ok' });
    } catch (error) {
      logger.error('health check failed', { error });
      return c.json({ status: 'unavailable', reason: `the series store cannot be read: ${(error as Error).name}` }, 503);
    }
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
          last_success_at: repo.lastSuccessAt ?? null,
          last_error: repo.lastError ?? null,
          ...(webhook && { webhook: webhookCounts(webhook) }),
        };
      }),
    );
    return respondRows(c, rows, ['ref', 'registry', 'name', 'enabled', 'label', 'last_success_at', 'last_error', 'webhook'], 'repos');
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
    const today = dayOf(now().toISOString());
    const days = daysBetween(addDays(today, -29), today);
    const [latest, history] = await Promise.all([deps.series.latest(), readDailySeries(deps.series, days[0]!, today, filter)]);
    const historyByKey = new Map(history.map((one) => [one.key, one]));
    const rows = latest
      .filter((sample) => matchesFilter(sample, filter))
      .sort((a, b) => (seriesKey(a) < seriesKey(b) ? -1 : 1))
      .map((sample) => {
        const windows = windowTotals(dailyDeltas(historyByKey.get(seriesKey(sample))?.samples ?? [], days), today);
        const actions = sample.measure === 'daily_actions';
        return {
          registry: sample.registry,
          name: sample.repo,
          // Quay publishes daily counts of all repository actions, and no lifetime total at all.
          measure: actions ? 'actions' : 'pulls',
          pull_count: actions ? null : sample.pullCount,
          star_count: sample.starCount ?? null,
          last_updated: sample.lastUpdated ?? null,
          collected_at: sample.collectedAt,
          ...windows,
        };
      });
    return respondRows(c, rows, ['registry', 'name', 'measure', 'pull_count', 'star_count', 'last_updated', 'collected_at', 'pulls_1d', 'pulls_7d', 'pulls_30d'], 'summary');
  });

  app.get('/api/pulls', async (c) => {
    const filter = seriesFilter(c);
    const interval = c.req.query('interval') ?? 'day';
    if (interval === 'hour') {
      const { from, to } = timeRange(c, now(), MAX_HOURLY_RANGE_DAYS, 2);
      const start = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
      const buckets = Array.from({ length: Math.floor((to.getTime() - start) / HOUR_MS) + 1 }, (_, i) => new Date(start + i * HOUR_MS).toISOString());
      const samples = await deps.series.samples(new Date(start - 86_400_000).toISOString(), to.toISOString(), filter);
      const rows = groupBySeries(samples).flatMap((one) =>
        intervalCumulative(one.samples, buckets).flatMap((point) => (point.count === null ? [] : [{ timestamp: point.start, registry: one.registry, repo: one.name, pull_count: point.count }])),
      );
      return respondRows(c, sumRowsByName(rows), ['timestamp', 'repo', 'pull_count'], 'pulls-hourly');
    }
    if (interval !== 'day') throw new BadParameter('interval', `${JSON.stringify(interval)} is not day or hour`);
    const { fromDay, toDay } = dayRange(c, now());
    const days = daysBetween(fromDay, toDay);
    const rows = cumulativeByName(await readDailySeries(deps.series, fromDay, toDay, filter), days).flatMap((named) =>
      named.points.flatMap((point) =>
        point.count === null ? [] : [{ timestamp: `${point.day}T00:00:00.000Z`, repo: named.name, pull_count: point.count, ...(named.measure && { measure: 'actions' }) }],
      ),
    );
    return respondRows(c, sortRows(rows), ['timestamp', 'repo', 'pull_count', 'measure'], 'pulls');
  });

  app.get('/api/pulls/daily', async (c) => {
    const filter = seriesFilter(c);
    const { fromDay, toDay } = dayRange(c, now());
    const rows = deltasByName(await readDailySeries(deps.series, fromDay, toDay, filter), daysBetween(fromDay, toDay)).flatMap((named) =>
      named.points.map((point) => ({
        timestamp: `${point.day}T00:00:00.000Z`,
        repo: named.name,
        daily_pulls: point.delta,
        ...(point.firstSeen && { first_seen: true }),
        ...(named.measure && { measure: 'actions' }),
      })),
    );
    return respondRows(c, sortRows(rows), ['timestamp', 'repo', 'daily_pulls', 'first_seen', 'measure'], 'pulls-daily');
  });

  app.get('/api/snapshot', async (c) => {
    const filter = seriesFilter(c);
    const asked = c.req.query('date');
    const date = asked !== undefined ? parseDay('date', asked) : (latestDay((await deps.series.latest()).map((sample) => sample.collectedAt)) ?? dayOf(now().toISOString()));
    const rows = (await deps.series.daily(date, date, filter)).map((sample) => ({
      timestamp: sample.collectedAt,
      registry: sample.registry,
      repo: sample.repo,
      pull_count: sample.pullCount,
      measure: sample.measure === 'daily_actions' ? 'actions' : 'pulls',
    }));
    return respondRows(c, rows, ['timestamp', 'registry', 'repo', 'pull_count', 'measure'], `snapshot-${date}`);
  });

  app.get('/api/trends', async (c) => {
    const filter = seriesFilter(c);
    const today = dayOf(now().toISOString());
    const days = daysBetween(addDays(today, -59), today);
    const history = await readDailySeries(deps.series, days[0]!, today, filter);
    const rows = history.map((one) => {
      const points = dailyDeltas(one.samples, days);
      const week = trend(points, today, 7);
      const month = trend(points, today, 30);
      return {
        registry: one.registry,
        name: one.name,
        measure: one.measure ? 'actions' : 'pulls',
        change: week.change,
        pulls_7d: week.current,
        previous_7d: week.previous,
        change_7d: week.change,
        percent_7d: week.percent,
        pulls_30d: month.current,
        previous_30d: month.previous,
        change_30d: month.change,
        percent_30d: month.percent,
      };
    });
    const sorted = sortByMovement(rows).map(({ change: _sortKey, ...row }) => row);
    return respondRows(
      c,
      sorted,
      ['registry', 'name', 'measure', 'pulls_7d', 'previous_7d', 'change_7d', 'percent_7d', 'pulls_30d', 'previous_30d', 'change_30d', 'percent_30d'],
      'trends',
    );
  });

  app.get('/api/metrics', async (c) => {
    const [latest, repos] = await Promise.all([deps.series.latest(), deps.repos.list()]);
    const refs = repos.flatMap((repo) => {
      const parsed = tryParseRef(repo.ref);
      return parsed.ok ? [{ ref: repo.ref, registry: parsed.ref.registry, ...(repo.lastSuccessAt && { lastSuccessAt: repo.lastSuccessAt }), ...(repo.lastError && { lastError: repo.lastError }) }] : [];
    });
    return c.body(prometheusText({ samples: latest, refs }), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  app.get('/api/badge/:registry/:path{.+\\.(?:svg|json)}', async (c) => {
    const raw = c.req.param('path');
    const format = raw.endsWith('.json') ? 'json' : 'svg';
    const path = raw.slice(0, raw.lastIndexOf('.'));
    const parsed = tryParseRef(`${c.req.param('registry')}:${path}`);
    if (!parsed.ok || parsed.ref.wildcard) throw new BadParameter('path', parsed.ok ? 'a badge is for one repository, not a wildcard' : parsed.error.reason);
    const windowName = c.req.query('window') ?? 'total';
    if (!Object.hasOwn(BADGE_WINDOWS, windowName)) throw new BadParameter('window', `${JSON.stringify(windowName)} is not one of ${Object.keys(BADGE_WINDOWS).join(', ')}`);
    const window = windowName as keyof typeof BADGE_WINDOWS;

    const today = dayOf(now().toISOString());
    const days = daysBetween(addDays(today, -29), today);
    const filter: SeriesFilter = { repos: [{ registry: parsed.ref.registry, path: parsed.ref.path }] };
    const [series] = await readDailySeries(deps.series, days[0]!, today, filter);
    const actions = series?.measure === 'daily_actions';
    const label = c.req.query('label') ?? (actions ? BADGE_LABELS[window].replace('pulls', 'actions') : BADGE_LABELS[window]);
    let value: number | null = null;
    if (series && window === 'total') value = actions ? null : (series.samples.at(-1)?.pullCount ?? null);
    else if (series) value = windowTotals(dailyDeltas(series.samples, days), today)[`pulls_${window}` as 'pulls_1d'];
    const badge = value === null
      ? { label, message: series ? 'n/a' : 'not tracked', color: 'lightgrey' as const }
      : { label, message: compactNumber(value), color: badgeColor(BADGE_WINDOWS[window]) };
    const status = series ? 200 : 404;
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
    pushers: counts.pushers,
  };
}

function latestDay(times: readonly string[]): string | undefined {
  return times.length === 0 ? undefined : times.reduce((a, b) => (a > b ? a : b)).slice(0, 10);
}

function sortRows<T extends { timestamp: string; repo: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => a.repo.localeCompare(b.repo) || a.timestamp.localeCompare(b.timestamp));
}

/** Hourly rows of one name in several registries are summed per timestamp (registry-stats v1). */
function sumRowsByName(rows: readonly { timestamp: string; repo: string; pull_count: number }[]): { timestamp: string; repo: string; pull_count: number }[] {
  const sums = new Map<string, { timestamp: string; repo: string; pull_count: number }>();
  for (const row of rows) {
    const key = `${row.repo}\u0000${row.timestamp}`;
    const sum = sums.get(key);
    if (sum) sum.pull_count += row.pull_count;
    else sums.set(key, { timestamp: row.timestamp, repo: row.repo, pull_count: row.pull_count });
  }
  return sortRows([...sums.values()]);
}
