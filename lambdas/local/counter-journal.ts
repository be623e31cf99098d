// Local mode's webhook counters: held in memory, made durable by a journal in DATA_DIR/counters (one appended record
// per envelope is the commit point: ids and counts together) that is folded into a snapshot from time to time.
// dynalite has no transactions (FACTS); a single append gives the same all-or-nothing an AWS transaction does.
import { crc32 } from 'node:zlib';
import { type FileHandle, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULTS } from '../core/defaults.ts';
import { DAY_MS } from '../core/days.ts';
import type { RecordOutcome, RegistryCounters, RepositoryCounts, TagCount } from '../core/ports.ts';
import { addRepositoryDelta, addTagDelta, counterDeltas } from '../core/registry-counts.ts';
import type { CountedEvent } from '../core/registry-events.ts';
import { logger } from '../logger.ts';

/** The writes the journal makes, in the order a compaction makes them; `append` is the one per envelope. */
export type JournalWrite = 'append' | 'snapshot' | 'rename' | 'truncate';

export interface JournalHooks {
  /** Called before each write: fault tests stop the writer here. */
  beforeWrite?: (write: JournalWrite) => void | Promise<void>;
}

/** What the counters hold: every id seen in the last 8 days (with when it arrived) and the counts. */
export interface CounterState {
  ids: Map<string, number>;
  repositories: Map<string, RepositoryCounts>;
  tags: Map<string, Map<string, TagCount>>;
}

export interface JournalOptions {
  now?: () => number;
  hooks?: JournalHooks;
  /** Fold the journal into the snapshot once it is this long. */
  maxJournalBytes?: number;
  /** Counts kept elsewhere before this journal existed, read once when the directory is new. */
  importFrom?: () => Promise<CounterState | undefined>;
}

/** A journal record or snapshot that cannot be read: the directory is damaged, not merely cut short. */
export class CounterStoreDamagedError extends Error {
  override readonly name = 'CounterStoreDamagedError';
}

interface JournalRecord {
  seq: number;
  /** When it was written (epoch ms): how long its ids are kept. */
  at: number;
  events: CountedEvent[];
}

interface Snapshot {
  /** The last journal record it includes: a crash between writing it and emptying the journal replays nothing twice. */
  journalSeq: number;
  ids: [string, number][];
  repositories: RepositoryCounts[];
  tags: [string, TagCount[]][];
}

const JOURNAL = 'journal';
const SNAPSHOT = 'snapshot';

export class JournalCounters implements RegistryCounters {
  private queue: Promise<unknown> = Promise.resolve();
  private broken: Error | undefined;
  private compactAt: number;

  private constructor(
    private readonly dir: string,
    private readonly state: CounterState,
    private readonly journal: FileHandle,
    private journalBytes: number,
    private nextSeq: number,
    private readonly options: Required<Pick<JournalOptions, 'now' | 'hooks' | 'maxJournalBytes'>>,
  ) {
    this.compactAt = options.maxJournalBytes;
  }

  /**
   * Reads the snapshot and replays the journal after it. A journal that ends in a partial record (a write cut short)
   * loses only that record, which was never acknowledged: it is cut off and named in `warnings`. A record that does
   * not read back before other whole ones throws CounterStoreDamagedError.
   */
  static async open(dir: string, options: JournalOptions = {}): Promise<{ counters: JournalCounters; warnings: string[] }> {
    const settings = { now: options.now ?? Date.now, hooks: options.hooks ?? {}, maxJournalBytes: options.maxJournalBytes ?? DEFAULTS.counterJournalMaxBytes };
    await mkdir(dir, { recursive: true });
    await rm(join(dir, `${SNAPSHOT}.tmp`), { force: true });
    const journalPath = join(dir, JOURNAL);
    const snapshotBytes = await readIfExists(join(dir, SNAPSHOT));
    const journalBytes = await readIfExists(journalPath);

    let state: CounterState = { ids: new Map(), repositories: new Map(), tags: new Map() };
    let journalSeq = 0;
    if (snapshotBytes) {
      const { records, tail } = readRecords(snapshotBytes);
      if (records.length !== 1 || tail > 0) throw new CounterStoreDamagedError(`${join(dir, SNAPSHOT)} does not read back (a bad checksum or a cut-off file)`);
      const snapshot = records[0] as Snapshot;
      state = { ids: new Map(snapshot.ids), repositories: new Map(snapshot.repositories.map((one) => [one.ref, one])), tags: new Map(snapshot.tags.map(([ref, tags]) => [ref, new Map(tags.map((tag) => [tag.tag, tag]))])) };
      journalSeq = snapshot.journalSeq;
    } else if (!journalBytes) {
      state = (await options.importFrom?.()) ?? state;
    }

    const warnings: string[] = [];
    let validBytes = 0;
    let lastSeq = journalSeq;
    if (journalBytes) {
      const { records, valid, tail } = readRecords(journalBytes);
      for (const record of records as JournalRecord[]) {
        if (record.seq <= journalSeq) continue;
        applyRecord(state, record);
        lastSeq = record.seq;
      }
      validBytes = valid;
      if (tail > 0) {
        warnings.push(
          `counters journal ${journalPath} ended in ${tail} bytes that are not a whole record (a write cut short by a crash or a full disk); ` +
            'they were dropped: those events were never acknowledged, so the registry delivers them again',
        );
      }
    }

    const journal = await open(journalPath, 'a');
    if (journalBytes && validBytes < journalBytes.length) {
      await settings.hooks.beforeWrite?.('truncate');
      await journal.truncate(validBytes);
      await journal.sync();
    }
    await syncDirectory(dir);
    const counters = new JournalCounters(dir, state, journal, validBytes, lastSeq + 1, settings);
    if (!snapshotBytes && !journalBytes && state.repositories.size > 0) await counters.exclusive(() => counters.compact());
    return { counters, warnings };
  }

  record(events: readonly CountedEvent[]): Promise<RecordOutcome> {
    return this.exclusive(async () => {
      if (this.broken) throw new Error(`the counters journal in ${this.dir} is unusable since a failed write (${this.broken.message}); restart pullwatch`);
      const fresh = new Map<string, CountedEvent>();
      for (const event of events) if (!this.state.ids.has(event.id) && !fresh.has(event.id)) fresh.set(event.id, event);
      const duplicates = events.length - fresh.size;
      if (fresh.size === 0) return { counted: [], duplicates };
      const record: JournalRecord = { seq: this.nextSeq, at: this.options.now(), events: [...fresh.values()] };
      await this.append(encodeRecord(record));
      this.nextSeq++;
      applyRecord(this.state, record);
      if (this.journalBytes >= this.compactAt) await this.compactOrPostpone();
      return { counted: record.events, duplicates };
    });
  }

  async repository(ref: string): Promise<RepositoryCounts | undefined> {
    const counts = this.state.repositories.get(ref);
    return counts && { ...counts, pushers: [...counts.pushers] };
  }

  async tags(ref: string): Promise<TagCount[]> {
    return [...(this.state.tags.get(ref)?.values() ?? [])].map((tag) => ({ ...tag }));
  }

  /** Folds the journal into the snapshot, then closes the journal. */
  close(): Promise<void> {
    return this.exclusive(async () => {
      if (this.journalBytes > 0 && !this.broken) await this.compactOrPostpone();
      await this.journal.close();
    });
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Appends and syncs one record; a failed append is cut back off, or the journal refuses further writes. */
  private async append(line: Buffer): Promise<void> {
    try {
      await this.options.hooks.beforeWrite?.('append');
      await this.journal.write(line);
      await this.journal.datasync();
      this.journalBytes += line.length;
    } catch (error) {
      await this.journal.truncate(this.journalBytes).catch((truncateError: unknown) => {
        this.broken = truncateError as Error;
      });
      throw error;
    }
  }

  /** The envelope is committed already: a failed compaction is logged and tried again once the journal has grown more. */
  private async compactOrPostpone(): Promise<void> {
    try {
      await this.compact();
      this.compactAt = this.options.maxJournalBytes;
    } catch (error) {
      this.compactAt = this.journalBytes + this.options.maxJournalBytes;
      logger.error('could not fold the counters journal into its snapshot; will try again', { dir: this.dir, error });
    }
  }

  private async compact(): Promise<void> {
    const { hooks, now } = this.options;
    const cutoff = now() - DEFAULTS.eventIdRetentionDays * DAY_MS;
    for (const [id, at] of this.state.ids) if (at < cutoff) this.state.ids.delete(id);
    const snapshot: Snapshot = {
      journalSeq: this.nextSeq - 1,
      ids: [...this.state.ids],
      repositories: [...this.state.repositories.values()],
      tags: [...this.state.tags].map(([ref, tags]) => [ref, [...tags.values()]]),
    };
    const temporary = join(this.dir, `${SNAPSHOT}.tmp`);
    await hooks.beforeWrite?.('snapshot');
    const file = await open(temporary, 'w');
    try {
      await file.write(encodeRecord(snapshot));
      await file.sync();
    } finally {
      await file.close();
    }
    await hooks.beforeWrite?.('rename');
    await rename(temporary, join(this.dir, SNAPSHOT));
    await syncDirectory(this.dir);
    await hooks.beforeWrite?.('truncate');
    await this.journal.truncate(0);
    await this.journal.sync();
    this.journalBytes = 0;
  }
}

function applyRecord(state: CounterState, record: JournalRecord): void {
  for (const event of record.events) state.ids.set(event.id, record.at);
  const { repositories, tags } = counterDeltas(record.events);
  for (const delta of repositories) state.repositories.set(delta.ref, addRepositoryDelta(state.repositories.get(delta.ref), delta));
  for (const delta of tags) {
    const ofRepository = state.tags.get(delta.ref) ?? new Map<string, TagCount>();
    ofRepository.set(delta.tag, addTagDelta(ofRepository.get(delta.tag), delta));
    state.tags.set(delta.ref, ofRepository);
  }
}

/** One record per line: its CRC-32 in hex, a space, its JSON (which never holds a raw line feed). */
function encodeRecord(value: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(value));
  return Buffer.concat([Buffer.from(`${crc32(json).toString(16).padStart(8, '0')} `), json, Buffer.from('\n')]);
}

/**
 * The whole records at the start of `bytes`, how many bytes they take, and how many follow them (`tail`): a record cut
 * short, or nothing. A bad record followed by good ones is damage, not a cut-off write.
 */
function readRecords(bytes: Buffer): { records: unknown[]; valid: number; tail: number } {
  const records: unknown[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const end = bytes.indexOf(0x0a, offset);
    const value = end < 0 ? undefined : decodeRecord(bytes.subarray(offset, end));
    if (value === undefined) {
      const rest = bytes.subarray(end < 0 ? bytes.length : end + 1);
      if (rest.length > 0 && hasWholeRecord(rest)) throw new CounterStoreDamagedError(`a record at byte ${offset} does not read back, and whole records follow it`);
      return { records, valid: offset, tail: bytes.length - offset };
    }
    records.push(value);
    offset = end + 1;
  }
  return { records, valid: offset, tail: 0 };
}

function hasWholeRecord(bytes: Buffer): boolean {
  let offset = 0;
  for (let end = bytes.indexOf(0x0a); end >= 0; offset = end + 1, end = bytes.indexOf(0x0a, offset)) {
    if (decodeRecord(bytes.subarray(offset, end)) !== undefined) return true;
  }
  return false;
}

function decodeRecord(line: Buffer): unknown {
  if (line.length < 10 || line[8] !== 0x20) return undefined;
  const json = line.subarray(9);
  if (line.subarray(0, 8).toString('latin1') !== crc32(json).toString(16).padStart(8, '0')) return undefined;
  try {
    return JSON.parse(json.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    const bytes = await readFile(path);
    return bytes.length > 0 ? bytes : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A rename or a new file lasts a power cut only once its directory is synced too. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
