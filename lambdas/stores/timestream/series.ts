// SeriesStore on Amazon Timestream: one multi-measure record `pulls` per sample, dimensions registry and repo.
import { QueryCommand, type QueryResponse, type TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import {
  DescribeTableCommand,
  type MeasureValue,
  RejectedRecordsException,
  type TimestreamWriteClient,
  type _Record,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { addDays } from '../../core/days.ts';
import type { SeriesStore } from '../../core/ports.ts';
import type { Registry } from '../../core/refs.ts';
import type { Sample, SeriesFilter } from '../../core/samples.ts';

/** Lifetime pull counters are `pulls` records; Quay's daily action counts are `actions` records. */
export const MEASURE_NAMES = { pulls: 'pulls', daily_actions: 'actions' } as const;
const WRITE_RECORDS_LIMIT = 100;
/** How far back the summary looks for a repository's newest sample; bounds the data each query scans. */
const LATEST_LOOKBACK = '35d';
/**
 * Timestream creates a column when a record first carries it, and a query naming a column that does not exist yet
 * fails. Only Docker Hub reports stars and last-updated times, so a table may lack these; they are read as NULL then.
 */
const OPTIONAL_MEASURES = ['star_count', 'last_updated'] as const;
export type OptionalMeasure = (typeof OPTIONAL_MEASURES)[number];
/** Columns every record carries: while one is missing, nothing has been written yet. */
const REQUIRED_COLUMNS = ['registry', 'repo', 'pull_count'];
const NONE_ABSENT: ReadonlySet<OptionalMeasure> = new Set();

export interface TimestreamTarget {
  database: string;
  table: string;
}

export class TimestreamSeriesStore implements SeriesStore {
  constructor(
    private readonly writer: TimestreamWriteClient,
    private readonly reader: TimestreamQueryClient,
    private readonly target: TimestreamTarget,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A record replaces the stored one for the same repository and time only with a higher Version. Lifetime counters
   * carry the write time: the latest reading wins. Quay's daily counts carry the count itself, so a day's count only
   * grows (Quay shows yesterday as 0 until its counter runs, and can zero days it expired): a lower count is
   * rejected as ExistingVersion, which is the intended outcome, not a failure.
   */
  async write(samples: readonly Sample[]): Promise<void> {
    const writeTime = this.now();
    const records = samples.map((sample) => toRecord(sample, sample.measure === 'daily_actions' ? sample.pullCount + 1 : writeTime));
    for (let start = 0; start < records.length; start += WRITE_RECORDS_LIMIT) {
      const chunk = records.slice(start, start + WRITE_RECORDS_LIMIT);
      try {
        await this.writer.send(new WriteRecordsCommand({ DatabaseName: this.target.database, TableName: this.target.table, Records: chunk }));
      } catch (error) {
        if (!(error instanceof RejectedRecordsException) || !onlyLowerDailyCounts(error, chunk)) throw error;
      }
    }
  }

  latest(): Promise<Sample[]> {
    return this.query((absent) => latestQuery(this.target, absent));
  }

  /** DescribeTable, not a query: a query bills at least 4 TCU for 30 s, a health probe should cost nothing. */
  async health(): Promise<void> {
    await this.writer.send(new DescribeTableCommand({ DatabaseName: this.target.database, TableName: this.target.table }));
  }

  async daily(fromDay: string, toDay: string, filter: SeriesFilter = {}): Promise<Sample[]> {
    if (selectsNothing(filter)) return [];
    return this.query(() => dailyQuery(this.target, fromDay, toDay, filter));
  }

  async samples(from: string, to: string, filter: SeriesFilter = {}): Promise<Sample[]> {
    if (selectsNothing(filter)) return [];
    return this.query((absent) => samplesQuery(this.target, from, to, filter, absent));
  }

  /** Runs the query, reading optional measures the table has no column for yet as NULL; an empty table answers []. */
  private async query(build: (absent: ReadonlySet<OptionalMeasure>) => string): Promise<Sample[]> {
    const absent = new Set<OptionalMeasure>();
    for (;;) {
      try {
        return await this.pages(build(absent));
      } catch (error) {
        const column = missingColumn(error);
        if (column !== undefined && REQUIRED_COLUMNS.includes(column)) return [];
        const optional = OPTIONAL_MEASURES.find((name) => name === column);
        if (optional === undefined || absent.has(optional)) throw error;
        absent.add(optional);
      }
    }
  }

  private async pages(sql: string): Promise<Sample[]> {
    const samples: Sample[] = [];
    let nextToken: string | undefined;
    do {
      const page: QueryResponse = await this.reader.send(new QueryCommand({ QueryString: sql, ...(nextToken && { NextToken: nextToken }) }));
      samples.push(...rowsOf(page).map(toSample));
      nextToken = page.NextToken;
    } while (nextToken);
    return samples;
  }
}

/** `absent`: optional measures the table has no column for yet, selected as NULL. */
export function latestQuery({ database, table }: TimestreamTarget, absent: ReadonlySet<OptionalMeasure> = NONE_ABSENT): string {
  const latestOf = (measure: OptionalMeasure) => (absent.has(measure) ? `NULL AS ${measure}` : `max_by(${measure}, time) AS ${measure}`);
  return [
    'SELECT registry, repo, measure_name, max(time) AS collected_at,',
    `  max_by(pull_count, time) AS pull_count, ${latestOf('star_count')}, ${latestOf('last_updated')}`,
    `FROM ${quoteIdentifier(database)}.${quoteIdentifier(table)}`,
    `WHERE measure_name IN ('${MEASURE_NAMES.pulls}', '${MEASURE_NAMES.daily_actions}') AND time > ago(${LATEST_LOOKBACK})`,
    'GROUP BY registry, repo, measure_name',
  ].join('\n');
}

/**
 * The last reading of each UTC day per repository (`bin(time, 1d)`); for Quay's daily actions, the day's count.
 * Deltas are computed in code, the same way for both stores.
 */
export function dailyQuery(target: TimestreamTarget, fromDay: string, toDay: string, filter: SeriesFilter): string {
  return [
    'SELECT registry, repo, measure_name, max(time) AS collected_at, max_by(pull_count, time) AS pull_count',
    `FROM ${quoteIdentifier(target.database)}.${quoteIdentifier(target.table)}`,
    `WHERE measure_name IN ('${MEASURE_NAMES.pulls}', '${MEASURE_NAMES.daily_actions}')`,
    `  AND time >= from_iso8601_date(${quoteString(fromDay)}) AND time < from_iso8601_date(${quoteString(addDays(toDay, 1))})`,
    ...filterClauses(filter),
    'GROUP BY registry, repo, measure_name, bin(time, 1d)',
    'ORDER BY registry, repo, collected_at',
  ].join('\n');
}

/** Every lifetime-counter reading in [from, to). */
export function samplesQuery(target: TimestreamTarget, from: string, to: string, filter: SeriesFilter, absent: ReadonlySet<OptionalMeasure> = NONE_ABSENT): string {
  const measure = (name: OptionalMeasure) => (absent.has(name) ? `NULL AS ${name}` : name);
  return [
    `SELECT registry, repo, measure_name, time AS collected_at, pull_count, ${measure('star_count')}, ${measure('last_updated')}`,
    `FROM ${quoteIdentifier(target.database)}.${quoteIdentifier(target.table)}`,
    `WHERE measure_name = '${MEASURE_NAMES.pulls}'`,
    `  AND time >= from_iso8601_timestamp(${quoteString(from)}) AND time < from_iso8601_timestamp(${quoteString(to)})`,
    ...filterClauses(filter),
    'ORDER BY registry, repo, time',
  ].join('\n');
}

function filterClauses(filter: SeriesFilter): string[] {
  const clauses: string[] = [];
  if (filter.registries) clauses.push(`  AND registry IN (${filter.registries.map(quoteString).join(', ')})`);
  if (filter.repos) {
    const matches = filter.repos.map((selector) =>
      selector.registry ? `(registry = ${quoteString(selector.registry)} AND repo = ${quoteString(selector.path)})` : `repo = ${quoteString(selector.path)}`,
    );
    clauses.push(`  AND (${matches.join(' OR ')})`);
  }
  return clauses;
}

/** An empty list selects nothing, as in matchesFilter; SQL has no empty IN list to say so. */
function selectsNothing(filter: SeriesFilter): boolean {
  return filter.registries?.length === 0 || filter.repos?.length === 0;
}

/** The column a query named that the table does not have (`line 2:41: Column 'star_count' does not exist`). */
function missingColumn(error: unknown): string | undefined {
  if ((error as Error | undefined)?.name !== 'ValidationException') return undefined;
  return /Column '(\w+)' does not exist/.exec((error as Error).message)?.[1];
}

function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** True when every rejected record is a Quay day whose stored count is already at least as high. */
function onlyLowerDailyCounts(error: RejectedRecordsException, records: readonly _Record[]): boolean {
  const rejected = error.RejectedRecords ?? [];
  return (
    rejected.length > 0 &&
    rejected.every((rejection) => {
      const record = records[rejection.RecordIndex ?? -1];
      return record?.MeasureName === MEASURE_NAMES.daily_actions && rejection.ExistingVersion !== undefined && rejection.ExistingVersion >= (record.Version ?? 0);
    })
  );
}

function toRecord(sample: Sample, version: number): _Record {
  const measures: MeasureValue[] = [{ Name: 'pull_count', Value: String(sample.pullCount), Type: 'BIGINT' }];
  if (sample.starCount !== undefined) measures.push({ Name: 'star_count', Value: String(sample.starCount), Type: 'BIGINT' });
  if (sample.lastUpdated !== undefined) measures.push({ Name: 'last_updated', Value: sample.lastUpdated, Type: 'VARCHAR' });
  return {
    Dimensions: [
      { Name: 'registry', Value: sample.registry },
      { Name: 'repo', Value: sample.repo },
    ],
    MeasureName: MEASURE_NAMES[sample.measure ?? 'pulls'],
    MeasureValueType: 'MULTI',
    MeasureValues: measures,
    Time: String(Date.parse(sample.collectedAt)),
    TimeUnit: 'MILLISECONDS',
    Version: version,
  };
}

/** Rows as column-name → scalar value (null where Timestream says NullValue). */
function rowsOf(page: QueryResponse): Record<string, string | null>[] {
  const columns = (page.ColumnInfo ?? []).map((column) => column.Name ?? '');
  return (page.Rows ?? []).map((row) =>
    Object.fromEntries(columns.map((name, i) => [name, row.Data?.[i]?.NullValue ? null : (row.Data?.[i]?.ScalarValue ?? null)])),
  );
}

/** Timestream prints timestamps as `2026-11-23 17:00:00.000000000` (UTC). */
function isoFromTimestream(text: string): string {
  return new Date(`${text.replace(' ', 'T').slice(0, 23)}Z`).toISOString();
}

function toSample(row: Record<string, string | null>): Sample {
  return {
    registry: row.registry as Registry,
    repo: row.repo ?? '',
    collectedAt: isoFromTimestream(row.collected_at ?? ''),
    pullCount: Number(row.pull_count),
    ...(row.star_count != null && { starCount: Number(row.star_count) }),
    ...(row.last_updated != null && { lastUpdated: row.last_updated }),
    ...(row.measure_name === MEASURE_NAMES.daily_actions && { measure: 'daily_actions' as const }),
  };
}
