// `npm run import` and `npm run export`: their arguments, help, exit status, the per-file report, and where the history
// is (local mode's DATA_DIR or a deployed stack); the rules live in lambdas/core/history-transfer.ts.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../lambdas/core/defaults.ts';
import type { FileReport, HistoryFile } from '../lambdas/core/history-transfer.ts';
import { REGISTRIES, type Registry } from '../lambdas/core/refs.ts';
import { openLocalDynamo } from '../lambdas/local/data-dir.ts';
import { localStoreEnv } from '../lambdas/local/dynamo.ts';
import { documentClient } from '../lambdas/stores/dynamodb/client.ts';
import { historyStoresFromEnv } from '../lambdas/stores/from-env.ts';
import { type HistoryStores, openStackHistoryStores } from '../lambdas/stores/stack-stores.ts';
import { plural } from './layout.ts';
import { UsageError } from './exit.ts';


export type HistoryTarget = { kind: 'local' } | { kind: 'aws'; stack: string; region?: string };

const TARGET_HELP = `Where:
  --local            local mode's store under DATA_DIR (default ./data; the default); stop \`npm start\` first
  --aws              the deployed stack's store, with your AWS credentials (default provider chain)
  --stack <name>     with --aws: the CloudFormation stack (default ${DEFAULTS.stackName})
  --region <region>  with --aws: its region (default: AWS_REGION, or your profile's region)`;

export const IMPORT_USAGE = 'Usage: npm run import -- <file or directory>... [--local | --aws [--stack <name>] [--region <region>]] [--registry <registry>]';

export const IMPORT_HELP = `${IMPORT_USAGE}

Loads history into pullwatch: registry-stats daily snapshots (YYYY-MM-DD.json, Docker Hub and
GHCR), pullwatch's full export (npm run export) and /api/pulls CSV (?by=ref&format=csv). A
directory is read for its *.json and *.csv files, in name order.

Every file is read before anything is written: a bad file stops the import, naming the file and
line. A reading is taken only when the store has nothing as new for its repository and day, so
running an import twice changes nothing, and an import never replaces a newer reading.

${TARGET_HELP}
  --registry <name>  for an /api/pulls CSV exported by name (no registry column): its registry

Exit status: 0 imported (or nothing new); 1 the store could not be opened; 2 bad usage or a bad file.

Examples:
  npm run import -- /srv/registry-stats/data
  npm run import -- pullwatch-export.csv
  npm run import -- backup.csv --aws --stack Pullwatch --region eu-west-1
`;

export const EXPORT_USAGE = 'Usage: npm run export -- [--out <file>] [--local | --aws [--stack <name>] [--region <region>]]';

export const EXPORT_HELP = `${EXPORT_USAGE}

Writes every reading pullwatch keeps as CSV (registry, repo, measure, collected_at, pull_count,
star_count, last_updated, tag_count): each day's last reading over the whole history, the recent
raw readings hourly views use, and the first reading of each repository. \`npm run import\` of the
file into an empty store answers every view the same: that is the backup.

${TARGET_HELP}
  --out <file>       write there instead of standard output

Exit status: 0 written; 1 the store could not be opened; 2 bad usage.
`;

export interface ImportInvocation {
  paths: string[];
  target: HistoryTarget;
  registry?: Registry;
}

export interface ExportInvocation {
  out?: string;
  target: HistoryTarget;
}

const TARGET_OPTIONS = {
  local: { type: 'boolean' },
  aws: { type: 'boolean' },
  stack: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse<T extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(argv: readonly string[], options: T, positionals: boolean) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: positionals, strict: true });
  } catch (error) {
    // parseArgs says what it rejected ("Unknown option '--x'", "Option '--stack <value>' argument missing").
    throw new UsageError((error as Error).message);
  }
}

function targetOf(values: { local?: boolean; aws?: boolean; stack?: string; region?: string }): HistoryTarget {
  if (values.local && values.aws) throw new UsageError('pass --local or --aws, not both');
  if (!values.aws) {
    for (const name of ['stack', 'region'] as const) if (values[name] !== undefined) throw new UsageError(`--${name} is for the deployed stack: add --aws`);
    return { kind: 'local' };
  }
  return { kind: 'aws', stack: values.stack ?? DEFAULTS.stackName, ...(values.region && { region: values.region }) };
}

export function parseImportArgs(argv: readonly string[]): ImportInvocation | 'help' {
  const { values, positionals } = parse(argv, { ...TARGET_OPTIONS, registry: { type: 'string' } }, true);
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('name at least one file or directory to import');
  if (values.registry !== undefined && !(REGISTRIES as readonly string[]).includes(values.registry)) {
    throw new UsageError(`--registry ${JSON.stringify(values.registry)} is not one of ${REGISTRIES.join(', ')}`);
  }
  return { paths: positionals, target: targetOf(values), ...(values.registry && { registry: values.registry as Registry }) };
}

export function parseExportArgs(argv: readonly string[]): ExportInvocation | 'help' {
  const { values } = parse(argv, { ...TARGET_OPTIONS, out: { type: 'string' } }, false);
  if (values.help) return 'help';
  return { target: targetOf(values), ...(values.out && { out: values.out }) };
}

/** The files named, a directory standing for its *.json and *.csv files in name order; a missing path is a UsageError. */
export async function readHistoryFiles(paths: readonly string[]): Promise<HistoryFile[]> {
  const names: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`${path}: no such file or directory`);
    if (!info.isDirectory()) names.push(path);
    else names.push(...(await readdir(path)).filter((name) => /\.(?:json|csv)$/.test(name) && !name.startsWith('.')).sort().map((name) => join(path, name)));
  }
  if (names.length === 0) throw new UsageError(`no *.json or *.csv files in ${paths.join(', ')}`);
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(name, 'utf8') })));
}

/** One line per file, then the total: `2026-03-06.json  12 taken, 3 skipped (3 already stored)`. */
export function renderImportReport(reports: readonly FileReport[], where: string): string {
  const width = Math.max(...reports.map((report) => report.file.length));
  const lines = reports.map((report) => {
    const skipped = report.skipped.reduce((sum, { count }) => sum + count, 0);
    const why = report.skipped.map(({ reason, count }) => `${count} ${reason}`).join('; ');
    return `${report.file.padEnd(width)}  ${report.taken} taken, ${skipped} skipped${skipped > 0 ? ` (${why})` : ''}`;
  });
  const taken = reports.reduce((sum, report) => sum + report.taken, 0);
  lines.push(`${plural(taken, 'reading')} imported from ${plural(reports.length, 'file')} into ${where}`);
  return `${lines.join('\n')}\n`;
}

/** Local mode's store (`DATA_DIR`), or the deployed stack's; `create`: a DATA_DIR that does not exist yet is made. */
export async function openHistoryStores(target: HistoryTarget, options: { create: boolean; command: string }): Promise<HistoryStores> {
  if (target.kind === 'aws') return openStackHistoryStores(target);
  const dataDir = process.env.DATA_DIR || DEFAULTS.dataDir;
  const dynamo = await openLocalDynamo(dataDir, { create: options.create, command: options.command, busyAdvice: 'stop it first, then run this again' });
  const { series, readModel } = historyStoresFromEnv(localStoreEnv(process.env), documentClient(dynamo.client));
  return { series, readModel, where: `local data in ${resolve(dataDir)}`, explain: () => undefined, close: () => dynamo.close() };
}
