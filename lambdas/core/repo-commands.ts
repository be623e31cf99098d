// The repos CLI's pure part: its arguments, what list/add/remove/enable/disable do to an EditableRepoList, and what they print.
import { parseArgs } from 'node:util';
import type { EditableRepoList, RecordedError, TrackedRepo } from './ports.ts';
import { refString, tryParseRef } from './refs.ts';

export const DEFAULT_STACK = 'Pullwatch';
export const CHANGE_COMMANDS = ['add', 'remove', 'enable', 'disable'] as const;
export type ChangeCommand = (typeof CHANGE_COMMANDS)[number];
export type ReposCommand = 'list' | ChangeCommand;

/** Where the repos table is: the deployed stack's (found from its outputs, or named by --table), or local mode's DATA_DIR. */
export type ReposTarget = { kind: 'local' } | { kind: 'aws'; stack: string; region?: string; table?: string };

export interface ReposInvocation {
  command: ReposCommand;
  refs: string[];
  json: boolean;
  target: ReposTarget;
}

/** Exit status of the repos CLI. */
export const EXIT = { ok: 0, unreachable: 1, rejected: 2 } as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An opened repos table, wherever it lives. */
export interface RepoStore {
  repos: EditableRepoList;
  /** Where the table is, for the summary line: `table X (stack S, eu-west-1)`, `local data in ./data`. */
  where: string;
  /** A clear message for an error this store's backend raised, when it knows one. */
  explain(error: unknown): string | undefined;
  close(): Promise<void>;
}

export const REPOS_USAGE = 'Usage: npm run repos -- <list|add|remove|enable|disable> [ref...] [--local | --stack <name> --region <region> | --table <name>] [--json]';

export const REPOS_HELP = `${REPOS_USAGE}

Manages the refs pullwatch tracks: in the deployed stack's repos table, with your AWS
credentials (default provider chain), or in local mode's DATA_DIR with --local.

Commands:
  list               every tracked ref: enabled, label, last success, last error; invalid refs flagged
  add <ref...>       track refs, stored in canonical form (nginx -> dockerhub:library/nginx)
  remove <ref...>    stop tracking refs (the history already collected stays)
  enable <ref...>    resume collecting refs
  disable <ref...>   pause collecting refs

Where:
  --stack <name>     CloudFormation stack whose ReposTableName output names the table (default ${DEFAULT_STACK})
  --region <region>  AWS region (default: AWS_REGION, or your profile's region)
  --table <name>     this DynamoDB table; skips the stack lookup
  --local            local mode's store under DATA_DIR (default ./data); stop \`npm start\` first

Output:
  --json             machine-readable output
  -h, --help         this help

A ref is what you would pass to \`docker pull\` (nginx, ghcr.io/owner/pkg, quay.io/ns/repo) or a
canonical ref (dockerhub:myorg/*). remove, enable and disable also take a ref exactly as stored,
so items typed by hand in the console, invalid ones included, can be fixed or removed.

Exit status:
  0  done (refs already in the requested state count as done)
  1  the store could not be reached: no such stack, output or table, no AWS credentials or region,
     an AWS error, or local mode running on the same DATA_DIR
  2  bad usage, or some refs were invalid or not tracked (the others were still applied)

Examples:
  npm run repos -- list
  npm run repos -- add nginx ghcr.io/acme/cli 'dockerhub:acme/*'
  npm run repos -- disable nginx --region eu-west-1
  npm run repos -- remove quay.io/acme/old --stack PullwatchStaging
  npm run repos -- list --table Pullwatch-ReposTable1A2B3C4D --json
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
  if (command !== 'list' && !(CHANGE_COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}"`);
  if (command === 'list' && refs.length > 0) throw new UsageError(`list takes no refs (got ${refs.join(' ')})`);
  if (command !== 'list' && refs.length === 0) throw new UsageError(`${command} needs at least one ref`);

  for (const name of ['stack', 'region', 'table'] as const) {
    if (values[name] !== undefined && values[name].trim() === '') throw new UsageError(`--${name} needs a value`);
    if (values.local && values[name] !== undefined) throw new UsageError(`--local uses DATA_DIR; --${name} is for the deployed stack`);
  }
  if (values.stack !== undefined && values.table !== undefined) throw new UsageError('--table names the table itself: pass --stack or --table, not both');

  const target: ReposTarget = values.local
    ? { kind: 'local' }
    : { kind: 'aws', stack: values.stack ?? DEFAULT_STACK, ...(values.region && { region: values.region }), ...(values.table && { table: values.table }) };
  return { command: command as ReposCommand, refs, json: values.json ?? false, target };
}

// --- list ---------------------------------------------------------------------------------------------------------

/** A tracked item as the collector sees it: invalid refs are skipped; non-canonical ones are collected under their canonical ref. */
export interface ListedRepo extends TrackedRepo {
  /** The canonical ref, when the stored one parses. */
  canonical?: string;
  /** Why the collector skips this item (its ref does not parse). */
  invalidReason?: string;
}

export function checkRepos(repos: readonly TrackedRepo[]): ListedRepo[] {
  return repos.map((repo) => {
    const parsed = tryParseRef(repo.ref);
    return parsed.ok ? { ...repo, canonical: refString(parsed.ref) } : { ...repo, invalidReason: parsed.error.reason };
  });
}

/** A note for items that are not collected as stored: invalid, or stored in a form other than the canonical one. */
function problemOf(repo: ListedRepo): string | undefined {
  if (repo.invalidReason !== undefined) return `invalid ref: ${repo.invalidReason}; the collector skips it`;
  if (repo.canonical !== repo.ref) {
    return `not in canonical form: collected as ${repo.canonical}, whose outcome is not recorded on this item; add ${repo.canonical} and remove "${repo.ref}"`;
  }
  return undefined;
}

export function renderList(repos: readonly ListedRepo[], options: { json: boolean; where: string }): string {
  if (options.json) {
    const rows = repos.map((repo) => ({
      ref: repo.ref,
      enabled: repo.enabled,
      label: repo.label ?? null,
      last_success_at: repo.lastSuccessAt ?? null,
      last_error: repo.lastError ?? null,
      valid: repo.invalidReason === undefined,
      canonical_ref: repo.canonical ?? null,
      problem: problemOf(repo) ?? null,
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

  const problems = repos.flatMap((repo) => {
    const problem = problemOf(repo);
    return problem ? [`  ${repo.ref}: ${problem}`] : [];
  });
  const enabled = repos.filter((repo) => repo.enabled).length;
  const invalid = repos.filter((repo) => repo.invalidReason !== undefined).length;
  const counts = [plural(repos.length, 'ref'), `${enabled} enabled`, `${repos.length - enabled} disabled`];
  if (invalid > 0) counts.push(`${invalid} invalid`);
  counts.push(options.where);
  return [...lines, '', counts.join(' · '), ...(problems.length > 0 ? ['Needs attention:', ...problems] : [])].join('\n') + '\n';
}

/** `kind: message`, without repeating a kind the message already starts with (upstream errors do). */
export function describeError(error: RecordedError): string {
  return error.message.startsWith(`${error.kind}:`) ? error.message : `${error.kind}: ${error.message}`;
}

/** ISO time to the second: `2026-11-23T10:00:00Z`. */
function shortTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

// --- add, remove, enable, disable ---------------------------------------------------------------------------------

export type ChangeStatus = 'added' | 'removed' | 'enabled' | 'disabled' | 'unchanged' | 'invalid' | 'not_tracked';

export interface ChangeResult {
  /** What the user typed. */
  input: string;
  /** The stored ref it stands for (canonical for add; as stored for the others). */
  ref?: string;
  status: ChangeStatus;
  detail?: string;
}

export async function applyChange(command: ChangeCommand, inputs: readonly string[], repos: EditableRepoList): Promise<ChangeResult[]> {
  return command === 'add' ? addRefs(inputs, repos) : changeTracked(command, inputs, repos);
}

/** Valid refs are added in canonical form even when others are invalid; already tracked ones are reported unchanged. */
async function addRefs(inputs: readonly string[], repos: EditableRepoList): Promise<ChangeResult[]> {
  const results: ChangeResult[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const parsed = tryParseRef(input);
    if (!parsed.ok) {
      results.push({ input, status: 'invalid', detail: parsed.error.reason });
      continue;
    }
    const ref = refString(parsed.ref);
    if (seen.has(ref)) continue;
    seen.add(ref);
    results.push({ input, ref, status: 'unchanged', detail: 'already tracked' });
  }
  const added = new Set(await repos.add(results.flatMap((result) => (result.ref ? [result.ref] : []))));
  return results.map((result) => (result.ref && added.has(result.ref) ? { input: result.input, ref: result.ref, status: 'added' } : result));
}

async function changeTracked(command: Exclude<ChangeCommand, 'add'>, inputs: readonly string[], repos: EditableRepoList): Promise<ChangeResult[]> {
  const tracked = await repos.list();
  const results: ChangeResult[] = [];
  const handled = new Set<string>();
  for (const input of inputs) {
    const match = findTracked(input, tracked);
    if ('invalid' in match) {
      results.push({ input, status: 'invalid', detail: match.invalid });
      continue;
    }
    if (match.items.length === 0) {
      results.push({ input, ...(match.canonical && { ref: match.canonical }), status: 'not_tracked' });
      continue;
    }
    for (const item of match.items) {
      if (handled.has(item.ref)) continue;
      handled.add(item.ref);
      results.push(await changeOne(command, input, item, repos));
    }
  }
  return results;
}

async function changeOne(command: Exclude<ChangeCommand, 'add'>, input: string, item: TrackedRepo, repos: EditableRepoList): Promise<ChangeResult> {
  const { ref } = item;
  const gone: ChangeResult = { input, ref, status: 'not_tracked', detail: 'removed meanwhile' };
  if (command === 'remove') return (await repos.remove(ref)) ? { input, ref, status: 'removed' } : gone;
  const enabled = command === 'enable';
  if (item.enabled === enabled) return { input, ref, status: 'unchanged', detail: `already ${command}d` };
  return (await repos.setEnabled(ref, enabled)) ? { input, ref, status: command === 'enable' ? 'enabled' : 'disabled' } : gone;
}

/**
 * The tracked items an input means: the item stored exactly as typed; else the item stored under the input's canonical
 * ref; else items stored in another form of that ref. An input that matches nothing literally must parse.
 */
export function findTracked(input: string, tracked: readonly TrackedRepo[]): { items: TrackedRepo[]; canonical?: string } | { invalid: string } {
  const text = input.trim();
  const literal = tracked.filter((repo) => repo.ref === text);
  if (literal.length > 0) return { items: literal };
  const parsed = tryParseRef(text);
  if (!parsed.ok) return { invalid: parsed.error.reason };
  const canonical = refString(parsed.ref);
  const exact = tracked.filter((repo) => repo.ref === canonical);
  if (exact.length > 0) return { items: exact, canonical };
  const sameRef = tracked.filter((repo) => {
    const other = tryParseRef(repo.ref);
    return other.ok && refString(other.ref) === canonical;
  });
  return { items: sameRef, canonical };
}

export function changeExitCode(results: readonly ChangeResult[]): number {
  return results.some((result) => result.status === 'invalid' || result.status === 'not_tracked') ? EXIT.rejected : EXIT.ok;
}

const STATUS_ORDER: readonly ChangeStatus[] = ['added', 'removed', 'enabled', 'disabled', 'unchanged', 'invalid', 'not_tracked'];

export function renderChanges(command: ChangeCommand, results: readonly ChangeResult[], options: { json: boolean; where: string }): string {
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
    const notes = [result.detail, result.ref !== undefined && result.ref !== result.input.trim() ? `from "${result.input}"` : undefined].filter(Boolean);
    return [result.status.replace('_', ' '), result.ref ?? JSON.stringify(result.input), notes.join('; ')];
  });
  const summary = Object.entries(counts)
    .map(([status, count]) => `${count} ${status.replace('_', ' ')}`)
    .join(', ');
  return [...table(undefined, rows), `${summary} · ${options.where}`].join('\n') + '\n';
}

// --- text layout --------------------------------------------------------------------------------------------------

/** Left-aligned columns two spaces apart; trailing blanks trimmed. */
function table(header: readonly string[] | undefined, rows: readonly (readonly string[])[]): string[] {
  const all = header ? [header, ...rows] : rows;
  const widths = all[0]?.map((_, column) => Math.max(...all.map((row) => row[column]!.length))) ?? [];
  return all.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
