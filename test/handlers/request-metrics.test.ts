import { describe, expect, it } from 'vitest';
import { createApiApp } from '../../lambdas/api/app.ts';
import { INGEST_PATH, createIngestApp } from '../../lambdas/ingest/app.ts';
import type { HandlerMetrics } from '../../lambdas/metrics.ts';

function recorder(): HandlerMetrics & { counted: [string, number][]; flushes: number } {
  const sink = {
    counted: [] as [string, number][],
    flushes: 0,
    count: (name: string, value: number) => void sink.counted.push([name, value]),
    flush: () => void sink.flushes++,
  };
  return sink;
}

describe('request metrics', () => {
  it('counts the API answers that failed on the server', async () => {
    const metrics = recorder();
    const app = createApiApp({
      repos: { list: async () => [] },
      series: { daily: async () => [], samples: async () => [], health: async () => undefined },
      readModel: {
        generation: async () => ({ value: 1 }),
        views: async () => {
          throw new Error('store down');
        },
      },
      pollMinutes: 60,
      metrics,
    });
    expect((await app.request('/api/summary')).status).toBe(500);
    expect((await app.request('/api/summary?registry=nope')).status).toBe(400);
    expect(metrics.counted).toEqual([['ApiServerErrors', 1]]);
    expect(metrics.flushes).toBe(1);
  });

  it('counts the webhook events counted, not the ignored, skipped or duplicate ones', async () => {
    const metrics = recorder();
    const app = createIngestApp({
      token: 't',
      ingest: async () => ({ counted: { pull: 3, version_check: 1, push: 1, delete: 0 }, duplicates: 2, ignored: 4, ignoredReasons: [], skipped: 1, skippedReasons: { 'target.tag is not a tag': 1 } }),
      metrics,
    });
    const response = await app.request(INGEST_PATH, { method: 'POST', body: '{"events":[]}', headers: { authorization: 'Bearer t', 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    expect(metrics.counted).toEqual([['WebhookEventsCounted', 5]]);
  });
});
