import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PrometheusInput, type PrometheusRef, prometheusText, refState } from '../../../lambdas/core/render/prometheus.ts';
import { REGISTRIES, refOwner } from '../../../lambdas/core/refs.ts';
import { promtoolCheck } from '../../fakes/promtool.ts';

interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: string;
}

/** A strict reader of the exposition lines this module writes: HELP, TYPE, then `name{label="value",...} value`. */
function parseExposition(text: string): { help: Map<string, string>; types: Map<string, string>; samples: ParsedSample[] } {
  expect(text.endsWith('\n')).toBe(true);
  const help = new Map<string, string>();
  const types = new Map<string, string>();
  const samples: ParsedSample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment) {
      (comment[1] === 'HELP' ? help : types).set(comment[2]!, comment[3]!);
      continue;
    }
    const bare = /^([a-zA-Z_:][a-zA-Z0-9_:]*) (-?\d+)$/.exec(line);
    if (bare) {
      samples.push({ name: bare[1]!, labels: {}, value: bare[2]! });
      continue;
    }
    const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{/.exec(line);
    if (!head) throw new Error(`unreadable line ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    let at = head[0].length;
    while (line[at] !== '}') {
      const name = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(at));
      if (!name) throw new Error(`bad label at ${at} in ${JSON.stringify(line)}`);
      at += name[0].length;
      let value = '';
      while (line[at] !== '"') {
        if (at >= line.length) throw new Error(`unterminated label value in ${JSON.stringify(line)}`);
        if (line[at] === '\\') {
          const escaped = line[at + 1];
          if (escaped === 'n') value += '\n';
          else if (escaped === '\\' || escaped === '"') value += escaped;
          else throw new Error(`bad escape \\${escaped} in ${JSON.stringify(line)}`);
          at += 2;
        } else value += line[at++];
      }
      labels[name[1]!] = value;
      at++;
      if (line[at] === ',') at++;
    }
    const value = line.slice(at + 1);
    expect(value).toMatch(/^ -?\d+$/);
    samples.push({ name: head[1]!, labels, value: value.slice(1) });
  }
  return { help, types, samples };
}

const EXAMPLE: PrometheusInput = {
  samples: [
    { registry: 'quay', repo: 'ns/app', pullCount: 12, measure: 'daily_actions' },
    { registry: 'ghcr', repo: 'o/nested/p', pullCount: 176_180 },
    { registry: 'dockerhub', repo: 'library/nginx', pullCount: Number.MAX_SAFE_INTEGER, windows: { '1d': 0, '7d': 70, '30d': null }, tagCount: 9 },
    { registry: 'registry', repo: 'registry.example.com/team/app', pullCount: 3 },
    { registry: 'registry', repo: 'localhost:5000/app', pullCount: 0 },
  ],
  pollSeconds: 3_600,
  refs: [
    { ref: 'dockerhub:library/nginx', registry: 'dockerhub', lastSuccessAt: '2026-07-01T10:00:00.900Z' },
    { ref: 'ghcr:o/*', registry: 'ghcr', lastSuccessAt: '2026-06-30T10:00:00Z', lastError: { kind: 'format_changed' } },
    { ref: 'quay:ns/app', registry: 'quay' },
  ],
};

describe('prometheusText', () => {
  it('renders pulls, Quay daily actions, ref states and last successes as sorted gauges', () => {
    expect(prometheusText(EXAMPLE)).toBe(
      [
        '# HELP pullwatch_image_pulls Lifetime pulls of a repository as its registry last reported them (Docker Hub, GHCR, self-hosted).',
        '# TYPE pullwatch_image_pulls gauge',
        'pullwatch_image_pulls{registry="dockerhub",owner="library",repo="nginx"} 9007199254740991',
        'pullwatch_image_pulls{registry="ghcr",owner="o",repo="nested/p"} 176180',
        'pullwatch_image_pulls{registry="registry",owner="localhost:5000",repo="app"} 0',
        'pullwatch_image_pulls{registry="registry",owner="registry.example.com/team",repo="app"} 3',
        '# HELP pullwatch_image_pulls_window Pulls of a repository over the last 1, 7 or 30 UTC days, today included (window label); absent while none of those days is tracked.',
        '# TYPE pullwatch_image_pulls_window gauge',
        'pullwatch_image_pulls_window{registry="dockerhub",owner="library",repo="nginx",window="1d"} 0',
        'pullwatch_image_pulls_window{registry="dockerhub",owner="library",repo="nginx",window="7d"} 70',
        '# HELP pullwatch_image_actions_daily Repository actions (pulls, pushes and other events) Quay counted on the UTC day of its newest daily figure; Quay reports no pull total.',
        '# TYPE pullwatch_image_actions_daily gauge',
        'pullwatch_image_actions_daily{registry="quay",owner="ns",repo="app"} 12',
        '# HELP pullwatch_image_actions_window Repository actions Quay counted over the last 1, 7 or 30 UTC days (window label); Quay counts all actions, not only pulls.',
        '# TYPE pullwatch_image_actions_window gauge',
        '# HELP pullwatch_image_tags Tags of a repository as Docker Hub last reported them (read at most once a day); other registries publish none.',
        '# TYPE pullwatch_image_tags gauge',
        'pullwatch_image_tags{registry="dockerhub",owner="library",repo="nginx"} 9',
        '# HELP pullwatch_refs Tracked refs by the outcome of their last collection: ok, error, or never collected.',
        '# TYPE pullwatch_refs gauge',
        'pullwatch_refs{registry="dockerhub",state="error"} 0',
        'pullwatch_refs{registry="dockerhub",state="never"} 0',
        'pullwatch_refs{registry="dockerhub",state="ok"} 1',
        'pullwatch_refs{registry="ghcr",state="error"} 1',
        'pullwatch_refs{registry="ghcr",state="never"} 0',
        'pullwatch_refs{registry="ghcr",state="ok"} 0',
        'pullwatch_refs{registry="quay",state="error"} 0',
        'pullwatch_refs{registry="quay",state="never"} 1',
        'pullwatch_refs{registry="quay",state="ok"} 0',
        'pullwatch_refs{registry="registry",state="error"} 0',
        'pullwatch_refs{registry="registry",state="never"} 0',
        'pullwatch_refs{registry="registry",state="ok"} 0',
        '# HELP pullwatch_ref_last_success_timestamp_seconds Unix time of the last successful collection of a ref; absent until its first success.',
        '# TYPE pullwatch_ref_last_success_timestamp_seconds gauge',
        'pullwatch_ref_last_success_timestamp_seconds{registry="dockerhub",ref="dockerhub:library/nginx"} 1782900000',
        'pullwatch_ref_last_success_timestamp_seconds{registry="ghcr",ref="ghcr:o/*"} 1782813600',
        '# HELP pullwatch_ref_failing A ref whose last collection failed, with the kind of failure; absent for refs that are fine.',
        '# TYPE pullwatch_ref_failing gauge',
        'pullwatch_ref_failing{registry="ghcr",ref="ghcr:o/*",kind="format_changed"} 1',
        '# HELP pullwatch_source_up Per registry with tracked refs: 1 while at least one of its refs did not fail last, 0 when every one failed (the source is degraded).',
        '# TYPE pullwatch_source_up gauge',
        'pullwatch_source_up{registry="dockerhub"} 1',
        'pullwatch_source_up{registry="ghcr"} 0',
        'pullwatch_source_up{registry="quay"} 1',
        '# HELP pullwatch_source_last_success_timestamp_seconds Per registry: Unix time of the newest successful collection of any of its refs; absent until one succeeds.',
        '# TYPE pullwatch_source_last_success_timestamp_seconds gauge',
        'pullwatch_source_last_success_timestamp_seconds{registry="dockerhub"} 1782900000',
        'pullwatch_source_last_success_timestamp_seconds{registry="ghcr"} 1782813600',
        '# HELP pullwatch_poll_interval_seconds How often collection is scheduled: a ref not collected for several intervals has stalled.',
        '# TYPE pullwatch_poll_interval_seconds gauge',
        'pullwatch_poll_interval_seconds 3600',
        '',
      ].join('\n'),
    );
  });

  it('passes `promtool check metrics` with no lint problem', () => {
    expect(promtoolCheck(prometheusText(EXAMPLE))).toEqual({ status: 0, output: '' });
    expect(promtoolCheck(prometheusText({ samples: [], refs: [] }))).toEqual({ status: 0, output: '' });
  });

  it('is a check that can fail: promtool flags a gauge without HELP', () => {
    const { status, output } = promtoolCheck('# TYPE pullwatch_x gauge\npullwatch_x 1\n');
    expect(status).not.toBe(0);
    expect(output).toContain('no help text');
  });

  it('passes `promtool check metrics` for generated inputs with awkward names', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        expect(promtoolCheck(prometheusText(input))).toEqual({ status: 0, output: '' });
      }),
      { numRuns: 30 },
    );
  });

  it('escapes backslash, double quote and line feed in label values, and nothing else', () => {
    const text = prometheusText({ samples: [{ registry: 'registry', repo: 'h\\ost/te"am/a\npp\t}', pullCount: 1 }], refs: [] });
    expect(text).toContain('pullwatch_image_pulls{registry="registry",owner="h\\\\ost/te\\"am",repo="a\\npp\t}"} 1\n');
  });

  it('keeps Quay daily actions out of the pulls gauge', () => {
    const { samples } = parseExposition(prometheusText(EXAMPLE));
    const quay = samples.filter((sample) => sample.labels.registry === 'quay' && sample.labels.repo === 'app');
    expect(quay.map((sample) => sample.name)).toEqual(['pullwatch_image_actions_daily']);
  });

  it.each([
    ['dockerhub', 'library/nginx', 'library', 'nginx'],
    ['ghcr', 'o/nested/pkg', 'o', 'nested/pkg'],
    ['quay', 'ns/repo', 'ns', 'repo'],
    ['registry', 'registry.example.com/team/app', 'registry.example.com/team', 'app'],
    ['registry', 'registry.example.com/team/sub/app', 'registry.example.com/team', 'sub/app'],
    ['registry', 'localhost:5000/app', 'localhost:5000', 'app'],
  ] as const)('splits %s:%s into owner %s and repo %s', (registry, repo, owner, name) => {
    const { samples } = parseExposition(prometheusText({ samples: [{ registry, repo, pullCount: 1 }], refs: [] }));
    expect(samples.find((sample) => sample.name === 'pullwatch_image_pulls')!.labels).toEqual({ registry, owner, repo: name });
  });

  it('names the owner as refOwner does whenever the path has a namespace', () => {
    fc.assert(
      fc.property(sampleArbitrary, (sample) => {
        const { samples } = parseExposition(prometheusText({ samples: [sample], refs: [] }));
        const { owner, repo } = samples[0]!.labels;
        expect(`${owner}/${repo}`).toBe(sample.repo);
        expect(repo).not.toBe('');
        const expectedOwner = refOwner({ registry: sample.registry, path: sample.repo, wildcard: false });
        if (expectedOwner !== sample.repo) expect(owner).toBe(expectedOwner);
      }),
      { numRuns: 1_000 },
    );
  });

  it('reads back every label value and count it wrote', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const { help, types, samples } = parseExposition(prometheusText(input));
        expect([...types.values()].every((type) => type === 'gauge')).toBe(true);
        expect([...help.keys()]).toEqual([...types.keys()]);
        const pulls = samples.filter((sample) => sample.name === 'pullwatch_image_pulls' || sample.name === 'pullwatch_image_actions_daily');
        expect(pulls.map((sample) => `${sample.labels.registry}|${sample.labels.owner}/${sample.labels.repo}|${sample.value}`).sort()).toEqual(
          input.samples.map((sample) => `${sample.registry}|${sample.repo}|${sample.pullCount}`).sort(),
        );
        const successes = samples.filter((sample) => sample.name === 'pullwatch_ref_last_success_timestamp_seconds');
        expect(successes.map((sample) => sample.labels.ref).sort()).toEqual(input.refs.filter((ref) => ref.lastSuccessAt).map((ref) => ref.ref).sort());
      }),
      { numRuns: 1_000 },
    );
  });

  it('counts every tracked ref once, by its last outcome, with zeros for every registry and state', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const counts = parseExposition(prometheusText(input)).samples.filter((sample) => sample.name === 'pullwatch_refs');
        expect(counts).toHaveLength(REGISTRIES.length * 3);
        expect(counts.reduce((sum, sample) => sum + Number(sample.value), 0)).toBe(input.refs.length);
        for (const registry of REGISTRIES) {
          const errors = counts.find((sample) => sample.labels.registry === registry && sample.labels.state === 'error')!;
          expect(Number(errors.value)).toBe(input.refs.filter((ref) => ref.registry === registry && ref.lastError).length);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('writes the same text whatever the input order, one line per series, ending in a newline', () => {
    fc.assert(
      fc.property(inputs, fc.integer(), (input, seed) => {
        const text = prometheusText(input);
        const shuffled = { samples: shuffle(input.samples, seed), refs: shuffle(input.refs, seed + 1) };
        expect(prometheusText(shuffled)).toBe(text);
        expect(text).toMatch(/\n$/);
        expect(text).not.toMatch(/\n\n/);
        expect(text).not.toMatch(/\d[eE][+-]?\d+$/m);
      }),
      { numRuns: 1_000 },
    );
  });

  it('marks each failing ref with its kind, "unknown" for an error item written by hand without one', () => {
    const text = prometheusText({ samples: [], refs: [{ ref: 'quay:a/b', registry: 'quay', lastError: {} as { kind: string } }, { ref: 'ghcr:o/p', registry: 'ghcr', lastError: { kind: 'not_found' } }] });
    expect(text).toContain('pullwatch_ref_failing{registry="quay",ref="quay:a/b",kind="unknown"} 1\n');
    expect(text).toContain('pullwatch_ref_failing{registry="ghcr",ref="ghcr:o/p",kind="not_found"} 1\n');
    expect(text).toContain('pullwatch_source_up{registry="quay"} 0\n');
  });

  it('reads a ref that failed after succeeding as in error: a success clears the recorded error', () => {
    expect(refState({ lastSuccessAt: '2026-07-01T00:00:00Z', lastError: { kind: 'transient' } })).toBe('error');
    expect(refState({ lastSuccessAt: '2026-07-01T00:00:00Z' })).toBe('ok');
    expect(refState({})).toBe('never');
  });

  it('refuses a duplicate series, which would fail the whole scrape', () => {
    const duplicate = { registry: 'dockerhub', repo: 'library/nginx', pullCount: 1 } as const;
    expect(() => prometheusText({ samples: [duplicate, { ...duplicate, pullCount: 2 }], refs: [] })).toThrowError(
      'duplicate series pullwatch_image_pulls{registry="dockerhub",owner="library",repo="nginx"}',
    );
    const ref: PrometheusRef = { ref: 'quay:a/b', registry: 'quay', lastSuccessAt: '2026-07-01T00:00:00Z' };
    expect(() => prometheusText({ samples: [], refs: [ref, ref] })).toThrowError(/duplicate series .*ref="quay:a\/b"/);
  });

  it.each([1.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY])('refuses the value %d rather than write a fraction or an exponent', (pullCount) => {
    expect(() => prometheusText({ samples: [{ registry: 'ghcr', repo: 'o/p', pullCount }], refs: [] })).toThrowError(
      `pullwatch_image_pulls{registry="ghcr",owner="o",repo="p"}: value ${pullCount}`,
    );
  });

  it('refuses a last-success time that is not a date, naming the ref', () => {
    expect(() => prometheusText({ samples: [], refs: [{ ref: 'quay:a/b', registry: 'quay', lastSuccessAt: 'yesterday' }] })).toThrowError(
      'ref quay:a/b: lastSuccessAt "yesterday" is not a date',
    );
  });

  it('refuses a sample path with no owner segment', () => {
    expect(() => prometheusText({ samples: [{ registry: 'dockerhub', repo: 'nginx', pullCount: 1 }], refs: [] })).toThrowError('dockerhub:nginx');
  });
});

/** Text built from the characters label escaping must handle, and others that look like syntax. */
const awkward = (maxLength: number) =>
  fc.string({ minLength: 1, maxLength, unit: fc.constantFrom('a', '\\', '"', '\n', '\r', '\t', '}', '{', ',', '=', ' ', '#', 'é', '😀') });

/** Path segments: ordinary names, any printable text, and awkward text. */
const segment = fc
  .oneof(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,11}$/), fc.string({ minLength: 1, maxLength: 8 }), awkward(8))
  .filter((text) => !text.includes('/'));
const host = fc.oneof(fc.constantFrom('localhost:5000', 'registry.example.com', 'r.example.com:443'), segment);

const sampleArbitrary = fc.oneof(
  fc.record({
    registry: fc.constantFrom('dockerhub', 'ghcr') as fc.Arbitrary<'dockerhub' | 'ghcr'>,
    repo: fc.array(segment, { minLength: 2, maxLength: 4 }).map((segments) => segments.join('/')),
    pullCount: fc.maxSafeNat(),
  }),
  fc.record({
    registry: fc.constant('quay' as const),
    repo: fc.tuple(segment, segment).map((segments) => segments.join('/')),
    pullCount: fc.nat(),
    measure: fc.constant('daily_actions' as const),
  }),
  fc.record({
    registry: fc.constant('registry' as const),
    repo: fc.tuple(host, fc.array(segment, { minLength: 1, maxLength: 3 })).map(([name, segments]) => [name, ...segments].join('/')),
    pullCount: fc.nat(),
  }),
);

const refArbitrary: fc.Arbitrary<PrometheusRef> = fc.record(
  {
    ref: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), awkward(20)),
    registry: fc.constantFrom(...REGISTRIES),
    lastSuccessAt: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
    lastError: fc.record({ kind: fc.constantFrom('transient', 'not_found', 'format_changed') }),
  },
  { requiredKeys: ['ref', 'registry'] },
);

const inputs: fc.Arbitrary<PrometheusInput> = fc.record({
  samples: fc.uniqueArray(sampleArbitrary, { maxLength: 12, selector: (sample) => `${sample.registry}:${sample.repo}` }),
  refs: fc.uniqueArray(refArbitrary, { maxLength: 12, selector: (ref) => ref.ref }),
});

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed >>> 0;
  for (let index = copy.length - 1; index > 0; index--) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
