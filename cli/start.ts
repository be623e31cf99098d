// What `npm start` says: the line it runs at, what REPOS did, and, on Ctrl-C, what stopping waits for.
import { durationText } from '../lambdas/core/days.ts';
import type { LocalPullwatch } from '../lambdas/local/server.ts';
import { plural } from './layout.ts';
import { reposEnvLines } from './repos-env.ts';

export function startupLines(pullwatch: LocalPullwatch): string[] {
  const { dataDir, pollMs } = pullwatch.settings;
  return [
    `pullwatch is running at ${pullwatch.url} (API: ${pullwatch.url}api/summary) · data in ${dataDir} · ` +
      (pollMs > 0 ? `collecting every ${durationText(pollMs)}` : 'collected once at start'),
    ...reposEnvLines(pullwatch.settings.initialRefs, pullwatch.added),
  ];
}

/** The first Ctrl-C: what the stop waits for, and how to skip the wait. */
export function stoppingLine(signal: string, collecting: readonly string[]): string {
  if (collecting.length === 0) return `${signal}: stopping pullwatch`;
  const shown = collecting.slice(0, 3).join(', ') + (collecting.length > 3 ? ` and ${collecting.length - 3} more` : '');
  return `${signal}: stopping pullwatch once the ${plural(collecting.length, 'collection')} under way finish (${shown}); Ctrl-C again stops at once`;
}

/** The second Ctrl-C. */
export function stoppedAtOnceLine(collecting: readonly string[]): string {
  return collecting.length === 0
    ? 'stopped at once'
    : `stopped at once; ${plural(collecting.length, 'collection')} cut short (collected again at the next start)`;
}
