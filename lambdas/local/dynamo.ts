// Local mode's DynamoDB: dynalite in this process, persisted under DATA_DIR, with pullwatch's tables created on first start.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { Env } from '../core/config.ts';
import { countersTableDefinition, reposTableDefinition, seriesTableDefinition } from '../stores/dynamodb/schema.ts';

export const LOCAL_TABLES = { repos: 'pullwatch-repos', series: 'pullwatch-series', counters: 'pullwatch-counters' } as const;

/** The store environment the stack gives the functions, pointed at local mode's tables. */
export function localStoreEnv(env: Env): Env {
  return {
    REPOS_TABLE: LOCAL_TABLES.repos,
    SERIES_STORE: 'dynamodb',
    SERIES_TABLE: LOCAL_TABLES.series,
    READ_MODEL_TABLE: LOCAL_TABLES.series,
    COUNTERS_TABLE: LOCAL_TABLES.counters,
    RETENTION_DAYS: env.RETENTION_DAYS,
  };
}

export interface LocalDynamo {
  client: DynamoDBClient;
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

  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames);
  const definitions = [reposTableDefinition(LOCAL_TABLES.repos), seriesTableDefinition(LOCAL_TABLES.series), countersTableDefinition(LOCAL_TABLES.counters)];
  for (const definition of definitions) {
    if (existing.has(definition.TableName!)) continue;
    await client.send(new CreateTableCommand(definition));
    await untilActive(client, definition.TableName!);
  }

  return {
    client,
    async close() {
      client.destroy();
      // dynalite's close callback fires once LevelDB has flushed and closed, not merely when the socket does.
      const closed = new Promise<void>((resolve, reject) => server.close((error?: Error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
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
