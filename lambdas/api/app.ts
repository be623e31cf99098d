// The query API as a Hono app: served by the api Lambda in AWS and by @hono/node-server locally.
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import type { RepoList, SeriesStore } from '../core/ports.ts';
import { logger } from '../logger.ts';

export interface ApiDeps {
  repos: Pick<RepoList, 'list'>;
  series: Pick<SeriesStore, 'latest'>;
  pollMinutes: number;
}

/** Upper bound on how stale a cached answer may be, whatever the poll interval. */
const MAX_CACHE_SECONDS = 300;

/** Answers change once per poll at most; CloudFront caches by this header, which bounds store queries. */
export function cacheSeconds(pollMinutes: number): number {
  return Math.max(1, Math.min(MAX_CACHE_SECONDS, Math.floor((pollMinutes * 60) / 4)));
}

export function createApiApp(deps: ApiDeps): Hono {
  const app = new Hono();
  const maxAge = cacheSeconds(deps.pollMinutes);

  app.use('/api/*', etag(), async (c, next) => {
    await next();
    if (c.req.method === 'GET' && c.res.status < 400) c.header('cache-control', `public, max-age=${maxAge}`);
    else c.header('cache-control', 'no-store');
  });

  app.get('/api/health', (c) => c.json({ status: 'ok' }));

  app.get('/api/summary', async (c) => {
    const latest = await deps.series.latest();
    const rows = latest
      .sort((a, b) => a.registry.localeCompare(b.registry) || a.repo.localeCompare(b.repo))
      .map((sample) => ({
        registry: sample.registry,
        name: sample.repo,
        pull_count: sample.pullCount,
        // Quay publishes daily counts of all repository actions, not a lifetime pull counter.
        measure: sample.measure ?? 'pulls',
        star_count: sample.starCount ?? null,
        last_updated: sample.lastUpdated ?? null,
        collected_at: sample.collectedAt,
      }));
    return c.json(rows);
  });

  app.get('/api/repos', async (c) => {
    const repos = await deps.repos.list();
    return c.json(
      repos.map((repo) => ({
        ref: repo.ref,
        enabled: repo.enabled,
        label: repo.label ?? null,
        last_success_at: repo.lastSuccessAt ?? null,
        last_error: repo.lastError ?? null,
      })),
    );
  });

  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    logger.error('request failed', { path: c.req.path, error });
    return c.json({ error: 'internal error; the server log has the details' }, 500);
  });
  return app;
}
