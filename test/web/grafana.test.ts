// The Grafana dashboard in web/public/grafana: it must only ask the API for documented paths and parameters, and
// every query, with variables substituted the way Grafana and the Infinity plugin do, must get the rows its panel reads.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../lambdas/api/app.ts';
import { openApiDocument } from '../../lambdas/api/openapi.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import { MemoryReadModel, MemoryRepos, MemorySeries, writeCollected } from '../fuzz/memory-ports.ts';

// ---------------------------------------------------------------------------------------------------------------
// The dashboard, typed as far as the test reads it.

interface InfinityColumn {
  selector: string;
  text: string;
  type: string;
}
interface KeyValue {
  key: string;
  value: string;
}
interface InfinityQuery {
  refId?: string;
  datasource?: unknown;
  type: string;
  source: string;
  parser: string;
  format: string;
  url: string;
  url_options: { method: string; params?: KeyValue[]; headers?: KeyValue[]; data?: string };
  root_selector: string;
  columns: InfinityColumn[];
  filterExpression?: string;
  summarizeExpression?: string;
  summarizeBy?: string;
}
interface Transformation {
  id: string;
  options: Record<string, unknown>;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: unknown;
  targets?: InfinityQuery[];
  transformations?: Transformation[];
  fieldConfig?: { overrides?: { matcher: { id: string; options: string } }[] };
  panels?: Panel[];
}
interface Variable {
  type: string;
  name: string;
  query?: unknown;
  datasource?: unknown;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}
interface Dashboard {
  __inputs: { name: string; type: string; pluginId?: string; value?: string }[];
  schemaVersion: number;
  uid: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

const DASHBOARD_FILE = new URL('../../web/public/grafana/pullwatch.json', import.meta.url);
const text = readFileSync(DASHBOARD_FILE, 'utf8');
const dashboard = JSON.parse(text) as Dashboard;

const INFINITY = 'yesoreyeram-infinity-datasource';
const INFINITY_REF = { type: INFINITY, uid: '${DS_INFINITY}' };
/** Dashboard-level built-in annotation source; it is no data source a user picks. */
const GRAFANA_ANNOTATIONS_REF = { type: 'grafana', uid: '-- Grafana --' };
const URL_PREFIX = '${pullwatch_url}';
/** Variables Grafana defines itself, and `$__all`, the value the API reads as "no filter". */
const BUILT_INS = new Set(['__from', '__to', '__interval', '__interval_ms', '__range', '__range_s', '__range_ms', '__rate_interval', '__dashboard', '__org', '__user', '__timezone', '__field', '__series', '__value', '__data', '__all']);
/** Grafana's variable syntax: `$name`, `[[name:format]]`, `${name.path:format}`. */
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;
const COLUMN_TYPES = new Set(['string', 'number', 'timestamp', 'timestamp_epoch', 'timestamp_epoch_s', 'boolean']);

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

interface NamedQuery {
  where: string;
  query: InfinityQuery;
  panel?: Panel;
}

/** Every Infinity query: each panel target and the query variables' queries. */
function allQueries(): NamedQuery[] {
  const fromPanels = allPanels(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((query) => ({ where: `panel "${panel.title}"`, query, panel })));
  const fromVariables = dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => ({ where: `variable $${variable.name}`, query: (variable.query as { infinityQuery: InfinityQuery }).infinityQuery }));
  return [...fromPanels, ...fromVariables];
}

/** Every string in the JSON with where it is. */
function allStrings(value: unknown, path = '$'): { path: string; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => allStrings(item, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => [...allStrings(key, `${path}{key}`), ...allStrings(item, `${path}.${key}`)]);
  return [];
}

/** Every value of a `datasource` key anywhere in the JSON. */
function allDatasourceRefs(value: unknown, path = '$'): { path: string; ref: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => allDatasourceRefs(item, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => [
    ...(key === 'datasource' ? [{ path: `${path}.${key}`, ref: item }] : []),
    ...allDatasourceRefs(item, `${path}.${key}`),
  ]);
}

/** The path and the query parameters of a query, as the Infinity backend assembles them (URL query, then url_options.params). */
function requestParts(query: InfinityQuery): { path: string; params: KeyValue[] } {
  const [path = '', search = ''] = query.url.slice(URL_PREFIX.length).split('?');
  const inUrl = [...new URLSearchParams(search)].map(([key, value]) => ({ key, value }));
  return { path, params: [...inUrl, ...(query.url_options.params ?? [])] };
}

// ---------------------------------------------------------------------------------------------------------------
// The API description.

interface Operation {
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: { items?: { properties?: Record<string, unknown> } } }> }>;
}
const paths = openApiDocument().paths as Record<string, { get: Operation }>;

function documentedQueryParameters(path: string): Set<string> {
  return new Set((paths[path]?.get.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name));
}

function documentedRowFields(path: string): Set<string> {
  return new Set(Object.keys(paths[path]?.get.responses['200']?.content?.['application/json']?.schema?.items?.properties ?? {}));
}

// ---------------------------------------------------------------------------------------------------------------

describe('web/public/grafana/pullwatch.json', () => {
  it('is a Grafana dashboard model of schemaVersion 39 or later, with unique panel ids', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toBe('pullwatch');
    const ids = allPanels(dashboard.panels).map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(allPanels(dashboard.panels).map((panel) => panel.type)).toEqual(expect.arrayContaining(['stat', 'timeseries', 'table']));
  });

  it('asks for an Infinity data source on import and refers to no other', () => {
    expect(dashboard.__inputs).toContainEqual(expect.objectContaining({ name: 'DS_INFINITY', type: 'datasource', pluginId: INFINITY }));
    const refs = allDatasourceRefs(dashboard);
    expect(refs.length).toBeGreaterThan(allPanels(dashboard.panels).length);
    for (const { path, ref } of refs) {
      const allowed = path === '$.annotations.list[0].datasource' ? [INFINITY_REF, GRAFANA_ANNOTATIONS_REF] : [INFINITY_REF];
      expect(allowed, `${path}: ${JSON.stringify(ref)}`).toContainEqual(ref);
    }
    for (const panel of allPanels(dashboard.panels).filter((one) => one.type !== 'row')) {
      expect(panel.datasource, `panel "${panel.title}"`).toEqual(INFINITY_REF);
      for (const target of panel.targets ?? []) expect(target.datasource, `panel "${panel.title}" ${target.refId}`).toEqual(INFINITY_REF);
    }
  });

  it('carries no credentials', () => {
    for (const { where, query } of allQueries()) expect(query.url_options.headers ?? [], where).toEqual([]);
    expect(text).not.toMatch(/authorization|bearer|password|secret|api[_-]?key|x-amz/i);
  });

  it('uses only variables it defines, import inputs, and Grafana built-ins', () => {
    const defined = new Set([...dashboard.templating.list.map((variable) => variable.name), ...dashboard.__inputs.map((input) => input.name)]);
    const used = allStrings(dashboard).flatMap(({ path, value }) =>
      [...value.matchAll(VARIABLE)].map((match) => ({ path, name: match[1] ?? match[2] ?? match[4]!, format: match[3] ?? match[6] })),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const { path, name, format } of used) {
      expect(defined.has(name) || BUILT_INS.has(name), `${path} uses $${name}`).toBe(true);
      if (format !== undefined) expect(['csv', 'glob', 'raw', 'text'], `${path} formats $${name} as ${format}`).toContain(format);
    }
    const names = new Set(used.map((one) => one.name));
    for (const variable of dashboard.templating.list) expect(names.has(variable.name), `$${variable.name} is used`).toBe(true);
  });

  it('defines the base URL, registry and repository variables', () => {
    const byName = new Map(dashboard.templating.list.map((variable) => [variable.name, variable]));
    expect(['textbox', 'constant']).toContain(byName.get('pullwatch_url')?.type);
    expect(byName.get('registry')).toMatchObject({ type: 'custom', query: 'dockerhub,ghcr,quay,registry', multi: true, includeAll: true, allValue: '$__all' });
    expect(byName.get('repo')).toMatchObject({ type: 'query', datasource: INFINITY_REF, multi: true, includeAll: true, allValue: '$__all' });
    const repoQuery = (byName.get('repo')?.query as { infinityQuery: InfinityQuery }).infinityQuery;
    expect(requestParts(repoQuery).path).toBe('/api/summary');
    expect(repoQuery.columns.map((column) => column.selector)).toEqual(['name']);
  });

  describe.each(allQueries())('$where', ({ query, panel }) => {
    it('is an Infinity JSON query on a documented pullwatch path', () => {
      expect(query).toMatchObject({ type: 'json', source: 'url', parser: 'backend', url_options: { method: 'GET' } });
      expect(['table', 'timeseries']).toContain(query.format);
      expect(query.url.startsWith(`${URL_PREFIX}/api/`), query.url).toBe(true);
      expect(Object.keys(paths)).toContain(requestParts(query).path);
    });

    it('sends only parameters the API documents for that path', () => {
      const { path, params } = requestParts(query);
      const documented = documentedQueryParameters(path);
      documented.add('format');
      for (const { key } of params) expect([...documented], `${path}?${key}`).toContain(key);
    });

    it('selects only fields the API documents for that path, as plain field names', () => {
      const fields = documentedRowFields(requestParts(query).path);
      expect(query.columns.length).toBeGreaterThan(0);
      for (const column of query.columns) {
        expect([...fields], column.selector).toContain(column.selector);
        expect(COLUMN_TYPES.has(column.type), `${column.selector}: ${column.type}`).toBe(true);
        // A field named as the API names it lets filter, summarize and the panel's transformations name it too.
        expect(column.text).toBe(column.selector);
      }
    });

    it('names only fields its query produces, in expressions and transformations', () => {
      const produced = new Set(query.columns.map((column) => column.text || column.selector));
      for (const expression of [query.filterExpression, query.summarizeExpression]) {
        for (const [identifier] of (expression ?? '').replace(/'[^']*'/g, '').matchAll(/[a-z_][a-z0-9_]*/gi)) {
          if (identifier !== 'sum') expect([...produced], `${expression}`).toContain(identifier);
        }
      }
      const renamed = new Set<string>();
      for (const transformation of panel?.transformations ?? []) {
        if (transformation.id === 'partitionByValues') for (const field of transformation.options.fields as string[]) expect([...produced]).toContain(field);
        if (transformation.id === 'organize') {
          for (const [field, to] of Object.entries(transformation.options.renameByName as Record<string, string>)) {
            expect([...produced]).toContain(field);
            renamed.add(to);
          }
        }
      }
      for (const override of panel?.fieldConfig?.overrides ?? []) {
        if (override.matcher.id === 'byName') expect([...produced, ...renamed]).toContain(override.matcher.options);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The real API over in-memory ports.

const NOW = new Date('2026-03-15T12:00:00.000Z');
const DAY_MS = 86_400_000;
const daysAgo = (n: number, hour = 6) => new Date(Date.UTC(2026, 2, 15 - n, hour)).toISOString();

/**
 * nginx grows steadily for 75 days; acme/app is on Docker Hub and GHCR and speeds up; etcd is Quay (daily actions);
 * acme/nested/tool is a nested GHCR package, the name form Docker Hub's rules would refuse.
 */
function dataset(): Sample[] {
  const samples: Sample[] = [];
  for (let n = 29; n >= 0; n--) samples.push({ registry: 'ghcr', repo: 'acme/nested/tool', collectedAt: daysAgo(n, 8), pullCount: 70 + 11 * (29 - n) });
  for (let n = 74; n >= 0; n--) samples.push({ registry: 'dockerhub', repo: 'library/nginx', collectedAt: daysAgo(n), pullCount: 50_000 + 300 * (74 - n), starCount: 20 });
  for (let n = 49; n >= 0; n--) {
    const age = 49 - n;
    samples.push({ registry: 'dockerhub', repo: 'acme/app', collectedAt: daysAgo(n), pullCount: 1_000 + 5 * age + age * age });
    samples.push({ registry: 'ghcr', repo: 'acme/app', collectedAt: daysAgo(n, 7), pullCount: 200 + 3 * age, lastUpdated: daysAgo(3) });
  }
  for (let n = 20; n >= 0; n--) samples.push({ registry: 'quay', repo: 'coreos/etcd', collectedAt: daysAgo(n, 0), pullCount: 4, measure: 'daily_actions' });
  return samples;
}

/** What a variable holds: one value, several, or All (Grafana then sends the variable's allValue). */
type Selection = string | string[] | { all: true };

/** Grafana's interpolation as Infinity calls it (format `glob` unless the reference names one). */
function interpolate(template: string, selections: Record<string, Selection>): string {
  return template.replace(VARIABLE, (match, plain?: string, bracket?: string, bracketFormat?: string, braced?: string, fieldPath?: string, bracedFormat?: string) => {
    const name = plain ?? bracket ?? braced!;
    const selection = selections[name];
    if (selection === undefined || fieldPath !== undefined) return match;
    if (typeof selection === 'string') return selection;
    if (!Array.isArray(selection)) {
      const allValue = dashboard.templating.list.find((variable) => variable.name === name)?.allValue;
      if (allValue === undefined) throw new Error(`$${name}: All without a custom allValue is not emulated`);
      return allValue; // Grafana passes a custom all value through unformatted.
    }
    const format = bracketFormat ?? bracedFormat ?? 'glob';
    if (format === 'csv' || format === 'raw') return selection.join(',');
    if (format === 'glob') return selection.length === 1 ? selection[0]! : `{${selection.join(',')}}`;
    throw new Error(`format ${format} is not emulated`);
  });
}

/** The request the Infinity backend sends: the URL with the params added and encoded. */
function requestPath(query: InfinityQuery, selections: Record<string, Selection>): string {
  const url = new URL(interpolate(query.url, selections), 'http://pullwatch.test');
  for (const { key, value } of query.url_options.params ?? []) url.searchParams.append(key, interpolate(value, selections));
  return `${url.pathname}${url.search}`;
}

type Row = Record<string, unknown>;

/** The Infinity backend parser's filter and summarize, for the expressions the dashboard uses. */
function summarize(query: InfinityQuery, rows: readonly Row[]): number {
  const filter = /^(\w+) == '([^']*)'$/.exec(query.filterExpression ?? '');
  if (query.filterExpression && !filter) throw new Error(`filter ${query.filterExpression} is not emulated`);
  const sum = /^sum\((\w+)\)$/.exec(query.summarizeExpression ?? '');
  if (!sum) throw new Error(`summary ${query.summarizeExpression} is not emulated`);
  return rows.filter((row) => !filter || row[filter[1]!] === filter[2]).reduce((total, row) => total + (typeof row[sum[1]!] === 'number' ? (row[sum[1]!] as number) : 0), 0);
}

describe('the dashboard against the API', () => {
  let app: ReturnType<typeof createApiApp>;
  let repoOptions: string[];

  const get = async (path: string): Promise<Row[]> => {
    const response = await app.request(path);
    expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
    const body: unknown = await response.json();
    expect(Array.isArray(body), path).toBe(true);
    return body as Row[];
  };

  const base = { pullwatch_url: '', __from: String(NOW.getTime() - 30 * DAY_MS), __to: String(NOW.getTime()) };

  beforeAll(async () => {
    const series = new MemorySeries();
    const readModel = new MemoryReadModel();
    const repos = new MemoryRepos();
    await writeCollected(dataset(), series, readModel);
    await repos.add(['dockerhub:library/nginx', 'dockerhub:acme/app', 'ghcr:acme/app', 'ghcr:acme/nested/tool', 'quay:coreos/etcd']);
    // A Docker Hub tag count, as collection folds it in once a day.
    const nginx = dataset().filter((sample) => sample.repo === 'library/nginx').at(-1)!;
    await readModel.apply([{ ...nginx, tagCount: 87 }]);
    app = createApiApp({ repos, series, readModel, pollMinutes: 60, now: () => NOW });

    // The repository variable's options, as its own query yields them with every registry selected.
    const repoVariable = dashboard.templating.list.find((variable) => variable.name === 'repo')!;
    const query = (repoVariable.query as { infinityQuery: InfinityQuery }).infinityQuery;
    const rows = await get(requestPath(query, { ...base, registry: { all: true } }));
    repoOptions = [...new Set(rows.map((row) => row[query.columns[0]!.selector] as string))].sort();
  });

  it('offers every tracked repository in $repo', () => {
    expect(repoOptions).toEqual(['acme/app', 'acme/nested/tool', 'coreos/etcd', 'library/nginx']);
  });

  const scenarios: [string, () => Record<string, Selection>][] = [
    ['All registries, all repositories', () => ({ registry: { all: true }, repo: { all: true } })],
    ['dockerhub and ghcr, two repositories', () => ({ registry: ['dockerhub', 'ghcr'], repo: repoOptions.filter((name) => name !== 'coreos/etcd') })],
    ['one registry, one repository', () => ({ registry: ['dockerhub'], repo: ['library/nginx'] })],
    ['a nested GHCR package alone', () => ({ registry: { all: true }, repo: ['acme/nested/tool'] })],
    ['every listed name, each passed back as picked', () => ({ registry: { all: true }, repo: [...repoOptions] })],
  ];

  describe.each(scenarios)('with %s', (_name, selection) => {
    it.each(allQueries().filter((one) => one.panel))('$where gets the rows its columns select', async ({ query }) => {
      const path = requestPath(query, { ...base, ...selection() });
      expect(path).not.toMatch(/\$|%24(?!__all)/); // every variable substituted; only $__all remains, on purpose
      const rows = await get(path);
      expect(rows.length, path).toBeGreaterThan(0);
      for (const row of rows) {
        for (const column of query.columns) {
          expect(row, `${path}: ${column.selector}`).toHaveProperty(column.selector);
          const value = row[column.selector];
          if (value === null) continue;
          if (column.type === 'number') expect(typeof value, column.selector).toBe('number');
          if (column.type === 'string') expect(typeof value, column.selector).toBe('string');
          if (column.type === 'timestamp') expect(Number.isNaN(Date.parse(value as string)), `${column.selector}: ${String(value)}`).toBe(false);
        }
      }
      if (query.summarizeExpression) expect(summarize(query, rows), query.summarizeExpression).toBeGreaterThan(0);
    });
  });

  it('sends Grafana’s epoch-millisecond range, and the API answers for exactly that range', async () => {
    const cumulative = allQueries().find((one) => requestParts(one.query).path === '/api/pulls')!;
    const rows = await get(requestPath(cumulative.query, { ...base, registry: { all: true }, repo: ['library/nginx'] }));
    expect(rows.map((row) => (row.timestamp as string).slice(0, 10))).toEqual(Array.from({ length: 31 }, (_, i) => daysAgo(30 - i).slice(0, 10)));
  });

  it('filters by the selected registries and repositories', async () => {
    const table = allQueries().find((one) => one.panel?.title === 'Repositories')!;
    const rows = await get(requestPath(table.query, { ...base, registry: ['ghcr', 'quay'], repo: ['acme/app', 'coreos/etcd'] }));
    expect(rows.map((row) => `${row.registry as string}:${row.name as string}`)).toEqual(['ghcr:acme/app', 'quay:coreos/etcd']);
  });

  it('would also take Infinity\'s default glob format ({a,b}) for a multi-value variable', async () => {
    const table = allQueries().find((one) => one.panel?.title === 'Repositories')!;
    const globbed = { ...table.query, url_options: { ...table.query.url_options, params: [{ key: 'registry', value: '${registry}' }] } };
    const path = requestPath(globbed, { ...base, registry: ['ghcr', 'quay'] });
    expect(decodeURIComponent(path)).toBe('/api/summary?registry={ghcr,quay}');
    expect((await get(path)).map((row) => row.registry)).toEqual(['ghcr', 'ghcr', 'quay']);
  });

  it('totals lifetime pulls over Docker Hub and GHCR, leaving out Quay actions', async () => {
    const total = allQueries().find((one) => one.panel?.title === 'Total pulls')!;
    const rows = await get(requestPath(total.query, { ...base, registry: { all: true }, repo: { all: true } }));
    const latest = (registry: string, repo: string) => dataset().filter((sample) => sample.registry === registry && sample.repo === repo).at(-1)!.pullCount;
    expect(summarize(total.query, rows)).toBe(latest('dockerhub', 'library/nginx') + latest('dockerhub', 'acme/app') + latest('ghcr', 'acme/app') + latest('ghcr', 'acme/nested/tool'));
  });

  it('gets registry, name, pull_count and tag_count for every name it passes back, in the glob, csv and repeated forms', async () => {
    const table = allQueries().find((one) => one.panel?.title === 'Repositories')!;
    expect(table.query.columns.map((column) => column.selector)).toEqual(expect.arrayContaining(['registry', 'name', 'pull_count', 'tag_count']));
    const forms = [
      (names: string[]) => `repo=${encodeURIComponent(`{${names.join(',')}}`)}`,
      (names: string[]) => `repo=${encodeURIComponent(names.join(','))}`,
      (names: string[]) => names.map((name) => `repo=${encodeURIComponent(name)}`).join('&'),
    ];
    for (const form of forms) {
      for (const names of [repoOptions, ['acme/nested/tool'], ['acme/nested/tool', 'library/nginx']]) {
        const rows = await get(`/api/summary?${form(names)}`);
        expect(new Set(rows.map((row) => row.name))).toEqual(new Set(names));
        for (const row of rows) expect(Object.keys(row)).toEqual(expect.arrayContaining(['registry', 'name', 'pull_count', 'tag_count']));
      }
    }
    const rows = await get('/api/summary?repo=$__all');
    expect(rows.find((row) => row.name === 'library/nginx')?.tag_count).toBe(87);
    expect(rows.find((row) => row.name === 'acme/nested/tool')).toMatchObject({ registry: 'ghcr', tag_count: null });
  });
});
