import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectExitCode, progressLine, progressLogLine, renderReport } from '../../cli/collect-report.ts';
import { type CollectReport, ProgressTracker, outcomeOf, outcomesSince } from '../../lambdas/local/collect-once.ts';
import { LOCAL_TABLES, startLocalDynamo } from '../../lambdas/local/dynamo.ts';
import { documentClient } from '../../lambdas/stores/dynamodb/client.ts';
import { installFakeDockerHub, ownerRepos } from '../fakes/dockerhub.ts';
import { type FakeUpstream, startFakeUpstream } from '../fakes/upstream.ts';
import { startLocalProcess } from '../local/process.ts';
import { runCli } from './run.ts';

const START = '2026-11-23T10:00:00.000Z';
const LATER = '2026-11-23T10:00:01.500Z';
const BEFORE = '2026-11-22T10:00:00.000Z';
const notFound = (at: string) => ({ kind: 'not_found' as const, message: 'not_found: HTTP 404 (http://hub/v2/repositories/acme/missing/)', at });

describe("a collection's outcome per ref, read from the repos table", () => {
  it('tells collected, failed, partial (a wildcard with failed repositories) and untouched refs apart', () => {
    expect(outcomeOf({ ref: 'a', enabled: true, lastSuccessAt: LATER }, START)).toEqual({ ref: 'a', status: 'collected' });
    expect(outcomeOf({ ref: 'b', enabled: true, lastSuccessAt: BEFORE, lastError: notFound(LATER) }, START)).toEqual({ ref: 'b', status: 'failed', error: notFound(LATER) });
    expect(outcomeOf({ ref: 'c', enabled: true, lastSuccessAt: LATER, lastError: notFound(LATER) }, START)).toMatchObject({ status: 'partial' });
    expect(outcomeOf({ ref: 'd', enabled: true, lastSuccessAt: BEFORE, lastError: notFound(BEFORE) }, START)).toEqual({ ref: 'd', status: 'no_outcome' });
    expect(outcomeOf({ ref: 'e', enabled: true, lastSuccessAt: START }, START)).toMatchObject({ status: 'collected' });
  });

  it('leaves out disabled and invalid items, and takes the run’s own record for items stored in a non-canonical form', () => {
    const tracker = new ProgressTracker(new Map([['dockerhub:library/nginx', []]]));
    tracker.record('dockerhub:library/nginx', true);
    const outcomes = outcomesSince(
      [
        { ref: 'nginx', enabled: true },
        { ref: 'quay:ns/off', enabled: false, lastSuccessAt: LATER },
        { ref: 'quay:Bad/Case', enabled: true },
        { ref: 'quay:ns/on', enabled: true, lastError: notFound(LATER) },
      ],
      START,
      tracker,
    );
    expect(outcomes).toEqual([
      { ref: 'dockerhub:library/nginx', status: 'collected', storedAs: 'nginx' },
      { ref: 'quay:ns/on', status: 'failed', error: notFound(LATER) },
    ]);
  });
});

describe('what npm run collect prints', () => {
  const report = (outcomes: CollectReport['outcomes'], extra: Partial<CollectReport> = {}): CollectReport => ({
    dataDir: './data',
    startedAt: START,
    finishedAt: LATER,
    fromEnv: { refs: [], rejected: [] },
    added: [],
    outcomes,
    skipped: [],
    disabled: 0,
    deadLettered: [],
    ...extra,
  });

  it('draws the live line as refs finish', () => {
    expect(progressLine({ total: 40, done: 12, failed: 2 })).toBe('collected 12/40 · 2 failed');
  });

  it('logs one line per outcome when the output is not a terminal', () => {
    expect(progressLogLine({ total: 3, done: 0, failed: 0 })).toBe('collecting 3 refs');
    expect(progressLogLine({ total: 3, done: 1, failed: 0, latest: { ref: 'dockerhub:library/nginx', ok: true } })).toBe('[1/3] collected dockerhub:library/nginx');
    expect(progressLogLine({ total: 3, done: 2, failed: 1, latest: { ref: 'dockerhub:acme/missing', ok: false, error: notFound(LATER) } })).toBe(
      '[2/3] failed dockerhub:acme/missing: not_found: HTTP 404 (http://hub/v2/repositories/acme/missing/)',
    );
  });

  it('ends with the refs that need attention and a summary line', () => {
    const text = renderReport(
      report(
        [
          { ref: 'dockerhub:acme/missing', status: 'failed', error: notFound(LATER) },
          { ref: 'dockerhub:library/nginx', status: 'collected' },
          { ref: 'quay:ns/*', status: 'partial', error: { kind: 'transient', message: 'quay:ns/a: transient: HTTP 503 (http://quay/)', at: LATER } },
        ],
        { skipped: [{ ref: 'quay:Bad/Case', reason: '"Bad" must be lowercase ("bad")' }], disabled: 2 },
      ),
    );
    expect(text.split('\n')).toEqual([
      'failed   dockerhub:acme/missing: not_found: HTTP 404 (http://hub/v2/repositories/acme/missing/)',
      'partial  quay:ns/*: transient: quay:ns/a: transient: HTTP 503 (http://quay/)',
      'skipped  quay:Bad/Case: invalid ref: "Bad" must be lowercase ("bad")',
      'collected 2/3 refs in 1.5 s · 1 failed · 1 with failed repositories behind a wildcard · 1 invalid skipped · 2 disabled',
      '',
    ]);
  });

  it('exits 1 only when no ref was collected', () => {
    expect(collectExitCode(report([{ ref: 'a', status: 'failed' }, { ref: 'b', status: 'collected' }]))).toBe(0);
    expect(collectExitCode(report([{ ref: 'a', status: 'partial' }]))).toBe(0);
    expect(collectExitCode(report([{ ref: 'a', status: 'failed' }, { ref: 'b', status: 'no_outcome' }]))).toBe(1);
    expect(collectExitCode(report([]))).toBe(1);
    expect(renderReport(report([]))).toBe('nothing to collect: no enabled refs in ./data (start with REPOS=..., or npm run repos -- --local add <ref>)\n');
  });
});

describe('npm run collect', () => {
  let hub: FakeUpstream;
  let root: string;
  let n = 0;
  const freshDataDir = () => join(root, `data-${n++}`);
  const collect = async (env: Record<string, string>) => ({
    ...(await runCli('bin/collect.ts', [], { DOCKERHUB_API_URL: hub.url, POWERTOOLS_LOG_LEVEL: undefined, ...env })),
    dataDir: env.DATA_DIR,
  });

  beforeAll(async () => {
    hub = await startFakeUpstream();
    installFakeDockerHub(hub, { repos: new Map([['library/nginx', 1_234_567], ['acme/app', 42], ...ownerRepos('hugeorg', 250)]) });
    root = await mkdtemp(join(tmpdir(), 'pullwatch-collect-cli-'));
  });
  afterAll(async () => {
    await hub.close();
    await rm(root, { recursive: true, force: true });
  });

  it('collects once, logs each ref, lists the failure and exits 0 when some refs were collected', async () => {
    const dataDir = freshDataDir();
    // Items as if typed in the console: one invalid, one paused.
    const dynamo = await startLocalDynamo(dataDir);
    const doc = documentClient(dynamo.client);
    await doc.send(new PutCommand({ TableName: LOCAL_TABLES.repos, Item: { ref: 'dockerhub:Acme/Bad' } }));
    await doc.send(new PutCommand({ TableName: LOCAL_TABLES.repos, Item: { ref: 'dockerhub:acme/paused', enabled: false } }));
    await dynamo.close();

    const run = await collect({ DATA_DIR: dataDir, REPOS: 'nginx,dockerhub:acme/app,dockerhub:acme/missing' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('collecting 3 refs');
    const progress = lines.slice(1, 4);
    expect(progress.map((line) => line.slice(0, 5))).toEqual(['[1/3]', '[2/3]', '[3/3]']);
    expect(progress.map((line) => line.slice(6)).sort()).toEqual([
      'collected dockerhub:acme/app',
      'collected dockerhub:library/nginx',
      expect.stringMatching(/^failed dockerhub:acme\/missing: not_found: HTTP 404 /),
    ]);
    expect(lines.slice(4, -1)).toEqual([
      'REPOS: tracking dockerhub:library/nginx, dockerhub:acme/app, dockerhub:acme/missing',
      expect.stringMatching(/^failed {3}dockerhub:acme\/missing: not_found: .*\/v2\/repositories\/acme\/missing\/\)$/),
      'skipped  dockerhub:Acme/Bad: invalid ref: "Acme" must be lowercase ("acme")',
    ]);
    expect(lines.at(-1)).toMatch(/^collected 2\/3 refs in \d+\.\d s · 1 failed · 1 invalid skipped · 1 disabled$/);

    // The outcomes are on the items, as `repos list` shows them.
    const listed = JSON.parse((await runCli('bin/repos.ts', ['list', '--local', '--json'], { DATA_DIR: dataDir })).stdout) as { ref: string; last_success_at: string | null }[];
    expect(listed.filter((repo) => repo.last_success_at !== null).map((repo) => repo.ref)).toEqual(['dockerhub:acme/app', 'dockerhub:library/nginx']);
  });

  it('exits 1 when every ref failed', async () => {
    const run = await collect({ DATA_DIR: freshDataDir(), REPOS: 'dockerhub:acme/missing,dockerhub:acme/gone' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\ncollected 0\/2 refs in \d+\.\d s · 2 failed\n$/);
  });

  it('exits 1 when nothing is tracked, saying how to add refs', async () => {
    const run = await collect({ DATA_DIR: freshDataDir() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('nothing to collect: no enabled refs in');
  });

  it('skips a bad ref in REPOS with its reason and collects the others, as `repos add` does', async () => {
    const run = await collect({ DATA_DIR: freshDataDir(), REPOS: 'nginx:latest,Acme/App,nginx' });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('REPOS:'))).toEqual([
      'REPOS: tracking dockerhub:library/nginx',
      'REPOS: skipped "nginx:latest": "nginx:latest" has a tag; pullwatch counts whole repositories, drop ":latest"',
      'REPOS: skipped "Acme/App": "Acme" must be lowercase ("acme")',
    ]);
    expect(run.stdout).toMatch(/\ncollected 1\/1 refs in \d+\.\d s · 0 failed\n$/);
  });

  it('hints at the wildcard when an owner typed without /* turns out to be no official image', async () => {
    const run = await collect({ DATA_DIR: freshDataDir(), REPOS: 'dockerhub:bigorg' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('REPOS: dockerhub:library/bigorg: tracked as the official image library/bigorg; did you mean dockerhub:bigorg/*?\n');
    expect(run.stdout).toMatch(/\nfailed {3}dockerhub:library\/bigorg: not_found: HTTP 404 \(.*\); did you mean dockerhub:bigorg\/\* \(every repository of bigorg\)\?\n/);
  });

  it('prints the warning of a listing cut short, and counts it in the summary', async () => {
    const run = await collect({ DATA_DIR: freshDataDir(), REPOS: 'dockerhub:hugeorg/*' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\nwarning  hugeorg\/\*: 198 of 250 repositories \(anonymous listing cap; set DOCKERHUB_USERNAME\/DOCKERHUB_TOKEN\b.*\)\n/);
    expect(run.stdout).toMatch(/\ncollected 1\/1 refs in \d+\.\d s · 0 failed · 1 with warnings\n$/);
    const listed = await runCli('bin/repos.ts', ['list', '--local'], { DATA_DIR: run.dataDir });
    expect(listed.stdout).toMatch(/\nNeeds attention:\n {2}hugeorg\/\*: 198 of 250 repositories \(anonymous listing cap; set DOCKERHUB_USERNAME\/DOCKERHUB_TOKEN\b.*\)\n$/);
  });

  it('exits 2 on a duration without a unit, naming it; 0 still means once', async () => {
    const run = await collect({ DATA_DIR: freshDataDir(), POLL_INTERVAL: '5' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('collect: POLL_INTERVAL="5" needs a unit: 5s, 5m or 5h (0 collects once)\n');
  });

  it('refuses the DATA_DIR of a running local mode, and exits 1', async () => {
    const dataDir = freshDataDir();
    const local = await startLocalProcess({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', DOCKERHUB_API_URL: hub.url });
    try {
      const run = await collect({ DATA_DIR: dataDir, REPOS: 'nginx' });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^collect: DATA_DIR ${dataDir} is in use by npm start \\(pid ${local.child.pid}, since \\S+Z\\): stop it first`));
    } finally {
      await local.stop();
    }
  });

  // util-linux `script` runs the command on a pseudo-terminal, as a user at a shell would.
  it.skipIf(process.platform !== 'linux')('draws a live progress line on a terminal, then the summary', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const command = `${JSON.stringify(process.execPath)} --import tsx bin/collect.ts`;
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: freshDataDir(), REPOS: 'nginx,dockerhub:acme/app', DOCKERHUB_API_URL: hub.url };
    delete env.POWERTOOLS_LOG_LEVEL;
    const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], { cwd: root, env });
    expect(stdout).toContain('\r\x1b[2Kcollected 0/2 · 0 failed');
    expect(stdout).toContain('\r\x1b[2Kcollected 2/2 · 0 failed');
    expect(stdout).not.toContain('[1/2]');
    expect(stdout).toMatch(/\ncollected 2\/2 refs in \d+\.\d s · 0 failed\r?\n$/);
  });
});
