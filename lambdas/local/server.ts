// Local mode: the dispatch, collect and api handlers in one process, on dynalite, with the built dashboard.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import { createApiApp } from '../api/app.ts';
import { createCollectHandler } from '../collect/handler.ts';
import { ConfigError, type Env, ingestSettingsFromEnv, parseDuration, retentionDaysFromEnv, sourcesFromEnv } from '../core/config.ts';
import { DASHBOARD_HEADERS } from '../core/dashboard-headers.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { parseRefs, refString } from '../core/refs.ts';
import { collectFromSource, type Sources } from '../core/sources/index.ts';
import { SelfHostedSource } from '../core/sources/registry.ts';
import { createDispatchHandler, type DispatchResult } from '../dispatch/handler.ts';
import { logger } from '../logger.ts';
import { envelopeIngester } from '../core/ingest.ts';
import { createIngestApp } from '../ingest/app.ts';
import { documentClient } from '../stores/dynamodb/client.ts';
import { storesFromEnv } from '../stores/from-env.ts';
import { openLocalDynamo } from './data-dir.ts';
import { localStoreEnv } from './dynamo.ts';
import { InProcessQueue } from './queue.ts';

const DASHBOARD_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface LocalSettings {
  host: string;
  port: number;
  dataDir: string;
  /** 0: collect once at start. */
  pollMs: number;
  /** How long a failed queue message waits before redelivery (the visibility timeout's stand-in). */
  redeliveryMs: number;
  initialRefs: string[];
}

export interface LocalPullwatch {
  url: string;
  settings: LocalSettings;
  /** Runs one dispatch now; `idle()` tells when its collection has finished. */
  collect(): Promise<DispatchResult>;
  idle(): Promise<void>;
  readonly deadLettered: readonly string[];
  close(): Promise<void>;
}

export function localSettingsFromEnv(env: Env): LocalSettings {
  const port = Number(env.PORT ?? DEFAULTS.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`PORT=${env.PORT} is not a TCP port number`);
  const { refs, errors } = parseRefs((env.REPOS ?? '').split(',').filter((ref) => ref.trim() !== ''));
  if (errors.length > 0) throw new ConfigError(`REPOS: ${errors.map((error) => error.message).join('; ')}`);
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    dataDir: env.DATA_DIR ?? DEFAULTS.dataDir,
    pollMs: parseDuration('POLL_INTERVAL', env.POLL_INTERVAL ?? `${DEFAULTS.pollMinutes}m`),
    redeliveryMs: env.LOCAL_REDELIVERY ? parseDuration('LOCAL_REDELIVERY', env.LOCAL_REDELIVERY) : DEFAULTS.localRedeliveryMs,
    initialRefs: refs.map(refString),
  };
}

export async function startLocal(env: Env): Promise<LocalPullwatch> {
  const settings = localSettingsFromEnv(env);
  // Built before the store opens, so a bad upstream setting is reported without touching DATA_DIR.
  const upstreams = sourcesFromEnv(env);
  const ingestSettings = ingestSettingsFromEnv(env);
  const dynamo = await openLocalDynamo(settings.dataDir, { create: true, busyAdvice: 'stop that process (npm run collect, npm run repos) first' });

  const localEnv = localStoreEnv(env);
  const { repos, series, readModel } = storesFromEnv(localEnv, documentClient(dynamo.client));
  const counters = dynamo.counters;
  const sources: Sources = { ...upstreams, registry: new SelfHostedSource(counters, () => new Date()) };
  const added = await repos.add(settings.initialRefs);
  if (added.length > 0) logger.info('tracking refs from REPOS', { added });

  // The queue feeds the collect handler, which sends wildcard expansions and rate-limited refs back to it.
  const queue: InProcessQueue = new InProcessQueue({
    deliver: (event) => collectHandler(event),
    maxReceives: DEFAULTS.maxReceives,
    redeliveryMs: settings.redeliveryMs,
  });
  const collectHandler = createCollectHandler({
    collectFromSource: (ref) => collectFromSource(ref, sources),
    repos,
    series,
    readModel,
    queue,
    now: () => new Date(),
  });
  const dispatch = createDispatchHandler({ repos, queue });

  const pollMinutes = settings.pollMs > 0 ? settings.pollMs / 60_000 : DEFAULTS.pollMinutes;
  // The API app answers unknown paths with its JSON 404; the dashboard's files are tried before that.
  const app = createApiApp({ repos, series, readModel, counters, pollMinutes, retentionDays: retentionDaysFromEnv(env) });
  app.route('/', createIngestApp({ token: env.INGEST_TOKEN || undefined, ingest: envelopeIngester(ingestSettings, { counters, repos }) }));
  // The headers CloudFront adds to the dashboard (not to /api/*).
  app.use('/*', async (c, next) => {
    await next();
    if (!c.req.path.startsWith('/api/')) for (const [name, value] of Object.entries(DASHBOARD_HEADERS)) c.res.headers.set(name, value);
  });
  if (existsSync(DASHBOARD_DIR)) app.use('/*', serveStatic({ root: DASHBOARD_DIR }));
  else logger.warn('no built dashboard; run `npm run build:web`', { expected: DASHBOARD_DIR });

  const server = await listen(app, settings);
  const { port } = server.address() as AddressInfo;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}/`;

  let lastDispatch: Promise<unknown> = Promise.resolve();
  const collect = () => {
    const run = dispatch().catch((error: unknown) => {
      logger.error('dispatch failed', { error });
      throw error;
    });
    lastDispatch = run.catch(() => undefined);
    return run;
  };
  void collect().catch(() => undefined);
  const poller = settings.pollMs > 0 ? setInterval(() => void collect().catch(() => undefined), settings.pollMs) : undefined;

  return {
    url,
    settings,
    collect,
    async idle() {
      await lastDispatch;
      await queue.idle();
    },
    get deadLettered() {
      return queue.deadLettered;
    },
    async close() {
      clearInterval(poller);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
      await queue.close();
      await dynamo.close();
    },
  };
}

function listen(app: Hono, settings: LocalSettings): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, () => resolve(server));
    server.once('error', reject);
  });
}
