// What a collection keeps beside the counts: Docker Hub tag counts (read once a day per repository, folded into the
// read model) and a listing's warnings (on the wildcard's item, replaced by each success).
import { describe, expect, it } from 'vitest';
import { collectMessage } from '../../lambdas/core/collect.ts';
import { DEFAULTS } from '../../lambdas/core/defaults.ts';
import { UpstreamError } from '../../lambdas/core/errors.ts';
import type { Sample } from '../../lambdas/core/samples.ts';
import type { Collected } from '../../lambdas/core/sources/index.ts';
import { summaryRows } from '../../lambdas/core/views/figures.ts';
import { MemoryReadModel, MemoryRepos, MemorySeries } from '../fuzz/memory-ports.ts';

function harness(repoCount = 2) {
  let now = new Date('2026-11-23T10:00:00.000Z');
  const series = new MemorySeries();
  const readModel = new MemoryReadModel();
  const repos = new MemoryRepos();
  const tagReads: string[] = [];
  let tagAnswer: (path: string) => Promise<number> = async () => 5;
  let warnings: string[] | undefined;
  const collectFromSource = async (): Promise<Collected> => ({
    samples: (repoCount === 2 ? ['acme/a', 'acme/b'] : Array.from({ length: repoCount }, (_, i) => `acme/r${i}`)).map((repo): Sample => ({ registry: 'dockerhub', repo, collectedAt: now.toISOString(), pullCount: 100 })),
    readTagCount: (path) => (tagReads.push(path), tagAnswer(path)),
    ...(warnings && { warnings }),
  });
  const deps = { collectFromSource, series, readModel, repos, queue: { send: async () => undefined }, now: () => now };
  return {
    deps,
    repos,
    readModel,
    tagReads,
    at: (iso: string) => (now = new Date(iso)),
    answerTags: (answer: typeof tagAnswer) => (tagAnswer = answer),
    warn: (texts: string[] | undefined) => (warnings = texts),
    tagCounts: async () => Object.fromEntries(summaryRows(await readModel.views(), {}, now.toISOString().slice(0, 10)).map((row) => [row.name, row.tag_count])),
  };
}

describe('Docker Hub tag counts', () => {
  it('reads each repository\'s tag count once a UTC day and shows it as tag_count', async () => {
    const h = harness();
    await collectMessage({ ref: 'dockerhub:acme/*' }, h.deps);
    expect(h.tagReads).toEqual(['acme/a', 'acme/b']);
    expect(await h.tagCounts()).toEqual({ 'acme/a': 5, 'acme/b': 5 });
    h.at('2026-11-23T23:00:00.000Z');
    await collectMessage({ ref: 'dockerhub:acme/*' }, h.deps);
    expect(h.tagReads).toHaveLength(2);
    h.at('2026-11-24T00:30:00.000Z');
    h.answerTags(async (path) => (path === 'acme/a' ? 6 : 5));
    await collectMessage({ ref: 'dockerhub:acme/*' }, h.deps);
    expect(h.tagReads).toHaveLength(4);
    expect(await h.tagCounts()).toEqual({ 'acme/a': 6, 'acme/b': 5 });
  });

  it('keeps the pull counts and tries again next poll when the tag count cannot be read', async () => {
    const h = harness();
    h.answerTags(async () => {
      throw new UpstreamError('rate_limited', 'http://hub/tags', 'budget spent');
    });
    expect(await collectMessage({ ref: 'dockerhub:acme/*' }, h.deps)).toMatchObject({ status: 'stored', samples: 2 });
    // The first refusal stops the rest: they would be refused too.
    expect(h.tagReads).toEqual(['acme/a']);
    expect(await h.tagCounts()).toEqual({ 'acme/a': null, 'acme/b': null });
    h.answerTags(async () => 3);
    h.at('2026-11-23T11:00:00.000Z');
    await collectMessage({ ref: 'dockerhub:acme/*' }, h.deps);
    expect(await h.tagCounts()).toEqual({ 'acme/a': 3, 'acme/b': 3 });
  });

  it(`reads at most ${DEFAULTS.tagCountsPerCollection} per collection, so a large owner's counts arrive over a few polls`, async () => {
    const h = harness(DEFAULTS.tagCountsPerCollection + 5);
    await collectMessage({ ref: 'dockerhub:acme/*' }, h.deps);
    expect(h.tagReads).toHaveLength(DEFAULTS.tagCountsPerCollection);
    h.at('2026-11-23T11:00:00.000Z');
    await collectMessage({ ref: 'dockerhub:acme/*' }, h.deps);
    expect(h.tagReads).toHaveLength(DEFAULTS.tagCountsPerCollection + 5);
    expect(Object.values(await h.tagCounts()).every((count) => count === 5)).toBe(true);
  });
});

describe('listing warnings', () => {
  it('records the warnings of a success on the wildcard item, and clears them with the next clean success', async () => {
    const h = harness();
    await h.repos.add(['dockerhub:acme/*']);
    h.warn(['acme/*: 1 listing row skipped as malformed (first: row 2 has no pull_count)']);
    expect(await collectMessage({ ref: 'dockerhub:acme/*' }, h.deps)).toMatchObject({ warnings: ['acme/*: 1 listing row skipped as malformed (first: row 2 has no pull_count)'] });
    expect((await h.repos.list())[0]).toMatchObject({ warnings: ['acme/*: 1 listing row skipped as malformed (first: row 2 has no pull_count)'] });
    h.warn(undefined);
    await collectMessage({ ref: 'dockerhub:acme/*' }, h.deps);
    expect((await h.repos.list())[0]!.warnings).toBeUndefined();
  });
});
