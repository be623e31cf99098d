// The Timestream series store, loaded on its first call: functions on the DynamoDB store never load the Timestream
// clients, and those on the Timestream store load them when they first read or write samples, not at cold start.
import type { SeriesStore } from '../../core/ports.ts';
import type { TimestreamTarget } from './series.ts';

/** `region`: the clients' region; absent, the SDK's own lookup (AWS_REGION in a function). */
export function lazyTimestreamSeriesStore(target: TimestreamTarget, region?: string): SeriesStore {
  const config = region ? { region } : {};
  let loading: Promise<SeriesStore> | undefined;
  const store = (): Promise<SeriesStore> =>
    (loading ??= (async () => {
      const [{ TimestreamSeriesStore }, { TimestreamWriteClient }, { TimestreamQueryClient }] = await Promise.all([
        import('./series.ts'),
        import('@aws-sdk/client-timestream-write'),
        import('@aws-sdk/client-timestream-query'),
      ]);
      return new TimestreamSeriesStore(new TimestreamWriteClient(config), new TimestreamQueryClient(config), target);
    })());
  return {
    write: async (samples) => (await store()).write(samples),
    latest: async () => (await store()).latest(),
    daily: async (fromDay, toDay, filter) => (await store()).daily(fromDay, toDay, filter),
    samples: async (from, to, filter) => (await store()).samples(from, to, filter),
    health: async () => (await store()).health(),
  };
}
