// What `npm start` tells a person, each in a spawned process: one line and an exit status for a busy port, a bad HOST,
// a held DATA_DIR (before the dashboard is rebuilt) and a duration without a unit; REPOS read like `repos add`; logs a
// person can read on a terminal, naming the failing host and the next try; what Ctrl-C waits for, and a second Ctrl-C.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanLogLine } from '../../lambdas/logger.ts';
import { installFakeDockerHub, ownerRepos } from '../fakes/dockerhub.ts';
import { type FakeUpstream, startFakeUpstream } from '../fakes/upstream.ts';
import { eventually, failedStart, startLocalProcess } from './process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let workDir: string;
/** A port nothing listens on (one just closed): connections to it are refused at once. */
let CLOSED: string;
let n = 0;
const freshDataDir = () => join(workDir, `data-${n++}`);
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'pullwatch-messages-'));
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  CLOSED = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  probe.close();
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

const lines = (output: string) => output.split('\n').filter((line) => line !== '');

describe('npm start refuses what it cannot run with, in one line', () => {
  it('a port in use: exit 1', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    try {
      const { code, output } = await failedStart({ DATA_DIR: freshDataDir(), PORT: String(port) });
      expect(code).toBe(1);
      expect(lines(output)).toEqual([`pullwatch: port ${port} on 127.0.0.1 is in use by another program: stop it, or set PORT to a free port (PORT=0 picks one)`]);
    } finally {
      holder.close();
    }
  });

  it('a HOST with a port, or not of this machine: exit 2', async () => {
    const withPort = await failedStart({ DATA_DIR: freshDataDir(), HOST: 'localhost:8080' });
    expect(withPort.code).toBe(2);
    expect(lines(withPort.output)).toEqual(['pullwatch: HOST="localhost:8080" has a port: set HOST=localhost PORT=8080']);
    // 192.0.2.0/24 is reserved for documentation: never an address of this machine.
    const elsewhere = await failedStart({ DATA_DIR: freshDataDir(), HOST: '192.0.2.1' });
    expect(elsewhere.code).toBe(2);
    expect(lines(elsewhere.output)).toEqual(['pullwatch: HOST=192.0.2.1 is not an address of this machine: set HOST to 127.0.0.1, 0.0.0.0 or one of its addresses']);
  });

  it('a duration without a unit: exit 2; 0 still collects once', async () => {
    const { code, output } = await failedStart({ DATA_DIR: freshDataDir(), POLL_INTERVAL: '5' });
    expect(code).toBe(2);
    expect(lines(output)).toEqual(['pullwatch: POLL_INTERVAL="5" needs a unit: 5s, 5m or 5h (0 collects once)']);
  });

  it('a DATA_DIR another start holds: exit 1, naming the holder, before the dashboard is rebuilt', async () => {
    const dataDir = freshDataDir();
    const first = await startLocalProcess({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0' });
    try {
      const built = await stat(join(ROOT, 'web/dist/index.html'));
      // --build is what `npm start` passes: the build would empty web/dist under the running process.
      const { code, output } = await failedStart({ DATA_DIR: dataDir }, ['--build']);
      expect(code).toBe(1);
      expect(lines(output)).toEqual([
        expect.stringMatching(new RegExp(`^pullwatch: DATA_DIR ${dataDir} is in use by npm start \\(pid ${first.child.pid}, since \\S+Z\\): stop it first, or point DATA_DIR elsewhere$`)),
      ]);
      expect((await stat(join(ROOT, 'web/dist/index.html'))).mtimeMs).toBe(built.mtimeMs);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });
});

describe('npm start while it runs', () => {
  let hub: FakeUpstream;
  beforeAll(async () => {
    hub = await startFakeUpstream();
    installFakeDockerHub(hub, { repos: new Map([['library/nginx', 1_000], ...ownerRepos('hugeorg', 250)]) });
  });
  afterAll(() => hub.close());

  it('skips a bad REPOS ref with its reason, warns of a cut listing, and logs a failure with its host and next try, for a person', async () => {
    const local = await startLocalProcess({
      PORT: '0',
      DATA_DIR: freshDataDir(),
      POLL_INTERVAL: '0',
      REPOS: 'nginx,Acme/App,dockerhub:hugeorg/*,ghcr.io/acme/cli',
      DOCKERHUB_API_URL: hub.url,
      GHCR_URL: CLOSED,
      LOCAL_REDELIVERY: '1m',
      LOG_FORMAT: 'text',
      // vitest's config silences the AWS SDK's notice for the tests themselves; here it must stay silent unasked.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
    });
    try {
      await eventually(async () => (/WARN {2}collection failed/.test(local.output()) && /WARN {2}hugeorg\/\*: 198 of 250/.test(local.output()) ? true : undefined), 60_000);
      const output = lines(local.output());
      expect(output.slice(1, 3)).toEqual([
        'REPOS: tracking dockerhub:library/nginx, dockerhub:hugeorg/*, ghcr:acme/cli',
        'REPOS: skipped "Acme/App": "Acme" must be lowercase ("acme")',
      ]);
      expect(output).toContainEqual(
        expect.stringMatching(/^\d\d:\d\d:\d\d WARN {2}hugeorg\/\*: 198 of 250 repositories \(anonymous listing cap; set DOCKERHUB_USERNAME\/DOCKERHUB_TOKEN\b.*\) {2}ref=dockerhub:hugeorg\/\*$/),
      );
      expect(output).toContainEqual(
        expect.stringMatching(
          /^\d\d:\d\d:\d\d WARN {2}collection failed {2}ref=ghcr:acme\/cli kind=transient reason="transient: 127\.0\.0\.1:\d+ refused the connection \(http:\/\/127\.0\.0\.1:\d+\/.*\)" at=\S+Z retry=true retryAt=\S+Z$/,
        ),
      );
      expect(local.output()).not.toContain('{"level"');
      expect(local.output()).not.toContain('NodeVersionSupportWarning');
    } finally {
      await local.stop();
    }
  });

  it('logs JSON lines when its output is not a terminal', async () => {
    const local = await startLocalProcess({ PORT: '0', DATA_DIR: freshDataDir(), POLL_INTERVAL: '0', REPOS: 'ghcr.io/acme/cli', GHCR_URL: CLOSED, LOCAL_REDELIVERY: '1m' });
    try {
      const line = await eventually(async () => lines(local.output()).find((candidate) => candidate.includes('collection failed')));
      expect(JSON.parse(line)).toMatchObject({ level: 'WARN', message: 'collection failed', ref: 'ghcr:acme/cli', kind: 'transient', retryAt: expect.stringMatching(/Z$/) });
    } finally {
      await local.stop();
    }
  });

  // util-linux `script` runs the command on a pseudo-terminal, as a user at a shell would.
  it('logs lines for a person on a terminal, without being told', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: freshDataDir(), PORT: '0', POLL_INTERVAL: '0', REPOS: 'ghcr.io/acme/cli', GHCR_URL: CLOSED, LOCAL_REDELIVERY: '1m' };
    delete env.LOG_FORMAT;
    delete env.POWERTOOLS_LOG_LEVEL;
    const command = `${JSON.stringify(process.execPath)} --import tsx bin/local.ts`;
    // Its own process group, so the Ctrl-C below reaches local mode inside the pseudo-terminal.
    const terminal = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    terminal.stdout.on('data', (chunk: Buffer) => (output += chunk));
    const exited = once(terminal, 'exit');
    try {
      await eventually(async () => (/collection failed/.test(output) ? true : undefined), 30_000);
    } finally {
      process.kill(-terminal.pid!, 'SIGINT');
      await exited;
    }
    expect(output).toMatch(/\d\d:\d\d:\d\d WARN {2}collection failed {2}ref=ghcr:acme\/cli kind=transient/);
    expect(output).not.toContain('{"level"');
  });

  it('says what Ctrl-C waits for, and stops at once on a second Ctrl-C', async () => {
    const ghcr = await startFakeUpstream();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const requested = new Promise<void>((resolve) => (arrived = resolve));
    // The package page is held until the test lets it go: the collection stays under way.
    ghcr.route(/./, async (_request, response) => {
      arrived();
      await held;
      response.writeHead(500).end();
    });
    const local = await startLocalProcess({ PORT: '0', DATA_DIR: freshDataDir(), POLL_INTERVAL: '0', REPOS: 'ghcr.io/acme/cli', GHCR_URL: ghcr.url, GHCR_REQUEST_GAP: '0s' });
    try {
      await requested;
      local.child.kill('SIGINT');
      await eventually(async () => (local.output().includes('SIGINT: stopping') ? true : undefined));
      expect(lines(local.output()).at(-1)).toBe('SIGINT: stopping pullwatch once the 1 collection under way finish (ghcr:acme/cli); Ctrl-C again stops at once');
      const exited = once(local.child, 'exit');
      local.child.kill('SIGINT');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(130);
      expect(lines(local.output()).at(-1)).toBe('stopped at once; 1 collection cut short (collected again at the next start)');
    } finally {
      release();
      await local.stop();
      await ghcr.close();
    }
  });
});

describe('log lines for a person', () => {
  it('give the time, the level, the message, then each field, quoting only what needs it', () => {
    expect(
      humanLogLine({
        level: 'WARN',
        message: 'collection failed',
        timestamp: '2026-11-23T10:00:01.234Z',
        service: 'pullwatch',
        sampling_rate: 0,
        ref: 'dockerhub:library/nginx',
        reason: 'transient: cannot resolve hub.docker.com (https://hub.docker.com/v2/repositories/library/nginx/)',
        retryAt: '2026-11-23T10:00:06.234Z',
        receives: 3,
        error: new Error('boom'),
      }),
    ).toBe(
      '10:00:01 WARN  collection failed  ref=dockerhub:library/nginx reason="transient: cannot resolve hub.docker.com (https://hub.docker.com/v2/repositories/library/nginx/)" retryAt=2026-11-23T10:00:06Z receives=3 error="Error: boom"',
    );
    expect(humanLogLine({ level: 'INFO', message: 'dispatched', timestamp: '2026-11-23T10:00:01.234Z' })).toBe('10:00:01 INFO  dispatched');
  });
});
