// Runs one checked README block as a newcomer would in a fresh clone, against fake upstreams and a fresh DATA_DIR:
// `npm start` in the background (until the block ends), `npm run <script>` through the script package.json names,
// `curl` against the running local mode. What it printed is mapped back to what the README would show.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LocalProcess, eventually, startLocalProcess } from '../local/process.ts';
import type { CommandBlock } from './blocks.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
/** Where the README's examples say a newcomer's clone and its default DATA_DIR are. */
const README_DATA_DIR = { relative: './data', absolute: '/home/you/pullwatch/data' };

/** Leading `NAME=value` words, then the command. */
const ASSIGNMENTS = /^((?:[A-Z][A-Z0-9_]*=\S*\s+)*)(.*)$/;

export interface World {
  /** The environment every command gets: upstream URLs pointing at fakes, and the like. */
  env: Record<string, string>;
  /** Fake base URL → the real one the README names. */
  hosts: Record<string, string>;
}

export interface CommandRun {
  command: string;
  code: number | null;
  output: string;
}

/** Runs the block's commands in order; returns each command's run, its output as the README would show it. */
export async function runBlock(block: CommandBlock, world: World): Promise<CommandRun[]> {
  const home = await mkdtemp(join(tmpdir(), 'pullwatch-readme-'));
  const dataDir = join(home, 'data');
  // Relative, as the README's default `./data` is: the startup line shows DATA_DIR as given.
  const env = { ...world.env, DATA_DIR: relative(ROOT, dataDir) };
  const servers: { process: LocalProcess; readmePort: string }[] = [];
  const toReadme = (text: string) => {
    // The relative form first: it ends with the absolute one.
    let shown = text.replaceAll(env.DATA_DIR, README_DATA_DIR.relative).replaceAll(resolve(dataDir), README_DATA_DIR.absolute);
    for (const [fake, real] of Object.entries(world.hosts)) shown = shown.replaceAll(fake, real);
    for (const { process, readmePort } of servers) shown = shown.replaceAll(new URL(process.url).host, `127.0.0.1:${readmePort}`);
    return shown;
  };
  const runs: CommandRun[] = [];
  try {
    for (const line of block.commands) {
      for (const command of line.split(/\s+&&\s+/).map((part) => part.replace(/\s+#\s.*$/, '').trim())) {
        const [, assignmentText = '', rest = ''] = ASSIGNMENTS.exec(command)!;
        const assignments = Object.fromEntries(assignmentText.trim().split(/\s+/).filter(Boolean).map((word) => word.split(/=(.*)/s).slice(0, 2) as [string, string]));
        if (rest === 'npm ci' || rest === 'npm test') continue; // The tree is installed, and `npm test` is what runs this.
        if (rest === 'npm start') {
          const readmePort = assignments.PORT ?? '8080';
          const process = await startServer({ ...env, PORT: '0', ...assignments, ...(assignments.PORT && { PORT: '0' }) });
          servers.push({ process, readmePort });
          runs.push({ command, code: 0, output: toReadme(process.output()) });
          continue;
        }
        let shell: string;
        const script = /^npm run (?:-s |--silent )?([\w:-]+)(?: --)?(.*)$/.exec(rest);
        if (script) {
          const body = SCRIPTS[script[1]!];
          if (body === undefined) throw new Error(`README.md:${block.line}: no npm script "${script[1]}" (in: ${command})`);
          shell = `${assignmentText}${body}${script[2]}`;
        } else if (/^curl\s/.test(rest)) {
          let url = rest;
          for (const { process, readmePort } of servers) url = url.replaceAll(`127.0.0.1:${readmePort}`, new URL(process.url).host);
          shell = `${assignmentText}curl -sS --fail-with-body ${url.slice('curl '.length)}`;
        } else {
          throw new Error(`README.md:${block.line}: the README test does not know how to run "${command}": mark only npm and curl commands as checked`);
        }
        const run = await runShell(shell, env);
        runs.push({ command, code: run.code, output: toReadme(run.output) });
      }
    }
  } finally {
    for (const { process } of servers) await process.stop();
    await rm(home, { recursive: true, force: true });
  }
  return runs;
}

/** `npm start` without `--build`: web/dist is already built (by `npm test`) and other tests read it meanwhile. */
async function startServer(env: Record<string, string>): Promise<LocalProcess> {
  if (!SCRIPTS.start?.startsWith('tsx bin/local.ts')) throw new Error(`package.json's start script is no longer bin/local.ts: ${SCRIPTS.start}`);
  const local = await startLocalProcess(env);
  // A newcomer waits for the first collection before asking for numbers: every enabled ref has an outcome.
  await eventually(async () => {
    const repos = (await (await fetch(`${local.url}api/repos`)).json()) as { enabled: boolean; last_success_at: string | null; last_error: unknown }[];
    return repos.every((repo) => !repo.enabled || repo.last_success_at !== null || repo.last_error !== null) ? true : undefined;
  }, 30_000);
  return local;
}

function runShell(command: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', ['-c', command], {
    cwd: ROOT,
    env: { ...process.env, ...env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  return once(child, 'close').then(([code]) => ({ code: code as number | null, output }));
}

/** Parts that differ from run to run (times, durations, process ids) are masked on both sides. */
export function masked(line: string): string {
  return line
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<time>')
    .replace(/\b\d+(?:\.\d+)? s\b/g, '<n> s')
    .replace(/\bpid \d+/g, 'pid <n>')
    .trimEnd();
}

/** Whether the shown lines appear in the output, in order (other lines may come between). */
export function showsInOrder(shown: readonly string[], output: string): boolean {
  const actual = output.split('\n').map(masked);
  let at = 0;
  for (const line of shown.map(masked)) {
    at = actual.indexOf(line, at);
    if (at === -1) return false;
    at++;
  }
  return true;
}
