// In-memory RepoList, SeriesStore, ReadModel and RegistryCounters: the API's ports without a database, for fast
// fuzzing and the Grafana board's tests.
import type { Generation, ReadModel, RecordOutcome, RecordedError, RegistryCounters, RepoList, RepositoryCounts, SeriesStore, TagCount, TrackedRepo, WriteReport } from '../../lambdas/core/ports.ts';
import { type SeriesView, foldSamples } from '../../lambdas/core/read-model.ts';
import { addRepositoryDelta, addTagDelta, counterDeltas } from '../../lambdas/core/registry-counts.ts';
import type { CountedEvent } from '../../lambdas/core/registry-events.ts';
import { type Sample, type SeriesFilter, matchesFilter, seriesKey } from '../../lambdas/core/samples.ts';

export class MemorySeries implements SeriesStore {
  private readonly bySeries = new Map<string, Sample[]>();

  async write(samples: readonly Sample[]): Promise<void> {
    for (const sample of samples) {
      const list = this.bySeries.get(seriesKey(sample)) ?? [];
      list.push(sample);
      list.sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : 1));
      this.bySeries.set(seriesKey(sample), list);
    }
  }

  async latest(): Promise<Sample[]> {
    return this.series().map((samples) => samples.at(-1)!);
  }

  async daily(fromDay: string, toDay: string, filter?: SeriesFilter): Promise<Sample[]> {
    return this.series(filter).flatMap((samples) => {
      const lastOfDay = new Map<string, Sample>();
      for (const sample of samples) {
        const day = sample.collectedAt.slice(0, 10);
        // Quay's daily actions keep the highest count of the day, lifetime counters the last reading.
        const kept = lastOfDay.get(day);
        if (day >= fromDay && day <= toDay && !(sample.measure && kept && kept.pullCount > sample.pullCount)) lastOfDay.set(day, sample);
      }
      return [...lastOfDay.values()];
    });
  }

  async samples(from: string, to: string, filter?: SeriesFilter): Promise<Sample[]> {
    return this.series(filter).flatMap((samples) => samples.filter((sample) => !sample.measure && sample.collectedAt >= from && sample.collectedAt < to));
  }

  async health(): Promise<void> {}

  private series(filter?: SeriesFilter): Sample[][] {
    return [...this.bySeries.keys()]
      .sort()
      .map((key) => this.bySeries.get(key)!)
      .filter((samples) => matchesFilter(samples[0]!, filter));
  }
}

export class MemoryReadModel implements ReadModel {
  private readonly byKey = new Map<string, SeriesView>();
  private current: Generation = { value: 0 };

  async apply(samples: readonly Sample[]): Promise<WriteReport> {
    const drops: WriteReport['drops'] = [];
    const tagCountsDue: string[] = [];
    const groups = new Map<string, Sample[]>();
    for (const sample of samples) groups.set(seriesKey(sample), [...(groups.get(seriesKey(sample)) ?? []), sample]);
    for (const [key, group] of groups) {
      const folded = foldSamples(this.byKey.get(key), group);
      this.byKey.set(key, folded.view);
      if (folded.drop) drops.push(folded.drop);
      if (folded.tagCountDue) tagCountsDue.push(key);
    }
    return { drops, ...(tagCountsDue.length > 0 && { tagCountsDue }) };
  }

  async touch(): Promise<void> {
    this.current = { value: this.current.value + 1, writtenAt: new Date().toISOString() };
  }

  async generation(): Promise<Generation> {
    return this.current;
  }

  async views(): Promise<SeriesView[]> {
    return [...this.byKey.values()];
  }
}

/** A series store and its read model written together, as a collection writes them. */
export async function writeCollected(samples: readonly Sample[], series: MemorySeries, readModel: MemoryReadModel): Promise<void> {
  await series.write(samples);
  await readModel.apply(samples);
  await readModel.touch();
}

export class MemoryRepos implements RepoList {
  private readonly items = new Map<string, TrackedRepo>();

  async list(): Promise<TrackedRepo[]> {
    return [...this.items.values()].map((item) => ({ ...item }));
  }

  async add(refs: readonly string[]): Promise<string[]> {
    const added = refs.filter((ref) => !this.items.has(ref));
    for (const ref of added) this.items.set(ref, { ref, enabled: true });
    return added;
  }

  async recordSuccess(ref: string, at: string, warnings?: readonly string[]): Promise<void> {
    const item = this.items.get(ref);
    if (item) this.items.set(ref, { ref, enabled: item.enabled, ...(item.label && { label: item.label }), lastSuccessAt: at, ...(warnings?.length && { warnings: [...warnings] }) });
  }

  async recordError(ref: string, error: RecordedError): Promise<void> {
    const item = this.items.get(ref);
    if (item) item.lastError = error;
  }
}

export class MemoryCounters implements RegistryCounters {
  private readonly seen = new Set<string>();
  private readonly repos = new Map<string, RepositoryCounts>();
  private readonly tagCounts = new Map<string, Map<string, TagCount>>();

  async record(events: readonly CountedEvent[]): Promise<RecordOutcome> {
    const counted = events.filter((event) => !this.seen.has(event.id) && (this.seen.add(event.id), true));
    const { repositories, tags } = counterDeltas(counted);
    for (const delta of repositories) this.repos.set(delta.ref, addRepositoryDelta(this.repos.get(delta.ref), delta));
    for (const delta of tags) {
      const ofRepository = this.tagCounts.get(delta.ref) ?? new Map<string, TagCount>();
      this.tagCounts.set(delta.ref, ofRepository.set(delta.tag, addTagDelta(ofRepository.get(delta.tag), delta)));
    }
    return { counted, duplicates: events.length - counted.length };
  }

  async repository(ref: string): Promise<RepositoryCounts | undefined> {
    return this.repos.get(ref);
  }

  async tags(ref: string): Promise<TagCount[]> {
    return [...(this.tagCounts.get(ref)?.values() ?? [])];
  }
}
