// The dashboard's layout at the widths people use (1280, 1024, 768 and 390 px), in headless Chromium against local
// mode, with the hard cases seeded: a 12-billion total, long names, a failing ref, Quay's actions. At every width
// nothing sticks out of its cell or card and no number is broken over two lines; the whole table fits from 1024 px
// up, and narrower screens show the name, total, 7 days and trend first, the rest a scroll away.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactNumber } from '../../lambdas/core/render/numbers.ts';
import { chromiumMissing, closePage, launchChromium, openPage, type WatchedPage } from './browser.ts';
import { deployedContentSecurityPolicy } from './csp.ts';
import { type DashboardFixture, SHOWCASE, type SeriesSpec, startDashboard } from './fixture.ts';

const missing = chromiumMissing();
if (missing) throw new Error(missing);

const LONG_NAME = 'acme/an-exceptionally-long-repository-name-for-the-layout';
const SPECS: SeriesSpec[] = [
  ...SHOWCASE.specs,
  // As big as the busiest Docker Hub images: the Total card's sum passes 12 billion.
  { registry: 'dockerhub', repo: LONG_NAME, start: 12_100_000_000, perDay: 2_400_000, growth: 0.001 },
  { registry: 'ghcr', repo: 'a-rather-long-organisation/with-a-long-package-name', start: 5_000, perDay: 30 },
];
const REFS = [...SHOWCASE.refs, 'ghcr:a-rather-long-organisation/with-a-long-package-name'];

/** Everything in the dashboard that a person reads, checked in the page: what sticks out, and which numbers wrap. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const name = (element: Element) => `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.split(' ')[0]}` : ''} "${(element.textContent ?? '').trim().slice(0, 40)}"`;
    /** The part of a rectangle an ancestor (up to `box`) does not clip away: an error text shows 3 lines of more. */
    const visiblePart = (rect: DOMRect, node: Node, box: Element): DOMRect | null => {
      let { left, right, top, bottom } = rect;
      for (let element = node.parentElement; element && element !== box; element = element.parentElement) {
        const style = getComputedStyle(element);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const clip = element.getBoundingClientRect();
        left = Math.max(left, clip.left);
        right = Math.min(right, clip.right);
        top = Math.max(top, clip.top);
        bottom = Math.min(bottom, clip.bottom);
      }
      return right > left && bottom > top ? new DOMRect(left, top, right - left, bottom - top) : null;
    };
    // Nothing inside a table cell, card or chart sticks out of it (1 px for rounding). A text's rectangle is its
    // line boxes, so a word wider than its cell is caught too.
    for (const box of document.querySelectorAll('#repositories th, #repositories td, .card, .chart, .section-head, .notices')) {
      const outer = box.getBoundingClientRect();
      if (outer.width === 0) continue;
      const walker = document.createTreeWalker(box, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node instanceof Element && node.closest('.visually-hidden, .chart-tip')) continue;
        if (node instanceof Text && node.parentElement?.closest('.visually-hidden, .chart-tip')) continue;
        let rects: DOMRect[];
        if (node instanceof Text) {
          if (!node.data.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          rects = [...range.getClientRects()];
        } else rects = [(node as Element).getBoundingClientRect()];
        for (const whole of rects) {
          const rect = visiblePart(whole, node, box);
          if (!rect) continue;
          if (rect.left < outer.left - 1 || rect.right > outer.right + 1 || rect.top < outer.top - 1 || rect.bottom > outer.bottom + 1) {
            problems.push(`${node instanceof Text ? `text "${node.data.trim().slice(0, 30)}"` : name(node as Element)} sticks out of ${name(box)}`);
          }
        }
      }
    }
    // No number is broken over two lines: every run of digits (with its separators, sign, unit letter) sits on one.
    // Error texts are left out: they quote addresses and URLs, which may break anywhere rather than widen the table.
    const walker = document.createTreeWalker(document.querySelector('#dashboard')!, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      if (node.parentElement?.closest('.visually-hidden, [hidden], .error-text')) continue;
      for (const match of node.data.matchAll(/[+−-]?\d[\d,.]*%?[kMGTP]?/g)) {
        if (match[0].length < 2) continue;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top)));
        if (lines.size > 1) problems.push(`"${match[0]}" in ${name(node.parentElement!)} wraps over ${lines.size} lines`);
      }
    }
    return problems;
  });
}

const headers = (page: Page) => page.locator('#repositories thead th').evaluateAll((cells) => cells.filter((cell) => cell.getBoundingClientRect().width > 0).map((cell) => cell.textContent!.replace(/[▲▼]/g, '').trim()));

/** The header cells entirely inside the table's scroll box as it is scrolled now. */
const headersInView = (page: Page) =>
  page.evaluate(() => {
    const box = document.querySelector('.table-scroll')!.getBoundingClientRect();
    return [...document.querySelectorAll('#repositories thead th')]
      .filter((cell) => {
        const rect = cell.getBoundingClientRect();
        return rect.width > 0 && rect.left >= box.left - 1 && rect.right <= box.right + 1;
      })
      .map((cell) => cell.textContent!.replace(/[▲▼]/g, '').trim());
  });

describe('dashboard layout at common widths', { timeout: 120_000 }, () => {
  let browser: Browser;
  let fixture: DashboardFixture;
  let csp: string;
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    csp = deployedContentSecurityPolicy();
    fixture = await startDashboard({ specs: SPECS, days: 45, refs: REFS });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    const problems = opened.flatMap((one) => one.problems);
    await Promise.all(opened.splice(0).map(closePage));
    await browser?.close();
    await fixture?.close();
    expect(problems).toEqual([]);
  });

  async function open(width: number): Promise<Page> {
    const watched = await openPage(browser, { contentSecurityPolicy: csp, viewport: { width, height: 900 } });
    opened.push(watched);
    await watched.page.goto(fixture.url);
    await watched.page.locator('#chart-cumulative canvas').waitFor();
    await watched.page.locator(`#repositories tbody tr[data-ref="dockerhub:${LONG_NAME}"]`).waitFor();
    return watched.page;
  }

  it.each([1280, 1024, 768, 390])('at %i px: nothing sticks out of its cell, no number wraps, the page never scrolls sideways', async (width) => {
    const page = await open(width);
    expect(await layoutProblems(page)).toEqual([]);
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);

    // Each card value is the exact number where it fits, else the badges' compact form with the exact one in its title.
    const cards = await page.locator('.card-value[data-value]').evaluateAll((values) =>
      values.map((value) => ({ value: (value as HTMLElement).dataset.value!, text: value.textContent!, title: value.querySelector('abbr')?.title ?? null, fits: value.scrollWidth <= value.clientWidth })),
    );
    expect(cards.length).toBeGreaterThanOrEqual(5);
    for (const card of cards) {
      expect(card.fits, `${card.text} fits its card`).toBe(true);
      const exact = Number(card.value).toLocaleString('en-US');
      if (card.title === null) expect(card.text).toBe(exact);
      else expect({ text: card.text, title: card.title }).toEqual({ text: compactNumber(Number(card.value)), title: exact });
    }
    // The 12-billion total is wider than its card at every one of these widths.
    const total = cards.find((card) => Number(card.value) > 12e9)!;
    expect(total.title).toBe(Number(total.value).toLocaleString('en-US'));
  });

  it.each([1280, 1024])('at %i px: the whole table fits its box, Badge column and long names included', async (width) => {
    const page = await open(width);
    const scroll = await page.locator('.table-scroll').evaluate((box) => ({ content: box.scrollWidth, box: box.clientWidth }));
    expect(scroll.content).toBeLessThanOrEqual(scroll.box);
    expect(await headersInView(page)).toEqual(await headers(page));
    expect((await headers(page)).at(-1)).toBe('Badge');
    const button = (await page.locator(`button.copy-badge[data-ref="dockerhub:${LONG_NAME}"]`).boundingBox())!;
    expect(button.x + button.width).toBeLessThanOrEqual(width);
  });

  it.each([768, 390])('at %i px: the name, total, 7 days and trend are in view first, the other columns a scroll away', async (width) => {
    const page = await open(width);
    const all = await headers(page);
    expect(all.slice(0, 4)).toEqual(['Repository', 'Total', '7 days', 'Trend 7d']);
    expect(all).toHaveLength(11); // the registry is said under each name instead
    expect(await page.locator(`tr[data-ref="ghcr:acme/api"] .repo-registry`).textContent()).toBe('ghcr');
    expect((await headersInView(page)).slice(0, 4)).toEqual(['Repository', 'Total', '7 days', 'Trend 7d']);
    // Scrolled to its end, the table shows its last columns, and the name stays in view beside them.
    await page.locator('.table-scroll').evaluate((box) => box.scrollTo({ left: box.scrollWidth }));
    const scrolled = await headersInView(page);
    expect(scrolled[0]).toBe('Repository');
    expect(scrolled.at(-1)).toBe('Badge');
    await page.locator(`button.copy-badge[data-ref="ghcr:acme/api"]`).click({ trial: true });
  });

  it('switches a card between the compact and the exact number as it narrows and widens', async () => {
    const page = await open(768);
    const week = page.locator('[data-card="d7"] .card-value');
    const exact = Number(await week.getAttribute('data-value')).toLocaleString('en-US');
    expect(await week.locator('abbr').getAttribute('title')).toBe(exact);
    await page.setViewportSize({ width: 1280, height: 900 });
    await expect.poll(() => week.textContent()).toBe(exact);
    await page.setViewportSize({ width: 768, height: 900 });
    await expect.poll(() => week.locator('abbr').count()).toBe(1);
    expect(await layoutProblems(page)).toEqual([]);
  });
});
