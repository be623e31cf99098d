// A SourceContext for tests: every registry at one fake base URL, no pacing, a fixed clock unless overridden.
import { Pacer } from '../../lambdas/core/pacing.ts';
import { RateBudget } from '../../lambdas/core/rate-budget.ts';
import type { SourceContext } from '../../lambdas/core/sources/context.ts';

export function testSourceContext(baseUrl: string, overrides: Partial<SourceContext> = {}): SourceContext {
  return {
    urls: { dockerhub: baseUrl, ghcr: baseUrl, quay: baseUrl },
    http: { timeoutMs: 2_000, maxBytes: 2 * 1024 * 1024, userAgent: 'pullwatch-test' },
    now: () => new Date('2026-11-23T10:00:00Z'),
    ghcrPacer: new Pacer(0),
    dockerhubBudget: new RateBudget(),
    ...overrides,
  };
}
