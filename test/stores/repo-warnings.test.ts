// The repos table keeps a success's listing warnings on the item (the contract H14c prints and the dashboard shows).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../lambdas/api/app.ts';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { DynamoRepoList } from '../../lambdas/stores/dynamodb/repo-table.ts';
import { MemoryReadModel, MemorySeries } from '../fuzz/memory-ports.ts';
import { startTestDynamo } from './dynalite.ts';

let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
let repos: DynamoRepoList;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
});
afterAll(() => dynamo.close());

describe('listing warnings on the repos table', () => {
  it('stores the warnings of a success, replaces them with the next, and clears them with a clean one', async () => {
    await repos.add(['dockerhub:hugeorg/*']);
    const cap = 'hugeorg/*: 198 of 250 repositories (anonymous listing cap; set DOCKERHUB_USERNAME/DOCKERHUB_TOKEN, a Docker Hub token secret in AWS, to read them all)';
    await repos.recordError('dockerhub:hugeorg/*', { kind: 'transient', message: 'HTTP 503', at: '2026-11-23T09:00:00.000Z' });
    await repos.recordSuccess('dockerhub:hugeorg/*', '2026-11-23T10:00:00.000Z', [cap]);
    expect((await repos.list())[0]).toEqual({ ref: 'dockerhub:hugeorg/*', enabled: true, lastSuccessAt: '2026-11-23T10:00:00.000Z', warnings: [cap] });

    const app = createApiApp({ repos, series: new MemorySeries(), readModel: new MemoryReadModel(), pollMinutes: 60 });
    const [row] = (await (await app.request('/api/repos')).json()) as Record<string, unknown>[];
    expect(row).toMatchObject({ ref: 'dockerhub:hugeorg/*', last_success_at: '2026-11-23T10:00:00.000Z', last_error: null, warnings: [cap] });

    await repos.recordSuccess('dockerhub:hugeorg/*', '2026-11-23T11:00:00.000Z', ['second']);
    expect((await repos.list())[0]!.warnings).toEqual(['second']);
    await repos.recordSuccess('dockerhub:hugeorg/*', '2026-11-23T12:00:00.000Z');
    expect((await repos.list())[0]).toEqual({ ref: 'dockerhub:hugeorg/*', enabled: true, lastSuccessAt: '2026-11-23T12:00:00.000Z' });
    expect(((await (await app.request('/api/repos')).json()) as Record<string, unknown>[])[0]).not.toHaveProperty('warnings');
  });
});
