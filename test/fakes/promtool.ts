// Runs Debian's real `promtool check metrics` on exposition text (CI installs the `prometheus` package).
import { spawnSync } from 'node:child_process';

const INSTALL_HINT = "promtool is not installed: install Debian's `prometheus` package (apt-get update && apt-get install -y prometheus), which ships /usr/bin/promtool";

/** Exit 0 and no output means it parsed and found no lint problem. */
export function promtoolCheck(text: string): { status: number | null; output: string } {
  const result = spawnSync(process.env.PROMTOOL ?? 'promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(INSTALL_HINT);
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}
