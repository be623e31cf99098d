// Opens local mode's DATA_DIR for the command-line tools (repos --local, collect), refusing one a running `npm start` holds.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { RepoStore } from '../core/repo-commands.ts';
import { DynamoRepoList } from '../stores/dynamodb/repo-table.ts';
import { documentClient } from '../stores/dynamodb/client.ts';
import { LOCAL_TABLES, type LocalDynamo, startLocalDynamo } from './dynamo.ts';

/** Where startLocalDynamo keeps dynalite's LevelDB inside DATA_DIR. */
const LEVELDB_DIR = 'dynamodb';

/** Another process (a running `npm start`, or a collection) has DATA_DIR open. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    advice: string,
  ) {
    super(`local mode is running on this DATA_DIR (${dataDir}): its store is locked by another process; ${advice}`);
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
  /** What to tell the user when local mode holds the directory. */
  busyAdvice: string;
}

/**
 * LevelDB allows one process per directory. dynalite opens it lazily and, when the lock is taken, fails later with an
 * uncaught iterator error; so the lock is tried first, with the LevelDB binding dynalite itself uses.
 */
export async function openLocalDynamo(dataDir: string, options: OpenDataDirOptions): Promise<LocalDynamo> {
  const levelDir = join(dataDir, LEVELDB_DIR);
  if (!existsSync(levelDir)) {
    if (!options.create) throw new NoLocalDataError(dataDir);
    await mkdir(dataDir, { recursive: true });
  } else if (await isLocked(levelDir)) {
    throw new DataDirInUseError(dataDir, options.busyAdvice);
  }
  return startLocalDynamo(dataDir);
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
