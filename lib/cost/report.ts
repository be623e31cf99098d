// The cost estimate as text: the per-service table with its quantities, notes, stack facts and assumptions for
// `npm run cost`, and the README's Markdown tables for `npm run cost -- --readme`.
import type { FunctionFacts } from './facts.ts';
import { formatNumber } from './drivers.ts';
import { type Estimate, SECONDS_PER_DAY } from './estimate.ts';
import { ASSUMPTION_TEXT, type Assumptions, DEFAULT_RANGE, LONG_RANGES } from './workload.ts';
import type { SeriesStoreKind } from '../settings.ts';

export function formatEstimate(e: Estimate): string {
  const money = (value: number) => formatNumber(value, 2);
  const header = ['service', 'list price', 'free tier', 'you pay', 'what'];
  const credit = (value: number) => (money(value) === '0.00' ? '' : `-${money(value)}`);
  const rows = e.lines.map((l) => [l.service, money(l.list), credit(l.freeTier), money(l.usd), l.detail]);
  rows.push(['total', money(e.total.list), credit(e.total.freeTier), money(e.total.usd), '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 || i === 4 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const f = e.facts;
  const tables = [f.reposTable, ...(f.seriesTable ? [f.seriesTable] : []), ...(f.readModelTable.logicalId === f.seriesTable?.logicalId ? [] : [f.readModelTable])];
  const fn = (name: string, x: FunctionFacts) => `${name} ${x.memoryMiB} MiB ${x.architecture} (timeout ${x.timeoutSeconds} s, logs ${x.logRetentionDays ?? '∞'} d)`;
  const q = e.quantities;
  return [
    `pullwatch on AWS, monthly estimate in USD (us-east-1 list prices checked ${e.pricesCheckedOn}; re-check before quoting)`,
    `${e.repos.toLocaleString('en-US')} repositories, sampled every ${e.pollMinutes} min (${formatCount(e.pollsPerMonth)} polls a month), ${e.viewsPerDay.toLocaleString('en-US')} dashboard views a day, ${e.store} store`,
    '',
    format(header),
    format(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(0, -1).map(format),
    format(widths.map((w) => '-'.repeat(w))),
    format(rows.at(-1)!),
    '',
    `Free tier: the always-free monthly allowances (Lambda 1 M requests + 400,000 GB-s, SQS 1 M requests, CloudFront 1 TB + 10 M requests, CloudWatch 5 GB logs / 10 metrics / 10 alarms, DynamoDB 25 GB, Scheduler 14 M), assumed unused by anything else in the account. 12-month offers are not counted.`,
    '',
    'What drives it:',
    ...e.notes.map((note) => `- ${note}`),
    '',
    'From the synthesized stack:',
    `- schedule every ${f.pollMinutes} min; ${fn('dispatch', f.functions.dispatch)}; ${fn('collect', f.functions.collect)}; ${fn('api', f.functions.api)}`,
    `- SQS event source: batch ${f.eventSource.batchSize}, maxConcurrency ${f.eventSource.maxConcurrency ?? 'unset'}; tables ${tables.map((t) => `${t.billingMode}${t.pointInTimeRecovery ? ' + PITR' : ''}`).join(', ')}` +
      ` (read model ${f.readModelTable.logicalId === f.seriesTable?.logicalId ? 'in the series table' : 'in a table of its own'})` +
      (f.timestream ? `; Timestream memory store ${f.timestream.memoryRetentionHours} h, magnetic ${f.timestream.magneticRetentionDays} d` : ''),
    `- API answers max-age ${formatCount(q.maxAgeSeconds ?? 0)} s (typicalCacheSeconds(${f.apiPollMinutes})), CloudFront /api/* TTL ${f.cloudfront ? `${f.cloudfront.apiMinTtl}–${f.cloudfront.apiMaxTtl} s` : 'none'} → cached ${formatCount(q.cacheTtlSeconds ?? 0)} s, ` +
      `${f.cloudfront?.apiFunctions ?? 0} viewer-request function(s); a view asks for /api/dashboard?range=${DEFAULT_RANGE}, missing ${formatCount(q.missesPerUrl ?? 0)} times a month ` +
      `(bounds: ${formatCount(q.viewsPerMonth ?? 0)} views, ${formatCount((e.assumptions.daysPerMonth * SECONDS_PER_DAY * e.assumptions.edgeCaches) / Math.max(1, q.cacheTtlSeconds ?? 1))} TTL periods); ` +
      `${formatCount(q.longRangeViews ?? 0)} views also ask for ${LONG_RANGES.map((range) => `range=${range}`).join(', ')}, each missing ${formatCount(q.longRangeMissesPerUrl ?? 0)} times`,
    `- ${f.secrets} Secrets Manager secret(s), ${f.alarms} alarms, ${e.customMetrics.length} custom metrics${e.customMetrics.length ? ` (${e.customMetrics.join(', ')})` : ' (no addMetric in lambdas/)'}`,
    '',
    'Assumptions:',
    ...wrap(
      (Object.keys(ASSUMPTION_TEXT) as (keyof Assumptions)[]).map((key) => ASSUMPTION_TEXT[key](e.assumptions[key])),
      110,
    ).map((text) => `- ${text}`),
  ].join('\n');
}

/** Joins short phrases with "; " into lines of at most `width` characters. */
function wrap(phrases: string[], width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const phrase of phrases) {
    if (current && current.length + phrase.length + 2 > width) {
      lines.push(current);
      current = phrase;
    } else current = current ? `${current}; ${phrase}` : phrase;
  }
  if (current) lines.push(current);
  return lines;
}

/**
 * Markdown for the README: what you pay a month per store and number of repositories (list price without the free
 * tier in parentheses), then each service's share. `estimates` share one interval and one views figure.
 */
export function formatMarkdown(estimates: readonly Estimate[]): string {
  const first = estimates[0];
  if (!first) return '';
  const money = (value: number) => `$${formatNumber(value, 2)}`;
  const stores = [...new Set(estimates.map((e) => e.store))];
  const repoCounts = [...new Set(estimates.map((e) => e.repos))].sort((x, y) => x - y);
  const find = (store: SeriesStoreKind, repos: number) => estimates.find((e) => e.store === store && e.repos === repos);
  const storeName = (store: SeriesStoreKind) => (store === 'dynamodb' ? 'DynamoDB store' : 'Timestream store');
  const summary = [
    `| repositories | ${stores.map(storeName).join(' | ')} |`,
    `| ---: | ${stores.map(() => '---:').join(' | ')} |`,
    ...repoCounts.map(
      (repos) =>
        `| ${repos.toLocaleString('en-US')} | ${stores
          .map((store) => {
            const e = find(store, repos);
            return e ? `${money(e.total.usd)} (${money(e.total.list)})` : '';
          })
          .join(' | ')} |`,
    ),
  ];
  const columns = stores.flatMap((store) => repoCounts.flatMap((repos) => (find(store, repos) ? [find(store, repos)!] : [])));
  const services = [...new Set(columns.flatMap((e) => e.lines.map((l) => l.service)))];
  const breakdown = [
    `| you pay, USD/month | ${columns.map((e) => `${e.store === 'dynamodb' ? 'DynamoDB' : 'Timestream'} ${e.repos.toLocaleString('en-US')}`).join(' | ')} |`,
    `| --- | ${columns.map(() => '---:').join(' | ')} |`,
    ...services.map(
      (service) =>
        `| ${service} | ${columns
          .map((e) => {
            const line = e.lines.find((l) => l.service === service);
            return line ? formatNumber(line.usd, 2) : '–';
          })
          .join(' | ')} |`,
    ),
    `| **total** | ${columns.map((e) => `**${formatNumber(e.total.usd, 2)}**`).join(' | ')} |`,
    `| list price, no free tier | ${columns.map((e) => formatNumber(e.total.list, 2)).join(' | ')} |`,
  ];
  return [
    `Polling every ${first.pollMinutes} minutes, ${first.viewsPerDay.toLocaleString('en-US')} dashboard views a day; us-east-1 list prices of ${first.pricesCheckedOn}; ` +
      'after the always-free tier, list price without it in parentheses:',
    '',
    ...summary,
    '',
    ...breakdown,
  ].join('\n');
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
