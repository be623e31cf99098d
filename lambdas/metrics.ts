// CloudWatch metrics (EMF through Powertools) the Lambda handlers emit and the alarms watch. Few and without
// per-repository dimensions: every distinct metric and dimension set is billed (FACTS: cost traps).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const METRIC_NAMESPACE = 'pullwatch';
/** Powertools adds this as the `service` dimension of every metric. */
export const METRIC_SERVICE = 'pullwatch';

export const METRIC_NAMES = {
  refsDispatched: 'RefsDispatched',
  collectSucceeded: 'CollectSucceeded',
  collectFailed: 'CollectFailed',
  samplesWritten: 'SamplesWritten',
  pullCountDrops: 'PullCountDrops',
  webhookEventsCounted: 'WebhookEventsCounted',
  apiServerErrors: 'ApiServerErrors',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

/** What handlers need of a metrics sink; local mode passes none. */
export interface HandlerMetrics {
  count(name: MetricName, value: number): void;
  flush(): void;
}

export function createLambdaMetrics(): HandlerMetrics {
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRIC_SERVICE });
  return {
    count: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
    flush: () => metrics.publishStoredMetrics(),
  };
}
