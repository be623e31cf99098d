// Local mode at its edges, over real HTTP: hostile date parameters answered at once while /api/health stays fast, the
// dashboard's security headers as CloudFront sends them, a 413 that closes its connection, and a DATA_DIR that is
// damaged, full or cut short at start-up.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dashboard } from '../../lib/dashboard.ts';
import { type LocalProcess, eventually, failedStart, startLocalProcess } from './process.ts';

const TOKEN = 'edges-token';
const HOSTILE = ['/api/pulls?to=9999-12-31', '/api/pulls/daily?from=9999-12-20&to=9999-12-20', '/api/snapshot?date=9999-12-31', '/api/pulls?from=1900-01-01', '/api/pulls/daily?to=99999d', '/api/pulls?interval=hour&from=2000-01-01'];

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'pullwatch-edges-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** How long a request takes, and what it answered. */
async function timed(url: string): Promise<{ ms: number; status: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  return { ms: performance.now() - started, status: response.status, body };
}

describe('local mode over HTTP', () => {
  let pullwatch: LocalProcess;
  beforeAll(async () => {
    pullwatch = await startLocalProcess({ PORT: '0', DATA_DIR: join(workDir, 'serving'), POLL_INTERVAL: '0', INGEST_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await pullwatch.stop();
  });

  it('answers the 9999 family with a 400 naming the parameter within 100 ms, and /api/health stays under 100 ms while 6 run', async () => {
    // Warm the connection pool and the routes once: first requests also pay for connecting and compiling.
    await Promise.all([timed(`${pullwatch.url}api/health`), ...HOSTILE.map((path) => timed(`${pullwatch.url}${path.slice(1)}`))]);
    for (let round = 0; round < 5; round++) {
      const [health, ...hostile] = await Promise.all([timed(`${pullwatch.url}api/health`), ...HOSTILE.map((path) => timed(`${pullwatch.url}${path.slice(1)}`))]);
      expect(health.status).toBe(200);
      expect(health.ms, `/api/health during round ${round}`).toBeLessThan(100);
      hostile.forEach((answer, index) => {
        expect(answer.status, HOSTILE[index]).toBe(400);
        expect(JSON.parse(answer.body), HOSTILE[index]).toMatchObject({ parameter: expect.stringMatching(/^(from|to|date)$/) });
        expect(answer.ms, HOSTILE[index]).toBeLessThan(100);
      });
    }
  });

  it('sends the dashboard with the Content-Security-Policy and security headers CloudFront sends, and the API without them', async () => {
    const outdir = join(workDir, 'cdk.out');
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'HeadersProbe');
    new Dashboard(stack, 'Dashboard', { apiDomainName: 'api.example.com' });
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const config = policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    // The headers CloudFront writes from that policy.
    const cloudFront = {
      'content-security-policy': config.ContentSecurityPolicy.ContentSecurityPolicy,
      'strict-transport-security': `max-age=${config.StrictTransportSecurity.AccessControlMaxAgeSec}${config.StrictTransportSecurity.IncludeSubdomains ? '; includeSubDomains' : ''}`,
      'x-content-type-options': 'nosniff',
      'x-frame-options': config.FrameOptions.FrameOption,
      'referrer-policy': config.ReferrerPolicy.ReferrerPolicy,
    };
    expect(Object.keys(config).sort()).toEqual(['ContentSecurityPolicy', 'ContentTypeOptions', 'FrameOptions', 'ReferrerPolicy', 'StrictTransportSecurity']);
    for (const path of ['', 'index.html', 'no-such-file.js']) {
      const response = await fetch(`${pullwatch.url}${path}`);
      await response.arrayBuffer();
      for (const [name, value] of Object.entries(cloudFront)) expect(response.headers.get(name), `/${path} ${name}`).toBe(value);
    }
    const api = await fetch(`${pullwatch.url}api/health`);
    expect(api.headers.get('content-security-policy')).toBeNull();
  });

  it('answers an envelope of 1,000 events well inside the 2 s a registry waits, and refuses 1,001 with 413', async () => {
    const events = (count: number, prefix: string) =>
      JSON.stringify({
        events: Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, timestamp: '2026-11-23T10:00:00Z', action: 'pull', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: `big/app-${i % 10}`, tag: `v${i % 3}` }, request: { method: 'GET', host: 'registry.example.com' } })),
      });
    const post = (body: string) => fetch(`${pullwatch.url}api/ingest/registry`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
    for (const round of [0, 1, 2]) {
      const started = performance.now();
      const response = await post(events(1_000, `big-${round}`));
      const ms = performance.now() - started;
      expect(response.status).toBe(200);
      expect(((await response.json()) as { counted: { pull: number } }).counted.pull).toBe(1_000);
      expect(ms, `round ${round}`).toBeLessThan(1_000);
    }
    expect((await post(events(1_001, 'too-many'))).status).toBe(413);
  });

  it('closes the connection a 413 answered, while the client is still sending', async () => {
    const { port, hostname } = new URL(pullwatch.url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk));
    const closed = once(socket, 'close');
    socket.on('error', () => undefined);
    // Keep-alive asked for, 5 MiB announced, a first part sent: the rest never comes.
    socket.write(`POST /api/ingest/registry HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n{"events":[`);
    const result = await Promise.race([closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 5_000))]);
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received.toLowerCase()).toContain('connection: close');
    expect(result).toBe('closed');
  });
});

describe('local mode start-up on a damaged, full or cut-short DATA_DIR', () => {
  /** A DATA_DIR with a store and some counts in it, left by a local mode killed with SIGKILL. */
  async function usedDataDir(name: string): Promise<string> {
    const dataDir = join(workDir, name);
    const local = await startLocalProcess({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', INGEST_TOKEN: TOKEN });
    const events = Array.from({ length: 3 }, (_, i) => ({ id: `${name}-${i}`, timestamp: '2026-11-23T10:00:00Z', action: 'pull', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'team/app', tag: 'v1' }, request: { method: 'GET', host: 'registry.example.com' } }));
    for (const event of events) {
      const response = await fetch(`${local.url}api/ingest/registry`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [event] }) });
      expect(response.status).toBe(200);
    }
    await local.stop('SIGKILL');
    return dataDir;
  }

  const oneLine = (output: string) => output.trim().split('\n').filter((line) => line.trim() !== '');

  it('stops with one line naming DATA_DIR when its store does not read back', async () => {
    const dataDir = await usedDataDir('damaged-store');
    const levelDir = join(dataDir, 'dynamodb');
    const manifest = (await readdir(levelDir)).find((file) => file.startsWith('MANIFEST-'))!;
    await writeFile(join(levelDir, manifest), 'not a manifest');
    const { code, output } = await failedStart({ DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(oneLine(output)).toEqual([expect.stringMatching(new RegExp(`^pullwatch: DATA_DIR ${dataDir} is damaged: .*restore DATA_DIR from a backup`))]);
  });

  it('stops with one line naming DATA_DIR when the counters journal is damaged before its end', async () => {
    const dataDir = await usedDataDir('damaged-journal');
    const journal = await readFile(join(dataDir, 'counters', 'journal'));
    journal[12] = journal[12] === 0x7b ? 0x5b : 0x7b;
    await writeFile(join(dataDir, 'counters', 'journal'), journal);
    const { code, output } = await failedStart({ DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(oneLine(output)).toEqual([expect.stringMatching(new RegExp(`^pullwatch: DATA_DIR ${dataDir} is damaged: the webhook's counters .*move ${dataDir}/counters away`))]);
  });

  it('stops with one line when DATA_DIR is a file', async () => {
    const dataDir = join(workDir, 'a-file');
    await writeFile(dataDir, 'not a directory');
    const { code, output } = await failedStart({ DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(oneLine(output)).toEqual([`pullwatch: DATA_DIR ${dataDir} is not a directory: point DATA_DIR at a directory`]);
  });

  // A small disk is a tmpfs mount: this needs root (and the right to mount); elsewhere it is skipped, and says so.
  it('stops with one line when the disk under DATA_DIR is full', async (context) => {
    const mountPoint = join(workDir, 'small-disk');
    await mkdir(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      context.skip('cannot mount a small tmpfs here (not root, or no CAP_SYS_ADMIN)');
    }
    try {
      const dataDir = await usedDataDir('small-disk/data');
      // Fill what is left, then start again: LevelDB's recovery and the journal both need room to write.
      await writeFile(join(mountPoint, 'filler'), Buffer.alloc(16 * 1024 * 1024)).catch(() => undefined);
      const { code, output } = await failedStart({ DATA_DIR: dataDir });
      expect(code, output).toBe(1);
      expect(oneLine(output)).toEqual([`pullwatch: DATA_DIR ${dataDir} is full (no space left on its disk): free some space there, or point DATA_DIR at another disk`]);
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });

  it('reports a write-ahead log or a counters journal cut short, then starts and serves what it kept', async () => {
    const dataDir = await usedDataDir('cut-short');
    const levelDir = join(dataDir, 'dynamodb');
    const logs = (await readdir(levelDir)).filter((file) => /^\d+\.log$/.test(file));
    const log = join(levelDir, logs.at(-1)!);
    const logBytes = (await readFile(log)).length;
    expect(logBytes).toBeGreaterThan(100);
    await truncate(log, logBytes - 5);
    const journal = join(dataDir, 'counters', 'journal');
    await truncate(journal, (await readFile(journal)).length - 3);

    const restarted = await startLocalProcess({ PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL: '0', INGEST_TOKEN: TOKEN });
    try {
      await eventually(async () => ((await fetch(`${restarted.url}api/health`)).status === 200 ? true : undefined));
      const output = restarted.output();
      expect(output).toContain(`LevelDB write-ahead log ${log} is truncated or damaged: it ends inside a record`);
      expect(output).toContain(`counters journal ${journal} ended in`);
      // The journal lost its last envelope (never acknowledged, had a crash cut it): two of the three pulls remain.
      const tags = (await (await fetch(`${restarted.url}api/tags?repo=registry:registry.example.com/team/app`)).json()) as { tag: string; pulls: number }[];
      expect(tags).toMatchObject([{ tag: 'v1', pulls: 2 }]);
    } finally {
      await restarted.stop();
    }
  });
});
