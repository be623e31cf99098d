// The dashboard's pure parts in node: URL state, the answer's rows as the page shows them, totals, sorting, CSV.
import { describe, expect, it } from 'vitest';
import type { DashboardRow } from '../../web/src/api.ts';
import { isolatedPoints } from '../../web/src/charts.ts';
import { compactNumber } from '../../lambdas/core/render/numbers.ts';
import { formatBucket, formatCompact, formatPercent, formatSigned, percentChange, relativeTime, timeUntil } from '../../web/src/format.ts';
import { type RepoRow, badgeMarkdown, buildRows, chartedRefs, filterRows, measureWords, shownWarnings, sortRows, toCsv, totals } from '../../web/src/model.ts';
import { DEFAULT_STATE, RANGES, SORT_KEYS, nextSort, parseState, stateToSearch } from '../../web/src/state.ts';

/** A row of GET /api/dashboard: a healthy pull-counting repository unless told otherwise. */
const dashboardRow = (ref: string, fields: Partial<DashboardRow> = {}): DashboardRow => {
  const registry = ref.slice(0, ref.indexOf(':'));
  const actions = registry === 'quay';
  return {
    ref,
    registry,
    name: ref.slice(ref.indexOf(':') + 1),
    label: null,
    measure: actions ? 'actions' : 'pulls',
    enabled: true,
    has_data: true,
    pull_count: actions ? null : 1_000,
    collected_at: '2026-11-23T10:00:00.000Z',
    first_seen_at: '2026-10-01T10:00:00.000Z',
    pulls_1d: 10,
    pulls_yesterday: 12,
    pulls_7d: 70,
    previous_7d: 50,
    change_7d: 20,
    percent_7d: 40,
    pulls_30d: 300,
    previous_30d: 250,
    in_range: 25,
    last_success_at: '2026-11-23T11:00:00.000Z',
    error: null,
    daily: [null, 12, 13],
    cumulative: [null, 987, 1_000],
    ...fields,
  };
};
/** A tracked ref with no reading yet, as the answer gives it. */
const waitingRow = (ref: string, fields: Partial<DashboardRow> = {}): DashboardRow =>
  dashboardRow(ref, {
    has_data: false,
    pull_count: null,
    collected_at: null,
    first_seen_at: null,
    pulls_1d: null,
    pulls_yesterday: null,
    pulls_7d: null,
    previous_7d: null,
    change_7d: null,
    percent_7d: null,
    pulls_30d: null,
    previous_30d: null,
    in_range: null,
    last_success_at: null,
    daily: [null, null, null],
    cumulative: [null, null, null],
    ...fields,
  });

describe('view state in the URL', () => {
  it('opens the default view from an empty query string and writes none for it', () => {
    expect(parseState('')).toEqual(DEFAULT_STATE);
    expect(stateToSearch(DEFAULT_STATE)).toBe('');
  });

  it('round-trips every field, keeping refs readable in the link', () => {
    const state = { range: '90d', registry: 'ghcr', source: 'github:acme/*', q: 'acme api', repos: ['ghcr:acme/api', 'dockerhub:acme/web'], sort: 'd7', dir: 'asc' } as const;
    const search = stateToSearch({ ...state, repos: [...state.repos] });
    expect(search).toBe('?range=90d&registry=ghcr&source=github:acme/*&q=acme+api&repo=ghcr:acme/api,dockerhub:acme/web&sort=d7&dir=asc');
    expect(parseState(search)).toEqual(state);
  });

  it('falls back to defaults for values it does not know, so an old or edited link still opens', () => {
    expect(parseState('?range=2y&registry=Docker%20Hub&source=acme&sort=stars&dir=up&repo=nonsense')).toEqual(DEFAULT_STATE);
    expect(parseState('?sort=name')).toMatchObject({ sort: 'name', dir: 'asc' });
  });

  it('flips the direction on the sorted column and starts text columns A→Z, numbers biggest first', () => {
    expect(nextSort({ sort: 'total', dir: 'desc' }, 'total')).toEqual({ sort: 'total', dir: 'asc' });
    expect(nextSort({ sort: 'total', dir: 'desc' }, 'name')).toEqual({ sort: 'name', dir: 'asc' });
    expect(nextSort({ sort: 'name', dir: 'asc' }, 'd30')).toEqual({ sort: 'd30', dir: 'desc' });
  });

  it('opens every range the API answers, and no other', () => {
    for (const range of RANGES) expect(parseState(`?range=${range}`).range).toBe(range);
    expect(parseState('?range=14d').range).toBe(DEFAULT_STATE.range);
  });
});

describe('rows: the answer’s rows as the page shows them', () => {
  const rows = buildRows([
    dashboardRow('dockerhub:acme/app'),
    dashboardRow('dockerhub:acme/web', { error: { kind: 'auth', message: 'auth: HTTP 401 (listing)', at: '2026-11-23T11:00:00Z', wildcard: 'dockerhub:acme/*' } }),
    dashboardRow('ghcr:acme/app', { label: 'the app', error: { kind: 'format_changed', message: 'no label', at: '2026-11-23T11:00:00Z' } }),
    dashboardRow('quay:acme/app', { pulls_1d: 0, pulls_yesterday: 40, last_success_at: null, cumulative: [null, 40, 40] }),
    waitingRow('ghcr:acme/gone', { error: { kind: 'not_found', message: 'HTTP 404', at: '2026-11-23T11:00:00Z' } }),
    waitingRow('quay:other/*', { enabled: false }),
  ]);
  const row = (ref: string) => rows.find((one) => one.ref === ref)!;

  it('names where an error was recorded: the ref’s own item, or the wildcard that found the repository', () => {
    expect(row('ghcr:acme/app')).toMatchObject({ error: { kind: 'format_changed' }, errorFrom: 'own', label: 'the app' });
    expect(row('dockerhub:acme/web')).toMatchObject({ error: { kind: 'auth', wildcard: 'dockerhub:acme/*' }, errorFrom: 'wildcard' });
    expect(row('ghcr:acme/gone')).toMatchObject({ error: { kind: 'not_found' }, errorFrom: 'own' });
    expect(row('quay:acme/app')).toMatchObject({ error: null, errorFrom: null, lastSuccess: null });
  });

  it('takes the figures, the 7-day trend and both series as the server gives them, without summing anything again', () => {
    expect(row('dockerhub:acme/app')).toMatchObject({
      total: 1_000,
      d1: 10,
      d7: 70,
      d30: 300,
      yesterday: 12,
      trend: { change: 20, percent: 40, previous: 50 },
      previous30: 250,
      daily: [null, 12, 13],
      cumulative: [null, 987, 1_000],
      // in_range is the server's, even where it is not the sum of the daily values shown.
      rangeTotal: 25,
      lastSuccess: '2026-11-23T11:00:00.000Z',
      hasData: true,
      paused: false,
    });
  });

  it('keeps Quay’s actions out of the lifetime total', () => {
    expect(row('quay:acme/app')).toMatchObject({ measure: 'actions', total: null, d30: 300 });
  });

  it('gives a tracked ref with no reading yet, and a paused empty wildcard, rows of their own', () => {
    expect(row('ghcr:acme/gone')).toMatchObject({ hasData: false, total: null, trend: null, rangeTotal: null, daily: [null, null, null] });
    expect(row('quay:other/*')).toMatchObject({ hasData: false, paused: true, measure: 'actions' });
    expect(rows).toHaveLength(6);
  });

  it('sums pulls for the cards, previous windows (yesterday, the 7 and 30 days before) included, and counts actions apart', () => {
    const sums = totals(rows);
    expect(sums).toMatchObject({ repositories: 6, registries: 3, failing: 3, total: 3_000, actions30: 300, latestSuccess: '2026-11-23T11:00:00.000Z' });
    expect(sums.d1).toEqual({ current: 30, previous: 36 });
    expect(sums.d7).toEqual({ current: 210, previous: 150 });
    expect(sums.d30).toEqual({ current: 900, previous: 750 });
  });

  it('has no previous window on the cards when no shown row has one', () => {
    const sums = totals(buildRows([dashboardRow('ghcr:new/one', { pulls_yesterday: null, previous_7d: 0, change_7d: 70, percent_7d: null })]));
    expect(sums.d1).toEqual({ current: 10, previous: null });
    expect(sums.d7).toEqual({ current: 70, previous: 0 });
  });

  it('filters by registry and by every word of the search, over ref and label', () => {
    expect(filterRows(rows, { registry: 'ghcr', source: '', q: '' }).map((one) => one.ref)).toEqual(['ghcr:acme/app', 'ghcr:acme/gone']);
    expect(filterRows(rows, { registry: '', source: '', q: 'THE app' }).map((one) => one.ref)).toEqual(['ghcr:acme/app']);
  });

  it('filters by the github: ref that discovered an image, and searches where it was found', () => {
    const discovered = buildRows([
      dashboardRow('ghcr:acme/api', { discovered_by: 'github:acme/*', found_in: 'github:acme/api .github/workflows/release.yml' }),
      dashboardRow('dockerhub:acme/web'),
    ]);
    expect(filterRows(discovered, { registry: '', source: 'github:acme/*', q: '' }).map((one) => one.ref)).toEqual(['ghcr:acme/api']);
    expect(filterRows(discovered, { registry: '', source: '', q: 'release.yml' }).map((one) => one.ref)).toEqual(['ghcr:acme/api']);
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
    cumulative: [],
    rangeTotal: null,
    yesterday: null,
    lastSuccess: null,
    error: null,
    errorFrom: null,
    warnings: [],
    discoveredBy: null,
    foundIn: null,
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

  it('breaks a tie for the busiest by the bigger total, then by ref, never by name alone', () => {
    const tied = [make('dockerhub:a', { total: 10, rangeTotal: 0 }), make('dockerhub:b', { total: 30, rangeTotal: 0 }), make('dockerhub:c', { total: 20, rangeTotal: 0 }), make('dockerhub:d', { total: 20, rangeTotal: 0 })];
    expect(chartedRefs(tied, []).refs).toEqual(['dockerhub:b', 'dockerhub:c', 'dockerhub:d', 'dockerhub:a']);
    const many = Array.from({ length: 7 }, (_, i) => make(`dockerhub:r${i}`, { total: i * 100, rangeTotal: 5 }));
    expect(chartedRefs(many, []).refs).toEqual(['dockerhub:r6', 'dockerhub:r5', 'dockerhub:r4', 'dockerhub:r3', 'dockerhub:r2']);
  });

  it('names what the charted rows count: pulls, Quay’s actions, or both', () => {
    expect(measureWords([{ measure: 'pulls' }])).toBe('pulls');
    expect(measureWords([{ measure: 'actions' }, { measure: 'actions' }])).toBe('actions');
    expect(measureWords([{ measure: 'actions' }, { measure: 'pulls' }])).toBe('pulls and actions');
    expect(measureWords([])).toBe('pulls');
  });

  it('says each warning of the rows shown once, the wildcard’s shared by the repositories behind it', () => {
    const cut = 'hugeorg/*: 198 of 250 repositories (anonymous listing cap; set DOCKERHUB_USERNAME/DOCKERHUB_TOKEN)';
    const shown = [make('dockerhub:hugeorg/a', { warnings: [cut] }), make('dockerhub:hugeorg/b', { warnings: [cut] }), make('ghcr:x/y', {}), make('dockerhub:acme/*', { warnings: ['acme/*: 3 listing rows skipped as malformed (first: row 7 has no pull_count)'] })];
    expect(shownWarnings(shown)).toEqual([cut, 'acme/*: 3 listing rows skipped as malformed (first: row 7 has no pull_count)']);
    expect(shownWarnings(shown.slice(2, 3))).toEqual([]);
    expect(buildRows([dashboardRow('dockerhub:hugeorg/a', { warnings: [cut] }), dashboardRow('ghcr:x/y')]).map((row) => row.warnings)).toEqual([[cut], []]);
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

  it('says an error’s kind once in the CSV, whether or not its message starts with it', () => {
    const csv = toCsv([make('dockerhub:a', { error: { kind: 'transient', message: 'transient: cannot resolve hub.docker.com', at: '' } }), make('dockerhub:b', { error: { kind: 'auth', message: 'HTTP 401', at: '' } })]);
    expect(csv.split('\r\n').slice(1, 3).map((line) => line.split(',').at(-1))).toEqual(['transient: cannot resolve hub.docker.com', 'auth: HTTP 401']);
  });

  it('guards text a spreadsheet would run as a formula, as the server CSV does', () => {
    const csv = toCsv([make('ghcr:a', { label: null, error: { kind: 'transient', message: 'x', at: '' } }), { ...make('ghcr:b', {}), name: '=HYPERLINK("http://evil")' }]);
    expect(csv.split('\r\n')[2]).toBe(`ghcr,"'=HYPERLINK(""http://evil"")",pulls,,,,,,,,,`);
  });

  it('labels a Quay badge as actions', () => {
    expect(badgeMarkdown({ measure: 'pulls' }, 'https://x/api/badge/ghcr/a/b.svg')).toBe('![pulls](https://x/api/badge/ghcr/a/b.svg)');
    expect(badgeMarkdown({ measure: 'actions' }, 'https://x/api/badge/quay/a/b.svg')).toBe('![actions](https://x/api/badge/quay/a/b.svg)');
  });
});

describe('charts', () => {
  it('dots the values a line cannot draw: those with no value on either side', () => {
    expect(isolatedPoints([5])).toEqual([0]);
    expect(isolatedPoints([null, null, 30])).toEqual([2]);
    expect(isolatedPoints([1, 2, null, 4, null])).toEqual([3]);
    expect(isolatedPoints([1, 2, 3])).toEqual([]);
    expect(isolatedPoints([null, null])).toEqual([]);
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

  it('writes compact numbers as the badges do (core/render/numbers.ts): 9.9G and 10G, never 10B', () => {
    for (const n of [0, 999, 1234, 9_900_000_000, 9_960_000_000, 10_000_000_000, 12_174_412_037, 2 ** 40]) expect(formatCompact(n)).toBe(compactNumber(n));
    expect(formatCompact(9_900_000_000)).toBe('9.9G');
    expect(formatCompact(10_000_000_000)).toBe('10G');
    expect(formatCompact(-2500)).toBe('−2.5k');
  });

  it('says when the next try is due in the largest whole unit, and "now" once it has come', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(timeUntil('2026-11-23T12:04:10Z', now)).toBe('in 4 min');
    expect(timeUntil('2026-11-23T12:00:40Z', now)).toBe('in 1 min');
    expect(timeUntil('2026-11-23T14:00:00Z', now)).toBe('in 2 h');
    expect(timeUntil('2026-11-26T12:00:00Z', now)).toBe('in 3 d');
    expect(timeUntil('2026-11-23T11:58:00Z', now)).toBe('now');
  });

  it('says how long ago in the largest whole unit', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(relativeTime('2026-11-23T11:59:30Z', now)).toBe('just now');
    expect(relativeTime('2026-11-23T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2026-11-20T12:00:00Z', now)).toBe('3 d ago');
  });

  it('names a bucket of the axis by its day, or by its hour in UTC', () => {
    expect(formatBucket('2026-11-23', 'day')).toBe('Mon, 23 Nov 2026');
    expect(formatBucket('2026-11-23T14:00:00.000Z', 'hour')).toBe('Mon, 23 Nov 2026, 14:00 UTC');
    expect(formatBucket('2026-11-23T00:00:00.000Z', 'hour')).toBe('Mon, 23 Nov 2026, 00:00 UTC');
  });

});
