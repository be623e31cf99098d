// The built dashboard in headless Chromium against local mode with seeded history, under the Content-Security-Policy
// CloudFront sends: the numbers it shows are the API's, every control works (keyboard too) and lives in the URL.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DailyRow, SummaryRow, TrendRow } from '../../web/src/api.ts';
import { json } from '../fakes/upstream.ts';
import { type WatchedPage, chromiumMissing, closePage, launchChromium, openPage } from './browser.ts';
import { deployedContentSecurityPolicy } from './csp.ts';
import { type DashboardFixture, SHOWCASE, breakGhcrPage, startDashboard } from './fixture.ts';

// No Chromium fails the suite, naming the package to install (test/system-packages.sh installs it): never a silent skip.
const missing = chromiumMissing();
if (missing) throw new Error(missing);

/** Docker Hub's acme listing answers 401 (an error on the wildcard), GHCR's exporter page lost its label, other/missing is 404. */
const REFS = ['dockerhub:acme/*', 'ghcr:acme/api', 'ghcr:acme/exporter', 'quay:acme/api', 'dockerhub:other/missing'];

describe('dashboard in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let fixture: DashboardFixture;
  let csp: string;
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    csp = deployedContentSecurityPolicy();
    fixture = await startDashboard({
      specs: SHOWCASE.specs,
      days: 45,
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

  async function open(query = '', options: Parameters<typeof openPage>[1] = {}): Promise<Page> {
    const watched = await openPage(browser, { contentSecurityPolicy: csp, ...options });
    opened.push(watched);
    await watched.page.goto(`${fixture.url}${query}`);
    await watched.page.locator('#dashboard').waitFor();
    await watched.page.locator('#chart-cumulative canvas').waitFor();
    return watched.page;
  }

  const cardValue = (page: Page, card: string, attribute = 'data-value') => page.locator(`[data-card="${card}"] [${attribute}]`).getAttribute(attribute).then(Number);
  const refsShown = (page: Page) => page.locator('#repositories tbody tr').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.ref!));
  const legend = (page: Page) => page.locator('#legend li').allTextContents();

  it('shows the totals the API gives on the cards, with the window before each, and Quay apart', async () => {
    const page = await open();
    const [summary, trends, daily] = await Promise.all([api<SummaryRow[]>('summary'), api<TrendRow[]>('trends'), api<DailyRow[]>('pulls/daily?from=29d')]);
    const pulls = summary.filter((row) => row.measure === 'pulls');
    const sum = (values: (number | null)[]) => values.reduce<number>((total, value) => total + (value ?? 0), 0);
    const yesterday = new Date(Date.parse(daily.map((row) => row.timestamp).sort().at(-1)!) - 86_400_000).toISOString();

    expect(await cardValue(page, 'total')).toBe(sum(pulls.map((row) => row.pull_count)));
    expect(await cardValue(page, 'repositories')).toBe(summary.length + 1); // + other/missing, tracked with no reading
    expect(await cardValue(page, 'd1')).toBe(sum(pulls.map((row) => row.pulls_1d)));
    expect(await cardValue(page, 'd1', 'data-previous')).toBe(sum(daily.filter((row) => row.timestamp === yesterday && !row.measure).map((row) => row.daily_pulls)));
    expect(await cardValue(page, 'd7')).toBe(sum(pulls.map((row) => row.pulls_7d)));
    expect(await cardValue(page, 'd7', 'data-previous')).toBe(sum(trends.filter((row) => row.measure === 'pulls').map((row) => row.previous_7d)));
    expect(await cardValue(page, 'd30')).toBe(sum(pulls.map((row) => row.pulls_30d)));
    expect(await cardValue(page, 'd30', 'data-previous')).toBe(sum(trends.filter((row) => row.measure === 'pulls').map((row) => row.previous_30d)));
    expect(await cardValue(page, 'actions30')).toBe(sum(summary.filter((row) => row.measure === 'actions').map((row) => row.pulls_30d)));
    expect(await page.locator('[data-card="d7"] .card-value').textContent()).toBe(sum(pulls.map((row) => row.pulls_7d)).toLocaleString('en-US'));
    expect(await page.locator('[data-card="total"] .card-label').textContent()).toBe('Total pulls');
  });

  it('joins each repository with its collection state: own errors, the wildcard’s, and refs with no reading yet', async () => {
    const page = await open();
    const row = (ref: string) => page.locator(`#repositories tbody tr[data-ref="${ref}"]`);
    expect(await refsShown(page)).toHaveLength(9);
    await expect.poll(() => row('dockerhub:acme/web').locator('.status').textContent()).toContain('auth (on its wildcard)');
    expect(await row('ghcr:acme/exporter').locator('.status').getAttribute('data-error')).toContain('no "Total downloads" label');
    expect(await row('ghcr:acme/operator').locator('.status').textContent()).toBe('OK');
    expect(await row('ghcr:acme/api').locator('.status').textContent()).toBe('OK');
    expect(await row('dockerhub:other/missing').locator('.status').textContent()).toContain('not found');
    expect(await row('dockerhub:other/missing').locator('td.num').first().textContent()).toBe('—');
    // Quay counts actions: labelled so in its row, never called pulls.
    const quay = (await row('quay:acme/api').textContent())!;
    expect(quay).toContain('actions');
    expect(quay).not.toMatch(/pull/i);
    const summary = await api<SummaryRow[]>('summary');
    const web = summary.find((one) => one.registry === 'dockerhub' && one.name === 'acme/web')!;
    expect(await row('dockerhub:acme/web').locator('td.num').nth(0).textContent()).toBe(web.pull_count!.toLocaleString('en-US'));
    expect(await row('dockerhub:acme/web').locator('td.num').nth(2).textContent()).toBe(web.pulls_7d!.toLocaleString('en-US'));
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
    const ghcr = (await api<SummaryRow[]>('summary?registry=ghcr')).reduce((sum, row) => sum + (row.pull_count ?? 0), 0);
    expect(await cardValue(page, 'total')).toBe(ghcr);
    expect(await cardValue(page, 'total')).toBeLessThan(allTotal);

    await page.goBack();
    await expect.poll(() => page.locator('#registry').inputValue()).toBe('');
    expect(await refsShown(page)).toHaveLength(9);
    expect(await legend(page)).toEqual(allLegend);
    await page.goForward();
    await expect.poll(() => page.locator('#registry').inputValue()).toBe('ghcr');
  });

  it('changes the range: the URL, the data asked for and the sums over the range follow', async () => {
    const page = await open('?registry=ghcr');
    const request = page.waitForRequest((one) => one.url().includes('/api/pulls/daily') && one.url().includes('from=6d'));
    await page.locator('label:has(input[value="7d"])').click();
    await request;
    await expect.poll(() => page.url()).toContain('range=7d');
    await expect.poll(() => page.locator('thead button[data-sort="range"]').textContent()).toBe('Last 7 days');
    const week = await api<DailyRow[]>('pulls/daily?from=6d&registry=ghcr&repo=ghcr:acme/operator');
    expect(week).toHaveLength(7);
    const total = week.reduce((sum, row) => sum + row.daily_pulls, 0);
    expect(await page.locator('tr[data-ref="ghcr:acme/operator"] .spark-total').textContent()).toBe(total.toLocaleString('en-US'));

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
    const daily = await api<DailyRow[]>('pulls/daily?from=0d&registry=ghcr&repo=ghcr:acme/operator');
    expect(await tip.locator('.tip-day').textContent()).toMatch(/^\w{3}, \d{1,2} \w{3} \d{4}$/);
    expect(await tip.locator('.tip-value').textContent()).toBe(daily.at(-1)!.daily_pulls.toLocaleString('en-US'));

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
    const summary = await api<SummaryRow[]>('summary');
    const first = lines[1]!.split(',');
    const expected = summary.find((row) => `${row.registry}:${row.name}` === shown[0])!;
    expect(first[6]).toBe(String(expected.pulls_30d));
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
    expect(await page.locator('#error-detail').textContent()).toMatch(/^GET \/api\/\S+: /);
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    await page.unroute('**/api/**');
    await page.locator('#retry').click();
    await page.locator('#dashboard').waitFor();
    // The aborted requests log "Failed to load resource" by design; nothing else may show up (no uncaught rejection).
    expect(watched.problems.filter((problem) => !problem.includes('Failed to load resource'))).toEqual([]);
    await closePage(watched);
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
  it('tells how to add a repository', async () => {
    const fixture = await startDashboard();
    const browser = await launchChromium();
    try {
      const { page, problems } = await openPage(browser, { contentSecurityPolicy: deployedContentSecurityPolicy() });
      await page.goto(fixture.url);
      await page.locator('#empty').waitFor();
      const text = (await page.locator('#empty').textContent())!;
      expect(text).toContain('{"ref": {"S": "dockerhub:library/nginx"}}');
      expect(text).toContain('npm run repos -- add');
      expect(text).toContain('REPOS=');
      expect(await page.locator('#dashboard').isHidden()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await fixture.close();
    }
  });
});
