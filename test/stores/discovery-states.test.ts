import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { DynamoDiscoveryStates } from '../../lambdas/stores/dynamodb/discovery-states.ts';
import { DynamoRepoList } from '../../lambdas/stores/dynamodb/repo-table.ts';
import { startTestDynamo } from './dynalite.ts';

let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
let states: DynamoDiscoveryStates;
let repos: DynamoRepoList;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  states = new DynamoDiscoveryStates(dynamo.doc, LOCAL_TABLES.repos);
  repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
});
afterAll(() => dynamo.close());

const state = { nextRunAt: '2026-12-02T10:00:00.000Z', last: { completedAt: '2026-12-01T10:00:00.000Z', repositoriesRead: 3, candidates: [{ ref: 'ghcr:acme/api', foundIn: 'github:acme/api Dockerfile' }], skipped: [], skippedCount: 0 } };

describe('DynamoDiscoveryStates', () => {
  it('keeps a state and the misses added beside it, and a completed pass clears the misses', async () => {
    await repos.add(['github:acme/*']);
    expect(await states.load('github:acme/*')).toBeUndefined();
    await states.save('github:acme/*', state, { passCompleted: true });
    await Promise.all([states.addMiss('github:acme/*', 'dockerhub:acme/b'), states.addMiss('github:acme/*', 'dockerhub:acme/a')]);
    expect(await states.load('github:acme/*')).toEqual({ ...state, misses: ['dockerhub:acme/a', 'dockerhub:acme/b'] });
    // The misses are not written into the state itself, so a save during a pass keeps the set as it is.
    await states.save('github:acme/*', { ...state, misses: ['ignored'] }, { passCompleted: false });
    expect((await states.load('github:acme/*'))?.misses).toEqual(['dockerhub:acme/a', 'dockerhub:acme/b']);
    await states.save('github:acme/*', state, { passCompleted: true });
    expect(await states.load('github:acme/*')).toEqual(state);
  });

  it('writes nothing for a ref no longer tracked', async () => {
    await states.save('github:gone/*', state, { passCompleted: true });
    await states.addMiss('github:gone/*', 'ghcr:gone/x');
    expect(await states.load('github:gone/*')).toBeUndefined();
    expect((await repos.list()).map((repo) => repo.ref)).not.toContain('github:gone/*');
  });

  it('starts over from a state edited into something else by hand', async () => {
    await dynamo.doc.send(new PutCommand({ TableName: LOCAL_TABLES.repos, Item: { ref: 'github:hand/*', enabled: true, discovery: '{not json' } }));
    expect(await states.load('github:hand/*')).toEqual({});
  });
});
