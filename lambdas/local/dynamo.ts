// Local mode's stores: dynalite in this process, persisted under DATA_DIR, with pullwatch's tables created on first
// start, and the webhook's counters in their journal beside it (counter-journal.ts).
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, type CreateTableCommandInput, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { Env } from '../core/config.ts';
import { DEFAULTS } from '../core/defaults.ts';
import type { TagCount } from '../core/ports.ts';
import { documentClient } from '../stores/dynamodb/client.ts';
import { repositoryFromItem, tagFromItem } from '../stores/dynamodb/counters-table.ts';
import { COUNTERS_TTL_ATTRIBUTE, reposTableDefinition, seriesTableDefinition } from '../stores/dynamodb/schema.ts';
import { type CounterState, JournalCounters } from './counter-journal.ts';

/** `counters`: where local mode kept the webhook's counts before they had a journal; imported once, never written. */
export const LOCAL_TABLES = { repos: 'pullwatch-repos', series: 'pullwatch-series', counters: 'pullwatch-counters' } as const;
/** The counters' journal and snapshot, inside DATA_DIR. */
export const COUNTERS_DIR = 'counters';

/** The store environment the stack gives the functions, pointed at local mode's tables. */
export function localStoreEnv(env: Env): Env {
  return {
    REPOS_TABLE: LOCAL_TABLES.repos,
    SERIES_STORE: 'dynamodb',
    SERIES_TABLE: LOCAL_TABLES.series,
    READ_MODEL_TABLE: LOCAL_TABLES.series,
    RETENTION_DAYS: env.RETENTION_DAYS,
  };
}

export interface LocalDynamo {
  client: DynamoDBClient;
  /** The webhook's counters (dynalite has no transactions: see counter-journal.ts). */
  counters: JournalCounters;
  /** What start-up found wrong but could carry on with (a journal cut short). */
  warnings: string[];
  close(): Promise<void>;
}

export async function startLocalDynamo(dataDir: string): Promise<LocalDynamo> {
  const server = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

  const stopDynalite = async () => {
    client.destroy();
    // dynalite's close callback fires once LevelDB has flushed and closed, not merely when the socket does.
    const closed = new Promise<void>((resolve, reject) => server.close((error?: Error) => (error ? reject(error) : resolve())));
    server.closeAllConnections();
    await closed;
  };

  let opened: Awaited<ReturnType<typeof JournalCounters.open>>;
  try {
    const existing = await ensureTables(client, [reposTableDefinition(LOCAL_TABLES.repos), seriesTableDefinition(LOCAL_TABLES.series)]);
    const hadCountersTable = existing.has(LOCAL_TABLES.counters);
    opened = await JournalCounters.open(join(dataDir, COUNTERS_DIR), { ...(hadCountersTable && { importFrom: () => countersTableState(client) }) });
  } catch (error) {
    await stopDynalite();
    throw error;
  }

  return {
    client,
    counters: opened.counters,
    warnings: opened.warnings,
    async close() {
      await opened.counters.close();
      await stopDynalite();
    },
  };
}

/** Creates the tables dynalite does not have yet, and waits until each takes writes. */
/** Creates the tables that are missing; returns the names of those that existed before. */
export async function ensureTables(client: DynamoDBClient, definitions: readonly CreateTableCommandInput[]): Promise<Set<string>> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames);
  for (const definition of definitions) {
    if (existing.has(definition.TableName!)) continue;
    await client.send(new CreateTableCommand(definition));
    await untilActive(client, definition.TableName!);
  }
  return existing;
}

/** dynalite answers CreateTable while the table is still CREATING, and refuses writes until a timer marks it ACTIVE. */
async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (attempt >= 200) throw new Error(`dynalite table ${tableName} is still ${Table?.TableStatus} after 200 checks`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The counts an older local mode kept in its dynalite counters table (key design in schema.ts), for the journal to start from. */
async function countersTableState(client: DynamoDBClient): Promise<CounterState | undefined> {
  const state: CounterState = { ids: new Map(), repositories: new Map(), tags: new Map() };
  for await (const page of paginateScan({ client: documentClient(client) }, { TableName: LOCAL_TABLES.counters })) {
    for (const item of page.Items ?? []) {
      const [pk, sk] = [String(item.pk), String(item.sk)];
      const ref = pk.slice('repo#'.length);
      if (pk.startsWith('event#')) state.ids.set(pk.slice('event#'.length), (Number(item[COUNTERS_TTL_ATTRIBUTE]) - DEFAULTS.eventIdRetentionDays * 86_400) * 1000);
      else if (pk.startsWith('repo#') && sk === 'total') state.repositories.set(ref, repositoryFromItem(ref, item));
      else if (pk.startsWith('repo#') && sk.startsWith('tag#')) {
        const tag = tagFromItem(item);
        state.tags.set(ref, (state.tags.get(ref) ?? new Map<string, TagCount>()).set(tag.tag, tag));
      }
    }
  }
  return state.repositories.size > 0 ? state : undefined;
}
