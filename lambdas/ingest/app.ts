// POST /api/ingest/registry: a self-hosted registry's notifications in, counted once each.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { IngestResult } from '../core/ingest.ts';
import { ENVELOPE_CONTENT_TYPES, EnvelopeError, type RegistryEvent, parseEnvelope } from '../core/registry-events.ts';
import { logger } from '../logger.ts';
import { type HandlerMetrics, METRIC_NAMES } from '../metrics.ts';

export const INGEST_PATH = '/api/ingest/registry';
export const MAX_ENVELOPE_BYTES = 1024 * 1024;

export interface IngestAppDeps {
  ingest: (events: RegistryEvent[]) => Promise<IngestResult>;
  /** The bearer token the registry must send; undefined turns the endpoint off. */
  token: string | undefined;
  metrics?: HandlerMetrics;
}

/** Compares digests, so neither the token's length nor its content leaks through timing. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}

export function createIngestApp(deps: IngestAppDeps): Hono {
  const app = new Hono();
  app.post(
    INGEST_PATH,
    async (c, next) => {
      c.header('cache-control', 'no-store');
      if (!deps.token) return c.json({ error: 'webhook ingest is off: set INGEST_TOKEN (locally) or deploy the stack, which makes a token secret' }, 503);
      if (!tokenMatches(c.req.header('authorization'), deps.token)) return c.json({ error: 'missing or wrong bearer token' }, 401);
      await next();
    },
    bodyLimit({ maxSize: MAX_ENVELOPE_BYTES, onError: (c) => c.json({ error: `envelope larger than ${MAX_ENVELOPE_BYTES} bytes` }, 413) }),
    async (c) => {
      const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(ENVELOPE_CONTENT_TYPES as readonly string[]).includes(contentType)) {
        return c.json({ error: `content type ${JSON.stringify(contentType)} is not one of ${ENVELOPE_CONTENT_TYPES.join(', ')}` }, 415);
      }
      let events: RegistryEvent[];
      try {
        events = parseEnvelope(JSON.parse(await c.req.text()));
      } catch (error) {
        if (error instanceof SyntaxError) return c.json({ error: `body is not JSON: ${error.message}` }, 400);
        if (error instanceof EnvelopeError) return c.json({ error: error.message }, 400);
        throw error;
      }
      const result = await deps.ingest(events);
      logger.info('registry notifications ingested', { ...result });
      const counted = Object.values(result.counted).reduce((sum, n) => sum + n, 0);
      deps.metrics?.count(METRIC_NAMES.webhookEventsCounted, counted);
      deps.metrics?.flush();
      return c.json(result);
    },
  );
  return app;
}
