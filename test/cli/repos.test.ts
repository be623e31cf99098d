import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLES, startLocalDynamo } from '../../lambdas/local/dynamo.ts';
import { documentClient } from '../../lambdas/stores/dynamodb/client.ts';
import type { FakeUpstream } from '../fakes/upstream.ts';
import { startLocalProcess } from '../local/process.ts';
import { startTestDynamo } from '../stores/dynalite.ts';
import { startFakeCloudFormation } from './fake-cloudformation.ts';
import { offlineAws, runCli } from './run.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pullwatch-repos-cli-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const repos = (...args: string[]) => runCli('bin/repos.ts', args, { DATA_DIR: dataDir });

describe('npm run repos -- --local', () => {
  it('says there is nothing to list before local mode has data', async () => {
    const run = await repos('list', '--local');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`repos: no local data in ${dataDir} (DATA_DIR)`);
  });

  it('adds the valid refs in canonical form, reports the invalid one with its reason, and exits 2', async () => {
    const run = await repos('--local', 'add', 'nginx', 'ghcr.io/acme/cli', 'Acme/App');
    expect(run.code).toBe(2);
    expect(run.stdout.split('\n')).toEqual([
      'added    dockerhub:library/nginx  from "nginx"',
      'added    ghcr:acme/cli            from "ghcr.io/acme/cli"',
      'invalid  "Acme/App"               "Acme" must be lowercase ("acme")',
      `2 added, 1 invalid · local data in ${dataDir}`,
      '',
    ]);
  });

  it('reports refs already tracked as unchanged and exits 0', async () => {
    const run = await repos('--local', 'add', 'docker.io/library/nginx');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('unchanged  dockerhub:library/nginx  from "docker.io/library/nginx"; already tracked');
  });

  it('lists the tracked refs and flags an invalid item added by hand', async () => {
    // As if typed in the console: the CLI would refuse it.
    const dynamo = await startLocalDynamo(dataDir);
    await documentClient(dynamo.client).send(new PutCommand({ TableName: LOCAL_TABLES.repos, Item: { ref: 'quay:Team/Repo', label: 'by hand' } }));
    await dynamo.close();

    const run = await repos('list', '--local');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'REF                       ENABLED  LABEL    LAST SUCCESS  LAST ERROR',
      'dockerhub:library/nginx   yes      -        -             -',
      'ghcr:acme/cli             yes      -        -             -',
      'quay:Team/Repo (invalid)  yes      by hand  -             -',
      '',
      `3 refs · 3 enabled · 0 disabled · 1 invalid · local data in ${dataDir}`,
      'Needs attention:',
      '  quay:Team/Repo: invalid ref: "Team" must be lowercase ("team"); the collector skips it',
      '',
    ]);
  });

  it('labels a ref, shows the label in the list, and clears it', async () => {
    const labelled = await repos('--local', 'label', 'ghcr.io/acme/cli', 'Acme CLI');
    expect(labelled.code).toBe(0);
    expect(labelled.stdout.split('\n')).toEqual(['labelled  ghcr:acme/cli  from "ghcr.io/acme/cli"; "Acme CLI"', `1 labelled · local data in ${dataDir}`, '']);
    expect((await repos('--local', 'list')).stdout).toContain('ghcr:acme/cli             yes      Acme CLI');
    const cleared = await repos('--local', 'label', 'ghcr:acme/cli', '');
    expect(cleared.stdout.split('\n')[0]).toBe('unlabelled  ghcr:acme/cli');
    const missing = await repos('--local', 'label', 'quay:nobody/here', 'X');
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('not tracked  quay:nobody/here');
  });

  it('disables, enables and removes refs given in any form, reporting unknown refs with exit 2', async () => {
    const disabled = await repos('--local', 'disable', 'ghcr.io/acme/cli', 'quay.io/nobody/here');
    expect(disabled.code).toBe(2);
    expect(disabled.stdout).toContain('disabled     ghcr:acme/cli');
    expect(disabled.stdout).toContain('not tracked  quay:nobody/here');

    const removed = await repos('--local', 'remove', 'quay:Team/Repo', 'nginx');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('2 removed');

    const listed = JSON.parse((await repos('--local', 'list', '--json')).stdout) as { ref: string; enabled: boolean; valid: boolean }[];
    expect(listed.map(({ ref, enabled, valid }) => ({ ref, enabled, valid }))).toEqual([{ ref: 'ghcr:acme/cli', enabled: false, valid: true }]);

    const enabled = await repos('--local', 'enable', 'ghcr:acme/cli', '--json');
    expect(enabled.code).toBe(0);
    expect(JSON.parse(enabled.stdout)).toMatchObject({ command: 'enable', results: [{ ref: 'ghcr:acme/cli', status: 'enabled' }], counts: { enabled: 1 } });
  });

  it('refuses the DATA_DIR of a running local mode with a clear message, and exits 1', async () => {
    const local = await startLocalProcess({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', DOCKERHUB_API_URL: 'http://127.0.0.1:9', GHCR_URL: 'http://127.0.0.1:9' });
    try {
      const run = await repos('--local', 'add', 'quay:ns/repo');
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        new RegExp(`^repos: DATA_DIR ${dataDir} is in use by npm start \\(pid ${local.child.pid}, since \\S+Z\\): stop it first, or add refs with REPOS=\\.\\.\\. when starting \`npm start\`\n$`),
      );
    } finally {
      expect(await local.stop()).toBe(0);
    }
    // Once it has stopped, the same command goes through.
    expect((await repos('--local', 'add', 'quay:ns/repo')).code).toBe(0);
  });
});

describe('npm run repos: usage', () => {
  it('prints help listing commands, flags and examples', async () => {
    const run = await repos('--help');
    expect(run.code).toBe(0);
    for (const text of ['Commands:', 'list', 'add <ref...>', 'remove <ref...>', 'enable <ref...>', 'disable <ref...>', '--stack <name>', '--region <region>', '--table <name>', '--local', '--json', 'Exit status:', 'Examples:']) {
      expect(run.stdout).toContain(text);
    }
  });

  it('answers an unknown command with the usage on stderr and exit 2', async () => {
    const run = await repos('frob', 'nginx');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^repos: unknown command "frob"\nUsage: npm run repos -- <list\|add\|remove\|enable\|disable\|label\|urls>/);
  });
});

describe('npm run repos against the deployed stack (AWS endpoints faked: CloudFormation, and dynalite for DynamoDB)', () => {
  let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
  let cloudformation: FakeUpstream;
  let aws: Record<string, string | undefined>;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    cloudformation = await startFakeCloudFormation({ Pullwatch: { DashboardUrl: 'https://d.example', ReposTableName: LOCAL_TABLES.repos } });
    const endpoint = await dynamo.client.config.endpoint!();
    aws = {
      ...offlineAws({
        AWS_ENDPOINT_URL_DYNAMODB: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`,
        AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.url,
      }),
      // vitest's config silences the AWS SDK's notice for the tests themselves; the CLI must keep it silent unasked.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
    };
  });
  afterAll(async () => {
    await cloudformation.close();
    await dynamo.close();
  });

  it("adds and lists refs in the table named by the stack's ReposTableName output", async () => {
    const added = await runCli('bin/repos.ts', ['add', 'nginx', '--region', 'eu-west-1'], aws);
    expect(added.code).toBe(0);
    // Not even the AWS SDK's notice about future Node versions.
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain(`1 added · table ${LOCAL_TABLES.repos} (stack Pullwatch, eu-west-1)`);
    const listed = await runCli('bin/repos.ts', ['list', '--region', 'eu-west-1', '--json'], aws);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ ref: 'dockerhub:library/nginx', enabled: true, valid: true }]);
    expect(cloudformation.requests).toEqual(['POST /', 'POST /']);
  });

  it('names the stack and region when the stack is not there', async () => {
    const run = await runCli('bin/repos.ts', ['list', '--stack', 'PullwatchStaging', '--region', 'eu-west-1'], aws);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'repos: stack "PullwatchStaging" not found in eu-west-1: deploy it with `npx cdk deploy`, or pass --stack <name>, --region <region> or --table <name>\n',
    );
  });

  it('asks for a region when none is configured', async () => {
    const run = await runCli('bin/repos.ts', ['list'], aws);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('repos: no AWS region: pass --region <region>, or set AWS_REGION or a region in your AWS profile\n');
  });

  it('uses --table without asking CloudFormation', async () => {
    const before = cloudformation.requests.length;
    const run = await runCli('bin/repos.ts', ['disable', 'dockerhub:library/nginx', '--table', LOCAL_TABLES.repos, '--region', 'eu-west-1'], aws);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`disabled  dockerhub:library/nginx\n1 disabled · table ${LOCAL_TABLES.repos} (eu-west-1)\n`);
    expect(cloudformation.requests).toHaveLength(before);
  });
});
