// `npm run import` and `npm run export` as users run them, on local mode's DATA_DIR: registry-stats snapshot files in,
// a per-file report, a second run that takes nothing, a bad file refused by name and line with nothing written, and
// export → import into an empty DATA_DIR answering /api/pulls/daily and /api/summary the same.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../lambdas/api/app.ts';
import { openLocalDynamo } from '../../lambdas/local/data-dir.ts';
import { localStoreEnv } from '../../lambdas/local/dynamo.ts';
import { documentClient } from '../../lambdas/stores/dynamodb/client.ts';
import { storesFromEnv } from '../../lambdas/stores/from-env.ts';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { startFakeCloudFormation } from '../cli/fake-cloudformation.ts';
import { offlineAws, runCli } from '../cli/run.ts';
import { startTestDynamo } from '../stores/dynalite.ts';
import { IMPORT_HELP, parseExportArgs, parseImportArgs, readHistoryFiles } from '../../cli/history.ts';

let work: string;
const NOW = new Date();
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString().slice(0, 10);

/** Snapshots of the last ten days in registry-stats v1's shape, as its /data directory holds them. */
async function writeSnapshots(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let n = 10; n >= 1; n--) {
    const day = daysAgo(n);
    const body = {
      timestamp: `${day}T06:00:00Z`,
      docker_hub: [{ repo: 'acme/app', last_updated: `${day}T01:00:00Z`, tags: [{ name: 'latest' }, { name: 'v1' }], pull_count: 1_000 + 25 * (10 - n) }],
      ghcr: [{ package: 'acme/nested/tool', download_count: 300 + 4 * (10 - n) }],
    };
    await writeFile(join(dir, `${day}.json`), `${JSON.stringify(body, null, 2)}\n`);
  }
  await writeFile(join(dir, 'README.txt'), 'not a snapshot: left alone\n');
}

/** The API's answers over a DATA_DIR, opened in this process and closed again (one process at a time may hold it). */
async function answersOf(dataDir: string, paths: readonly string[]): Promise<string[]> {
  const dynamo = await openLocalDynamo(dataDir, { create: false, command: 'the test', busyAdvice: 'stop it' });
  try {
    const { repos, series, readModel } = storesFromEnv(localStoreEnv({}), documentClient(dynamo.client));
    const app = createApiApp({ repos, series, readModel, pollMinutes: 60, now: () => NOW });
    return await Promise.all(paths.map(async (path) => (await app.request(path)).text()));
  } finally {
    await dynamo.close();
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pullwatch-import-'));
  await writeSnapshots(join(work, 'registry-stats'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('npm run import / export', () => {
  const original = () => join(work, 'original');
  const restored = () => join(work, 'restored');

  it('imports a directory of registry-stats snapshots, reporting each file', async () => {
    const run = await runCli('bin/import.ts', [join(work, 'registry-stats')], { DATA_DIR: original() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toMatch(new RegExp(`${daysAgo(10)}\\.json +2 taken, 0 skipped$`));
    expect(lines.at(-1)).toContain('20 readings imported from 10 files into local data in');
    const [summary] = await answersOf(original(), ['/api/summary']);
    expect(JSON.parse(summary!)).toEqual([
      expect.objectContaining({ registry: 'dockerhub', name: 'acme/app', pull_count: 1_225, tag_count: 2 }),
      expect.objectContaining({ registry: 'ghcr', name: 'acme/nested/tool', pull_count: 336, tag_count: null }),
    ]);
  });

  it('takes nothing the second time', async () => {
    const run = await runCli('bin/import.ts', [join(work, 'registry-stats')], { DATA_DIR: original() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${daysAgo(1)}.json  0 taken, 2 skipped (2 already stored)`);
    expect(run.stdout).toContain('0 readings imported');
  });

  it('refuses a bad file by name and line, and writes nothing from any file', async () => {
    const bad = join(work, 'bad');
    await writeSnapshots(bad);
    const day = daysAgo(0);
    await writeFile(join(bad, `${day}.json`), `{\n  "timestamp": "${day}T06:00:00Z",\n  "docker_hub": [\n    { "repo": "acme/app", "pull_count": -1 }\n  ]\n}\n`);
    const run = await runCli('bin/import.ts', [bad], { DATA_DIR: join(work, 'untouched') });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(bad, `${day}.json`)}:4: docker_hub.0.pull_count:`);
    expect(run.stderr).toContain('nothing was imported');
    // The good files before it were not written either: the store was never opened.
    const dataDirRun = await runCli('bin/export.ts', [], { DATA_DIR: join(work, 'untouched') });
    expect(dataDirRun.code).toBe(1);
    expect(dataDirRun.stderr).toContain('no local data');
  });

  it('exports everything and imports it into an empty DATA_DIR: /api/pulls/daily and /api/summary are identical', async () => {
    const backup = join(work, 'backup.csv');
    const exported = await runCli('bin/export.ts', ['--out', backup], { DATA_DIR: original() });
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain(`20 readings from local data in`);
    const imported = await runCli('bin/import.ts', [backup], { DATA_DIR: restored() });
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('backup.csv  20 taken, 0 skipped');
    const paths = ['/api/pulls/daily', '/api/pulls/daily?by=ref', '/api/summary', '/api/pulls?by=ref'];
    const [before, after] = [await answersOf(original(), paths), await answersOf(restored(), paths)];
    expect(JSON.parse(before[0]!).length).toBeGreaterThan(10);
    expect(after).toEqual(before);
  });

  it('answers bad usage with exit 2 and the usage line', async () => {
    const run = await runCli('bin/import.ts', ['x.csv', '--stack', 'S']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('import: --stack is for the deployed stack: add --aws\nUsage: npm run import');
  });
});

describe('npm run import / export --aws (AWS endpoints faked: CloudFormation, and dynalite for DynamoDB)', () => {
  it("imports into and exports from the stack's series store and read model, found from its outputs", async () => {
    const dynamo = await startTestDynamo();
    const cloudformation = await startFakeCloudFormation({
      Pullwatch: { SeriesStoreKind: 'dynamodb', SeriesStoreName: LOCAL_TABLES.series, ReadModelTableName: LOCAL_TABLES.series },
      Other: { DashboardUrl: 'https://d.example' },
    });
    try {
      const endpoint = await dynamo.client.config.endpoint!();
      const aws = offlineAws({
        AWS_ENDPOINT_URL_DYNAMODB: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`,
        AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.url,
      });
      const imported = await runCli('bin/import.ts', [join(work, 'registry-stats'), '--aws', '--region', 'eu-west-1'], aws);
      expect(imported.stderr).toBe('');
      expect(imported.stdout).toContain(`20 readings imported from 10 files into stack Pullwatch (dynamodb ${LOCAL_TABLES.series}, eu-west-1)`);
      const exported = await runCli('bin/export.ts', ['--aws', '--region', 'eu-west-1'], aws);
      expect(exported.code).toBe(0);
      expect(exported.stdout.trimEnd().split('\r\n')).toHaveLength(21);
      const other = await runCli('bin/export.ts', ['--aws', '--stack', 'Other', '--region', 'eu-west-1'], aws);
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('stack "Other" in eu-west-1 has no SeriesStoreKind output');
    } finally {
      await cloudformation.close();
      await dynamo.close();
    }
  });
});

describe('import and export arguments', () => {
  it('read files, the target and the registry of a by-name CSV, and say what is wrong', async () => {
    expect(parseImportArgs(['a.csv', 'dir'])).toEqual({ paths: ['a.csv', 'dir'], target: { kind: 'local' } });
    expect(parseImportArgs(['a.csv', '--aws', '--region', 'eu-west-1', '--registry', 'ghcr'])).toEqual({ paths: ['a.csv'], target: { kind: 'aws', stack: 'Pullwatch', region: 'eu-west-1' }, registry: 'ghcr' });
    expect(parseImportArgs(['--help'])).toBe('help');
    expect(parseExportArgs(['--out', 'b.csv', '--aws', '--stack', 'Staging'])).toEqual({ out: 'b.csv', target: { kind: 'aws', stack: 'Staging' } });
    for (const [args, message] of [
      [[], 'name at least one file or directory to import'],
      [['x.csv', '--registry', 'dockerhb'], '--registry "dockerhb" is not one of dockerhub, ghcr, quay, registry'],
      [['x.csv', '--local', '--aws'], 'pass --local or --aws, not both'],
      [['x.csv', '--stak', 'S'], "Unknown option '--stak'"],
    ] as const) {
      expect(() => parseImportArgs(args), args.join(' ')).toThrow(message);
    }
    await expect(readHistoryFiles([join(work, 'nowhere')])).rejects.toThrow(`${join(work, 'nowhere')}: no such file or directory`);
    expect(IMPORT_HELP).toContain('registry-stats daily snapshots (YYYY-MM-DD.json');
  });
});
