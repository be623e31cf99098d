import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { DynamoRepoList } from '../../lambdas/stores/dynamodb/repo-table.ts';
import { startTestDynamo } from './dynalite.ts';

let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
let repos: DynamoRepoList;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
});
afterAll(() => dynamo.close());

const at = (hour: number) => new Date(Date.UTC(2026, 10, 23, hour)).toISOString();

describe('DynamoRepoList', () => {
  it('adds refs once and lists them, enabled by default', async () => {
    expect(await repos.add(['dockerhub:library/nginx', 'quay:a/b', 'dockerhub:library/nginx'])).toEqual(['dockerhub:library/nginx', 'quay:a/b']);
    expect(await repos.add(['quay:a/b'])).toEqual([]);
    expect(await repos.list()).toEqual([
      { ref: 'dockerhub:library/nginx', enabled: true },
      { ref: 'quay:a/b', enabled: true },
    ]);
  });

  it('reads items written by hand in the console, label and enabled=false included', async () => {
    await dynamo.doc.send(new PutCommand({ TableName: LOCAL_TABLES.repos, Item: { ref: 'ghcr:o/p', enabled: false, label: 'Our CLI' } }));
    expect((await repos.list()).find((repo) => repo.ref === 'ghcr:o/p')).toEqual({ ref: 'ghcr:o/p', enabled: false, label: 'Our CLI' });
  });

  it('keeps the last error until the next success clears it', async () => {
    const error = { kind: 'transient' as const, message: 'HTTP 503 (http://hub/)', at: at(1) };
    await repos.recordError('quay:a/b', error);
    expect((await repos.list()).find((repo) => repo.ref === 'quay:a/b')).toMatchObject({ lastError: error });
    await repos.recordSuccess('quay:a/b', at(2));
    const item = (await repos.list()).find((repo) => repo.ref === 'quay:a/b');
    expect(item).toEqual({ ref: 'quay:a/b', enabled: true, lastSuccessAt: at(2) });
  });

  it('does not resurrect a ref removed while it was being collected', async () => {
    await repos.recordSuccess('dockerhub:gone/repo', at(3));
    await repos.recordError('dockerhub:gone/repo', { kind: 'not_found', message: 'x', at: at(3) });
    expect((await repos.list()).map((repo) => repo.ref)).not.toContain('dockerhub:gone/repo');
  });
});
