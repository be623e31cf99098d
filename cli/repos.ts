// `npm run repos`: its arguments, help text, exit status, and the tables it prints; the rules live in lambdas/core/repo-commands.ts.
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../lambdas/core/defaults.ts';
import { CHANGE_COMMANDS, type ChangeCommand, type ChangeResult, type ChangeStatus, type ListedRepo, problemOf } from '../lambdas/core/repo-commands.ts';
import { type DiscoverySummary, discoverySummary } from '../lambdas/core/discovery/summary.ts';
import type { StackUrls } from '../lambdas/stores/stack-outputs.ts';
import { describeError, plural, shortTime, table } from './layout.ts';
import { EXIT, UsageError } from './exit.ts';

export type ReposCommand = 'list' | 'label' | 'urls' | ChangeCommand;

/** Where the repos table is: the deployed stack's (found from its outputs, or named by --table), or local mode's DATA_DIR. */
export type ReposTarget = { kind: 'local' } | { kind: 'aws'; stack: string; region?: string; table?: string };

export interface ReposInvocation {
  command: ReposCommand;
  refs: string[];
  /** For `label`: the new label, '' to clear it. */
  label?: string;
  json: boolean;
  target: ReposTarget;
}


export const REPOS_USAGE =
  'Usage: npm run repos -- <list|add|remove|enable|disable|label|urls> [ref...] [--local | --stack <name> --region <region> | --table <name>] [--json]';

export const REPOS_HELP = `${REPOS_USAGE}

Manages the refs pullwatch tracks: in the deployed stack's repos table, with your AWS
credentials (default provider chain), or in local mode's DATA_DIR with --local.

Commands:
  list                 every tracked ref: enabled, label, last success, last error; invalid refs flagged
  add <ref...>         track refs, stored in canonical form (nginx -> dockerhub:library/nginx)
  remove <ref...>      stop tracking refs (the history already collected stays)
  enable <ref...>      resume collecting refs
  disable <ref...>     pause collecting refs
  label <ref> <text>   set the name the dashboard shows for a ref; label <ref> '' clears it
  urls                 the deployed stack's dashboard, API and ingest URLs

Where:
  --stack <name>     CloudFormation stack whose ReposTableName output names the table (default ${DEFAULTS.stackName})
  --region <region>  AWS region (default: AWS_REGION, or your profile's region)
  --table <name>     this DynamoDB table; skips the stack lookup
  --local            local mode's store under DATA_DIR (default ./data); stop \`npm start\` first

Output:
  --json             machine-readable output
  -h, --help         this help

A ref is what you would pass to \`docker pull\` (nginx, ghcr.io/owner/pkg, quay.io/ns/repo) or a
canonical ref (dockerhub:myorg/*). remove, enable, disable and label also take a ref exactly as
stored, so items typed by hand in the console, invalid ones included, can be fixed or removed.

Exit status:
  0  done (refs already in the requested state count as done)
  1  the store could not be reached: no such stack, output or table, no AWS credentials or region,
     an AWS error, or another process (npm start, npm run collect) holding the same DATA_DIR
  2  bad usage, or some refs were invalid or not tracked (the others were still applied)

Examples:
  npm run repos -- list
  npm run repos -- add nginx ghcr.io/acme/cli 'dockerhub:acme/*'
  npm run repos -- disable nginx --region eu-west-1
  npm run repos -- label ghcr.io/acme/cli 'Acme CLI'
  npm run repos -- remove quay.io/acme/old --stack PullwatchStaging
  npm run repos -- list --table Pullwatch-ReposTable1A2B3C4D --json
  npm run repos -- urls --stack PullwatchStaging
  DATA_DIR=./data npm run repos -- --local add nginx
`;

/** Reads the CLI's arguments; returns 'help' for -h/--help and throws UsageError naming what is wrong. */
export function parseReposArgs(argv: readonly string[]): ReposInvocation | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        local: { type: 'boolean' },
        stack: { type: 'string' },
        region: { type: 'string' },
        table: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs says what it rejected ("Unknown option '--x'", "Option '--stack <value>' argument missing").
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';

  const [command, ...refs] = positionals;
  if (command === undefined) throw new UsageError('no command given');
  if (command !== 'list' && command !== 'label' && command !== 'urls' && !(CHANGE_COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}"`);
  if ((command === 'list' || command === 'urls') && refs.length > 0) throw new UsageError(`${command} takes no refs (got ${refs.join(' ')})`);
  if (command === 'urls' && (values.local || values.table !== undefined)) throw new UsageError('urls reads the deployed stack\'s outputs: pass --stack and --region, not --local or --table');
  if (command === 'label' && refs.length !== 2) throw new UsageError(`label takes a ref and its label (label <ref> <text>; '' clears it), got ${refs.length} argument${refs.length === 1 ? '' : 's'}`);
  if (command !== 'list' && command !== 'urls' && refs.length === 0) throw new UsageError(`${command} needs at least one ref`);

  for (const name of ['stack', 'region', 'table'] as const) {
    if (values[name] !== undefined && values[name].trim() === '') throw new UsageError(`--${name} needs a value`);
    if (values.local && values[name] !== undefined) throw new UsageError(`--local uses DATA_DIR; --${name} is for the deployed stack`);
  }
  if (values.stack !== undefined && values.table !== undefined) throw new UsageError('--table names the table itself: pass --stack or --table, not both');

  const target: ReposTarget = values.local
    ? { kind: 'local' }
    : { kind: 'aws', stack: values.stack ?? DEFAULTS.stackName, ...(values.region && { region: values.region }), ...(values.table && { table: values.table }) };
  const json = values.json ?? false;
  if (command === 'label') return { command, refs: [refs[0]!], label: refs[1]!, json, target };
  return { command: command as ReposCommand, refs, json, target };
}

// --- list ---------------------------------------------------------------------------------------------------------

export function renderList(repos: readonly ListedRepo[], options: { json: boolean; where: string; now?: Date }): string {
  const now = options.now ?? new Date();
  if (options.json) {
    const rows = repos.map((repo) => ({
      ref: repo.ref,
      enabled: repo.enabled,
      label: repo.label ?? null,
      last_success_at: repo.lastSuccessAt ?? null,
      last_error: repo.lastError ?? null,
      warnings: repo.warnings ?? [],
      valid: repo.invalidReason === undefined,
      canonical_ref: repo.canonical ?? null,
      problem: problemOf(repo) ?? null,
      ...(repo.discovery && { discovery: discoverySummary(repo.discovery, now) }),
    }));
    return `${JSON.stringify(rows, null, 2)}\n`;
  }
  if (repos.length === 0) return `no refs tracked in ${options.where}; add some with: npm run repos -- add <ref...>\n`;

  const rows = repos.map((repo) => [
    repo.invalidReason !== undefined ? `${repo.ref} (invalid)` : repo.canonical !== repo.ref ? `${repo.ref} (-> ${repo.canonical})` : repo.ref,
    repo.enabled ? 'yes' : 'no',
    repo.label ?? '-',
    repo.lastSuccessAt ? shortTime(repo.lastSuccessAt) : '-',
    repo.lastError ? describeError(repo.lastError) : '-',
  ]);
  const lines = table(['REF', 'ENABLED', 'LABEL', 'LAST SUCCESS', 'LAST ERROR'], rows);

  const notes = repos.flatMap((repo) => {
    const problem = problemOf(repo);
    return [...(problem ? [`  ${repo.ref}: ${problem}`] : []), ...(repo.warnings ?? []).map((warning) => `  ${warning}`)];
  });
  const enabled = repos.filter((repo) => repo.enabled).length;
  const invalid = repos.filter((repo) => repo.invalidReason !== undefined).length;
  const counts = [plural(repos.length, 'ref'), `${enabled} enabled`, `${repos.length - enabled} disabled`];
  if (invalid > 0) counts.push(`${invalid} invalid`);
  counts.push(options.where);
  const discovered = repos.flatMap((repo) => (repo.discovery ? discoveryLines(repo.ref, discoverySummary(repo.discovery, now)) : []));
  return (
    [...lines, ...(discovered.length > 0 ? ['', 'Discovered from GitHub:', ...discovered] : []), '', counts.join(' · '), ...(notes.length > 0 ? ['Needs attention:', ...notes] : [])].join('\n') + '\n'
  );
}

/** A `github:` ref's findings: what it read, what it tracks and where each image was found, and when it reads again. */
function discoveryLines(ref: string, summary: DiscoverySummary): string[] {
  const parts = [plural(summary.repositoriesRead, 'repository', 'repositories') + ' read', plural(summary.images.length, 'image'), plural(summary.misses.length, 'miss', 'misses')];
  if (summary.skipped > 0) parts.push(`${summary.skipped} not trackable`);
  if (summary.inProgress) parts.push(`reading (${summary.inProgress.repositoriesRead} so far)`);
  if (summary.nextRunAt) parts.push(`next discovery ${shortTime(summary.nextRunAt)}`);
  return [`  ${ref}: ${parts.join(' · ')}`, ...summary.images.map((image) => `    ${image.ref}  (${image.foundIn})`)];
}

// --- changes ------------------------------------------------------------------------------------------------------

export function changeExitCode(results: readonly ChangeResult[]): number {
  return results.some((result) => result.status === 'invalid' || result.status === 'not_tracked') ? EXIT.rejected : EXIT.ok;
}

const STATUS_ORDER: readonly ChangeStatus[] = ['added', 'removed', 'enabled', 'disabled', 'labelled', 'unlabelled', 'unchanged', 'invalid', 'not_tracked'];

export function renderChanges(command: ReposCommand, results: readonly ChangeResult[], options: { json: boolean; where: string }): string {
  const counts = Object.fromEntries(
    STATUS_ORDER.flatMap((status) => {
      const count = results.filter((result) => result.status === status).length;
      return count > 0 ? [[status, count]] : [];
    }),
  );
  if (options.json) {
    const rows = results.map((result) => ({ input: result.input, ref: result.ref ?? null, status: result.status, detail: result.detail ?? null }));
    return `${JSON.stringify({ command, where: options.where, results: rows, counts }, null, 2)}\n`;
  }
  const rows = results.map((result) => {
    const notes = [result.ref !== undefined && result.ref !== result.input.trim() ? `from "${result.input}"` : undefined, result.detail].filter(Boolean);
    return [result.status.replace('_', ' '), result.ref ?? JSON.stringify(result.input), notes.join('; ')];
  });
  const summary = Object.entries(counts)
    .map(([status, count]) => `${count} ${status.replace('_', ' ')}`)
    .join(', ');
  return [...table(undefined, rows), `${summary} · ${options.where}`].join('\n') + '\n';
}

/** `urls`: where the deployed stack answers, one per line (or JSON). */
export function renderUrls(urls: StackUrls, options: { json: boolean; where: string }): string {
  if (options.json) return `${JSON.stringify(urls, null, 2)}\n`;
  const rows = [['dashboard', urls.dashboard], ['api', urls.api], ...(urls.ingest ? [['ingest', urls.ingest]] : [])];
  return [...table(['WHAT', 'URL'], rows), '', options.where].join('\n') + '\n';
}
