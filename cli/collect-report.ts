// What `npm run collect` prints: a live line or one line per outcome while it runs, then the refs that need attention,
// the warnings of cut listings, and a summary line; and its exit status.
import type { CollectProgress, CollectReport, RefStatus } from '../lambdas/local/collect-once.ts';
import { describeError, plural } from './layout.ts';
import { reposEnvLines } from './repos-env.ts';

/** Exit status: 0 when at least one ref was collected; 1 when every ref failed or none is tracked and enabled. */
export function collectExitCode(report: CollectReport): number {
  return report.outcomes.some((outcome) => outcome.status === 'collected' || outcome.status === 'partial') ? 0 : 1;
}

/** The live line on a terminal: `collected 12/40 · 2 failed`. */
export function progressLine(progress: CollectProgress): string {
  return `collected ${progress.done}/${progress.total} · ${progress.failed} failed`;
}

/** One log line per outcome when the output is not a terminal; for the start, how many refs the run collects. */
export function progressLogLine(progress: CollectProgress): string | undefined {
  const { latest } = progress;
  if (!latest) return `collecting ${plural(progress.total, 'ref')}`;
  const counter = `[${progress.done}/${progress.total}]`;
  return latest.ok ? `${counter} collected ${latest.ref}` : `${counter} failed ${latest.ref}: ${latest.error ? describeError(latest.error) : 'unknown error'}`;
}

/** What REPOS did, the refs that need attention and the warnings, one a line, then the summary line. */
export function renderReport(report: CollectReport): string {
  const lines: string[] = reposEnvLines(report.fromEnv, report.added);
  for (const outcome of report.outcomes) {
    const storedAs = outcome.storedAs ? ` (stored as "${outcome.storedAs}")` : '';
    if (outcome.status === 'failed') lines.push(`failed   ${outcome.ref}${storedAs}: ${outcome.error ? describeError(outcome.error) : 'unknown error'}`);
    if (outcome.status === 'partial') lines.push(`partial  ${outcome.ref}${storedAs}: ${outcome.error ? describeError(outcome.error) : 'some repositories failed'}`);
    if (outcome.status === 'no_outcome') lines.push(`unknown  ${outcome.ref}${storedAs}: no outcome recorded (see the log above)`);
    // Each warning names its ref already (`hugeorg/*: 198 of 250 repositories ...`).
    for (const warning of outcome.warnings ?? []) lines.push(`warning  ${warning}`);
  }
  for (const skipped of report.skipped) lines.push(`skipped  ${skipped.ref}: invalid ref: ${skipped.reason}`);
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

function summaryLine(report: CollectReport): string {
  const count = (status: RefStatus) => report.outcomes.filter((outcome) => outcome.status === status).length;
  const seconds = ((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000).toFixed(1);
  if (report.outcomes.length === 0) {
    return `nothing to collect: no enabled refs in ${report.dataDir} (start with REPOS=..., or npm run repos -- --local add <ref>)`;
  }
  const parts = [`collected ${count('collected') + count('partial')}/${report.outcomes.length} refs in ${seconds} s`, `${count('failed') + count('no_outcome')} failed`];
  if (count('partial') > 0) parts.push(`${count('partial')} with failed repositories behind a wildcard`);
  const warned = report.outcomes.filter((outcome) => outcome.warnings?.length).length;
  if (warned > 0) parts.push(`${warned} with warnings`);
  if (report.skipped.length > 0) parts.push(`${report.skipped.length} invalid skipped`);
  if (report.disabled > 0) parts.push(`${report.disabled} disabled`);
  return parts.join(' · ');
}
