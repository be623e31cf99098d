import { describe, expect, it } from 'vitest';
import { cacheSeconds, createApiApp } from '../../lambdas/api/app.ts';
import type { Sample } from '../../lambdas/core/samples.ts';

const samples: Sample[] = [
  { registry: 'quay', repo: 'ns/app', collectedAt: '2026-11-22T00:00:00.000Z', pullCount: 3, measure: 'daily_actions' },
  { registry: 'dockerhub', repo: 'library/nginx', collectedAt: '2026-11-23T10:00:00.000Z', pullCount: 10, starCount: 2 },
];

function app(latest: () => Promise<Sample[]> = async () => samples) {
  return createApiApp({ repos: { list: async () => [{ ref: 'nginx', enabled: true }] }, series: { latest }, pollMinutes: 60 });
}

describe('api app', () => {
  it('answers the summary sorted by registry and name, with snake_case fields', async () => {
    const response = await app().request('/api/summary');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      { registry: 'dockerhub', name: 'library/nginx', pull_count: 10, measure: 'pulls', star_count: 2, last_updated: null, collected_at: '2026-11-23T10:00:00.000Z' },
      { registry: 'quay', name: 'ns/app', pull_count: 3, measure: 'daily_actions', star_count: null, last_updated: null, collected_at: '2026-11-22T00:00:00.000Z' },
    ]);
  });

  it('sends Cache-Control tied to the poll interval and an ETag that revalidates', async () => {
    const first = await app().request('/api/summary');
    expect(first.headers.get('cache-control')).toBe(`public, max-age=${cacheSeconds(60)}`);
    const tag = first.headers.get('etag');
    expect(tag).toBeTruthy();
    const again = await app().request('/api/summary', { headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);
  });

  it('keeps cache lifetimes between a second and five minutes', () => {
    expect(cacheSeconds(60)).toBe(300);
    expect(cacheSeconds(1)).toBe(15);
    expect(cacheSeconds(0.001)).toBe(1);
  });

  it('answers unknown paths with a JSON 404 naming the route, uncached', async () => {
    const response = await app().request('/api/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: 'no route GET /api/nope' });
  });

  it('hides internal errors behind a JSON 500', async () => {
    const response = await app(async () => {
      throw new Error('secret detail');
    }).request('/api/summary');
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain('secret');
  });
});
