// The built dashboard in headless Chromium against local mode with seeded history, under the Content-Security-Policy
// CloudFront sends: the numbers it shows are the seeded history's and the API's, it asks for one answer per range,
// every control works (keyboard too) and lives in the URL.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardAnswer, DashboardRow } from '../../web/src/api.ts';
import { json } from '../fakes/upstream.ts';
import { type WatchedPage, chromiumMissing, closePage, launchChromium, openPage } from './browser.ts';
import { deployedContentSecurityPolicy } from './csp.ts';
import { type DashboardFixture, SHOWCASE, breakGhcrPage, dailyCounts, startDashboard } from './fixture.ts';

// No Chromium fails the suite, naming the package to install (test/system-packages.sh installs it): never a silent skip.
const missing = chromiumMissing();
if (missing) throw new Error(missing);

/** Docker Hub's acme listing answers 401 (an error on the wildcard), GHCR's exporter page lost its label, other/missing is 404. */
const REFS = ['dockerhub:acme/*', 'ghcr:acme/api', 'ghcr:acme/exporter', 'quay:acme/api', 'dockerhub:other/missing'];
const DAYS = 45;
/** The seeding's clock: the figures the page must show follow from it and the specs alone. */
const NOW = Date.now();

const sum = (values: readonly (number | null)[]) => values.reduce<number>((total, value) => total + (value ?? 0), 0);
/** What the seeded history of `registry:repo` says: each day's count (today's so far), oldest first, and the lifetime total. */
function seeded(ref: string): { counts: number[]; total: number } {
  const spec = SHOWCASE.specs.find((one) => `${one.registry}:${one.repo}` === ref)!;
  const counts = dailyCounts(spec, DAYS, NOW);
  return { counts, total: spec.start + sum(counts.slice(1)) };
}
/** Seeded repositories that count pulls over the whole seeded history. */
const PULL_REFS = SHOWCASE.specs.filter((one) => !one.actions && one.since === undefined).map((one) => `${one.registry}:${one.repo}`);

describe('dashboard in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let fixture: DashboardFixture;
  let csp: string;
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    csp = deployedContentSecurityPolicy();
    fixture = await startDashboard({
      specs: SHOWCASE.specs,
      days: DAYS,
      now: NOW,
      refs: REFS,
      routes: (upstream) => {
        upstream.route('/v2/namespaces/acme/repositories', (_request, response) => json(response, 401, { message: 'authentication required' }));
        breakGhcrPage(upstream, 'acme/exporter');
      },
    });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });
  afterEach(async () => {
    // Every page ran under the deployed CSP: nothing may have been blocked, nothing may have logged an error.
    const problems = opened.flatMap((one) => one.problems);
    await Promise.all(opened.splice(0).map(closePage));
    expect(problems).toEqual([]);
  });

  const api = async <T>(path: string): Promise<T> => (await (await fetch(`${fixture.url}api/${path}`)).json()) as T;
  const answer = (range = '30d') => api<DashboardAnswer>(`dashboard?range=${range}`);
  const pullRows = (rows: readonly DashboardRow[]) => rows.filter((row) => row.has_data && row.measure === 'pulls');

  async function open(query = '', options: Parameters<typeof openPage>[1] = {}): Promise<Page> {
    const watched = await openPage(browser, { contentSecurityPolicy: csp, ...options });
    opened.push(watched);
    await watched.page.goto(`${fixture.url}${query}`);
    await watched.page.locator('#dashboard').waitFor();
    await watched.page.locator('#chart-cumulative canvas').waitFor();
    // The first table follows the charts' first draw.
    await watched.page.locator('#repositories tbody tr').first().waitFor();
    return watched.page;
  }

  const cardValue = (page: Page, card: string, attribute = 'data-value') => page.locator(`[data-card="${card}"] [${attribute}]`).getAttribute(attribute).then(Number);
  const refsShown = (page: Page) => page.locator('#repositories tbody tr').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.ref!));
  const legend = (page: Page) => page.locator('#legend li').allTextContents();

  it('shows the totals on the cards, with the window before each, and Quay apart', async () => {
    const page = await open();
    const { repositories } = await answer();
    const pulls = pullRows(repositories);
    expect(pulls.map((row) => row.ref).sort()).toEqual([...PULL_REFS, 'ghcr:acme/exporter'].sort());

    expect(await cardValue(page, 'total')).toBe(sum(pulls.map((row) => row.pull_count)));
    expect(await cardValue(page, 'repositories')).toBe(9); // 8 seeded + other/missing, tracked with no reading
    expect(await cardValue(page, 'd1')).toBe(sum(pulls.map((row) => row.pulls_1d)));
    expect(await cardValue(page, 'd1', 'data-previous')).toBe(sum(pulls.map((row) => row.pulls_yesterday)));
    expect(await cardValue(page, 'd7')).toBe(sum(pulls.map((row) => row.pulls_7d)));
    expect(await cardValue(page, 'd7', 'data-previous')).toBe(sum(pulls.map((row) => row.previous_7d)));
    expect(await cardValue(page, 'd30')).toBe(sum(pulls.map((row) => row.pulls_30d)));
    expect(await cardValue(page, 'd30', 'data-previous')).toBe(sum(pulls.map((row) => row.previous_30d)));
    expect(await cardValue(page, 'actions30')).toBe(sum(repositories.filter((row) => row.measure === 'actions').map((row) => row.pulls_30d)));
    expect(await page.locator('[data-card="d7"] .card-value').textContent()).toBe(sum(pulls.map((row) => row.pulls_7d)).toLocaleString('en-US'));
    expect(await page.locator('[data-card="total"] .card-label').textContent()).toBe('Total pulls');

    // The same numbers from the seeded history itself, not from the answer: the server's figures are checked too.
    const history = PULL_REFS.map(seeded);
    const exporter = repositories.find((row) => row.ref === 'ghcr:acme/exporter')!;
    expect(await cardValue(page, 'total')).toBe(sum(history.map((one) => one.total)) + exporter.pull_count!);
    expect(await cardValue(page, 'd1')).toBe(sum(history.map((one) => one.counts.at(-1)!)) + exporter.pulls_1d!);
    expect(await cardValue(page, 'd1', 'data-previous')).toBe(sum(history.map((one) => one.counts.at(-2)!)) + exporter.pulls_yesterday!);
    expect(await cardValue(page, 'd7')).toBe(sum(history.map((one) => sum(one.counts.slice(-7)))) + exporter.pulls_7d!);
    expect(await cardValue(page, 'd7', 'data-previous')).toBe(sum(history.map((one) => sum(one.counts.slice(-14, -7)))) + exporter.previous_7d!);
  });

  it('asks for the default view in one request (the preloaded one), and for each other range once', async () => {
    const watched = await openPage(browser, { contentSecurityPolicy: csp });
    opened.push(watched);
    const { page } = watched;
    const asked: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) asked.push(`${url.pathname}${url.search}`);
    });
    await page.goto(fixture.url);
    await page.locator('#chart-daily canvas').waitFor();
    await page.locator('#chart-cumulative canvas').waitFor();
    await expect.poll(() => page.locator('#repositories tbody tr').count()).toBe(9);
    // Time for a stray follow-up request (per registry, per chart) to show.
    await page.waitForTimeout(300);
    expect(asked).toEqual(['/api/dashboard?range=30d']);

    await page.locator('label:has(input[value="7d"])').click();
    await expect.poll(() => page.locator('thead button[data-sort="range"]').textContent()).toBe('Last 7 days');
    await page.locator('#registry').selectOption('ghcr');
    await page.locator('#search').fill('acme');
    await page.locator('label:has(input[value="30d"])').click();
    await expect.poll(() => page.locator('thead button[data-sort="range"]').textContent()).toBe('Last 30 days');
    await page.waitForTimeout(300);
    expect(asked).toEqual(['/api/dashboard?range=30d', '/api/dashboard?range=7d']);

    // A link to another range: its answer, and the default one the page preloads. Never more.
    asked.length = 0;
    await page.goto(`${fixture.url}?range=90d`);
    await page.locator('#chart-daily canvas').waitFor();
    await expect.poll(() => page.locator('thead button[data-sort="range"]').textContent()).toBe('Last 90 days');
    await page.waitForTimeout(300);
    expect([...asked].sort()).toEqual(['/api/dashboard?range=30d', '/api/dashboard?range=90d']);
  });

  it('joins each repository with its collection state: own errors, the wildcard’s, and refs with no reading yet', async () => {
    const page = await open();
    const row = (ref: string) => page.locator(`#repositories tbody tr[data-ref="${ref}"]`);
    expect(await refsShown(page)).toHaveLength(9);
    await expect.poll(() => row('dockerhub:acme/web').locator('.status').textContent()).toContain('auth (on dockerhub:acme/*)');
    expect(await row('dockerhub:acme/web').locator('.status').getAttribute('data-wildcard')).toBe('dockerhub:acme/*');
    expect(await row('dockerhub:acme/web').locator('.status').getAttribute('data-error')).toContain('HTTP 401');
    expect(await row('ghcr:acme/exporter').locator('.status').getAttribute('data-error')).toContain('no "Total downloads" label');
    expect(await row('ghcr:acme/exporter').locator('.status .error-kind').textContent()).toBe('format changed');
    expect(await row('ghcr:acme/operator').locator('.status').textContent()).toBe('OK');
    expect(await row('ghcr:acme/api').locator('.status').textContent()).toBe('OK');
    expect(await row('dockerhub:other/missing').locator('.status').textContent()).toContain('not found');
    expect(await row('dockerhub:other/missing').locator('td.num').first().textContent()).toBe('—');
    // Quay counts actions: labelled so in its row, never called pulls.
    const quay = (await row('quay:acme/api').textContent())!;
    expect(quay).toContain('actions');
    expect(quay).not.toMatch(/pull/i);
    const web = seeded('dockerhub:acme/web');
    expect(await row('dockerhub:acme/web').locator('td.num').nth(0).textContent()).toBe(web.total.toLocaleString('en-US'));
    expect(await row('dockerhub:acme/web').locator('td.num').nth(1).textContent()).toBe(web.counts.at(-1)!.toLocaleString('en-US'));
    expect(await row('dockerhub:acme/web').locator('td.num').nth(2).textContent()).toBe(sum(web.counts.slice(-7)).toLocaleString('en-US'));
    expect(await row('dockerhub:acme/web').locator('td.num').nth(3).textContent()).toBe(sum(web.counts.slice(-30)).toLocaleString('en-US'));
    expect(await row('dockerhub:acme/web').locator('.spark-total').textContent()).toBe(sum(web.counts.slice(-30)).toLocaleString('en-US'));
  });

  it('sorts by every column from the keyboard, with aria-sort on the sorted header and the order in the URL', async () => {
    const page = await open();
    const keys = await page.locator('thead button[data-sort]').evaluateAll((buttons) => buttons.map((button) => (button as HTMLElement).dataset.sort!));
    expect(keys).toEqual(['registry', 'name', 'total', 'd1', 'd7', 'd30', 'trend', 'range', 'success', 'status']);
    await page.locator('thead button[data-sort="name"]').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('th[aria-sort]').count()).toBe(1);
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('ascending');
    const names = await page.locator('#repositories tbody .repo-name').allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    // Focus stays on the header button, so a second Enter flips the order.
    await page.keyboard.press('Enter');
    expect(await page.locator('th:has(button[data-sort="name"])').getAttribute('aria-sort')).toBe('descending');
    expect(page.url()).toContain('sort=name&dir=desc');

    await page.locator('thead button[data-sort="d7"]').press('Enter');
    const sevenDays = await page.locator('#repositories tbody tr').evaluateAll((rows) => rows.map((row) => row.querySelectorAll('td.num')[2]!.textContent!));
    const numbers = sevenDays.filter((text) => text !== '—').map((text) => Number.parseInt(text.replaceAll(',', ''), 10));
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(sevenDays.at(-1)).toBe('—');

    for (const key of keys) {
      await page.locator(`thead button[data-sort="${key}"]`).click();
      expect(await page.locator(`th:has(button[data-sort="${key}"])`).getAttribute('aria-sort')).toMatch(/ascending|descending/);
      expect(await refsShown(page)).toHaveLength(9);
    }
  });

  it('filters by registry: table, cards and charts change, the URL holds it, back restores the view', async () => {
    const page = await open();
    const allLegend = await legend(page);
    const allTotal = await cardValue(page, 'total');
    await page.locator('#registry').selectOption('ghcr');
    await expect.poll(() => page.url()).toContain('registry=ghcr');
    const refs = await refsShown(page);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.every((ref) => ref.startsWith('ghcr:'))).toBe(true);
    const ghcrLegend = await legend(page);
    expect(ghcrLegend).not.toEqual(allLegend);
    expect(ghcrLegend.every((label) => refs.some((ref) => ref.endsWith(`:${label}`)))).toBe(true);
    const ghcr = sum((await answer()).repositories.filter((row) => row.registry === 'ghcr').map((row) => row.pull_count));
    expect(ghcr).toBeGreaterThan(seeded('ghcr:acme/api').total + seeded('ghcr:acme/operator').total);
    expect(await cardValue(page, 'total')).toBe(ghcr);
    expect(await cardValue(page, 'total')).toBeLessThan(allTotal);

    await page.goBack();
    await expect.poll(() => page.locator('#registry').inputValue()).toBe('');
    expect(await refsShown(page)).toHaveLength(9);
    expect(await legend(page)).toEqual(allLegend);
    await page.goForward();
    await expect.poll(() => page.locator('#registry').inputValue()).toBe('ghcr');
  });

  it('changes the range: the URL, the answer asked for and the sums over the range follow', async () => {
    const page = await open('?registry=ghcr');
    const request = page.waitForRequest((one) => new URL(one.url()).pathname === '/api/dashboard' && new URL(one.url()).searchParams.get('range') === '7d');
    await page.locator('label:has(input[value="7d"])').click();
    await request;
    await expect.poll(() => page.url()).toContain('range=7d');
    await expect.poll(() => page.locator('thead button[data-sort="range"]').textContent()).toBe('Last 7 days');
    const week = await answer('7d');
    // A month and a half of history: the 7-day view is by day.
    expect(week.interval).toBe('day');
    expect(week.buckets).toHaveLength(7);
    const operator = seeded('ghcr:acme/operator');
    expect(week.repositories.find((row) => row.ref === 'ghcr:acme/operator')!.daily).toEqual(operator.counts.slice(-7));
    expect(await page.locator('tr[data-ref="ghcr:acme/operator"] .spark-total').textContent()).toBe(sum(operator.counts.slice(-7)).toLocaleString('en-US'));
    expect(await page.locator('tr[data-ref="ghcr:acme/operator"] .sparkline').getAttribute('aria-label')).toMatch(/^daily pulls from \w{3}, \d{1,2} \w{3} \d{4} to /);

    await page.goBack();
    await expect.poll(() => page.locator('input[name="range"]:checked').inputValue()).toBe('30d');
    await expect.poll(() => page.locator('thead button[data-sort="range"]').textContent()).toBe('Last 30 days');
  });

  it('charts the chosen repositories, with a tooltip giving the day and each value', async () => {
    const page = await open();
    await page.locator('input.chart-toggle[data-ref="ghcr:acme/operator"]').check();
    await expect.poll(() => page.url()).toContain('ghcr:acme/operator');
    expect(await legend(page)).toContain('acme/operator');
    // Choose exactly one: untick every other charted row.
    for (const ref of (await refsShown(page)).filter((one) => one !== 'ghcr:acme/operator')) {
      const box = page.locator(`input.chart-toggle[data-ref="${ref}"]`);
      if (await box.isChecked()) await box.uncheck();
    }
    await expect.poll(() => legend(page)).toEqual(['acme/operator']);
    expect(new URL(page.url()).searchParams.get('repo')).toBe('ghcr:acme/operator');

    const over = page.locator('#chart-daily .u-over');
    const size = (await over.boundingBox())!;
    await over.hover({ position: { x: size.width - 3, y: size.height / 2 } });
    const tip = page.locator('#chart-daily .chart-tip');
    await tip.waitFor();
    expect(await tip.locator('.tip-day').textContent()).toMatch(/^\w{3}, \d{1,2} \w{3} \d{4}$/);
    expect(await tip.locator('.tip-value').textContent()).toBe(seeded('ghcr:acme/operator').counts.at(-1)!.toLocaleString('en-US'));

    await page.locator('#auto-chart').click();
    await expect.poll(() => legend(page)).toHaveLength(5);
  });

  it('downloads the rows shown, in the order shown, as CSV', async () => {
    const page = await open('?q=api&sort=name&dir=asc');
    await page.locator('#search').fill('acme');
    await page.locator('thead button[data-sort="d30"]').click();
    const shown = await refsShown(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
    expect(download.suggestedFilename()).toMatch(/^pullwatch-30d-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\r\n');
    expect(lines[0]).toBe('registry,name,measure,total,last_1d,last_7d,last_30d,previous_7d,change_7d_percent,in_range,last_success_at,error');
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 2).join(':'))).toEqual(shown);
    const first = lines[1]!.split(',');
    const expected = (await answer()).repositories.find((row) => row.ref === shown[0])!;
    expect(first[6]).toBe(String(expected.pulls_30d));
    expect(first[9]).toBe(String(expected.in_range));
  });

  it('copies a repository’s badge Markdown, which points at a badge this deployment serves', async () => {
    const page = await open();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(fixture.url).origin });
    const button = page.locator('button.copy-badge[data-ref="ghcr:acme/operator"]');
    await button.click();
    await expect.poll(() => button.textContent()).toBe('Copied');
    const expected = `![pulls](${fixture.url}api/badge/ghcr/acme/operator.svg)`;
    expect(await button.getAttribute('data-copied')).toBe(expected);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
    const badge = await fetch(`${fixture.url}api/badge/ghcr/acme/operator.svg`);
    expect(badge.status).toBe(200);
    expect(badge.headers.get('content-type')).toContain('image/svg+xml');
    await page.locator('button.copy-badge[data-ref="quay:acme/api"]').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`![actions](${fixture.url}api/badge/quay/acme/api.svg)`);
  });

  it('would notice an inline style: the CSP watcher the other tests rely on reports violations', async () => {
    const watched = await openPage(browser, { contentSecurityPolicy: csp });
    await watched.page.goto(fixture.url);
    await watched.page.locator('#dashboard').waitFor();
    await watched.page.evaluate(() => document.body.setAttribute('style', 'color: red'));
    await expect.poll(() => watched.problems.join('\n')).toContain('CSP violation: style-src');
    await closePage(watched);
  });

  it('shows an error state when the API cannot be reached, and recovers on retry', async () => {
    const watched = await openPage(browser, { contentSecurityPolicy: csp });
    const { page } = watched;
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.goto(fixture.url);
    await page.locator('#error').waitFor();
    expect(await page.locator('#error h2').textContent()).toBe('The pullwatch API cannot be reached');
    expect(await page.locator('#error-detail').textContent()).toMatch(/^GET \/api\/dashboard: /);
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    await page.unroute('**/api/**');
    await page.locator('#retry').click();
    await page.locator('#dashboard').waitFor();
    // The aborted requests log "Failed to load resource" by design; nothing else may show up (no uncaught rejection).
    expect(watched.problems.filter((problem) => !problem.includes('Failed to load resource'))).toEqual([]);
    await closePage(watched);
  });

  /** The real answer, with `change` applied to it: what the page shows of a state the collection is not in right now. */
  async function openWith(change: (answer: DashboardAnswer) => void, query = ''): Promise<Page> {
    const watched = await openPage(browser, { contentSecurityPolicy: csp });
    opened.push(watched);
    await watched.page.route(
      (url) => url.pathname === '/api/dashboard',
      async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as DashboardAnswer;
        change(body);
        await route.fulfill({ response, json: body });
      },
    );
    await watched.page.goto(`${fixture.url}${query}`);
    await watched.page.locator('#repositories tbody tr').first().waitFor();
    return watched.page;
  }

  it('keeps the host and the kind of an error, and says when the next try is due', async () => {
    const retryAt = new Date(Date.now() + 4 * 60_000 + 20_000).toISOString();
    const page = await openWith((body) => {
      const row = body.repositories.find((one) => one.ref === 'dockerhub:other/missing')!;
      row.error = { kind: 'transient', message: 'transient: cannot resolve hub.docker.com (ENOTFOUND)', at: new Date().toISOString(), retryAt };
    });
    const status = page.locator('tr[data-ref="dockerhub:other/missing"] .status');
    expect(await status.locator('.error-kind').textContent()).toBe('transient');
    expect(await status.locator('.error-text').textContent()).toBe('cannot resolve hub.docker.com (ENOTFOUND)');
    expect(await status.locator('.error-text').isVisible()).toBe(true);
    expect(await status.locator('.error-retry').textContent()).toBe('next try in 4 min');
    expect(await status.locator('.error-retry').getAttribute('datetime')).toBe(retryAt);
    expect(await status.locator('.error-retry').getAttribute('title')).toMatch(/ UTC$/);
    // A recorded error with no next try scheduled says none.
    expect(await page.locator('tr[data-ref="ghcr:acme/exporter"] .error-retry').count()).toBe(0);
  });

  it('says a wildcard’s listing warnings once, above the figures, for the rows shown', async () => {
    const cut = 'acme/*: 198 of 250 repositories (anonymous listing cap; set DOCKERHUB_USERNAME/DOCKERHUB_TOKEN)';
    const skipped = 'emptyorg/*: 2 listing rows skipped as malformed (first: row 1 has no name)';
    const page = await openWith((body) => {
      for (const row of body.repositories) if (row.ref.startsWith('ghcr:acme/')) row.warnings = [cut];
      // A wildcard whose listing found nothing usable has a row of its own, which says why.
      const missing = body.repositories.find((row) => row.ref === 'dockerhub:other/missing')!;
      body.repositories.push({ ...missing, ref: 'dockerhub:emptyorg/*', name: 'emptyorg/*', error: null, warnings: [skipped] });
    });
    expect(await page.locator('#notices').isVisible()).toBe(true);
    expect(await page.locator('#notice-list li').allTextContents()).toEqual([`⚠ ${cut}`, `⚠ ${skipped}`]);
    expect(await page.locator('tr[data-ref="dockerhub:emptyorg/*"] .status').textContent()).toBe(`no reading yet${skipped}`);
    expect(await page.locator('tr[data-ref="dockerhub:emptyorg/*"] .row-warnings').isVisible()).toBe(true);
    // The repositories behind a cut wildcard are fine themselves: the notice says it, their rows do not repeat it.
    expect(await page.locator('tr[data-ref="ghcr:acme/operator"] .status').textContent()).toBe('OK');
    await page.locator('#registry').selectOption('quay');
    await expect.poll(() => page.locator('#notices').isVisible()).toBe(false);
    // Without warnings, no notice at all.
    const plain = await open();
    expect(await plain.locator('#notices').isHidden()).toBe(true);
  });

  it('filters by the github: ref that discovered an image, in the URL, and only where discovery is in use', async () => {
    const page = await openWith((body) => {
      for (const row of body.repositories) {
        if (row.ref !== 'ghcr:acme/api' && row.ref !== 'quay:acme/api') continue;
        row.discovered_by = 'github:acme/*';
        row.found_in = `github:acme/api .github/workflows/${row.registry}.yml`;
      }
    });
    expect(await page.locator('#source-field').isVisible()).toBe(true);
    expect(await page.locator('#source option').allTextContents()).toEqual(['All sources', 'found by github:acme/*']);
    await page.locator('#source').selectOption('github:acme/*');
    await expect.poll(() => page.locator('#repositories tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-ref')))).toEqual(['ghcr:acme/api', 'quay:acme/api']);
    expect(new URL(page.url()).searchParams.get('source')).toBe('github:acme/*');
    // The search reads where an image was found too.
    await page.locator('#source').selectOption('');
    await page.locator('#search').fill('quay.yml');
    await expect.poll(() => page.locator('#repositories tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-ref')))).toEqual(['quay:acme/api']);
    // Without discovery there is nothing to filter by.
    expect(await (await open()).locator('#source-field').isHidden()).toBe(true);
  });

  it('titles the charts by what they count: pulls, or Quay’s actions', async () => {
    const page = await open();
    expect(await page.locator('.chart figcaption').allTextContents()).toEqual(['Cumulative pulls', 'Daily pulls']);
    const quay = await open('?registry=quay');
    await expect.poll(() => quay.locator('.chart figcaption').allTextContents()).toEqual(['Cumulative actions', 'Daily actions']);
    expect(await quay.locator('#chart-daily').getAttribute('aria-label')).toMatch(/^Daily actions of acme\/api /);
    const both = await open('?repo=quay:acme/api,ghcr:acme/api');
    expect(await both.locator('.chart figcaption').allTextContents()).toEqual(['Cumulative pulls and actions', 'Daily pulls and actions']);
  });

  it('fits a phone: no horizontal scroll of the page at 375 px, the table scrolls inside its box', async () => {
    const page = await open('', { viewport: { width: 375, height: 800 } });
    const widths = await page.evaluate(() => ({ document: document.documentElement.scrollWidth, body: document.body.scrollWidth, viewport: window.innerWidth }));
    expect(widths.document).toBeLessThanOrEqual(widths.viewport);
    expect(widths.body).toBeLessThanOrEqual(widths.viewport);
    for (const selector of ['#registry', '#search', 'label:has(input[value="all"])', '#download']) {
      const box = (await page.locator(selector).boundingBox())!;
      expect(box.x + box.width, selector).toBeLessThanOrEqual(375);
    }
  });

  it('follows the system theme: dark colours with prefers-color-scheme: dark', async () => {
    const background = async (scheme: 'light' | 'dark') => {
      const page = await open('', { colorScheme: scheme });
      return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    };
    expect(await background('light')).toBe('rgb(246, 248, 250)');
    expect(await background('dark')).toBe('rgb(13, 17, 23)');
  });
});

describe('dashboard with nothing tracked', { timeout: 60_000 }, () => {
  it('tells how to add a repository where it runs: locally, or in AWS', async () => {
    const fixture = await startDashboard();
    const browser = await launchChromium();
    try {
      const { page, problems } = await openPage(browser, { contentSecurityPolicy: deployedContentSecurityPolicy() });
      await page.goto(fixture.url);
      await page.locator('#empty').waitFor();
      expect(await page.locator('#dashboard').isHidden()).toBe(true);
      const local = (await page.locator('#empty').innerText())!;
      expect(local).toContain('REPOS=nginx,ghcr.io/owner/pkg,quay.io/ns/repo npm start');
      expect(local).toContain('npm run repos -- --local add dockerhub:library/nginx');
      expect(local).not.toContain('put-item');
      expect(local).not.toMatch(/coming/i);

      // The same page deployed: the answer says aws.
      await page.route(
        (url) => url.pathname === '/api/dashboard',
        async (route) => {
          const response = await route.fetch();
          await route.fulfill({ response, json: { ...((await response.json()) as DashboardAnswer), mode: 'aws' } });
        },
      );
      await page.reload();
      await page.locator('#empty').waitFor();
      await expect.poll(() => page.locator('#empty-aws').isVisible()).toBe(true);
      const aws = (await page.locator('#empty').innerText())!;
      expect(aws).toContain('npm run repos -- add dockerhub:library/nginx');
      expect(aws).toContain('--item \'{"ref": {"S": "dockerhub:library/nginx"}}\'');
      expect(aws).not.toContain('REPOS=');
      expect(aws).not.toContain('--local');
      expect(aws).not.toMatch(/coming/i);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await fixture.close();
    }
  });
});
