// SeriesStore on Amazon Timestream: one multi-measure record `pulls` per sample, dimensions registry and repo.
import { QueryCommand, type QueryResponse, type TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { DescribeTableCommand, type MeasureValue, type TimestreamWriteClient, type _Record, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import type { SeriesStore } from '../../core/ports.ts';
import type { Registry } from '../../core/refs.ts';
import type { Sample, SeriesFilter } from '../../core/samples.ts';

/** Lifetime pull counters are `pulls` records; Quay's daily action counts are `actions` records. */
export const MEASURE_NAMES = { pulls: 'pulls', daily_actions: 'actions' } as const;
const WRITE_RECORDS_LIMIT = 100;
/** How far back the summary looks for a repository's newest sample; bounds the data each query scans. */
const LATEST_LOOKBACK = '35d';

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

  async write(samples: readonly Sample[]): Promise<void> {
    // A higher Version lets a refreshed sample (same repo and time) replace the stored one.
    const version = this.now();
    const records = samples.map((sample) => toRecord(sample, version));
    for (let start = 0; start < records.length; start += WRITE_RECORDS_LIMIT) {
      await this.writer.send(
        new WriteRecordsCommand({
          DatabaseName: this.target.database,
          TableName: this.target.table,
          Records: records.slice(start, start + WRITE_RECORDS_LIMIT),
        }),
      );
    }
  }

  latest(): Promise<Sample[]> {
    return this.query(latestQuery(this.target));
  }

  /** DescribeTable, not a query: a query bills at least 4 TCU for 30 s, a health probe should cost nothing. */
  async health(): Promise<void> {
    await this.writer.send(new DescribeTableCommand({ DatabaseName: this.target.database, TableName: this.target.table }));
  }

  daily(fromDay: string, toDay: string, filter: SeriesFilter = {}): Promise<Sample[]> {
    return this.query(dailyQuery(this.target, fromDay, toDay, filter));
  }

  samples(from: string, to: string, filter: SeriesFilter = {}): Promise<Sample[]> {
    return this.query(samplesQuery(this.target, from, to, filter));
  }

  private async query(sql: string): Promise<Sample[]> {
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

export function latestQuery({ database, table }: TimestreamTarget): string {
  return [
    'SELECT registry, repo, measure_name, max(time) AS collected_at,',
    '  max_by(pull_count, time) AS pull_count, max_by(star_count, time) AS star_count, max_by(last_updated, time) AS last_updated',
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
    `  AND time >= from_iso8601_date(${quoteString(fromDay)}) AND time < from_iso8601_date(${quoteString(dayAfter(toDay))})`,
    ...filterClauses(filter),
    'GROUP BY registry, repo, measure_name, bin(time, 1d)',
    'ORDER BY registry, repo, collected_at',
  ].join('\n');
}

/** Every lifetime-counter reading in [from, to). */
export function samplesQuery(target: TimestreamTarget, from: string, to: string, filter: SeriesFilter): string {
  return [
    'SELECT registry, repo, measure_name, time AS collected_at, pull_count, star_count, last_updated',
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

function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
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
