import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/exit.ts';
import { changeExitCode, parseReposArgs, renderChanges, renderList } from '../../cli/repos.ts';
import { applyChange, checkRepos, findTracked, labelTracked } from '../../lambdas/core/repo-commands.ts';
import { LOCAL_TABLES } from '../../lambdas/local/dynamo.ts';
import { DynamoRepoList } from '../../lambdas/stores/dynamodb/repo-table.ts';
import { startTestDynamo } from '../stores/dynalite.ts';

describe('repos CLI arguments', () => {
  it('reads a command, its refs and the flags in any order', () => {
    expect(parseReposArgs(['add', 'nginx', '--region', 'eu-west-1', 'ghcr.io/o/p', '--json'])).toEqual({
      command: 'add',
      refs: ['nginx', 'ghcr.io/o/p'],
      json: true,
      target: { kind: 'aws', stack: 'Pullwatch', region: 'eu-west-1' },
    });
    expect(parseReposArgs(['--local', 'list'])).toEqual({ command: 'list', refs: [], json: false, target: { kind: 'local' } });
    expect(parseReposArgs(['list', '--table', 'T', '--region', 'us-east-1'])).toMatchObject({ target: { kind: 'aws', stack: 'Pullwatch', table: 'T', region: 'us-east-1' } });
    expect(parseReposArgs(['disable', 'x', '--stack', 'Staging'])).toMatchObject({ target: { kind: 'aws', stack: 'Staging' } });
    expect(parseReposArgs(['label', 'nginx', 'Web server', '--local'])).toEqual({ command: 'label', refs: ['nginx'], label: 'Web server', json: false, target: { kind: 'local' } });
    expect(parseReposArgs(['label', 'nginx', ''])).toMatchObject({ command: 'label', label: '' });
  });

  it('answers --help and -h with help, whatever else is given', () => {
    expect(parseReposArgs(['--help'])).toBe('help');
    expect(parseReposArgs(['add', '-h'])).toBe('help');
  });

  it.each([
    [[], 'no command given'],
    [['frob'], 'unknown command "frob"'],
    [['add'], 'add needs at least one ref'],
    [['remove', '--local'], 'remove needs at least one ref'],
    [['list', 'nginx'], 'list takes no refs'],
    [['list', '--verbose'], "Unknown option '--verbose'"],
    [['list', '--stack'], "Option '--stack <value>' argument missing"],
    [['list', '--local', '--table', 'T'], '--local uses DATA_DIR; --table is for the deployed stack'],
    [['list', '--stack', 'S', '--table', 'T'], 'pass --stack or --table, not both'],
    [['list', '--region', ' '], '--region needs a value'],
    [['label', 'nginx'], 'label takes a ref and its label'],
    [['label', 'nginx', 'a', 'b'], 'label takes a ref and its label'],
  ])('rejects %j: %s', (argv, message) => {
    expect(() => parseReposArgs(argv)).toThrow(UsageError);
    expect(() => parseReposArgs(argv)).toThrow(message);
  });
});

describe('repos CLI commands on a repos table', () => {
  let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;
  let repos: DynamoRepoList;
  const put = (item: Record<string, unknown>) => dynamo.doc.send(new PutCommand({ TableName: LOCAL_TABLES.repos, Item: item }));
  const stored = async () => Object.fromEntries((await repos.list()).map((repo) => [repo.ref, repo.enabled]));

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    repos = new DynamoRepoList(dynamo.doc, LOCAL_TABLES.repos);
  });
  afterAll(() => dynamo.close());
  beforeEach(async () => {
    for (const repo of await repos.list()) await repos.remove(repo.ref);
  });

  it('adds the valid refs in canonical form, reports the invalid ones with the reason, and exits 2', async () => {
    const results = await applyChange('add', ['nginx', 'Acme/App', 'ghcr.io/acme/cli', 'docker.io/library/nginx', 'dockerhub:acme/*'], repos);
    expect(results).toEqual([
      { input: 'nginx', ref: 'dockerhub:library/nginx', status: 'added' },
      { input: 'Acme/App', status: 'invalid', detail: '"Acme" must be lowercase ("acme")' },
      { input: 'ghcr.io/acme/cli', ref: 'ghcr:acme/cli', status: 'added' },
      { input: 'dockerhub:acme/*', ref: 'dockerhub:acme/*', status: 'added' },
    ]);
    expect(changeExitCode(results)).toBe(2);
    expect(await stored()).toEqual({ 'dockerhub:acme/*': true, 'dockerhub:library/nginx': true, 'ghcr:acme/cli': true });
  });

  it('reports refs already tracked as unchanged, and exits 0', async () => {
    await repos.add(['dockerhub:library/nginx']);
    const results = await applyChange('add', ['docker.io/nginx', 'quay.io/ns/repo'], repos);
    expect(results).toEqual([
      { input: 'docker.io/nginx', ref: 'dockerhub:library/nginx', status: 'unchanged', detail: 'already tracked' },
      { input: 'quay.io/ns/repo', ref: 'quay:ns/repo', status: 'added' },
    ]);
    expect(changeExitCode(results)).toBe(0);
  });

  it('removes a ref given in any form that normalises to it, once, and reports unknown refs', async () => {
    await repos.add(['dockerhub:library/nginx', 'ghcr:acme/cli']);
    const results = await applyChange('remove', ['docker.io/library/nginx', 'quay:ns/gone', 'nginx'], repos);
    expect(results).toEqual([
      { input: 'docker.io/library/nginx', ref: 'dockerhub:library/nginx', status: 'removed' },
      { input: 'quay:ns/gone', ref: 'quay:ns/gone', status: 'not_tracked' },
    ]);
    expect(changeExitCode(results)).toBe(2);
    expect(await stored()).toEqual({ 'ghcr:acme/cli': true });
  });

  it('removes an item typed by hand with an invalid ref, by its exact text', async () => {
    await put({ ref: 'dockerhub:Acme/App' });
    expect(await applyChange('remove', ['dockerhub:Acme/App'], repos)).toEqual([{ input: 'dockerhub:Acme/App', ref: 'dockerhub:Acme/App', status: 'removed' }]);
    expect(await stored()).toEqual({});
  });

  it('disables and enables refs, reporting those already in that state and those not tracked', async () => {
    await repos.add(['dockerhub:library/nginx', 'ghcr:acme/cli']);
    const disabled = await applyChange('disable', ['nginx', 'ghcr:acme/cli', 'quay:ns/none', 'Bad Ref'], repos);
    expect(disabled).toEqual([
      { input: 'nginx', ref: 'dockerhub:library/nginx', status: 'disabled' },
      { input: 'ghcr:acme/cli', ref: 'ghcr:acme/cli', status: 'disabled' },
      { input: 'quay:ns/none', ref: 'quay:ns/none', status: 'not_tracked' },
      { input: 'Bad Ref', status: 'invalid', detail: 'contains white space' },
    ]);
    expect(await stored()).toEqual({ 'dockerhub:library/nginx': false, 'ghcr:acme/cli': false });
    expect(await applyChange('disable', ['nginx'], repos)).toEqual([{ input: 'nginx', ref: 'dockerhub:library/nginx', status: 'unchanged', detail: 'already disabled' }]);
    expect(await applyChange('enable', ['nginx'], repos)).toEqual([{ input: 'nginx', ref: 'dockerhub:library/nginx', status: 'enabled' }]);
    expect(await stored()).toEqual({ 'dockerhub:library/nginx': true, 'ghcr:acme/cli': false });
  });

  it('adds an owner typed without /* and a webhook-fed ref, with a hint for each', async () => {
    const results = await applyChange('add', ['dockerhub:bigorg', 'registry.example.com/team/app', 'bigorg'], repos);
    expect(results).toEqual([
      { input: 'dockerhub:bigorg', ref: 'dockerhub:library/bigorg', status: 'added', detail: 'tracked as the official image library/bigorg; did you mean dockerhub:bigorg/*?' },
      {
        input: 'registry.example.com/team/app',
        ref: 'registry:registry.example.com/team/app',
        status: 'added',
        detail: expect.stringMatching(/^counted from the registry's webhook notifications, not polled: configure the registry .*Self-hosted registries/),
      },
    ]);
    expect(changeExitCode(results)).toBe(0);
  });

  it('sets, keeps and clears a label, on tracked refs only', async () => {
    await repos.add(['ghcr:acme/cli']);
    expect(await labelTracked('ghcr.io/acme/cli', 'Acme CLI', repos)).toEqual([{ input: 'ghcr.io/acme/cli', ref: 'ghcr:acme/cli', status: 'labelled', detail: '"Acme CLI"' }]);
    expect((await repos.list())[0]).toMatchObject({ ref: 'ghcr:acme/cli', label: 'Acme CLI' });
    expect(await labelTracked('ghcr:acme/cli', 'Acme CLI', repos)).toEqual([{ input: 'ghcr:acme/cli', ref: 'ghcr:acme/cli', status: 'unchanged', detail: 'already labelled "Acme CLI"' }]);
    expect(await labelTracked('ghcr:acme/cli', '', repos)).toEqual([{ input: 'ghcr:acme/cli', ref: 'ghcr:acme/cli', status: 'unlabelled' }]);
    expect((await repos.list())[0]).toEqual({ ref: 'ghcr:acme/cli', enabled: true });
    expect(await labelTracked('quay:ns/none', 'X', repos)).toEqual([{ input: 'quay:ns/none', ref: 'quay:ns/none', status: 'not_tracked' }]);
    expect(await labelTracked('Bad Ref', 'X', repos)).toEqual([{ input: 'Bad Ref', status: 'invalid', detail: 'contains white space' }]);
  });

  it('finds an item stored by hand in a non-canonical form from any form of its ref', async () => {
    await put({ ref: 'nginx' });
    expect(findTracked('docker.io/nginx', await repos.list())).toEqual({ items: [{ ref: 'nginx', enabled: true }], canonical: 'dockerhub:library/nginx' });
    expect(await applyChange('disable', ['dockerhub:library/nginx'], repos)).toEqual([{ input: 'dockerhub:library/nginx', ref: 'nginx', status: 'disabled' }]);
  });
});

describe('repos CLI output', () => {
  const where = 'local data in /data';

  it('lists refs in a table and flags invalid and non-canonical items with what to do', () => {
    const text = renderList(
      checkRepos([
        { ref: 'dockerhub:Acme/App', enabled: true },
        { ref: 'dockerhub:library/nginx', enabled: true, label: 'Nginx', lastSuccessAt: '2026-11-23T10:00:00.123Z' },
        { ref: 'ghcr:acme/cli', enabled: false, lastError: { kind: 'not_found', message: 'not_found: HTTP 404 (https://github.com/x)', at: '2026-11-23T10:00:00.000Z' } },
        { ref: 'nginx', enabled: true },
      ]),
      { json: false, where },
    );
    expect(text).toBe(
      [
        'REF                                 ENABLED  LABEL  LAST SUCCESS          LAST ERROR',
        'dockerhub:Acme/App (invalid)        yes      -      -                     -',
        'dockerhub:library/nginx             yes      Nginx  2026-11-23T10:00:00Z  -',
        'ghcr:acme/cli                       no       -      -                     not_found: HTTP 404 (https://github.com/x)',
        'nginx (-> dockerhub:library/nginx)  yes      -      -                     -',
        '',
        '4 refs · 3 enabled · 1 disabled · 1 invalid · local data in /data',
        'Needs attention:',
        '  dockerhub:Acme/App: invalid ref: "Acme" must be lowercase ("acme"); the collector skips it',
        '  nginx: not in canonical form: collected as dockerhub:library/nginx, whose outcome is not recorded on this item; add dockerhub:library/nginx and remove "nginx"',
        '',
      ].join('\n'),
    );
  });

  it('lists refs as JSON with the same fields as /api/repos, plus validity', () => {
    const rows = JSON.parse(
      renderList(checkRepos([{ ref: 'dockerhub:Acme/App', enabled: true }, { ref: 'quay:ns/repo', enabled: false, label: 'Q' }]), { json: true, where }),
    );
    expect(rows).toEqual([
      { ref: 'dockerhub:Acme/App', enabled: true, label: null, last_success_at: null, last_error: null, warnings: [], valid: false, canonical_ref: null, problem: expect.stringContaining('must be lowercase') },
      { ref: 'quay:ns/repo', enabled: false, label: 'Q', last_success_at: null, last_error: null, warnings: [], valid: true, canonical_ref: 'quay:ns/repo', problem: null },
    ]);
  });

  it('lists the warnings of a cut listing under the table, with the other items that need attention', () => {
    const warning = 'hugeorg/*: 198 of 250 repositories (anonymous listing cap; set DOCKERHUB_USERNAME/DOCKERHUB_TOKEN)';
    const text = renderList(checkRepos([{ ref: 'dockerhub:hugeorg/*', enabled: true, lastSuccessAt: '2026-11-23T10:00:00.000Z', warnings: [warning] }]), { json: false, where });
    expect(text.split('\n').slice(-3)).toEqual(['Needs attention:', `  ${warning}`, '']);
    expect(JSON.parse(renderList(checkRepos([{ ref: 'dockerhub:hugeorg/*', enabled: true, warnings: [warning] }]), { json: true, where }))[0].warnings).toEqual([warning]);
  });

  it('repeats the hint for an owner typed by hand without /*', () => {
    const [listed] = checkRepos([{ ref: 'dockerhub:bigorg', enabled: true }]);
    expect(listed).toMatchObject({ canonical: 'dockerhub:library/bigorg', hint: 'tracked as the official image library/bigorg; did you mean dockerhub:bigorg/*?' });
    expect(renderList([listed!], { json: false, where })).toContain(
      '  dockerhub:bigorg: not in canonical form: collected as dockerhub:library/bigorg, whose outcome is not recorded on this item; add dockerhub:library/bigorg and remove "dockerhub:bigorg" (tracked as the official image library/bigorg; did you mean dockerhub:bigorg/*?)\n',
    );
  });

  it('says when a failed ref is tried next', () => {
    const lastError = { kind: 'transient' as const, message: 'transient: cannot resolve hub.docker.com (https://hub.docker.com/v2/)', at: '2026-11-23T10:00:00.000Z', retryAt: '2026-11-23T10:00:05.000Z' };
    expect(renderList(checkRepos([{ ref: 'dockerhub:library/nginx', enabled: true, lastError }]), { json: false, where })).toContain(
      'transient: cannot resolve hub.docker.com (https://hub.docker.com/v2/); next try 2026-11-23T10:00:05Z',
    );
  });

  it('says where to add refs when none is tracked', () => {
    expect(renderList([], { json: false, where })).toBe('no refs tracked in local data in /data; add some with: npm run repos -- add <ref...>\n');
  });

  it('summarises a change: one line per ref, then the counts and where', () => {
    const results = [
      { input: 'nginx', ref: 'dockerhub:library/nginx', status: 'added' as const },
      { input: 'quay:ns/repo', ref: 'quay:ns/repo', status: 'unchanged' as const, detail: 'already tracked' },
      { input: 'Acme/App', status: 'invalid' as const, detail: '"Acme" must be lowercase ("acme")' },
    ];
    expect(renderChanges('add', results, { json: false, where })).toBe(
      [
        'added      dockerhub:library/nginx  from "nginx"',
        'unchanged  quay:ns/repo             already tracked',
        'invalid    "Acme/App"               "Acme" must be lowercase ("acme")',
        '1 added, 1 unchanged, 1 invalid · local data in /data',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(renderChanges('add', results, { json: true, where }))).toEqual({
      command: 'add',
      where,
      results: [
        { input: 'nginx', ref: 'dockerhub:library/nginx', status: 'added', detail: null },
        { input: 'quay:ns/repo', ref: 'quay:ns/repo', status: 'unchanged', detail: 'already tracked' },
        { input: 'Acme/App', ref: null, status: 'invalid', detail: '"Acme" must be lowercase ("acme")' },
      ],
      counts: { added: 1, unchanged: 1, invalid: 1 },
    });
  });
});
