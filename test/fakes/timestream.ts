// An in-memory Amazon Timestream table behind real SDK clients (aws-sdk-client-mock), since no emulator exists.
//
// Writes follow the service's rules that matter to pullwatch: ≤ 100 records per request, valid records of a
// request are kept while the others come back in one RejectedRecordsException, and a record with the same
// dimensions, measure name and time replaces the stored one only with a higher Version (same values and a version
// not higher: accepted, nothing changes; different values: rejected with ExistingVersion). Columns exist once a
// record carried them, as in Timestream, so a query naming a column never written fails like the service does.
//
// Queries are evaluated, not matched: the twin parses the SQL subset the adapter's builders produce (SELECT of
// columns, max(), max_by() and NULL; FROM "db"."table"; WHERE with AND/OR, =, <, <=, >, >=, IN, ago(),
// from_iso8601_date(), from_iso8601_timestamp(); GROUP BY columns and bin(time, 1d); ORDER BY names) and computes
// the answer over the stored records. Anything else throws an Error naming the construct and the whole query,
// so a query change the twin cannot answer faithfully fails the tests until this file learns it.
//
// Not modelled: retention windows (the stack enables magnetic writes), eventual consistency, CommonAttributes,
// time units other than milliseconds, single-measure records.
import {
  type ColumnInfo,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  type Row,
  type ScalarType,
  TimestreamQueryClient,
  ValidationException as QueryValidationException,
} from '@aws-sdk/client-timestream-query';
import {
  DescribeTableCommand,
  type DescribeTableCommandInput,
  type DescribeTableCommandOutput,
  type RejectedRecord,
  RejectedRecordsException,
  ResourceNotFoundException,
  TimestreamWriteClient,
  ValidationException as WriteValidationException,
  WriteRecordsCommand,
  type WriteRecordsCommandInput,
  type WriteRecordsCommandOutput,
  type _Record,
} from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { TimestreamSeriesStore, type TimestreamTarget } from '../../lambdas/stores/timestream/series.ts';

const WRITE_RECORDS_LIMIT = 100;
/** Timestream's record size limit (dimension and measure names and values). */
const RECORD_BYTES_LIMIT = 2048;
const DAY_MS = 86_400_000;
const DURATION_UNIT_MS: Record<string, number> = { d: DAY_MS, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MEASURE_TYPES = ['BIGINT', 'DOUBLE', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP'] as const;
type MeasureType = (typeof MEASURE_TYPES)[number];

export interface TimestreamTwinOptions extends TimestreamTarget {
  /** Rows per Query page; small by default so every multi-repository test crosses a NextToken. */
  pageSize?: number;
  /** The service's clock, for ago(). */
  now?: () => number;
  /** The adapter's version clock; by default strictly increasing milliseconds, as two writes never share one. */
  version?: () => number;
  /** Answer the first page of every query with no rows and a NextToken, as Timestream may for a slow query. */
  emptyFirstPage?: boolean;
}

export interface StoredRecord {
  dimensions: Record<string, string>;
  measureName: string;
  /** Epoch milliseconds. */
  time: number;
  version: number;
  measures: Record<string, { type: MeasureType; value: string }>;
}

export interface TimestreamTwin {
  store: TimestreamSeriesStore;
  writer: TimestreamWriteClient;
  reader: TimestreamQueryClient;
  /** Every Query call, in order: its SQL, whether it followed a NextToken, how many rows the page held, why it failed. */
  readonly queries: { sql: string; nextToken: boolean; rows: number; error?: string }[];
  records(): StoredRecord[];
  /** Forgets all records, columns, cursors and the query log. */
  reset(): void;
  /** Gives the clients back their real `send`. */
  restore(): void;
}

export function createTimestreamTwin(options: TimestreamTwinOptions): TimestreamTwin {
  const target = { database: options.database, table: options.table };
  const pageSize = options.pageSize ?? 50;
  const now = options.now ?? Date.now;
  let lastVersion = 0;
  const version = options.version ?? (() => (lastVersion = Math.max(lastVersion + 1, Date.now())));

  const table = new TwinTable();
  const cursors = new Map<string, { sql: string; columns: ColumnInfo[]; rows: Row[]; offset: number }>();
  const queries: TimestreamTwin['queries'] = [];
  let cursorCount = 0;

  const writer = new TimestreamWriteClient({ region: 'us-east-1' });
  const reader = new TimestreamQueryClient({ region: 'us-east-1' });
  const writeMock = mockClient(writer);
  const queryMock = mockClient(reader);

  const requireTable = (database: string | undefined, tableName: string | undefined) => {
    if (database !== target.database || tableName !== target.table) {
      const message = `The table ${database}.${tableName} does not exist.`;
      throw new ResourceNotFoundException({ message, Message: message, $metadata: {} });
    }
  };

  writeMock.onAnyCommand().callsFake(async (input: unknown) => {
    throw new Error(`Timestream twin: no write-side command but WriteRecords and DescribeTable is modelled (input ${JSON.stringify(input)})`);
  });
  writeMock.on(WriteRecordsCommand).callsFake(async (input: WriteRecordsCommandInput): Promise<WriteRecordsCommandOutput> => {
    requireTable(input.DatabaseName, input.TableName);
    if (input.CommonAttributes) throw new Error('Timestream twin: CommonAttributes are not modelled; merge them into each record or teach test/fakes/timestream.ts');
    const records = input.Records ?? [];
    if (records.length < 1 || records.length > WRITE_RECORDS_LIMIT) {
      throw new WriteValidationException({
        message: `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length between 1 and ${WRITE_RECORDS_LIMIT} (got ${records.length})`,
        Message: `records: length ${records.length} is not between 1 and ${WRITE_RECORDS_LIMIT}`,
        $metadata: {},
      });
    }
    const rejected: RejectedRecord[] = [];
    records.forEach((record, index) => {
      const rejection = table.ingest(record);
      if (rejection) rejected.push({ RecordIndex: index, ...rejection });
    });
    if (rejected.length > 0) {
      const message = 'One or more records have been rejected. See RejectedRecords for details.';
      throw new RejectedRecordsException({ message, Message: message, RejectedRecords: rejected, $metadata: {} });
    }
    const ingested = records.length;
    return { RecordsIngested: { Total: ingested, MemoryStore: ingested, MagneticStore: 0 }, $metadata: {} };
  });
  writeMock.on(DescribeTableCommand).callsFake(async (input: DescribeTableCommandInput): Promise<DescribeTableCommandOutput> => {
    requireTable(input.DatabaseName, input.TableName);
    return {
      Table: {
        Arn: `arn:aws:timestream:us-east-1:000000000000:database/${target.database}/table/${target.table}`,
        DatabaseName: target.database,
        TableName: target.table,
        TableStatus: 'ACTIVE',
        RetentionProperties: { MemoryStoreRetentionPeriodInHours: 24, MagneticStoreRetentionPeriodInDays: 3650 },
        MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
      },
      $metadata: {},
    };
  });

  queryMock.onAnyCommand().callsFake(async (input: unknown) => {
    throw new Error(`Timestream twin: no query-side command but Query is modelled (input ${JSON.stringify(input)})`);
  });
  queryMock.on(QueryCommand).callsFake(async (input: QueryCommandInput): Promise<QueryCommandOutput> => {
    const sql = input.QueryString ?? '';
    const limit = Math.min(pageSize, input.MaxRows ?? pageSize);
    let cursor: { sql: string; columns: ColumnInfo[]; rows: Row[]; offset: number };
    if (input.NextToken) {
      const found = cursors.get(input.NextToken);
      if (!found || found.sql !== sql) {
        const message = `Invalid NextToken ${input.NextToken} for this query string`;
        throw new QueryValidationException({ message, Message: message, $metadata: {} });
      }
      cursors.delete(input.NextToken);
      cursor = found;
    } else {
      try {
        cursor = { sql, ...runQuery(sql, table, target, now()), offset: 0 };
      } catch (error) {
        queries.push({ sql, nextToken: false, rows: 0, error: (error as Error).message });
        throw error;
      }
    }
    const take = !input.NextToken && options.emptyFirstPage ? 0 : limit;
    const rows = cursor.rows.slice(cursor.offset, cursor.offset + take);
    const offset = cursor.offset + take;
    queries.push({ sql, nextToken: input.NextToken !== undefined, rows: rows.length });
    let nextToken: string | undefined;
    if (offset < cursor.rows.length) {
      nextToken = `twin-cursor-${++cursorCount}`;
      cursors.set(nextToken, { ...cursor, offset });
    }
    return {
      QueryId: `twin-query-${queries.length}`,
      ColumnInfo: cursor.columns,
      Rows: rows,
      ...(nextToken && { NextToken: nextToken }),
      QueryStatus: { ProgressPercentage: nextToken ? (100 * offset) / cursor.rows.length : 100 },
      $metadata: {},
    };
  });

  return {
    store: new TimestreamSeriesStore(writer, reader, target, version),
    writer,
    reader,
    queries,
    records: () => table.snapshot(),
    reset() {
      table.clear();
      cursors.clear();
      queries.length = 0;
    },
    restore() {
      writeMock.restore();
      queryMock.restore();
    },
  };
}

/** The stored records and the columns they created. */
class TwinTable {
  private readonly records = new Map<string, StoredRecord>();
  /** Column → type; `time` and `measure_name` exist in every Timestream table. */
  readonly columns = new Map<string, ScalarType>([
    ['time', 'TIMESTAMP'],
    ['measure_name', 'VARCHAR'],
  ]);

  snapshot(): StoredRecord[] {
    return [...this.records.values()].map((record) => structuredClone(record));
  }

  all(): Iterable<StoredRecord> {
    return this.records.values();
  }

  clear(): void {
    this.records.clear();
    for (const name of this.columns.keys()) if (name !== 'time' && name !== 'measure_name') this.columns.delete(name);
  }

  /** Stores the record, or says why Timestream would reject it. */
  ingest(record: _Record): Omit<RejectedRecord, 'RecordIndex'> | undefined {
    const parsed = parseRecord(record);
    if (typeof parsed === 'string') return { Reason: parsed };
    const conflict = this.typeConflict(parsed);
    if (conflict) return { Reason: conflict };
    const key = JSON.stringify([Object.entries(parsed.dimensions).sort(([a], [b]) => (a < b ? -1 : 1)), parsed.measureName, parsed.time]);
    const existing = this.records.get(key);
    if (existing && parsed.version <= existing.version) {
      if (sameMeasures(existing, parsed)) return undefined;
      return {
        Reason: 'A record with the same dimensions, time and measure name exists with different measure values and an equal or higher version.',
        ExistingVersion: existing.version,
      };
    }
    this.records.set(key, parsed);
    for (const name of Object.keys(parsed.dimensions)) this.columns.set(name, 'VARCHAR');
    for (const [name, { type }] of Object.entries(parsed.measures)) this.columns.set(name, type);
    return undefined;
  }

  private typeConflict(record: StoredRecord): string | undefined {
    for (const name of Object.keys(record.dimensions)) {
      const known = this.columns.get(name);
      if (known && (known !== 'VARCHAR' || this.isMeasure(name))) return `Dimension ${name} clashes with an existing ${known} column`;
    }
    for (const [name, { type }] of Object.entries(record.measures)) {
      const known = this.columns.get(name);
      if (known && known !== type) return `Measure ${name} is ${type} here but ${known} in the table`;
    }
    return undefined;
  }

  private isMeasure(name: string): boolean {
    for (const record of this.records.values()) if (name in record.measures) return true;
    return false;
  }
}

function parseRecord(record: _Record): StoredRecord | string {
  if (record.MeasureValueType !== 'MULTI' || record.MeasureValue !== undefined) {
    throw new Error(`Timestream twin: only multi-measure records are modelled (pullwatch writes one per sample), got ${JSON.stringify(record)}`);
  }
  if ((record.TimeUnit ?? 'MILLISECONDS') !== 'MILLISECONDS') throw new Error(`Timestream twin: only TimeUnit MILLISECONDS is modelled, got ${record.TimeUnit}`);
  const dimensions: Record<string, string> = {};
  for (const dimension of record.Dimensions ?? []) {
    if (!dimension.Name || !dimension.Value) return `Dimension ${JSON.stringify(dimension.Name)} needs a non-empty name and value`;
    if (dimension.Name in dimensions) return `Dimension ${dimension.Name} appears twice`;
    dimensions[dimension.Name] = dimension.Value;
  }
  if (!dimensions.registry || !dimensions.repo) {
    throw new Error(`Timestream twin: pullwatch records carry registry and repo dimensions, got ${JSON.stringify(record.Dimensions)}`);
  }
  if (!record.MeasureName) return 'MeasureName is required';
  if (!record.Time || !/^\d{1,16}$/.test(record.Time)) return `Time ${JSON.stringify(record.Time)} is not epoch milliseconds`;
  const version = record.Version ?? 1;
  if (!Number.isSafeInteger(version) || version < 1) return `Version ${version} is not a positive 64-bit integer`;
  const measures: StoredRecord['measures'] = {};
  if (!record.MeasureValues || record.MeasureValues.length === 0) return 'A MULTI record needs MeasureValues';
  for (const measure of record.MeasureValues) {
    if (!measure.Name || measure.Value === undefined) return 'Every measure value needs a name and a value';
    if (measure.Name in measures || measure.Name in dimensions) return `Measure ${measure.Name} appears twice in the record`;
    if (!(MEASURE_TYPES as readonly string[]).includes(measure.Type ?? '')) return `Measure ${measure.Name} has no supported type (${measure.Type})`;
    const type = measure.Type as MeasureType;
    const value = canonicalMeasure(type, measure.Value);
    if (value === undefined) return `Measure ${measure.Name}: ${JSON.stringify(measure.Value)} is not a valid ${type}`;
    measures[measure.Name] = { type, value };
  }
  const bytes = Buffer.byteLength(
    [...Object.entries(dimensions).flat(), record.MeasureName, ...Object.entries(measures).flatMap(([name, { value }]) => [name, value])].join(''),
  );
  if (bytes > RECORD_BYTES_LIMIT) return `The record is ${bytes} bytes, over the ${RECORD_BYTES_LIMIT}-byte limit`;
  return { dimensions, measureName: record.MeasureName, time: Number(record.Time), version, measures };
}

function canonicalMeasure(type: MeasureType, value: string): string | undefined {
  switch (type) {
    case 'BIGINT': {
      if (!/^-?\d+$/.test(value)) return undefined;
      const number = BigInt(value);
      return number < INT64_MIN || number > INT64_MAX ? undefined : number.toString();
    }
    case 'DOUBLE':
      return value.trim() === '' || !Number.isFinite(Number(value)) ? undefined : String(Number(value));
    case 'BOOLEAN':
      return value === 'true' || value === 'false' ? value : undefined;
    case 'TIMESTAMP':
      return /^\d{1,16}$/.test(value) ? value : undefined;
    case 'VARCHAR':
      return value;
  }
}

function sameMeasures(a: StoredRecord, b: StoredRecord): boolean {
  const names = Object.keys(a.measures);
  return names.length === Object.keys(b.measures).length && names.every((name) => a.measures[name]?.type === b.measures[name]?.type && a.measures[name]?.value === b.measures[name]?.value);
}

// ---- The SQL subset ---------------------------------------------------------------------------------------------

type Value = string | number | bigint | boolean | null;

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'duration' | 'number' | 'symbol';
  text: string;
  at: number;
}

type Operand = { kind: 'column'; name: string; at: number } | { kind: 'literal'; type: ScalarType; value: Value; at: number };
type Predicate =
  | { kind: 'and'; parts: Predicate[] }
  | { kind: 'or'; parts: Predicate[] }
  | { kind: 'compare'; op: '=' | '<>' | '<' | '<=' | '>' | '>='; left: Operand; right: Operand }
  | { kind: 'in'; left: Operand; list: Operand[] };

type SelectItem =
  | { kind: 'column'; column: string; alias: string }
  | { kind: 'max'; column: string; alias: string }
  | { kind: 'max_by'; column: string; by: string; alias: string }
  | { kind: 'null'; alias: string };

type GroupItem = { kind: 'column'; column: string } | { kind: 'bin'; column: string; widthMs: number };

interface ParsedQuery {
  select: SelectItem[];
  where?: Predicate;
  groupBy?: GroupItem[];
  orderBy: { name: string; descending: boolean; at: number }[];
}

/** A query the service would refuse (syntax, a missing column or table, types): what Timestream itself throws. */
function refused(sql: string, at: number, message: string): QueryValidationException {
  const before = sql.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  const text = `line ${line}:${column}: ${message}`;
  return new QueryValidationException({ message: text, Message: text, $metadata: {} });
}

/** A query the twin cannot answer faithfully: the twin must learn it before tests may rely on it. */
function unsupported(sql: string, what: string): Error {
  return new Error(`Timestream twin cannot answer ${what}; teach test/fakes/timestream.ts this query or change it back:\n${sql}`);
}

const TOKEN_PATTERNS: { kind: Token['kind']; pattern: RegExp }[] = [
  { kind: 'duration', pattern: /^\d+[a-z]+\b/ },
  { kind: 'number', pattern: /^\d+/ },
  { kind: 'word', pattern: /^[A-Za-z_][A-Za-z0-9_]*/ },
  { kind: 'symbol', pattern: /^(<=|>=|<>|!=|[(),.=<>*])/ },
];

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const quote = rest[0] === "'" ? "'" : rest[0] === '"' ? '"' : undefined;
    if (quote) {
      let text = '';
      let j = 1;
      for (;;) {
        if (j >= rest.length) throw refused(sql, i, `unterminated ${quote === "'" ? 'string' : 'identifier'}`);
        if (rest[j] === quote && rest[j + 1] === quote) {
          text += quote;
          j += 2;
        } else if (rest[j] === quote) {
          j += 1;
          break;
        } else {
          text += rest[j];
          j += 1;
        }
      }
      tokens.push({ kind: quote === "'" ? 'string' : 'quoted', text, at: i });
      i += j;
      continue;
    }
    const match = TOKEN_PATTERNS.map(({ kind, pattern }) => ({ kind, found: pattern.exec(rest)?.[0] })).find(({ found }) => found !== undefined);
    if (!match?.found) throw refused(sql, i, `mismatched input '${rest[0]}'`);
    tokens.push({ kind: match.kind, text: match.found, at: i });
    i += match.found.length;
  }
  return tokens;
}

const isWord = (token: Token | undefined, word: string) => token?.kind === 'word' && token.text.toUpperCase() === word;
const isSymbol = (token: Token | undefined, symbol: string) => token?.kind === 'symbol' && token.text === symbol;

/** Splits the token stream at top-level clause keywords. */
function clauses(sql: string, tokens: Token[]): Map<string, Token[]> {
  const found = new Map<string, Token[]>();
  let current: Token[] | undefined;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (isSymbol(token, '(')) depth++;
    if (isSymbol(token, ')')) depth--;
    const keyword =
      depth === 0 && token.kind === 'word'
        ? ['SELECT', 'FROM', 'WHERE'].find((word) => isWord(token, word)) ??
          (['GROUP', 'ORDER'].find((word) => isWord(token, word)) && isWord(tokens[i + 1], 'BY') ? `${token.text.toUpperCase()} BY` : undefined)
        : undefined;
    if (keyword) {
      if (found.has(keyword)) throw unsupported(sql, `a second ${keyword} (subqueries, unions)`);
      current = [];
      found.set(keyword, current);
      if (keyword.endsWith(' BY')) i++;
      continue;
    }
    if (!current) throw unsupported(sql, `'${token.text}' before SELECT (WITH, EXPLAIN, ...)`);
    current.push(token);
  }
  const order = [...found.keys()];
  const expected = ['SELECT', 'FROM', 'WHERE', 'GROUP BY', 'ORDER BY'].filter((keyword) => found.has(keyword));
  if (order.join() !== expected.join() || order[0] !== 'SELECT' || order[1] !== 'FROM') throw refused(sql, 0, `clauses out of order: ${order.join(', ')}`);
  return found;
}

function splitTopLevel(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (isSymbol(token, '(')) depth++;
    if (isSymbol(token, ')')) depth--;
    if (depth === 0 && isSymbol(token, ',')) parts.push([]);
    else parts.at(-1)!.push(token);
  }
  return parts;
}

function shape(tokens: Token[]): string {
  return tokens.map((token) => (token.kind === 'word' ? 'w' : token.kind === 'symbol' ? token.text : token.kind[0])).join(' ');
}

function parseSelectItem(sql: string, tokens: Token[]): SelectItem {
  const text = (i: number) => tokens[i]!.text;
  const described = tokens.map((token) => token.text).join(' ');
  switch (shape(tokens)) {
    case 'w':
      return { kind: 'column', column: text(0), alias: text(0) };
    case 'w w w':
      if (isWord(tokens[1], 'AS')) return isWord(tokens[0], 'NULL') ? { kind: 'null', alias: text(2) } : { kind: 'column', column: text(0), alias: text(2) };
      break;
    case 'w ( w ) w w':
      if (text(0).toLowerCase() === 'max' && isWord(tokens[4], 'AS')) return { kind: 'max', column: text(2), alias: text(5) };
      break;
    case 'w ( w , w ) w w':
      if (text(0).toLowerCase() === 'max_by' && isWord(tokens[6], 'AS')) return { kind: 'max_by', column: text(2), by: text(4), alias: text(7) };
      break;
  }
  throw unsupported(sql, `the select item \`${described}\``);
}

function parseGroupItem(sql: string, tokens: Token[]): GroupItem {
  if (shape(tokens) === 'w') return { kind: 'column', column: tokens[0]!.text };
  if (shape(tokens) === 'w ( w , d )' && tokens[0]!.text.toLowerCase() === 'bin') return { kind: 'bin', column: tokens[2]!.text, widthMs: durationMs(sql, tokens[4]!) };
  throw unsupported(sql, `the GROUP BY item \`${tokens.map((token) => token.text).join(' ')}\``);
}

function durationMs(sql: string, token: Token): number {
  const [, count, unit] = /^(\d+)([a-z]+)$/.exec(token.text) ?? [];
  const unitMs = unit === undefined ? undefined : DURATION_UNIT_MS[unit];
  if (unitMs === undefined) throw unsupported(sql, `the interval ${token.text}`);
  return Number(count) * unitMs;
}

/** Recursive descent over WHERE: OR of ANDs of comparisons, IN lists and parenthesised predicates. */
function parsePredicate(sql: string, tokens: Token[], nowMs: number): Predicate {
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const token = tokens[i++];
    if (!token) throw refused(sql, sql.length, 'unexpected end of WHERE');
    return token;
  };
  const expect = (symbol: string) => {
    const token = next();
    if (!isSymbol(token, symbol)) throw refused(sql, token.at, `mismatched input '${token.text}', expecting '${symbol}'`);
  };

  const operand = (): Operand => {
    const token = next();
    if (token.kind === 'string') return { kind: 'literal', type: 'VARCHAR', value: token.text, at: token.at };
    if (token.kind === 'word' && isSymbol(peek(), '(')) {
      const name = token.text.toLowerCase();
      expect('(');
      const argument = next();
      expect(')');
      if (name === 'ago' && argument.kind === 'duration') return { kind: 'literal', type: 'TIMESTAMP', value: nowMs - durationMs(sql, argument), at: token.at };
      if (name === 'from_iso8601_date' && argument.kind === 'string') {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(argument.text) || Number.isNaN(Date.parse(`${argument.text}T00:00:00Z`))) {
          throw refused(sql, argument.at, `Invalid format: "${argument.text}"`);
        }
        return { kind: 'literal', type: 'TIMESTAMP', value: Date.parse(`${argument.text}T00:00:00Z`), at: token.at };
      }
      if (name === 'from_iso8601_timestamp' && argument.kind === 'string') {
        const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d{1,9})?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(argument.text) ? Date.parse(argument.text) : Number.NaN;
        if (Number.isNaN(ms)) throw refused(sql, argument.at, `Invalid format: "${argument.text}"`);
        return { kind: 'literal', type: 'TIMESTAMP', value: ms, at: token.at };
      }
      throw unsupported(sql, `the function call ${token.text}(${argument.text})`);
    }
    if (token.kind === 'word' && !['AND', 'OR', 'IN', 'NOT', 'NULL', 'IS', 'BETWEEN', 'LIKE'].includes(token.text.toUpperCase())) {
      return { kind: 'column', name: token.text, at: token.at };
    }
    throw unsupported(sql, `\`${token.text}\` in WHERE`);
  };

  const atom = (): Predicate => {
    if (isSymbol(peek(), '(')) {
      next();
      const inner = disjunction();
      expect(')');
      return inner;
    }
    const left = operand();
    const op = next();
    if (isWord(op, 'IN')) {
      expect('(');
      const list = [operand()];
      while (isSymbol(peek(), ',')) {
        next();
        list.push(operand());
      }
      expect(')');
      return { kind: 'in', left, list };
    }
    if (op.kind === 'symbol' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(op.text)) {
      return { kind: 'compare', op: (op.text === '!=' ? '<>' : op.text) as '=', left, right: operand() };
    }
    throw unsupported(sql, `the operator \`${op.text}\``);
  };

  const conjunction = (): Predicate => {
    const parts = [atom()];
    while (isWord(peek(), 'AND')) {
      next();
      parts.push(atom());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'and' as const, parts };
  };

  const disjunction = (): Predicate => {
    const parts = [conjunction()];
    while (isWord(peek(), 'OR')) {
      next();
      parts.push(conjunction());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'or', parts };
  };

  const predicate = disjunction();
  if (i < tokens.length) throw unsupported(sql, `\`${tokens[i]!.text}\` in WHERE`);
  return predicate;
}

function parseQuery(sql: string, target: TimestreamTarget, columns: Map<string, ScalarType>, nowMs: number): ParsedQuery {
  const parts = clauses(sql, tokenize(sql));
  const from = parts.get('FROM')!;
  if (shape(from) !== 'q . q' && shape(from) !== 'w . w') throw unsupported(sql, `FROM ${from.map((token) => token.text).join(' ')} (one "database"."table" only)`);
  if (from[0]!.text !== target.database || from[2]!.text !== target.table) {
    throw refused(sql, from[0]!.at, `Table ${from[0]!.text}.${from[2]!.text} does not exist`);
  }

  const select = splitTopLevel(parts.get('SELECT')!).map((item) => parseSelectItem(sql, item));
  const where = parts.has('WHERE') ? parsePredicate(sql, parts.get('WHERE')!, nowMs) : undefined;
  const groupBy = parts.has('GROUP BY') ? splitTopLevel(parts.get('GROUP BY')!).map((item) => parseGroupItem(sql, item)) : undefined;
  const orderBy = parts.has('ORDER BY')
    ? splitTopLevel(parts.get('ORDER BY')!).map((item) => {
        const descending = isWord(item.at(-1), 'DESC');
        const name = item.filter((token) => !isWord(token, 'ASC') && !isWord(token, 'DESC'));
        if (shape(name) !== 'w') throw unsupported(sql, `the ORDER BY item \`${item.map((token) => token.text).join(' ')}\``);
        return { name: name[0]!.text, descending, at: name[0]!.at };
      })
    : [];

  // Cost guard: Timestream bills the data a query scans, and only a time predicate prunes it.
  const conjuncts = where?.kind === 'and' ? where.parts : where ? [where] : [];
  if (!conjuncts.some((part) => part.kind === 'compare' && [part.left, part.right].some((side) => side.kind === 'column' && side.name === 'time'))) {
    throw unsupported(sql, 'a query without a top-level time predicate in WHERE (it would scan, and bill, the whole table)');
  }

  // Columns are checked the way the service analyses a query: a column no record has carried does not exist.
  const aliases = new Set(select.map((item) => item.alias));
  const referenced: { name: string; at: number }[] = [];
  const seen = (name: string) => referenced.push({ name, at: firstReference(sql, name) });
  for (const item of select) {
    if (item.kind !== 'null') seen(item.column);
    if (item.kind === 'max_by') seen(item.by);
  }
  const visit = (predicate: Predicate | undefined): void => {
    if (!predicate) return;
    if (predicate.kind === 'and' || predicate.kind === 'or') return predicate.parts.forEach(visit);
    for (const side of sides(predicate)) if (side.kind === 'column') referenced.push({ name: side.name, at: side.at });
  };
  visit(where);
  for (const item of groupBy ?? []) seen(item.column);
  for (const item of orderBy) if (!aliases.has(item.name)) referenced.push({ name: item.name, at: item.at });
  const missing = referenced.filter(({ name }) => !columns.has(name)).sort((a, b) => a.at - b.at)[0];
  if (missing) throw refused(sql, missing.at, `Column '${missing.name}' does not exist`);

  if (groupBy) {
    const grouped = new Set(groupBy.filter((item) => item.kind === 'column').map((item) => item.column));
    const loose = select.find((item) => item.kind === 'column' && !grouped.has(item.column));
    if (loose?.kind === 'column') throw refused(sql, firstReference(sql, loose.column), `'${loose.column}' must be an aggregate expression or appear in GROUP BY clause`);
  } else if (select.some((item) => item.kind === 'max' || item.kind === 'max_by')) {
    throw unsupported(sql, 'aggregates without GROUP BY');
  }
  for (const item of groupBy ?? []) if (item.kind === 'bin' && columns.get(item.column) !== 'TIMESTAMP') throw refused(sql, firstReference(sql, item.column), `bin() needs a timestamp, got ${item.column}`);

  const typeOf = (operand: Operand) => (operand.kind === 'literal' ? operand.type : columns.get(operand.name)!);
  const checkTypes = (predicate: Predicate | undefined): void => {
    if (!predicate) return;
    if (predicate.kind === 'and' || predicate.kind === 'or') return predicate.parts.forEach(checkTypes);
    const [left, ...right] = sides(predicate);
    const operator = predicate.kind === 'in' ? 'IN' : predicate.op;
    for (const side of right) {
      if (typeOf(side) !== typeOf(left!)) throw refused(sql, left!.at, `Cannot apply operator: ${typeOf(left!).toLowerCase()} ${operator} ${typeOf(side).toLowerCase()}`);
    }
  };
  checkTypes(where);

  return { select, ...(where && { where }), ...(groupBy && { groupBy }), orderBy };
}

/** The operands of a comparison or IN, left first. */
function sides(predicate: Extract<Predicate, { kind: 'compare' | 'in' }>): Operand[] {
  return predicate.kind === 'in' ? [predicate.left, ...predicate.list] : [predicate.left, predicate.right];
}

function firstReference(sql: string, name: string): number {
  const match = new RegExp(`\\b${name}\\b`).exec(sql);
  return match?.index ?? 0;
}

/** A record's value in a column: null where the record lacks it (a measure another record introduced). */
function valueOf(record: StoredRecord, column: string): Value {
  if (column === 'time') return record.time;
  if (column === 'measure_name') return record.measureName;
  if (column in record.dimensions) return record.dimensions[column]!;
  const measure = record.measures[column];
  if (!measure) return null;
  switch (measure.type) {
    case 'BIGINT':
      return BigInt(measure.value);
    case 'DOUBLE':
    case 'TIMESTAMP':
      return Number(measure.value);
    case 'BOOLEAN':
      return measure.value === 'true';
    case 'VARCHAR':
      return measure.value;
  }
}

function operandValue(record: StoredRecord, operand: Operand): Value {
  return operand.kind === 'literal' ? operand.value : valueOf(record, operand.name);
}

/** Code-point order for text (as Timestream orders VARCHAR), numeric otherwise; null sorts last, as in ORDER BY ... ASC. */
function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function matches(record: StoredRecord, predicate: Predicate): boolean {
  switch (predicate.kind) {
    case 'and':
      return predicate.parts.every((part) => matches(record, part));
    case 'or':
      return predicate.parts.some((part) => matches(record, part));
    case 'in': {
      const left = operandValue(record, predicate.left);
      return left !== null && predicate.list.some((item) => compareValues(left, operandValue(record, item)) === 0);
    }
    case 'compare': {
      const left = operandValue(record, predicate.left);
      const right = operandValue(record, predicate.right);
      if (left === null || right === null) return false; // SQL's unknown filters the row out.
      const order = compareValues(left, right);
      return { '=': order === 0, '<>': order !== 0, '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0 }[predicate.op];
    }
  }
}

function formatValue(type: ScalarType, value: Value): string {
  if (type === 'TIMESTAMP') {
    const iso = new Date(value as number).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000000`;
  }
  return String(value);
}

function runQuery(sql: string, table: TwinTable, target: TimestreamTarget, nowMs: number): { columns: ColumnInfo[]; rows: Row[] } {
  const query = parseQuery(sql, target, table.columns, nowMs);
  const selected = [...table.all()].filter((record) => !query.where || matches(record, query.where));

  const types = query.select.map((item): ScalarType => (item.kind === 'null' ? 'UNKNOWN' : table.columns.get(item.column)!));
  type Output = { values: Value[]; source: StoredRecord };
  let outputs: Output[];
  if (query.groupBy) {
    const groupItems = query.groupBy;
    const groups = new Map<string, StoredRecord[]>();
    for (const record of selected) {
      const key = JSON.stringify(
        groupItems.map((item) => {
          const value = valueOf(record, item.column);
          return item.kind === 'bin' && typeof value === 'number' ? Math.floor(value / item.widthMs) * item.widthMs : String(value);
        }),
      );
      groups.set(key, [...(groups.get(key) ?? []), record]);
    }
    outputs = [...groups.values()].map((members) => {
      const first = members[0]!;
      const values = query.select.map((item): Value => {
        switch (item.kind) {
          case 'null':
            return null;
          case 'column':
            return valueOf(first, item.column);
          case 'max':
            return members.map((record) => valueOf(record, item.column)).reduce((a, b) => (a === null || (b !== null && compareValues(b, a) > 0) ? b : a), null);
          case 'max_by': {
            // The value on the row whose `by` is greatest, even a null one: max_by does not skip null values.
            let top = first;
            for (const record of members) {
              const by = valueOf(record, item.by);
              if (by !== null && compareValues(by, valueOf(top, item.by)) > 0) top = record;
            }
            return valueOf(top, item.column);
          }
        }
      });
      return { values, source: first };
    });
  } else {
    outputs = selected.map((record) => ({
      values: query.select.map((item) => (item.kind === 'null' ? null : valueOf(record, item.column))),
      source: record,
    }));
  }

  if (query.orderBy.length > 0) {
    const aliasIndex = new Map(query.select.map((item, index) => [item.alias, index]));
    const keyOf = (output: Output, name: string) => (aliasIndex.has(name) ? output.values[aliasIndex.get(name)!]! : valueOf(output.source, name));
    outputs.sort((a, b) => {
      for (const { name, descending } of query.orderBy) {
        const order = compareValues(keyOf(a, name), keyOf(b, name));
        if (order !== 0) return descending ? -order : order;
      }
      return 0;
    });
  } else {
    // Without ORDER BY the service promises no order; answering newest-first keeps callers from relying on one.
    outputs.sort((a, b) => b.source.time - a.source.time);
  }

  return {
    columns: query.select.map((item, index) => ({ Name: item.alias, Type: { ScalarType: types[index]! } })),
    rows: outputs.map((output) => ({
      Data: output.values.map((value, index) => (value === null ? { NullValue: true } : { ScalarValue: formatValue(types[index]!, value) })),
    })),
  };
}
