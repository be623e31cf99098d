// Runs `bin/local.ts` as a child process, as `npm start` does, and reads its startup line.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface LocalProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * libfaketime (Debian's faketime package), preloaded into the process itself: the `faketime` command would stand
 * between the test and the process and take its signals.
 */
function fakeTimeEnv(instant: string): Record<string, string> {
  const library = readdirSync('/usr/lib', { withFileTypes: true })
    .map((entry) => join('/usr/lib', entry.name, 'faketime', 'libfaketimeMT.so.1'))
    .find((path) => existsSync(path));
  if (!library) throw new Error('libfaketime is missing: apt-get install faketime (test/system-packages.sh)');
  // Starts the clock at the instant and lets it run; timers keep the real monotonic clock.
  return { LD_PRELOAD: library, FAKETIME: `@${instant.replace('T', ' ').replace(/(\.\d+)?Z$/, '')}`, FAKETIME_DONT_FAKE_MONOTONIC: '1', TZ: 'UTC' };
}

/** `fakeTime`: the process's clock starts at this instant (ISO-8601, UTC) and runs on. */
/** `env` overrides the test process's environment; an undefined value removes a variable. */
export async function startLocalProcess(env: Record<string, string | undefined>, { fakeTime }: { fakeTime?: string } = {}): Promise<LocalProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN', ...(fakeTime && fakeTimeEnv(fakeTime)), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local mode did not start in time:\n${output}`)), 20_000);
    const check = () => {
      const match = /running at (http:\/\/\S+\/)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local mode exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

/** Runs bin/local.ts until it exits by itself (a start that fails): its exit code and everything it wrote. */
export async function failedStart(env: Record<string, string>, args: readonly string[] = []): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN', PORT: '0', POLL_INTERVAL: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

/** Polls until `check` returns a value, or fails with the last thing it saw. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
