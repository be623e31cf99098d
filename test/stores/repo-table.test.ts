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

describe('DynamoRepoList: enabling, disabling and removing refs', () => {
  const find = async (ref: string) => (await repos.list()).find((repo) => repo.ref === ref);

  it('pauses and resumes a tracked ref, keeping its label and last outcome', async () => {
    await dynamo.doc.send(new PutCommand({ TableName: LOCAL_TABLES.repos, Item: { ref: 'quay:toggle/me', label: 'Toggle', last_success_at: at(4) } }));
    expect(await repos.setEnabled('quay:toggle/me', false)).toBe(true);
    expect(await find('quay:toggle/me')).toEqual({ ref: 'quay:toggle/me', enabled: false, label: 'Toggle', lastSuccessAt: at(4) });
    expect(await repos.setEnabled('quay:toggle/me', true)).toBe(true);
    expect(await find('quay:toggle/me')).toEqual({ ref: 'quay:toggle/me', enabled: true, label: 'Toggle', lastSuccessAt: at(4) });
  });

  it('turns a console-written enabled="false" into a boolean', async () => {
    await dynamo.doc.send(new PutCommand({ TableName: LOCAL_TABLES.repos, Item: { ref: 'quay:string/flag', enabled: 'false' } }));
    expect(await repos.setEnabled('quay:string/flag', true)).toBe(true);
    expect(await find('quay:string/flag')).toEqual({ ref: 'quay:string/flag', enabled: true });
  });

  it('never creates an item for a ref that is not tracked', async () => {
    expect(await repos.setEnabled('quay:never/added', false)).toBe(false);
    expect(await find('quay:never/added')).toBeUndefined();
  });

  it('removes a tracked ref once and reports a second removal as not tracked', async () => {
    await repos.add(['ghcr:remove/me']);
    expect(await repos.remove('ghcr:remove/me')).toBe(true);
    expect(await find('ghcr:remove/me')).toBeUndefined();
    expect(await repos.remove('ghcr:remove/me')).toBe(false);
  });

  it('removes an item whose ref was typed by hand and does not parse, by its exact text', async () => {
    await dynamo.doc.send(new PutCommand({ TableName: LOCAL_TABLES.repos, Item: { ref: 'dockerhub:Bad/Case' } }));
    expect(await repos.remove('dockerhub:Bad/Case')).toBe(true);
    expect(await find('dockerhub:Bad/Case')).toBeUndefined();
  });
});
