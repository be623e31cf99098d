// The view state and its query string: what the page shows is what the URL says, so a view can be shared and
// back/forward restore it. Pure: no DOM, unit-tested in node. The ranges themselves are the API's (lambdas/core/ranges.ts).
import { RANGES, type Range } from '../../lambdas/core/ranges.ts';

export { RANGES, type Range };

export const RANGE_LABELS: Record<Range, string> = { '7d': '7 days', '30d': '30 days', '90d': '90 days', '1y': '1 year', all: 'All time' };

export const SORT_KEYS = ['registry', 'name', 'total', 'd1', 'd7', 'd30', 'trend', 'range', 'success', 'status'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

/** Text columns start A→Z, number and time columns biggest (newest) first. */
export function defaultDir(key: SortKey): SortDir {
  return key === 'registry' || key === 'name' || key === 'status' ? 'asc' : 'desc';
}

export interface ViewState {
  range: Range;
  /** '' for every registry. */
  registry: string;
  /** A `github:` ref: only the images it discovered; '' for all. */
  source: string;
  /** Search text over `registry:name` and label. */
  q: string;
  /** Refs (`registry:name`) chosen for the charts; empty: the busiest shown rows. */
  repos: string[];
  sort: SortKey;
  dir: SortDir;
}

export const DEFAULT_STATE: Readonly<ViewState> = Object.freeze({ range: '30d', registry: '', source: '', q: '', repos: [], sort: 'total', dir: 'desc' });

const REGISTRY = /^[a-z]+$/;
const SOURCE = /^github:[a-z0-9-]+\/[a-z0-9._*-]+(\?forks=true)?$/;

/** Reads a query string leniently: anything unknown falls back to its default, so an old or edited link still opens. */
export function parseState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const range = params.get('range');
  const sort = params.get('sort');
  const dir = params.get('dir');
  const registry = params.get('registry') ?? '';
  const sortKey = (SORT_KEYS as readonly string[]).includes(sort ?? '') ? (sort as SortKey) : DEFAULT_STATE.sort;
  return {
    range: (RANGES as readonly string[]).includes(range ?? '') ? (range as Range) : DEFAULT_STATE.range,
    registry: REGISTRY.test(registry) ? registry : '',
    source: SOURCE.test(params.get('source') ?? '') ? params.get('source')! : '',
    q: (params.get('q') ?? '').slice(0, 200),
    repos: [...new Set(params.getAll('repo').flatMap((value) => value.split(',')).map((ref) => ref.trim()).filter((ref) => ref.includes(':')))],
    sort: sortKey,
    dir: dir === 'asc' || dir === 'desc' ? dir : sortKey === DEFAULT_STATE.sort ? DEFAULT_STATE.dir : defaultDir(sortKey),
  };
}

/** The query string for a state ('' for the default view); defaults are left out to keep links short. */
export function stateToSearch(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.range !== DEFAULT_STATE.range) params.set('range', state.range);
  if (state.registry) params.set('registry', state.registry);
  if (state.source) params.set('source', state.source);
  if (state.q) params.set('q', state.q);
  if (state.repos.length > 0) params.set('repo', state.repos.join(','));
  if (state.sort !== DEFAULT_STATE.sort || state.dir !== DEFAULT_STATE.dir) {
    params.set('sort', state.sort);
    params.set('dir', state.dir);
  }
  const text = params.toString().replaceAll('%2C', ',').replaceAll('%3A', ':').replaceAll('%2F', '/');
  return text ? `?${text}` : '';
}

/** A header click: the same column flips direction, another column starts in its natural direction. */
export function nextSort(state: Pick<ViewState, 'sort' | 'dir'>, key: SortKey): Pick<ViewState, 'sort' | 'dir'> {
  if (state.sort === key) return { sort: key, dir: state.dir === 'asc' ? 'desc' : 'asc' };
  return { sort: key, dir: defaultDir(key) };
}
