// Ingest one registry notification envelope: check every event, track each repository it names (up to a cap), and
// count each event once.
import { DEFAULTS } from './defaults.ts';
import type { RegistryCounters, RepoList } from './ports.ts';
import { type CountedEvent, type DecodedEnvelope, type EventKind, classifyEvent } from './registry-events.ts';

export interface IngestDeps {
  counters: Pick<RegistryCounters, 'record'>;
  tracked: TrackedRegistryRefs;
  /** Replaces the request host in refs (a registry reached through a proxy or several names). */
  registryName?: string;
}

export interface IngestResult {
  counted: Record<EventKind, number>;
  duplicates: number;
  ignored: number;
  /** Why events were ignored, each reason once (blob fetches, mounts). */
  ignoredReasons: string[];
  /** Events not counted because they break the grammar, or name a repository past the cap. */
  skipped: number;
  /** How many events were skipped for each reason. */
  skippedReasons: Record<string, number>;
  /** Set when the cap on tracked self-hosted repositories kept a new repository out: the cap. */
  repositoryLimit?: number;
}

/**
 * The self-hosted refs tracked, read from the repos table when a repository not seen yet arrives (at most once per
 * `maxAgeMs`), so that a registry (or whoever holds its token) can make at most `maxRepositories` tracked refs.
 */
export class TrackedRegistryRefs {
  private known = new Set<string>();
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly repos: Pick<RepoList, 'list' | 'add'>,
    readonly maxRepositories: number,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Tracks the refs not tracked yet while fewer than the cap are; returns the refs the cap kept out. */
  async track(refs: ReadonlySet<string>): Promise<Set<string>> {
    let unknown = [...refs].filter((ref) => !this.known.has(ref));
    if (unknown.length === 0) return new Set();
    if (this.now() - this.readAt > this.maxAgeMs) {
      this.known = new Set((await this.repos.list()).map((repo) => repo.ref));
      this.readAt = this.now();
      unknown = unknown.filter((ref) => !this.known.has(ref));
    }
    const room = Math.max(0, this.maxRepositories - [...this.known].filter((ref) => ref.startsWith('registry:')).length);
    const adding = unknown.slice(0, room);
    if (adding.length > 0) await this.repos.add(adding);
    for (const ref of adding) this.known.add(ref);
    return new Set(unknown.slice(room));
  }
}

export interface IngestSettings {
  registryName?: string;
  maxRepositories: number;
}

/** The webhook's `ingest`, as the Lambda handler and local mode both wire it: one tracked-ref cache per process. */
export function envelopeIngester(settings: IngestSettings, stores: { counters: Pick<RegistryCounters, 'record'>; repos: Pick<RepoList, 'list' | 'add'> }) {
  const tracked = new TrackedRegistryRefs(stores.repos, settings.maxRepositories, DEFAULTS.trackedRefsMaxAgeMs);
  const registryName = settings.registryName;
  return (envelope: DecodedEnvelope) => ingestEvents(envelope, { counters: stores.counters, tracked, ...(registryName && { registryName }) });
}

export async function ingestEvents(envelope: DecodedEnvelope, deps: IngestDeps): Promise<IngestResult> {
  const result: IngestResult = { counted: { pull: 0, version_check: 0, push: 0, delete: 0 }, duplicates: 0, ignored: 0, ignoredReasons: [], skipped: 0, skippedReasons: {} };
  const skip = (reason: string) => {
    result.skipped++;
    result.skippedReasons[reason] = (result.skippedReasons[reason] ?? 0) + 1;
  };
  const candidates: CountedEvent[] = [];
  for (const raw of envelope.events) {
    const classified = classifyEvent(raw, { lossy: envelope.lossy, ...(deps.registryName && { registryName: deps.registryName }) });
    if ('invalid' in classified) skip(classified.invalid);
    else if ('ignored' in classified) {
      result.ignored++;
      if (!result.ignoredReasons.includes(classified.ignored)) result.ignoredReasons.push(classified.ignored);
    } else candidates.push(classified.counted);
  }

  // Tracked before counted: a stop in between leaves a tracked ref whose events the redelivery counts.
  const refused = await deps.tracked.track(new Set(candidates.map((event) => event.ref)));
  if (refused.size > 0) result.repositoryLimit = deps.tracked.maxRepositories;
  const accepted = candidates.filter((event) => {
    if (!refused.has(event.ref)) return true;
    skip(`new repository past the limit of ${deps.tracked.maxRepositories} tracked self-hosted repositories`);
    return false;
  });

  const { counted, duplicates } = await deps.counters.record(accepted);
  for (const event of counted) result.counted[event.kind]++;
  result.duplicates = duplicates;
  return result;
}
