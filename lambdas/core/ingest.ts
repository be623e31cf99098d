// Ingest one registry notification envelope: count each event once, and track each repository it names.
import type { RegistryCounters, RepoList } from './ports.ts';
import { type EventKind, type RegistryEvent, classifyEvent } from './registry-events.ts';
import { refString, tryParseRef } from './refs.ts';

export interface IngestDeps {
  counters: Pick<RegistryCounters, 'record'>;
  repos: Pick<RepoList, 'add'>;
  /** Replaces the request host in refs (a registry reached through a proxy or several names). */
  registryName?: string;
  /** Refs known to be tracked already, kept across envelopes so each is added once per process. */
  trackedRefs: Set<string>;
}

export interface IngestResult {
  counted: Record<EventKind, number>;
  duplicates: number;
  ignored: number;
  /** Why events were ignored, each reason once (blob fetches, mounts, events without a repository). */
  ignoredReasons: string[];
}

export async function ingestEvents(events: readonly RegistryEvent[], deps: IngestDeps): Promise<IngestResult> {
  const result: IngestResult = { counted: { pull: 0, version_check: 0, push: 0, delete: 0 }, duplicates: 0, ignored: 0, ignoredReasons: [] };
  const ignore = (reason: string) => {
    result.ignored++;
    if (!result.ignoredReasons.includes(reason)) result.ignoredReasons.push(reason);
  };
  const newRefs = new Set<string>();

  await Promise.all(
    events.map(async (event) => {
      const classified = classifyEvent(event, deps.registryName);
      if ('ignored' in classified) return ignore(classified.ignored);
      const parsed = tryParseRef(classified.counted.ref);
      if (!parsed.ok) return ignore(parsed.error.message);
      const counted = { ...classified.counted, ref: refString(parsed.ref) };
      if (!(await deps.counters.record(counted))) {
        result.duplicates++;
        return;
      }
      result.counted[counted.kind]++;
      if (!deps.trackedRefs.has(counted.ref)) newRefs.add(counted.ref);
    }),
  );

  if (newRefs.size > 0) {
    await deps.repos.add([...newRefs]);
    for (const ref of newRefs) deps.trackedRefs.add(ref);
  }
  return result;
}
