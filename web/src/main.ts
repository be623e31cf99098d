// The dashboard's wiring: reads the view from the URL, gets its one answer from /api/dashboard (answers.ts, cached per
// range), and renders cards, charts and table; every control writes the URL, and back/forward read it again.
// Imported first, so the view's request leaves before the modules below are evaluated.
import { loadAnswer } from './answers.ts';
// In cascade order: the page, then its charts and table, then the phone overrides of all three.
import './style.css';
import './charts.css';
import './table.css';
import './phone.css';
import { ApiError, type DashboardAnswer, badgeUrl } from './api.ts';
import { renderCards } from './cards.ts';
import { type Axis, type ChartSeries, PALETTE_SIZE, createChart } from './charts.ts';
import { byId, h } from './dom.ts';
import { type RepoRow, badgeMarkdown, buildRows, chartedRefs, filterRows, measureWords, shownWarnings, sortRows, toCsv, totals } from './model.ts';
import { RANGE_LABELS, type Range, type SortKey, type ViewState, nextSort, parseState, stateToSearch } from './state.ts';
import { narrowLayout, renderBody, renderHead } from './table.ts';

const main = byId<HTMLElement>('main');
const loading = byId<HTMLElement>('loading');
const dashboard = byId<HTMLElement>('dashboard');
const emptyState = byId<HTMLElement>('empty');
const errorState = byId<HTMLElement>('error');
const announcer = byId<HTMLElement>('announce');
const registrySelect = byId<HTMLSelectElement>('registry');
const sourceSelect = byId<HTMLSelectElement>('source');
const search = byId<HTMLInputElement>('search');
const table = byId<HTMLTableElement>('repositories');
const charts = { cumulative: createChart(byId('chart-cumulative'), 'cumulative'), daily: createChart(byId('chart-daily'), 'daily') };

let state: ViewState = parseState(location.search);
/** The rows of each answer, mapped once. */
const rowsOf = new WeakMap<DashboardAnswer, RepoRow[]>();
let shown: RepoRow[] = [];
let showing = 0;
let rendered = 0;
let lastHistory: 'search' | 'other' = 'other';
/** What the charts last drew, so a render that changes nothing they show leaves them alone. */
const drawn: { answer?: DashboardAnswer; key?: string } = {};

// ---------------------------------------------------------------------------------------------------------------
// State and URL

function setState(patch: Partial<ViewState>, kind: 'search' | 'other' = 'other'): void {
  state = { ...state, ...patch };
  const url = `${location.pathname}${stateToSearch(state)}`;
  if (url !== `${location.pathname}${location.search}`) {
    // Typing a search replaces its own history entry instead of adding one per key.
    if (kind === 'search' && lastHistory === 'search') history.replaceState(null, '', url);
    else history.pushState(null, '', url);
  }
  lastHistory = kind;
  void show();
}

function syncControls(): void {
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="range"]')) input.checked = input.value === state.range;
  if (registrySelect.value !== state.registry) {
    if (state.registry && !registrySelect.querySelector(`option[value="${CSS.escape(state.registry)}"]`)) registrySelect.append(h('option', { value: state.registry }, state.registry));
    registrySelect.value = state.registry;
  }
  if (sourceSelect.value !== state.source && sourceSelect.querySelector(`option[value="${CSS.escape(state.source)}"]`)) sourceSelect.value = state.source;
  if (search.value !== state.q) search.value = state.q;
}

/** The `github:` refs that discovered the answer's images: a filter shown only where discovery is in use. */
function fillSources(answer: DashboardAnswer): void {
  const sources = [...new Set(answer.repositories.flatMap((row) => (row.discovered_by ? [row.discovered_by] : [])))].sort();
  byId('source-field').hidden = sources.length === 0;
  const options = [...sourceSelect.options].slice(1).map((option) => option.value);
  if (options.join(' ') === sources.join(' ')) return;
  sourceSelect.replaceChildren(h('option', { value: '' }, 'All sources'), ...sources.map((source) => h('option', { value: source }, `found by ${source}`)));
  sourceSelect.value = sources.includes(state.source) ? state.source : '';
}

/** The registries of the answer's rows (and the one the URL asks for), when they are not the options already. */
function fillRegistries(answer: DashboardAnswer): void {
  const registries = [...new Set([...answer.repositories.map((row) => row.registry), ...(state.registry ? [state.registry] : [])])].sort();
  const options = [...registrySelect.options].slice(1).map((option) => option.value);
  if (options.join(' ') === registries.join(' ')) return;
  registrySelect.replaceChildren(h('option', { value: '' }, 'All registries'), ...registries.map((registry) => h('option', { value: registry }, registry)));
  registrySelect.value = state.registry;
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

async function show(): Promise<void> {
  const run = ++showing;
  syncControls();
  main.setAttribute('aria-busy', 'true');
  try {
    const answer = await loadAnswer(state.range);
    if (run !== showing) return;
    fillRegistries(answer);
    fillSources(answer);
    render(answer);
  } catch (error) {
    if (run === showing) showError(error);
  } finally {
    if (run === showing) main.setAttribute('aria-busy', 'false');
  }
}

function showOnly(section: HTMLElement): void {
  for (const one of [loading, dashboard, emptyState, errorState]) one.hidden = one !== section;
}

function showError(error: unknown): void {
  byId('error-detail').textContent = error instanceof ApiError ? error.message : String(error);
  showOnly(errorState);
}

function render(answer: DashboardAnswer): void {
  if (answer.repositories.length === 0) {
    // The steps of where this runs only: a local user is not sent to AWS, nor the other way round.
    byId('empty-local').hidden = answer.mode !== 'local';
    byId('empty-aws').hidden = answer.mode === 'local';
    showOnly(emptyState);
    return;
  }
  showOnly(dashboard);
  const now = Date.now();
  let rows = rowsOf.get(answer);
  if (!rows) rowsOf.set(answer, (rows = buildRows(answer.repositories)));
  const axis: Axis = { buckets: answer.buckets, interval: answer.interval };
  shown = sortRows(filterRows(rows, state), state.sort, state.dir);
  const { refs, auto } = chartedRefs(shown, state.repos);

  renderNotices(shownWarnings(shown));
  renderCards(byId('cards'), totals(shown), now);
  byId<HTMLButtonElement>('auto-chart').hidden = state.repos.length === 0;
  byId('chart-note').textContent = refs.length === 0 ? '' : auto ? `The ${refs.length === 1 ? 'busiest repository' : `${refs.length} busiest repositories`} shown; tick rows in the table to choose.` : `${refs.length} chosen ${refs.length === 1 ? 'repository' : 'repositories'}.`;
  renderCharts(answer, axis, refs);
  const all = rows.length;
  const renderTable = () => {
    const refocus = focusedControl();
    renderHead(table.tHead!, state, state.range === 'all' ? 'All time' : `Last ${RANGE_LABELS[state.range]}`);
    renderBody(table.tBodies[0]!, shown, new Set(refs), axis, now);
    if (refocus) table.querySelector<HTMLElement>(refocus)?.focus();
    byId('table-count').textContent = shown.length === all ? `${all} repositories` : `${shown.length} of ${all} repositories`;
  };
  const run = ++rendered;
  // The first time, the table (the page's heaviest part, below the charts) follows the charts' first draw instead of
  // holding it back; a render after that one draws its own table at once.
  if (run > 1) renderTable();
  else setTimeout(() => rendered === run && renderTable());
}

/** The table rebuilds its header and rows on every change: a keyboard user's focus goes back to the same control. */
function focusedControl(): string | undefined {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !table.contains(active)) return undefined;
  if (active.dataset.sort) return `button[data-sort="${CSS.escape(active.dataset.sort)}"]`;
  if (active.dataset.ref) return `${active.tagName.toLowerCase()}.${active.classList[0]}[data-ref="${CSS.escape(active.dataset.ref)}"]`;
  return undefined;
}

/** A listing cut at the anonymous cap (or with rows skipped) is said above everything, for the rows shown. */
function renderNotices(warnings: readonly string[]): void {
  byId('notices').hidden = warnings.length === 0;
  byId('notice-list').replaceChildren(...warnings.map((warning) => h('li', {}, h('span', { class: 'notice-marker', 'aria-hidden': 'true' }, '⚠ '), warning)));
}

function renderCharts(answer: DashboardAnswer, axis: Axis, refs: readonly string[]): void {
  const range = state.range;
  const byRef = new Map(shown.map((row) => [row.ref, row]));
  const series = (values: (row: RepoRow) => (number | null)[]): ChartSeries[] =>
    refs.map((ref, i) => {
      const row = byRef.get(ref)!;
      return { ref, label: row.label ?? (shown.some((other) => other !== row && other.name === row.name) ? ref : row.name), measure: row.measure, values: values(row), color: i % PALETTE_SIZE };
    });
  const legend = byId('legend');
  legend.replaceChildren(
    ...series(() => []).map((one) => h('li', {}, h('span', { class: `swatch c${one.color}` }), one.label, one.measure === 'actions' ? h('span', { class: 'unit' }, ' (actions)') : null)),
  );
  const hourly = axis.interval === 'hour';
  // The titles name what the charted rows count: Quay's alone are actions, not pulls.
  const measure = measureWords(refs.map((ref) => byRef.get(ref)!));
  byId('cumulative-caption').textContent = `Cumulative ${measure}`;
  byId('daily-caption').textContent = hourly ? `${capitalized(measure)} per hour` : `Daily ${measure}`;
  const names = series(() => []).map((one) => one.label).join(', ') || 'no repository';
  const over = state.range === 'all' ? 'since tracking began' : `over the last ${RANGE_LABELS[range]}`;
  byId('chart-cumulative').setAttribute('aria-label', `Cumulative ${measure} of ${names} ${over}${hourly ? ', hour by hour' : ''}; the table has the numbers`);
  byId('chart-daily').setAttribute('aria-label', `${hourly ? 'Hourly' : 'Daily'} ${measure} of ${names} ${over}, stacked; the table has the numbers`);
  const noRows = shown.length === 0 ? 'No repository matches the filters.' : 'No history in this range yet.';
  // Typing a search or sorting rebuilds the table; the charts only when what they show changes.
  const key = `${shown.length === 0} ${series(() => []).map((one) => `${one.ref}=${one.label}`).join(' ')}`;
  if (drawn.answer === answer && drawn.key === key) return;
  charts.daily.show(axis, series((row) => row.daily), noRows);
  charts.cumulative.show(axis, series((row) => row.cumulative), noRows);
  drawn.answer = answer;
  drawn.key = key;
}

const capitalized = (text: string): string => `${text[0]!.toUpperCase()}${text.slice(1)}`;

// ---------------------------------------------------------------------------------------------------------------
// Actions

function announce(text: string): void {
  announcer.textContent = '';
  announcer.textContent = text;
}

async function copyBadge(button: HTMLButtonElement, row: RepoRow): Promise<void> {
  const markdown = badgeMarkdown(row, badgeUrl(row.registry, row.name));
  button.dataset.copied = markdown;
  try {
    await navigator.clipboard.writeText(markdown);
    button.textContent = 'Copied';
    announce(`Copied ${markdown}`);
  } catch {
    // No clipboard (an insecure origin, or permission refused): let the user copy it by hand.
    window.prompt('Copy the badge Markdown:', markdown);
  }
  setTimeout(() => (button.textContent = 'Copy'), 2000);
}

function downloadCsv(): void {
  const url = URL.createObjectURL(new Blob([toCsv(shown)], { type: 'text/csv;charset=utf-8' }));
  const link = h('a', { href: url, download: `pullwatch-${state.range}-${new Date().toISOString().slice(0, 10)}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  announce(`Downloaded ${shown.length} rows as CSV`);
}

function toggleCharted(ref: string, on: boolean): void {
  const current = chartedRefs(shown, state.repos).refs;
  const next = on ? [...new Set([...current, ref])] : current.filter((one) => one !== ref);
  setState({ repos: next });
}

byId('controls').addEventListener('submit', (event) => event.preventDefault());
byId('controls').addEventListener('change', (event) => {
  const target = event.target as HTMLInputElement | HTMLSelectElement;
  if (target.name === 'range') setState({ range: target.value as Range });
  else if (target === registrySelect) setState({ registry: registrySelect.value });
  else if (target === sourceSelect) setState({ source: sourceSelect.value });
});
search.addEventListener('input', () => setState({ q: search.value }, 'search'));
table.tHead!.addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>('button[data-sort]');
  if (button) setState(nextSort(state, button.dataset.sort as SortKey));
});
table.tBodies[0]!.addEventListener('change', (event) => {
  const box = event.target as HTMLInputElement;
  if (box.matches('input.chart-toggle')) toggleCharted(box.dataset.ref!, box.checked);
});
table.tBodies[0]!.addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>('button.copy-badge');
  const row = button && shown.find((one) => one.ref === button.dataset.ref);
  if (button && row) void copyBadge(button, row);
});
byId('download').addEventListener('click', downloadCsv);
byId('auto-chart').addEventListener('click', () => setState({ repos: [] }));
byId('retry').addEventListener('click', () => {
  showOnly(loading);
  void show();
});
window.addEventListener('popstate', () => {
  state = parseState(location.search);
  lastHistory = 'other';
  void show();
});
// The table's columns change order between a narrow screen and a wider one.
narrowLayout.addEventListener('change', () => void show());
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  charts.cumulative.restyle();
  charts.daily.restyle();
});

void show();
