// Opens local mode's DATA_DIR (npm start, repos --local, collect): refuses one another process holds, and turns a damaged
// or full directory into one line that says what to do.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { RepoStore } from '../core/repo-commands.ts';
import { logger } from '../logger.ts';
import { DynamoRepoList } from '../stores/dynamodb/repo-table.ts';
import { documentClient } from '../stores/dynamodb/client.ts';
import { CounterStoreDamagedError } from './counter-journal.ts';
import { COUNTERS_DIR, LOCAL_TABLES, type LocalDynamo, startLocalDynamo } from './dynamo.ts';
import { checkLevelDbLogs } from './leveldb-log.ts';

/** Where startLocalDynamo keeps dynalite's LevelDB inside DATA_DIR. */
const LEVELDB_DIR = 'dynamodb';
/** Who holds DATA_DIR (`{pid, command, since}`), so another process can name it: LevelDB's lock says only that it is taken. */
const HOLDER_FILE = 'holder.json';

/** DATA_DIR cannot be used: the message names it, says why, and what to do. */
export class DataDirError extends Error {
  override readonly name: string = 'DataDirError';
  constructor(
    readonly dataDir: string,
    message: string,
  ) {
    super(message);
  }
}

/** Another process (a running `npm start`, a collection, the repos CLI) has DATA_DIR open. */
export class DataDirInUseError extends DataDirError {
  override readonly name = 'DataDirInUseError';
  constructor(dataDir: string, holder: string, advice: string) {
    super(dataDir, `DATA_DIR ${dataDir} is in use by ${holder}: ${advice}`);
  }
}

/** DATA_DIR holds no local store yet. */
export class NoLocalDataError extends Error {
  override readonly name = 'NoLocalDataError';
  constructor(readonly dataDir: string) {
    super(`no local data in ${dataDir} (DATA_DIR): nothing is tracked there yet; \`npm run repos -- --local add <ref>\` or \`npm start\` creates it`);
  }
}

export interface OpenDataDirOptions {
  /** Create DATA_DIR and its tables when missing (otherwise NoLocalDataError). */
  create: boolean;
  /** What to tell the user when another process holds the directory. */
  busyAdvice: string;
  /** The command opening it (`npm start`), named to whoever finds DATA_DIR taken while it runs. */
  command?: string;
}

/**
 * LevelDB allows one process per directory. dynalite opens it lazily and, when the lock is taken, fails later with an
 * uncaught iterator error; so the lock is tried first, with the LevelDB binding dynalite itself uses.
 */
export async function openLocalDynamo(dataDir: string, options: OpenDataDirOptions): Promise<LocalDynamo> {
  const levelDir = join(dataDir, LEVELDB_DIR);
  try {
    const warnings: string[] = [];
    if (!existsSync(levelDir)) {
      if (!options.create) throw new NoLocalDataError(dataDir);
      await mkdir(dataDir, { recursive: true });
    } else {
      // Before anything opens LevelDB: its recovery replays the log and drops a cut-off end without a word.
      warnings.push(...(await checkLevelDbLogs(levelDir)));
      if (await isLocked(levelDir)) throw new DataDirInUseError(dataDir, await holderOf(dataDir), options.busyAdvice);
    }
    const dynamo = await startLocalDynamo(dataDir);
    for (const warning of [...warnings, ...dynamo.warnings]) logger.warn(warning);
    const release = await recordHolder(dataDir, options.command ?? 'a pullwatch process');
    return {
      ...dynamo,
      async close() {
        await dynamo.close();
        await release();
      },
    };
  } catch (error) {
    throw dataDirError(dataDir, error);
  }
}

/**
 * A failure to open DATA_DIR as a DataDirError when the directory itself is at fault (full, damaged, not writable);
 * anything else is a bug and keeps its stack.
 */
function dataDirError(dataDir: string, error: unknown): unknown {
  if (error instanceof DataDirError || error instanceof NoLocalDataError) return error;
  const where = resolve(dataDir);
  if (error instanceof CounterStoreDamagedError) {
    return new DataDirError(dataDir, `DATA_DIR ${where} is damaged: the webhook's counters (${COUNTERS_DIR}/) ${error.message}; restore DATA_DIR from a backup, or move ${join(where, COUNTERS_DIR)} away to count afresh`);
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const text = `${String((error as Error).message)} ${String(cause?.message ?? '')}`;
  const code = String((error as NodeJS.ErrnoException).code ?? cause?.code ?? '');
  if (code === 'ENOSPC' || code === 'EDQUOT' || /no space left|quota exceeded/i.test(text)) {
    return new DataDirError(dataDir, `DATA_DIR ${where} is full (no space left on its disk): free some space there, or point DATA_DIR at another disk`);
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || /permission denied|read-only file system/i.test(text)) {
    return new DataDirError(dataDir, `DATA_DIR ${where} cannot be written (${/read-only/i.test(text) || code === 'EROFS' ? 'read-only file system' : 'permission denied'}): give this user write access to it, or point DATA_DIR elsewhere`);
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') return new DataDirError(dataDir, `DATA_DIR ${where} is not a directory: point DATA_DIR at a directory`);
  if (code === 'LEVEL_CORRUPTION' || /corruption/i.test(text)) {
    return new DataDirError(
      dataDir,
      `DATA_DIR ${where} is damaged: its store (${LEVELDB_DIR}/) does not read back (${String(cause?.message ?? (error as Error).message).slice(0, 160)}); restore DATA_DIR from a backup, or move it away to start afresh`,
    );
  }
  return error;
}

export async function openLocalRepoStore(dataDir: string, options: OpenDataDirOptions): Promise<RepoStore> {
  const dynamo = await openLocalDynamo(dataDir, options);
  return {
    repos: new DynamoRepoList(documentClient(dynamo.client), LOCAL_TABLES.repos),
    where: `local data in ${resolve(dataDir)}`,
    explain: () => undefined,
    close: () => dynamo.close(),
  };
}

interface Holder {
  pid: number;
  command: string;
  since: string;
}

/** Written once this process holds LevelDB's lock; removed at close unless another process holds DATA_DIR by then. */
async function recordHolder(dataDir: string, command: string): Promise<() => Promise<void>> {
  const path = join(dataDir, HOLDER_FILE);
  const holder: Holder = { pid: process.pid, command, since: new Date().toISOString() };
  await writeFile(path, `${JSON.stringify(holder)}\n`);
  return async () => {
    const current = await readHolder(dataDir);
    if (current?.pid === process.pid) await rm(path, { force: true });
  };
}

/** `npm start (pid 1234, since 2026-11-23T10:00:00Z)`, or `another process` when the holder left no name (or died). */
async function holderOf(dataDir: string): Promise<string> {
  const holder = await readHolder(dataDir);
  if (!holder || !isAlive(holder.pid)) return 'another process';
  return `${holder.command} (pid ${holder.pid}, since ${holder.since.replace(/\.\d+Z$/, 'Z')})`;
}

async function readHolder(dataDir: string): Promise<Holder | undefined> {
  try {
    const holder = JSON.parse(await readFile(join(dataDir, HOLDER_FILE), 'utf8')) as Partial<Holder>;
    return typeof holder.pid === 'number' && typeof holder.command === 'string' && typeof holder.since === 'string' ? (holder as Holder) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}
type LevelConstructor = new (location: string, options: { createIfMissing: boolean }) => LevelDatabase;

async function isLocked(levelDir: string): Promise<boolean> {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as { Level: LevelConstructor };
  const db = new Level(levelDir, { createIfMissing: false });
  try {
    await db.open();
    return false;
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') return true;
    throw error;
  } finally {
    await db.close();
  }
}
