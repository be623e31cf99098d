// A real Docker registry (Debian's distribution 2.8) on 127.0.0.1 with notification endpoints, and skopeo to drive it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

export const APT_INSTALL = 'apt-get update && apt-get install -y docker-registry skopeo';

/** Debian ships distribution as /usr/bin/docker-registry (upstream names it `registry`). */
const REGISTRY_BINARIES = ['docker-registry', 'registry'];

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The registry and skopeo executables, or an error that says how to install them. */
export function findTools(): { registry: string; skopeo: string } {
  const registry = REGISTRY_BINARIES.map(onPath).find(Boolean);
  const skopeo = onPath('skopeo');
  if (!registry || !skopeo) {
    const missing = [!registry && 'docker-registry', !skopeo && 'skopeo'].filter(Boolean).join(' and ');
    throw new Error(`${missing} not found on PATH; these tests drive a real registry. Install with: ${APT_INSTALL}`);
  }
  return { registry, skopeo };
}

export interface NotificationEndpoint {
  name: string;
  url: string;
  headers?: Record<string, string[]>;
}

export interface RegistryServer {
  /** `127.0.0.1:<port>`: the registry's address as clients name it, and the `request.host` its events carry. */
  host: string;
  url: string;
  /** The registry's log so far (stderr) and access log (stdout). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Writes `<dir>/config.yml` and serves it. The config is JSON, which YAML parsers read as YAML; durations are
 * strings ("1s") because distribution decodes them with time.ParseDuration.
 */
export async function startRegistry(options: { dir: string; endpoints: NotificationEndpoint[] }): Promise<RegistryServer> {
  const { registry } = findTools();
  const configPath = join(options.dir, 'config.yml');
  const config = {
    version: '0.1',
    log: { level: 'info', fields: { service: 'registry' } },
    storage: { filesystem: { rootdirectory: join(options.dir, 'storage') }, delete: { enabled: true } },
    // Port 0: the kernel picks a free port, which the registry logs as "listening on 127.0.0.1:<port>".
    http: { addr: '127.0.0.1:0', secret: 'pullwatch-test-secret' },
    notifications: {
      endpoints: options.endpoints.map((endpoint) => ({
        name: endpoint.name,
        url: endpoint.url,
        headers: endpoint.headers ?? {},
        timeout: '1s',
        // One failure opens the breaker for `backoff`; then delivery retries, so a slow start loses nothing.
        threshold: 1,
        backoff: '1s',
        // Blobs are noise for pull counting, but keep every media type here: the test checks what really arrives.
        ignoredmediatypes: [],
      })),
    },
  };
  await mkdir(options.dir, { recursive: true });
  await writeFile(configPath, JSON.stringify(config, null, 2));

  // Drop REGISTRY_* from the environment: distribution reads them as overrides of config.yml.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('REGISTRY_')));
  const child = spawn(registry, ['serve', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));

  const host = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`registry did not start within 20 s (${registry} serve ${configPath}):\n${output}`)), 20_000);
    const check = () => {
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`registry exited with ${code} (${registry} serve ${configPath}):\n${output}`));
    });
  });
  const url = `http://${host}`;
  await waitForApi(url, child, () => output);

  return {
    host,
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The v2 API base answers 200 `{}` once the registry serves requests. */
async function waitForApi(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(`${url}/v2/`);
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`registry at ${url}/v2/ did not answer 200 (${last}):\n${output()}`);
}

const run = promisify(execFile);

/**
 * Runs `skopeo copy`. `--insecure-policy` skips /etc/containers/policy.json, which a minimal machine may lack;
 * TLS verification is off because the registry speaks plain HTTP on loopback.
 */
export async function skopeoCopy(from: string, to: string): Promise<void> {
  const { skopeo } = findTools();
  const args = ['--insecure-policy', 'copy', '--quiet'];
  if (from.startsWith('docker://')) args.push('--src-tls-verify=false');
  if (to.startsWith('docker://')) args.push('--dest-tls-verify=false');
  args.push(from, to);
  try {
    await run(skopeo, args, { timeout: 60_000 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`skopeo ${args.join(' ')} failed: ${stderr || String(error)}`);
  }
}
