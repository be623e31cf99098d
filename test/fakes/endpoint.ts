// An Endpoint for source tests: a fake base URL, an unpaced pacer, a fixed clock unless overridden.
import { Pacer } from '../../lambdas/core/pacing.ts';
import type { Endpoint } from '../../lambdas/core/sources/context.ts';

export function testEndpoint(baseUrl: string, overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    baseUrl,
    http: { timeoutMs: 2_000, maxBytes: 2 * 1024 * 1024, userAgent: 'pullwatch-test' },
    now: () => new Date('2026-11-23T10:00:00Z'),
    pacer: new Pacer({ registry: 'test' }),
    ...overrides,
  };
}
