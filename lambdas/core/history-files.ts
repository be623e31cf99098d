// History files pullwatch reads and writes: registry-stats v1 daily snapshots (`YYYY-MM-DD.json`), pullwatch's
// `/api/pulls` CSV, and its full export (every kept reading as one CSV row).
import * as z from 'zod/mini';
import { DAY_MS, HOUR_MS, dayNumber, dayOfMs, instantMs, isCalendarDay } from './days.ts';
import { REGISTRIES, type Registry, tryParseRef } from './refs.ts';
import type { Sample } from './samples.ts';
import { toCsv } from './render/csv.ts';

/** A file that cannot be imported: names the file and the line, and says what is wrong there. */
export class HistoryFileError extends Error {
  override readonly name = 'HistoryFileError';
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

export interface ParsedHistoryFile {
  samples: Sample[];
  /** Rows read but not importable from this format, by reason. */
  left: { reason: string; count: number }[];
}

export interface ParseOptions {
  /** For a `/api/pulls` CSV without a registry column (by=name): the registry its names are in. */
  registry?: Registry;
  /** When the import runs: a day's closing count of today is stamped no later than now. */
  now: Date;
}

/** Reads one history file by its name: `YYYY-MM-DD.json` is a registry-stats snapshot, `*.csv` a pullwatch CSV. */
export function parseHistoryFile(name: string, text: string, options: ParseOptions): ParsedHistoryFile {
  const base = name.split(/[\\/]/).at(-1)!;
  if (base.endsWith('.json')) return parseSnapshot(name, base.slice(0, -'.json'.length), text);
  if (base.endsWith('.csv')) return parsePullwatchCsv(name, text, options);
  throw new HistoryFileError(name, 1, 'not a history file: expected a registry-stats snapshot (YYYY-MM-DD.json) or a pullwatch CSV (*.csv)');
}

// ---------------------------------------------------------------------------------------------------------------
// registry-stats v1 snapshots

const snapshotSchema = z.object({
  timestamp: z.string(),
  docker_hub: z.nullish(
    z.array(
      z.object({
        repo: z.string(),
        pull_count: z.int().check(z.nonnegative()),
        last_updated: z.nullish(z.string()),
        tags: z.nullish(z.array(z.unknown())),
      }),
    ),
  ),
  ghcr: z.nullish(z.array(z.object({ package: z.string(), download_count: z.int().check(z.nonnegative()) }))),
});

/**
 * registry-stats v1 writes one snapshot per UTC day, `{timestamp, docker_hub: [{repo, pull_count, last_updated, tags}],
 * ghcr: [{package, download_count}]}`, overwritten by each collection of the day: the file holds the day's last reading.
 * Its tag_count is the length of `tags`.
 */
function parseSnapshot(file: string, day: string, text: string): ParsedHistoryFile {
  if (!isCalendarDay(day)) throw new HistoryFileError(file, 1, `a registry-stats snapshot is named YYYY-MM-DD.json (its UTC day), not ${JSON.stringify(`${day}.json`)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    throw new HistoryFileError(file, position ? lineAt(text, Number(position[1])) : 1, `not JSON: ${(error as Error).message}`);
  }
  const parsed = snapshotSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HistoryFileError(file, lineOfPath(text, issue.path), `${issue.path.join('.') || 'the file'}: ${issue.message}`);
  }
  const snapshot = parsed.data;
  let at: string;
  try {
    at = new Date(instantMs(snapshot.timestamp)).toISOString();
  } catch {
    throw new HistoryFileError(file, lineOfPath(text, ['timestamp']), `timestamp ${JSON.stringify(snapshot.timestamp)} is not an ISO-8601 time with a zone`);
  }
  if (at.slice(0, 10) !== day) throw new HistoryFileError(file, lineOfPath(text, ['timestamp']), `timestamp ${snapshot.timestamp} is not on ${day}, the day the file is named for`);

  const repo = (registry: Registry, name: string, path: (string | number)[]): string => {
    const ref = tryParseRef(`${registry}:${name}`);
    if (!ref.ok || ref.ref.wildcard) throw new HistoryFileError(file, lineOfPath(text, path), `${JSON.stringify(name)} is not a ${registry} repository: ${ref.ok ? 'a wildcard' : ref.error.reason}`);
    return ref.ref.path;
  };
  const samples: Sample[] = [
    ...(snapshot.docker_hub ?? []).map((row, index): Sample => ({
      registry: 'dockerhub',
      repo: repo('dockerhub', row.repo, ['docker_hub', index, 'repo']),
      collectedAt: at,
      pullCount: row.pull_count,
      ...(row.last_updated && { lastUpdated: row.last_updated }),
      ...(row.tags && { tagCount: row.tags.length }),
    })),
    ...(snapshot.ghcr ?? []).map((row, index): Sample => ({ registry: 'ghcr', repo: repo('ghcr', row.package, ['ghcr', index, 'package']), collectedAt: at, pullCount: row.download_count })),
  ];
  return { samples, left: [] };
}

/** 1-based line of a character position. */
function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(position, text.length); i++) if (text[i] === '\n') line++;
  return line;
}

/** The line where the value at `path` starts in valid JSON text (1 when it cannot be found): for errors a person can find. */
function lineOfPath(text: string, path: readonly PropertyKey[]): number {
  let at = 0;
  const space = () => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  const skipString = () => {
    for (at++; at < text.length && text[at] !== '"'; at++) if (text[at] === '\\') at++;
    at++;
  };
  const skipValue = (): void => {
    space();
    const open = text[at];
    if (open === '"') return skipString();
    if (open !== '{' && open !== '[') {
      while (at < text.length && !/[\s,\]}]/.test(text[at]!)) at++;
      return;
    }
    let depth = 0;
    do {
      if (text[at] === '"') {
        skipString();
        continue;
      }
      if (text[at] === '{' || text[at] === '[') depth++;
      if (text[at] === '}' || text[at] === ']') depth--;
      at++;
    } while (depth > 0 && at < text.length);
  };
  for (const step of path) {
    space();
    const open = text[at];
    if (open !== '{' && open !== '[') break;
    at++;
    let found = false;
    for (let index = 0; !found; index++) {
      space();
      if (text[at] === '}' || text[at] === ']' || at >= text.length) return lineAt(text, at);
      if (open === '{') {
        const keyStart = at;
        skipString();
        const key = JSON.parse(text.slice(keyStart, at)) as string;
        space();
        at++; // the colon
        if (key === step) found = true;
      } else if (index === step) found = true;
      if (!found) {
        skipValue();
        space();
        if (text[at] === ',') at++;
      }
    }
  }
  space();
  return lineAt(text, at);
}

// ---------------------------------------------------------------------------------------------------------------
// pullwatch CSV

/** The full export's columns: every reading kept, as stored. */
const EXPORT_COLUMNS = ['registry', 'repo', 'measure', 'collected_at', 'pull_count', 'star_count', 'last_updated', 'tag_count'] as const;

/** The full export: one row per reading, sorted by series then time, exact times kept (milliseconds included). */
export function exportCsv(samples: readonly Sample[]): string {
  return toCsv(
    samples.map((sample) => ({
      registry: sample.registry,
      repo: sample.repo,
      measure: sample.measure === 'daily_actions' ? 'actions' : 'pulls',
      collected_at: sample.collectedAt,
      pull_count: sample.pullCount,
      star_count: sample.starCount,
      last_updated: sample.lastUpdated,
      tag_count: sample.tagCount,
    })),
    EXPORT_COLUMNS,
  );
}

interface CsvRecord {
  line: number;
  fields: string[];
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF or LF. */
function readCsv(file: string, text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const end = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields });
    fields = [];
    field = '';
    start = line;
  };
  for (; at < text.length; at++) {
    const char = text[at]!;
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') {
        field += '"';
        at++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[at + 1] === '\n') at++;
      line++;
      end();
    } else field += char;
  }
  if (quoted) throw new HistoryFileError(file, start, 'a quoted field is never closed');
  if (field !== '' || fields.length > 0) end();
  return records;
}

const count = (file: string, line: number, column: string, text: string, optional = false): number | undefined => {
  if (text === '' && optional) return undefined;
  if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) throw new HistoryFileError(file, line, `${column} ${JSON.stringify(text)} is not a whole number ≥ 0`);
  return Number(text);
};

/**
 * Either the full export (header `registry,repo,measure,collected_at,...`), or `/api/pulls?format=csv` (header with
 * `timestamp` and `pull_count`): each row the count at the end of its day (or hour), imported as a reading one second
 * before that end. `/api/pulls` carries counts over days without a reading and sums Quay's actions, so it holds less
 * than the export: a gap's increase lands on its last day, and Quay rows are left out.
 */
function parsePullwatchCsv(file: string, text: string, options: ParseOptions): ParsedHistoryFile {
  const [header, ...rows] = readCsv(file, text);
  if (!header) throw new HistoryFileError(file, 1, 'empty: no header row');
  const columns = header.fields.map((name) => name.trim());
  const column = (name: string) => columns.indexOf(name);
  const need = (names: readonly string[]) => {
    const missing = names.filter((name) => column(name) < 0);
    if (missing.length > 0) throw new HistoryFileError(file, header.line, `no ${missing.join(', ')} column (columns: ${columns.join(', ')})`);
  };
  const isExport = column('collected_at') >= 0;
  need(isExport ? ['registry', 'repo', 'collected_at', 'pull_count'] : ['timestamp', 'repo', 'pull_count']);
  if (!isExport && column('registry') < 0 && !options.registry) {
    throw new HistoryFileError(
      file,
      header.line,
      'no registry column: this is /api/pulls by name, which sums a name over registries; export it with by=ref (/api/pulls?by=ref&format=csv), or pass --registry <registry>',
    );
  }
  const value = (record: CsvRecord, name: string) => (column(name) < 0 ? '' : (record.fields[column(name)] ?? '').trim());

  const samples: Sample[] = [];
  let actions = 0;
  const hourly = !isExport && rows.some((record) => !/T00:00:00(?:\.0+)?Z$/.test(value(record, 'timestamp')));
  for (const record of rows) {
    if (record.fields.length !== columns.length) throw new HistoryFileError(file, record.line, `${record.fields.length} fields, the header has ${columns.length}`);
    const registryText = value(record, 'registry') || options.registry!;
    if (!(REGISTRIES as readonly string[]).includes(registryText)) throw new HistoryFileError(file, record.line, `registry ${JSON.stringify(registryText)} is not one of ${REGISTRIES.join(', ')}`);
    const registry = registryText as Registry;
    const ref = tryParseRef(`${registry}:${value(record, 'repo')}`);
    if (!ref.ok || ref.ref.wildcard) throw new HistoryFileError(file, record.line, `repo ${JSON.stringify(value(record, 'repo'))}: ${ref.ok ? 'a wildcard is no repository' : ref.error.reason}`);
    const measure = value(record, 'measure');
    if (measure !== '' && measure !== 'pulls' && measure !== 'actions') throw new HistoryFileError(file, record.line, `measure ${JSON.stringify(measure)} is not pulls or actions`);
    if (!isExport && measure === 'actions') {
      actions++;
      continue;
    }
    const timeText = value(record, isExport ? 'collected_at' : 'timestamp');
    let ms: number;
    try {
      ms = instantMs(timeText);
    } catch {
      throw new HistoryFileError(file, record.line, `${isExport ? 'collected_at' : 'timestamp'} ${JSON.stringify(timeText)} is not an ISO-8601 time with a zone`);
    }
    if (ms > options.now.getTime()) throw new HistoryFileError(file, record.line, `${timeText} is in the future (now is ${options.now.toISOString()})`);
    const collectedAt = isExport ? new Date(ms).toISOString() : closingTime(ms, hourly, options.now);
    const star = count(file, record.line, 'star_count', value(record, 'star_count'), true);
    const tags = count(file, record.line, 'tag_count', value(record, 'tag_count'), true);
    const lastUpdated = value(record, 'last_updated');
    samples.push({
      registry,
      repo: ref.ref.path,
      collectedAt,
      pullCount: count(file, record.line, 'pull_count', value(record, 'pull_count'))!,
      ...(measure === 'actions' && { measure: 'daily_actions' as const }),
      ...(star !== undefined && { starCount: star }),
      ...(lastUpdated !== '' && { lastUpdated }),
      ...(tags !== undefined && { tagCount: tags }),
    });
  }
  return { samples, left: actions > 0 ? [{ reason: "Quay's actions (a running sum in /api/pulls; import them from a full export)", count: actions }] : [] };
}

/** The count at the end of a day (or hour) as a reading one second before that end, and never after `now`. */
function closingTime(startMs: number, hourly: boolean, now: Date): string {
  const end = hourly ? startMs + HOUR_MS - 1_000 : (dayNumber(dayOfMs(startMs)) + 1) * DAY_MS - 1_000;
  return new Date(Math.min(end, now.getTime())).toISOString();
}
