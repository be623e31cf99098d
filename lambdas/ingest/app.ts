// POST /api/ingest/registry: a self-hosted registry's notifications in, counted once each.
import { createHash, timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DEFAULTS } from '../core/defaults.ts';
import type { IngestResult } from '../core/ingest.ts';
import { type DecodedEnvelope, ENVELOPE_CONTENT_TYPES, EnvelopeError, TooManyEventsError, decodeEnvelope } from '../core/registry-events.ts';
import { logger } from '../logger.ts';
import { type HandlerMetrics, METRIC_NAMES } from '../metrics.ts';

export const INGEST_PATH = '/api/ingest/registry';
export const MAX_ENVELOPE_BYTES = 1024 * 1024;

export interface IngestAppDeps {
  ingest: (envelope: DecodedEnvelope) => Promise<IngestResult>;
  /** The bearer token the registry must send, or how to read it (the secret, re-read as it may rotate); undefined turns the endpoint off. */
  token: string | undefined | (() => Promise<string>);
  /** Events one envelope may carry (default DEFAULTS.ingestMaxEvents). */
  maxEvents?: number;
  metrics?: HandlerMetrics;
}

/** Compares digests, so neither the token's length nor its content leaks through timing. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}

/** The client may still be sending the body it was refused for: the connection goes with the answer. */
const tooLarge = (c: Context, error: string) => c.json({ error }, 413, { connection: 'close' });

export function createIngestApp(deps: IngestAppDeps): Hono {
  const app = new Hono();
  const maxEvents = deps.maxEvents ?? DEFAULTS.ingestMaxEvents;
  app.post(
    INGEST_PATH,
    async (c, next) => {
      c.header('cache-control', 'no-store');
      let token: string | undefined;
      try {
        token = typeof deps.token === 'function' ? await deps.token() : deps.token;
      } catch (error) {
        logger.error('the webhook token could not be read', { error });
        return c.json({ error: 'the webhook token could not be read; deliver the envelope again' }, 503);
      }
      if (!token) return c.json({ error: 'webhook ingest is off: set INGEST_TOKEN (locally) or deploy the stack, which makes a token secret' }, 503);
      if (!tokenMatches(c.req.header('authorization'), token)) return c.json({ error: 'missing or wrong bearer token' }, 401);
      await next();
    },
    bodyLimit({ maxSize: MAX_ENVELOPE_BYTES, onError: (c) => tooLarge(c, `envelope larger than ${MAX_ENVELOPE_BYTES} bytes`) }),
    async (c) => {
      const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(ENVELOPE_CONTENT_TYPES as readonly string[]).includes(contentType)) {
        return c.json({ error: `content type ${JSON.stringify(contentType.slice(0, 100))} is not one of ${ENVELOPE_CONTENT_TYPES.join(', ')}` }, 415);
      }
      let envelope: DecodedEnvelope;
      try {
        envelope = decodeEnvelope(new Uint8Array(await c.req.arrayBuffer()), maxEvents);
      } catch (error) {
        if (error instanceof TooManyEventsError) return tooLarge(c, error.message);
        if (error instanceof EnvelopeError) return c.json({ error: error.message }, 400);
        throw error;
      }
      let result: IngestResult;
      try {
        result = await deps.ingest(envelope);
      } catch (error) {
        // Only the stores can fail here (every event was checked first): the registry retries, and what was written
        // already counts nothing twice.
        logger.error('registry notifications could not be recorded', { error });
        return c.json({ error: 'the counters could not be written; deliver the envelope again' }, 503);
      }
      if (result.skipped > 0) logger.warn('registry events skipped', { skipped: result.skipped, reasons: result.skippedReasons });
      if (result.repositoryLimit !== undefined) {
        logger.warn(
          `webhook repository limit reached: ${result.repositoryLimit} self-hosted repositories are tracked, so events of new ones are skipped; ` +
            'raise INGEST_MAX_REPOSITORIES (locally) or -c ingestMaxRepositories, or remove refs you do not need',
        );
      }
      logger.info('registry notifications ingested', { ...result });
      const counted = Object.values(result.counted).reduce((sum, n) => sum + n, 0);
      deps.metrics?.count(METRIC_NAMES.webhookEventsCounted, counted);
      deps.metrics?.flush();
      return c.json(result);
    },
  );
  return app;
}
