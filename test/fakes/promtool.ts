// Runs Debian's real `promtool` (CI installs the `prometheus` package): `check metrics` on exposition text, and any
// other subcommand (check rules, test rules) on files.
import { spawnSync } from 'node:child_process';

const INSTALL_HINT = "promtool is not installed: install Debian's `prometheus` package (apt-get update && apt-get install -y prometheus), which ships /usr/bin/promtool";

export interface PromtoolResult {
  status: number | null;
  output: string;
}

/** Exit 0 and no output means it parsed and found no lint problem. */
export function promtoolCheck(text: string): PromtoolResult {
  return promtool(['check', 'metrics'], { input: text });
}

export function promtool(args: readonly string[], options: { input?: string; cwd?: string } = {}): PromtoolResult {
  const result = spawnSync(process.env.PROMTOOL ?? 'promtool', args, { input: options.input, cwd: options.cwd, encoding: 'utf8', timeout: 20_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(INSTALL_HINT);
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}
