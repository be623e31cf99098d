// The dashboard's pure parts in node: URL state, the summary ⨝ repos ⨝ trends ⨝ daily join, totals, sorting, CSV.
import { describe, expect, it } from 'vitest';
import type { DailyRow, RepoItem, SummaryRow, TrendRow } from '../../web/src/api.ts';
import { csvField, formatPercent, formatSigned, percentChange, relativeTime } from '../../web/src/format.ts';
import {
  type RepoRow,
  attributeRows,
  badgeMarkdown,
  buildRows,
  byRegistry,
  chartedRefs,
  dailyValue,
  dayAxis,
  filterRows,
  rangeFrom,
  refsByName,
  sortRows,
  toCsv,
  totals,
} from '../../web/src/model.ts';
import { DEFAULT_STATE, SORT_KEYS, nextSort, parseState, stateToSearch } from '../../web/src/state.ts';

const summaryRow = (registry: string, name: string, counts: Partial<SummaryRow> = {}): SummaryRow => ({
  registry,
  name,
  measure: registry === 'quay' ? 'actions' : 'pulls',
  pull_count: registry === 'quay' ? null : 1_000,
  star_count: null,
  last_updated: null,
  collected_at: '2026-11-23T10:00:00.000Z',
  pulls_1d: 10,
  pulls_7d: 70,
  pulls_30d: 300,
  ...counts,
});
const repoItem = (ref: string, fields: Partial<RepoItem> = {}): RepoItem => ({
  ref,
  registry: ref.slice(0, ref.indexOf(':')),
  name: ref.slice(ref.indexOf(':') + 1),
  enabled: true,
  label: null,
  last_success_at: '2026-11-23T11:00:00.000Z',
  last_error: null,
  ...fields,
});
const trendRow = (registry: string, name: string, previous7: number, percent7: number | null): TrendRow => ({
  registry,
  name,
  measure: registry === 'quay' ? 'actions' : 'pulls',
  pulls_7d: 70,
  previous_7d: previous7,
  change_7d: 70 - previous7,
  percent_7d: percent7,
  pulls_30d: 300,
  previous_30d: 250,
  change_30d: 50,
  percent_30d: 20,
});
const daily = (day: string, repo: string, value: number, measure?: 'actions'): DailyRow => ({ timestamp: `${day}T00:00:00.000Z`, repo, daily_pulls: value, ...(measure && { measure }) });

describe('view state in the URL', () => {
  it('opens the default view from an empty query string and writes none for it', () => {
    expect(parseState('')).toEqual(DEFAULT_STATE);
    expect(stateToSearch(DEFAULT_STATE)).toBe('');
  });

  it('round-trips every field, keeping refs readable in the link', () => {
    const state = { range: '90d', registry: 'ghcr', q: 'acme api', repos: ['ghcr:acme/api', 'dockerhub:acme/web'], sort: 'd7', dir: 'asc' } as const;
    const search = stateToSearch({ ...state, repos: [...state.repos] });
    expect(search).toBe('?range=90d&registry=ghcr&q=acme+api&repo=ghcr:acme/api,dockerhub:acme/web&sort=d7&dir=asc');
    expect(parseState(search)).toEqual(state);
  });

  it('falls back to defaults for values it does not know, so an old or edited link still opens', () => {
    expect(parseState('?range=2y&registry=Docker%20Hub&sort=stars&dir=up&repo=nonsense')).toEqual(DEFAULT_STATE);
    expect(parseState('?sort=name')).toMatchObject({ sort: 'name', dir: 'asc' });
  });

  it('flips the direction on the sorted column and starts text columns A→Z, numbers biggest first', () => {
    expect(nextSort({ sort: 'total', dir: 'desc' }, 'total')).toEqual({ sort: 'total', dir: 'asc' });
    expect(nextSort({ sort: 'total', dir: 'desc' }, 'name')).toEqual({ sort: 'name', dir: 'asc' });
    expect(nextSort({ sort: 'name', dir: 'asc' }, 'd30')).toEqual({ sort: 'd30', dir: 'desc' });
  });

  it('asks the API for a range in relative days, so the server decides where today is', () => {
    expect(rangeFrom('7d')).toBe('6d');
    expect(rangeFrom('1y')).toBe('364d');
    expect(rangeFrom('all')).toBe('3649d');
  });
});

describe('daily rows back to refs', () => {
  const summary = [summaryRow('dockerhub', 'acme/app'), summaryRow('ghcr', 'acme/app'), summaryRow('ghcr', 'acme/tool'), summaryRow('quay', 'acme/app')];
  const names = refsByName(summary);
  const candidates = (name: string, measure: string) => names.get(`${measure}\u0000${name}`) ?? [];

  it('files a name tracked in one registry under its ref, and Quay actions apart from pulls of the same name', () => {
    const { byRef, ambiguous } = attributeRows([daily('2026-11-22', 'acme/tool', 5), daily('2026-11-22', 'acme/app', 7, 'actions')], dailyValue, candidates);
    expect(byRef.get('ghcr:acme/tool')?.get('2026-11-22')).toBe(5);
    expect(byRef.get('quay:acme/app')?.get('2026-11-22')).toBe(7);
    expect(ambiguous).toEqual([]);
  });

  it('reports a name summed over several registries, to be asked for per registry', () => {
    const { byRef, ambiguous } = attributeRows([daily('2026-11-22', 'acme/app', 9)], dailyValue, candidates);
    expect(byRef.size).toBe(0);
    expect(ambiguous).toEqual(['dockerhub:acme/app', 'ghcr:acme/app']);
    expect([...byRegistry(ambiguous)]).toEqual([
      ['dockerhub', ['dockerhub:acme/app']],
      ['ghcr', ['ghcr:acme/app']],
    ]);
  });

  it('lays a fixed range back from the last day the API answered, and "all" from the first', () => {
    expect(dayAxis('7d', ['2026-11-20', '2026-11-23'], '2026-11-24')).toEqual(['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']);
    expect(dayAxis('all', ['2026-11-22', '2026-11-20'], '2026-11-24')).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(dayAxis('7d', [], '2026-11-24').at(-1)).toBe('2026-11-24');
  });
});

describe('rows: summary joined with repos, trends and daily counts', () => {
  const days = ['2026-11-21', '2026-11-22', '2026-11-23'];
  const rows = buildRows({
    summary: [summaryRow('dockerhub', 'acme/app'), summaryRow('dockerhub', 'acme/web'), summaryRow('ghcr', 'acme/app'), summaryRow('quay', 'acme/app')],
    repos: [
      repoItem('dockerhub:acme/*', { last_error: { kind: 'auth', message: 'auth: HTTP 401 (listing)', at: '2026-11-23T11:00:00Z' } }),
      repoItem('ghcr:acme/app', { label: 'the app', last_error: { kind: 'format_changed', message: 'no label', at: '2026-11-23T11:00:00Z' } }),
      repoItem('ghcr:acme/gone', { last_success_at: null, last_error: { kind: 'not_found', message: 'HTTP 404', at: '2026-11-23T11:00:00Z' } }),
      repoItem('quay:other/*', { enabled: false, last_success_at: null }),
    ],
    trends: [trendRow('dockerhub', 'acme/app', 50, 40)],
    daily: new Map([['dockerhub:acme/app', new Map([['2026-11-22', 12], ['2026-11-23', 3]])]]),
    days,
  });
  const row = (ref: string) => rows.find((one) => one.ref === ref)!;

  it('takes an error from the ref’s own item first, else from the wildcard that found the repository', () => {
    expect(row('ghcr:acme/app')).toMatchObject({ error: { kind: 'format_changed' }, errorFrom: 'own', label: 'the app' });
    expect(row('dockerhub:acme/web')).toMatchObject({ error: { kind: 'auth' }, errorFrom: 'wildcard', lastSuccess: '2026-11-23T11:00:00.000Z' });
    expect(row('quay:acme/app')).toMatchObject({ error: null, errorFrom: null, lastSuccess: null });
  });

  it('does not pin a sibling’s failure, copied onto the wildcard, on every repository under it', () => {
    const [web, broken] = buildRows({
      summary: [summaryRow('dockerhub', 'acme/web'), summaryRow('dockerhub', 'acme/broken')],
      repos: [repoItem('dockerhub:acme/*', { last_error: { kind: 'not_found', message: 'dockerhub:acme/broken: not_found: HTTP 404', at: '2026-11-23T11:00:00Z' } })],
      trends: [],
      daily: new Map(),
      days,
    });
    expect(web!.error).toBeNull();
    expect(broken!.error).toMatchObject({ kind: 'not_found' });
  });

  it('aligns the daily counts on the day axis, with yesterday for the 1-day comparison and the 7-day trend', () => {
    expect(row('dockerhub:acme/app')).toMatchObject({ daily: [null, 12, 3], rangeTotal: 15, yesterday: 12, trend: { change: 20, percent: 40, previous: 50 }, previous30: 250 });
  });

  it('keeps Quay’s actions out of the lifetime total', () => {
    expect(row('quay:acme/app')).toMatchObject({ measure: 'actions', total: null, d30: 300 });
  });

  it('gives a tracked ref with no reading yet, and an empty wildcard, a row of their own', () => {
    expect(row('ghcr:acme/gone')).toMatchObject({ hasData: false, total: null, error: { kind: 'not_found' }, daily: [null, null, null] });
    expect(row('quay:other/*')).toMatchObject({ hasData: false, paused: true, measure: 'actions' });
    expect(rows).toHaveLength(6);
  });

  it('sums pulls for the cards, previous windows included, and counts actions apart', () => {
    const sums = totals(rows);
    expect(sums).toMatchObject({ repositories: 6, registries: 3, failing: 4, total: 3_000, actions30: 300 });
    expect(sums.d1).toEqual({ current: 30, previous: 12 });
    expect(sums.d7).toEqual({ current: 210, previous: 50 });
    expect(sums.d30).toEqual({ current: 900, previous: 250 });
  });

  it('filters by registry and by every word of the search, over ref and label', () => {
    expect(filterRows(rows, { registry: 'ghcr', q: '' }).map((one) => one.ref)).toEqual(['ghcr:acme/app', 'ghcr:acme/gone']);
    expect(filterRows(rows, { registry: '', q: 'THE app' }).map((one) => one.ref)).toEqual(['ghcr:acme/app']);
  });
});

describe('sorting and charting', () => {
  const make = (ref: string, fields: Partial<RepoRow>): RepoRow => ({
    ref,
    registry: ref.split(':')[0]!,
    name: ref.split(':')[1]!,
    label: null,
    measure: 'pulls',
    hasData: true,
    total: null,
    d1: null,
    d7: null,
    d30: null,
    trend: null,
    previous30: null,
    daily: [],
    rangeTotal: null,
    yesterday: null,
    lastSuccess: null,
    error: null,
    errorFrom: null,
    paused: false,
    ...fields,
  });
  const rows = [
    make('dockerhub:b', { total: 5, rangeTotal: 50 }),
    make('ghcr:a', { total: 9, rangeTotal: 10, error: { kind: 'auth', message: 'x', at: '' } }),
    make('quay:c', { measure: 'actions', rangeTotal: 900 }),
    make('dockerhub:d', { total: 5, rangeTotal: 70 }),
  ];

  it('puts rows without a value last in both directions and breaks ties by ref', () => {
    expect(sortRows(rows, 'total', 'desc').map((row) => row.ref)).toEqual(['ghcr:a', 'dockerhub:b', 'dockerhub:d', 'quay:c']);
    expect(sortRows(rows, 'total', 'asc').map((row) => row.ref)).toEqual(['dockerhub:b', 'dockerhub:d', 'ghcr:a', 'quay:c']);
    expect(sortRows(rows, 'status', 'asc')[0]!.ref).toBe('ghcr:a');
  });

  it('sorts by every column key without throwing', () => {
    for (const key of SORT_KEYS) expect(sortRows(rows, key, 'asc')).toHaveLength(rows.length);
  });

  it('charts the busiest shown pull rows when nothing is chosen, the chosen shown ones otherwise', () => {
    expect(chartedRefs(rows, [])).toEqual({ refs: ['dockerhub:d', 'dockerhub:b', 'ghcr:a', 'quay:c'], auto: true });
    expect(chartedRefs(rows, ['ghcr:a', 'ghcr:gone'])).toEqual({ refs: ['ghcr:a'], auto: false });
    expect(chartedRefs(rows.slice(0, 1), ['ghcr:a'])).toEqual({ refs: ['dockerhub:b'], auto: true });
  });

  it('writes the rows shown, in their order, as RFC 4180 CSV', () => {
    const csv = toCsv([make('ghcr:a', { total: 9, error: { kind: 'format_changed', message: 'no "Total downloads", label', at: '' } }), make('quay:c', { measure: 'actions', d7: 3 })]);
    expect(csv.split('\r\n')).toEqual([
      'registry,name,measure,total,last_1d,last_7d,last_30d,previous_7d,change_7d_percent,in_range,last_success_at,error',
      'ghcr,a,pulls,9,,,,,,,,"format_changed: no ""Total downloads"", label"',
      'quay,c,actions,,,3,,,,,,',
      '',
    ]);
  });

  it('labels a Quay badge as actions', () => {
    expect(badgeMarkdown({ measure: 'pulls' }, 'https://x/api/badge/ghcr/a/b.svg')).toBe('![pulls](https://x/api/badge/ghcr/a/b.svg)');
    expect(badgeMarkdown({ measure: 'actions' }, 'https://x/api/badge/quay/a/b.svg')).toBe('![actions](https://x/api/badge/quay/a/b.svg)');
  });
});

describe('formatting', () => {
  it('signs changes with a real minus and rounds percentages', () => {
    expect(formatSigned(-1234)).toBe('−1,234');
    expect(formatSigned(5)).toBe('+5');
    expect(percentChange(150, 100)).toBe(50);
    expect(percentChange(5, 0)).toBeNull();
    expect(formatPercent(-7)).toBe('−7%');
  });

  it('says how long ago in the largest whole unit', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(relativeTime('2026-11-23T11:59:30Z', now)).toBe('just now');
    expect(relativeTime('2026-11-23T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2026-11-20T12:00:00Z', now)).toBe('3 d ago');
  });

  it('quotes CSV fields only when they need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(null)).toBe('');
  });
});
