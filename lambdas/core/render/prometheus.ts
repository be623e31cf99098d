// Prometheus text exposition (format 0.0.4) of the latest counts and of how collection is going.
import { REGISTRIES, type Registry, refOwner } from '../refs.ts';
import type { Sample } from '../samples.ts';

export type RefState = 'ok' | 'error' | 'never';

export interface PrometheusRef {
  ref: string;
  registry: Registry;
  lastSuccessAt?: string;
  lastError?: { kind: string };
}

/** Pulls (or Quay's actions) over the windows ending today; null: none of the window's days is tracked. */
export interface WindowFigures {
  '1d': number | null;
  '7d': number | null;
  '30d': number | null;
}

export interface PrometheusSeries extends Pick<Sample, 'registry' | 'repo' | 'pullCount' | 'measure'> {
  windows?: WindowFigures;
  /** Docker Hub's tag count, where it was read. */
  tagCount?: number;
}

export interface PrometheusInput {
  /** The newest sample of each repository, as SeriesStore.latest() returns them: one per registry and repo. */
  samples: readonly PrometheusSeries[];
  /** Every tracked ref with its last outcome, as the repos table holds them: each ref once. */
  refs: readonly PrometheusRef[];
  /** How often collection runs, so rules can tell a stalled collection from a slow schedule. */
  pollSeconds?: number;
}

type Labels = readonly (readonly [name: string, value: string])[];

interface Family {
  name: string;
  help: string;
  series: { labels: Labels; value: number }[];
}

const WINDOWS = ['1d', '7d', '30d'] as const;

/**
 * Gauges, not counters, even for lifetime pulls: pullwatch does not own those numbers. Registries' counters stall,
 * jump and sometimes go down, and Prometheus would read a drop as a counter reset and inflate increase().
 * Samples carry no timestamp: Prometheus stamps them at scrape time, and old explicit timestamps would go stale.
 * Series are sorted by their labels and families come in a fixed order, so equal input gives equal text.
 * Throws on a duplicate series (a scrape with one fails as a whole), a value that is not a safe integer, or a
 * success time that does not parse, naming the offending series or ref.
 */
export function prometheusText(input: PrometheusInput): string {
  const pulls = input.samples.filter((sample) => sample.measure === undefined);
  const actions = input.samples.filter((sample) => sample.measure === 'daily_actions');
  const health = sourceHealth(input.refs);
  const families: Family[] = [
    {
      name: 'pullwatch_image_pulls',
      help: 'Lifetime pulls of a repository as its registry last reported them (Docker Hub, GHCR, self-hosted).',
      series: pulls.map(repositorySeries),
    },
    {
      name: 'pullwatch_image_pulls_window',
      help: 'Pulls of a repository over the last 1, 7 or 30 UTC days, today included (window label); absent while none of those days is tracked.',
      series: pulls.flatMap(windowSeries),
    },
    {
      name: 'pullwatch_image_actions_daily',
      help: 'Repository actions (pulls, pushes and other events) Quay counted on the UTC day of its newest daily figure; Quay reports no pull total.',
      series: actions.map(repositorySeries),
    },
    {
      name: 'pullwatch_image_actions_window',
      help: 'Repository actions Quay counted over the last 1, 7 or 30 UTC days (window label); Quay counts all actions, not only pulls.',
      series: actions.flatMap(windowSeries),
    },
    {
      name: 'pullwatch_image_tags',
      help: 'Tags of a repository as Docker Hub last reported them (read at most once a day); other registries publish none.',
      series: input.samples.filter((sample) => sample.tagCount !== undefined).map((sample) => ({ ...repositorySeries(sample), value: sample.tagCount! })),
    },
    {
      name: 'pullwatch_refs',
      help: 'Tracked refs by the outcome of their last collection: ok, error, or never collected.',
      series: refCounts(input.refs),
    },
    {
      name: 'pullwatch_ref_last_success_timestamp_seconds',
      help: 'Unix time of the last successful collection of a ref; absent until its first success.',
      series: input.refs.filter((ref) => ref.lastSuccessAt !== undefined).map(lastSuccessSeries),
    },
    {
      name: 'pullwatch_ref_failing',
      help: 'A ref whose last collection failed, with the kind of failure; absent for refs that are fine.',
      // An error item written by hand may lack its kind; the series still says the ref fails.
      series: input.refs.filter((ref) => refState(ref) === 'error').map((ref) => ({ labels: [['registry', ref.registry], ['ref', ref.ref], ['kind', String(ref.lastError!.kind ?? 'unknown')]], value: 1 })),
    },
    {
      name: 'pullwatch_source_up',
      help: 'Per registry with tracked refs: 1 while at least one of its refs did not fail last, 0 when every one failed (the source is degraded).',
      series: health.map(({ registry, up }) => ({ labels: [['registry', registry]], value: up ? 1 : 0 })),
    },
    {
      name: 'pullwatch_source_last_success_timestamp_seconds',
      help: 'Per registry: Unix time of the newest successful collection of any of its refs; absent until one succeeds.',
      series: health.flatMap(({ registry, lastSuccess }) => (lastSuccess === undefined ? [] : [{ labels: [['registry', registry]], value: lastSuccess }])),
    },
    {
      name: 'pullwatch_poll_interval_seconds',
      help: 'How often collection is scheduled: a ref not collected for several intervals has stalled.',
      series: input.pollSeconds === undefined ? [] : [{ labels: [], value: input.pollSeconds }],
    },
  ];
  return families.map(renderFamily).join('');
}

/**
 * registry-stats v2's names, so its dashboards and rules read pullwatch unchanged: lifetime pulls as
 * `registrystats_image_pulls_total` (a gauge despite the name, as there) and tag counts as `registrystats_image_tags`,
 * both labelled `{registry, owner, repo}`. Tags only where a count is known and positive, as the peer does.
 */
export function registryStatsText(input: Pick<PrometheusInput, 'samples'>): string {
  const pulls = input.samples.filter((sample) => sample.measure === undefined);
  return [
    { name: 'registrystats_image_pulls_total', help: 'Total pull count per image (pullwatch, registry-stats compatible names).', series: pulls.map(repositorySeries) },
    {
      name: 'registrystats_image_tags',
      help: 'Number of tags per image (Docker Hub; pullwatch, registry-stats compatible names).',
      series: pulls.filter((sample) => (sample.tagCount ?? 0) > 0).map((sample) => ({ ...repositorySeries(sample), value: sample.tagCount! })),
    },
  ]
    .map(renderFamily)
    .join('');
}

/** A success clears the recorded error (RepoList.recordSuccess), so a ref with an error failed last. */
export function refState(ref: Pick<PrometheusRef, 'lastSuccessAt' | 'lastError'>): RefState {
  if (ref.lastError !== undefined) return 'error';
  return ref.lastSuccessAt !== undefined ? 'ok' : 'never';
}

function repositorySeries(sample: PrometheusSeries): Family['series'][number] {
  const { owner, repo } = ownerAndRepo(sample.registry, sample.repo);
  return { labels: [['registry', sample.registry], ['owner', owner], ['repo', repo]], value: sample.pullCount };
}

function windowSeries(sample: PrometheusSeries): Family['series'] {
  const { labels } = repositorySeries(sample);
  return WINDOWS.flatMap((window) => {
    const value = sample.windows?.[window];
    return value === null || value === undefined ? [] : [{ labels: [...labels, ['window', window] as const], value }];
  });
}

/** Registries that have tracked refs: up unless every ref failed last, and their newest success (unix seconds). */
function sourceHealth(refs: readonly PrometheusRef[]): { registry: Registry; up: boolean; lastSuccess?: number }[] {
  return REGISTRIES.flatMap((registry) => {
    const own = refs.filter((ref) => ref.registry === registry);
    if (own.length === 0) return [];
    const successes = own.filter((ref) => ref.lastSuccessAt !== undefined).map((ref) => lastSuccessSeries(ref).value);
    return [{ registry, up: own.some((ref) => refState(ref) !== 'error'), ...(successes.length > 0 && { lastSuccess: Math.max(...successes) }) }];
  });
}

/**
 * Owner as refOwner has it (first segment; host plus first segment for self-hosted registries), repo the rest:
 * `registry.example.com/team/app` is owner `registry.example.com/team`, repo `app`. A repository right under a
 * self-hosted host (`localhost:5000/app`) has no namespace, so there the host is the owner and repo is never empty.
 */
function ownerAndRepo(registry: Registry, path: string): { owner: string; repo: string } {
  const owner = refOwner({ registry, path, wildcard: false });
  const cut = owner === path ? path.indexOf('/') : owner.length;
  if (cut <= 0) throw new RangeError(`sample ${registry}:${path} has no owner/name path`);
  return { owner: path.slice(0, cut), repo: path.slice(cut + 1) };
}

/** Every registry with every state, zeros included, so `pullwatch_refs{state="error"} > 0` never sees a gap. */
function refCounts(refs: readonly PrometheusRef[]): Family['series'] {
  const states: readonly RefState[] = ['ok', 'error', 'never'];
  return REGISTRIES.flatMap((registry) =>
    states.map((state) => ({
      labels: [['registry', registry], ['state', state]] as const,
      value: refs.filter((ref) => ref.registry === registry && refState(ref) === state).length,
    })),
  );
}

function lastSuccessSeries(ref: PrometheusRef): Family['series'][number] {
  const millis = Date.parse(ref.lastSuccessAt!);
  if (Number.isNaN(millis)) throw new RangeError(`ref ${ref.ref}: lastSuccessAt ${JSON.stringify(ref.lastSuccessAt)} is not a date`);
  return { labels: [['registry', ref.registry], ['ref', ref.ref]], value: Math.floor(millis / 1000) };
}

function renderFamily({ name, help, series }: Family): string {
  const lines = series.map(({ labels, value }) => {
    const selector = labels.length === 0 ? '' : `{${labels.map(([label, text]) => `${label}="${escapeLabelValue(text)}"`).join(',')}}`;
    if (!Number.isSafeInteger(value)) throw new RangeError(`${name}${selector}: value ${value} is not a whole number below 2^53`);
    return { selector, line: `${name}${selector} ${value}` };
  });
  lines.sort((a, b) => (a.selector < b.selector ? -1 : a.selector > b.selector ? 1 : 0));
  lines.forEach(({ selector }, index) => {
    if (index > 0 && lines[index - 1]!.selector === selector) throw new RangeError(`duplicate series ${name}${selector}`);
  });
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...lines.map(({ line }) => line)].map((line) => `${line}\n`).join('');
}

const LABEL_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n' };

/** The exposition format escapes exactly backslash, double quote and line feed in label values. */
function escapeLabelValue(text: string): string {
  return text.replace(/[\\"\n]/g, (char) => LABEL_ESCAPES[char]!);
}
