// Local mode's HTTP side: the api and ingest apps and the built dashboard served over the wiring `npm run collect` shares
// (wiring.ts), with the poll timer.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import { createApiApp } from '../api/app.ts';
import { type Env, ingestSettingsFromEnv, retentionDaysFromEnv } from '../core/config.ts';
import { DASHBOARD_HEADERS } from '../core/dashboard-headers.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { type IngestSettings, envelopeIngester } from '../core/ingest.ts';
import type { DispatchResult } from '../dispatch/handler.ts';
import { createIngestApp } from '../ingest/app.ts';
import { logger } from '../logger.ts';
import { type LocalSettings, type LocalWiring, openLocalPullwatch } from './wiring.ts';

const DASHBOARD_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface LocalPullwatch {
  url: string;
  settings: LocalSettings;
  /** Refs REPOS added to the tracked list. */
  added: string[];
  /** Runs one dispatch now; `idle()` tells when its collection has finished. */
  collect(): Promise<DispatchResult>;
  idle(): Promise<void>;
  readonly deadLettered: readonly string[];
  /** The refs whose collection is under way: what `close()` waits for. */
  readonly collecting: readonly string[];
  close(): Promise<void>;
}

/** The address cannot be listened on: the port is taken, or HOST is not an address of this machine. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    message: string,
    /** A setting is wrong (HOST), rather than the machine's state (a port in use). */
    readonly badSetting: boolean,
  ) {
    super(message);
  }
}

export interface StartLocalOptions {
  /**
   * Runs once DATA_DIR is held and the port is bound, so neither is found taken after a build: `npm start` builds the
   * dashboard's files here. The startup line comes after it.
   */
  prepareDashboard?: () => Promise<void>;
}

export async function startLocal(env: Env, options: StartLocalOptions = {}): Promise<LocalPullwatch> {
  const ingestSettings = ingestSettingsFromEnv(env);
  const retentionDays = retentionDaysFromEnv(env);
  const local = await openLocalPullwatch(env, { command: 'npm start', busyAdvice: 'stop it first, or point DATA_DIR elsewhere' });
  try {
    return await serveLocal(env, local, { ingestSettings, retentionDays, ...options });
  } catch (error) {
    await local.close();
    throw error;
  }
}

async function serveLocal(
  env: Env,
  local: LocalWiring,
  { ingestSettings, retentionDays, prepareDashboard }: { ingestSettings: IngestSettings; retentionDays: number } & StartLocalOptions,
): Promise<LocalPullwatch> {
  const { settings, repos, series, readModel, counters, queue, dispatch } = local;

  const pollMinutes = settings.pollMs > 0 ? settings.pollMs / 60_000 : DEFAULTS.pollMinutes;
  // The API app answers unknown paths with its JSON 404; the dashboard's files are tried before that.
  const app = createApiApp({ repos, series, readModel, counters, pollMinutes, retentionDays, mode: 'local' });
  app.route('/', createIngestApp({ token: env.INGEST_TOKEN || undefined, ingest: envelopeIngester(ingestSettings, { counters, repos }) }));
  // The headers CloudFront adds to the dashboard (not to /api/*).
  app.use('/*', async (c, next) => {
    await next();
    if (!c.req.path.startsWith('/api/')) for (const [name, value] of Object.entries(DASHBOARD_HEADERS)) c.res.headers.set(name, value);
  });
  // Files missing from the directory (all of them, before a build) fall through to the API's 404.
  app.use('/*', serveStatic({ root: DASHBOARD_DIR }));

  const server = await listen(app, settings);
  try {
    await prepareDashboard?.();
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  if (!existsSync(DASHBOARD_DIR)) logger.warn('no built dashboard; run `npm run build:web`', { expected: DASHBOARD_DIR });
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
    added: local.added,
    collect,
    async idle() {
      await lastDispatch;
      await queue.idle();
    },
    get deadLettered() {
      return queue.deadLettered;
    },
    get collecting() {
      return queue.inFlightRefs;
    },
    async close() {
      clearInterval(poller);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
      await local.close();
    },
  };
}

function listen(app: Hono, settings: LocalSettings): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, settings)));
  });
}

function listenError(error: NodeJS.ErrnoException, { host, port }: LocalSettings): Error {
  if (error.code === 'EADDRINUSE') return new ListenError(`port ${port} on ${host} is in use by another program: stop it, or set PORT to a free port (PORT=0 picks one)`, false);
  if (error.code === 'EACCES') return new ListenError(`port ${port} on ${host} needs privileges this user lacks: set PORT above 1023`, false);
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return new ListenError(`HOST=${host} does not resolve to an address: set HOST to an IP address (127.0.0.1, 0.0.0.0) or a known host name`, true);
  if (error.code === 'EADDRNOTAVAIL') return new ListenError(`HOST=${host} is not an address of this machine: set HOST to 127.0.0.1, 0.0.0.0 or one of its addresses`, true);
  return error;
}
