// The Timestream series store, loaded on its first call: functions on the DynamoDB store never load the Timestream
// clients, and those on the Timestream store load them when they first read or write samples, not at cold start.
import type { SeriesStore } from '../../core/ports.ts';
import type { TimestreamTarget } from './series.ts';

export function lazyTimestreamSeriesStore(target: TimestreamTarget): SeriesStore {
  let loading: Promise<SeriesStore> | undefined;
  const store = (): Promise<SeriesStore> =>
    (loading ??= (async () => {
      const [{ TimestreamSeriesStore }, { TimestreamWriteClient }, { TimestreamQueryClient }] = await Promise.all([
        import('./series.ts'),
        import('@aws-sdk/client-timestream-write'),
        import('@aws-sdk/client-timestream-query'),
      ]);
      return new TimestreamSeriesStore(new TimestreamWriteClient({}), new TimestreamQueryClient({}), target);
    })());
  return {
    write: async (samples) => (await store()).write(samples),
    latest: async () => (await store()).latest(),
    daily: async (fromDay, toDay, filter) => (await store()).daily(fromDay, toDay, filter),
    samples: async (from, to, filter) => (await store()).samples(from, to, filter),
    health: async () => (await store()).health(),
  };
}
