// The dashboard's first hour, end to end in headless Chromium: a repository tracked since the last collection but one,
// whose fake Docker Hub counter rises by 30 between two collections an hour apart. The clock is the test's (Date only,
// so timers run for real): both collections fall on one UTC day. Today's card, the row and the charts must show the 30,
// and a chart of one bucket must draw it (a bar, a dot), not an empty canvas.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DashboardAnswer } from '../../web/src/api.ts';
import { dockerHubRepository, json } from '../fakes/upstream.ts';
import { type WatchedPage, chromiumMissing, closePage, launchChromium, openPage } from './browser.ts';
import { deployedContentSecurityPolicy } from './csp.ts';
import { type DashboardFixture, startDashboard } from './fixture.ts';

const missing = chromiumMissing();
if (missing) throw new Error(missing);

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const REF = 'dockerhub:acme/rising';
const START_COUNT = 5_000;
const RISE = 30;

/**
 * The second collection: 20 minutes into the current hour (01:20 UTC if that is earlier), so the one an hour before is
 * on the same UTC day and neither is near the end of its hour while the test runs. The page's own clock stays real: it
 * only says how long ago things were.
 */
const realNow = Date.now();
const SECOND = Math.max(Math.floor(realNow / HOUR_MS) * HOUR_MS, Math.floor(realNow / DAY_MS) * DAY_MS + HOUR_MS) + 20 * 60_000;
const FIRST = SECOND - HOUR_MS;
const hourOf = (ms: number) => new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString();

/**
 * Pixels of the canvas in `selector` drawn in the first series' colour, and where they are: the share of the plot's
 * width their mean x sits at (0 left, 1 right).
 */
function seriesPixels(page: Page, selector: string): Promise<{ count: number; at: number }> {
  return page.locator(`${selector} canvas`).evaluate((canvas: HTMLCanvasElement) => {
    const probe = document.createElement('span');
    probe.className = 'c0';
    document.body.append(probe);
    const [r, g, b] = getComputedStyle(probe).backgroundColor.match(/\d+/g)!.map(Number);
    probe.remove();
    const { width, height } = canvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    let count = 0;
    let xs = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 200 && Math.abs(data[i]! - r!) < 12 && Math.abs(data[i + 1]! - g!) < 12 && Math.abs(data[i + 2]! - b!) < 12) {
        count++;
        xs += (i / 4) % width;
      }
    }
    return { count, at: count === 0 ? -1 : xs / count / width };
  });
}

describe('dashboard in its first hour', { timeout: 90_000 }, () => {
  let browser: Browser;
  let fixture: DashboardFixture;
  let csp: string;
  let count = START_COUNT;
  const opened: WatchedPage[] = [];
  /** What the page showed with one collection only, before the second: one hourly bucket. */
  let oneBucket: { answer: DashboardAnswer; cumulative: { count: number; at: number }; dailyCanvases: number };

  async function open(query = ''): Promise<Page> {
    const watched = await openPage(browser, { contentSecurityPolicy: csp });
    opened.push(watched);
    await watched.page.goto(`${fixture.url}${query}`);
    await watched.page.locator('#dashboard').waitFor();
    await watched.page.locator('#chart-cumulative canvas').waitFor();
    await watched.page.locator('#repositories tbody tr').first().waitFor();
    return watched.page;
  }
  const answer = async (range: string) => (await (await fetch(`${fixture.url}api/dashboard?range=${range}`)).json()) as DashboardAnswer;

  beforeAll(async () => {
    csp = deployedContentSecurityPolicy();
    browser = await launchChromium();
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(FIRST);
    fixture = await startDashboard({
      refs: [REF],
      routes: (upstream) => upstream.route('/v2/repositories/acme/rising/', (_request, response) => json(response, 200, dockerHubRepository('acme', 'rising', count))),
    });

    // One collection so far: the 7-day view is hourly, of one bucket.
    const page = await open('?range=7d');
    oneBucket = {
      answer: await answer('7d'),
      cumulative: await seriesPixels(page, '#chart-cumulative'),
      dailyCanvases: await page.locator('#chart-daily canvas').count(),
    };

    vi.setSystemTime(SECOND);
    count += RISE;
    await fixture.pullwatch.collect();
    await fixture.pullwatch.idle();
  }, 120_000);
  afterAll(async () => {
    const problems = opened.flatMap((one) => one.problems);
    await Promise.all(opened.splice(0).map(closePage));
    await browser?.close();
    await fixture?.close();
    vi.useRealTimers();
    expect(problems).toEqual([]);
  });

  it('draws the one hourly bucket of the first collection as a dot', () => {
    expect(oneBucket.answer).toMatchObject({ interval: 'hour', buckets: [hourOf(FIRST)] });
    const [row] = oneBucket.answer.repositories;
    expect(row).toMatchObject({ ref: REF, has_data: true, pull_count: START_COUNT, pulls_1d: 0, cumulative: [START_COUNT] });
    // A line through one point draws nothing: the dot is what shows it, in the middle of the axis.
    expect(oneBucket.cumulative.count).toBeGreaterThan(15);
    expect(oneBucket.cumulative.at).toBeGreaterThan(0.4);
    expect(oneBucket.cumulative.at).toBeLessThan(0.65);
    // Nothing pulled yet: the hour's bar is 0 high, on a drawn chart.
    expect(oneBucket.answer.repositories[0]!.daily).toEqual([0]);
    expect(oneBucket.dailyCanvases).toBe(1);
  });

  it('answers 30 pulls today, hour by hour over the 7-day range', async () => {
    const week = await answer('7d');
    expect(week.interval).toBe('hour');
    expect(week.buckets).toEqual([hourOf(FIRST), hourOf(SECOND)]);
    expect(week.repositories).toHaveLength(1);
    expect(week.repositories[0]).toMatchObject({ pull_count: START_COUNT + RISE, pulls_1d: RISE, pulls_7d: RISE, in_range: RISE, daily: [0, RISE], cumulative: [START_COUNT, START_COUNT + RISE] });

    const month = await answer('30d');
    expect(month.interval).toBe('day');
    expect(month.buckets).toHaveLength(30);
    expect(month.repositories[0]!.daily.at(-1)).toBe(RISE);
    expect(month.repositories[0]!.daily.slice(0, -1).every((value) => value === null)).toBe(true);
  });

  it('shows the 30 on the today card and in the row, and draws today’s bar', async () => {
    const page = await open();
    expect(await page.locator('[data-card="d1"] [data-value]').getAttribute('data-value')).toBe(String(RISE));
    expect(await page.locator('[data-card="total"] [data-value]').getAttribute('data-value')).toBe(String(START_COUNT + RISE));
    const row = page.locator(`#repositories tbody tr[data-ref="${REF}"]`);
    expect(await row.locator('td.num').nth(1).textContent()).toBe(String(RISE));
    expect(await row.locator('td.num').nth(2).textContent()).toBe(String(RISE));
    expect(await row.locator('.spark-total').textContent()).toBe(String(RISE));
    expect(await page.locator('#daily-caption').textContent()).toBe('Daily pulls');

    // Today is the last of 30 days: one bar, at the right end of the axis.
    await page.locator('#chart-daily canvas').waitFor();
    const bar = await seriesPixels(page, '#chart-daily');
    expect(bar.count).toBeGreaterThan(300);
    expect(bar.at).toBeGreaterThan(0.9);
    // The cumulative line has one point in the range: a dot, at the same end.
    const dot = await seriesPixels(page, '#chart-cumulative');
    expect(dot.count).toBeGreaterThan(15);
    expect(dot.at).toBeGreaterThan(0.9);
  });

  it('draws a chart of one day as a bar: the whole history, tracked since today', async () => {
    const page = await open('?range=all');
    await page.locator('#chart-daily canvas').waitFor();
    const bar = await seriesPixels(page, '#chart-daily');
    expect(bar.count).toBeGreaterThan(300);
    expect(bar.at).toBeGreaterThan(0.4);
    expect(bar.at).toBeLessThan(0.6);
  });

  it('shows the 7 days by the hour: the caption, and a tooltip naming the hour', async () => {
    const page = await open('?range=7d');
    await page.locator('#chart-daily canvas').waitFor();
    expect(await page.locator('#daily-caption').textContent()).toBe('Pulls per hour');
    expect(await page.locator('#chart-daily').getAttribute('aria-label')).toMatch(/^Hourly pulls of acme\/rising /);
    const bar = await seriesPixels(page, '#chart-daily');
    expect(bar.count).toBeGreaterThan(300);
    expect(bar.at).toBeGreaterThan(0.6);

    const over = page.locator('#chart-daily .u-over');
    const size = (await over.boundingBox())!;
    await over.hover({ position: { x: size.width - 3, y: size.height / 2 } });
    const tip = page.locator('#chart-daily .chart-tip');
    await tip.waitFor();
    const hour = new Date(Math.floor(SECOND / HOUR_MS) * HOUR_MS).getUTCHours();
    expect(await tip.locator('.tip-day').textContent()).toMatch(new RegExp(`^\\w{3}, \\d{1,2} \\w{3} \\d{4}, ${String(hour).padStart(2, '0')}:00 UTC$`));
    expect(await tip.locator('.tip-value').textContent()).toBe(String(RISE));
    expect(await page.locator(`tr[data-ref="${REF}"] .sparkline`).getAttribute('aria-label')).toMatch(/^hourly pulls from .+ to .+, at most 30 an hour$/);
  });
});
