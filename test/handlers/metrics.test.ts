import { afterEach, describe, expect, it, vi } from 'vitest';
import { METRIC_NAMES, createLambdaMetrics } from '../../lambdas/metrics.ts';

afterEach(() => vi.restoreAllMocks());

describe('Lambda metrics', () => {
  it('publishes EMF under the pullwatch namespace with the service as its only dimension', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    const metrics = createLambdaMetrics();
    metrics.count(METRIC_NAMES.collectSucceeded, 3);
    metrics.flush();
    const emf = lines.map((line) => line.trim()).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    const metadata = (emf[0]!._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]!;
    expect(metadata.Namespace).toBe('pullwatch');
    expect(metadata.Dimensions).toEqual([['service']]);
    expect(metadata.Metrics.map((metric) => metric.Name)).toEqual(['CollectSucceeded']);
    expect(emf[0]!.CollectSucceeded).toBe(3);
  });
});
