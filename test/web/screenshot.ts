// `npm run screenshot`: regenerates docs/dashboard.png (1280×800) and docs/dashboard-phone.png (390 px wide, from the
// top to the first rows of the table) from local mode seeded with a believable history.
// `npm run screenshot -- --dark out.png` draws the dark theme elsewhere (out.png and out-phone.png).
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium, openPage } from './browser.ts';
import { SHOWCASE, breakGhcrPage, startDashboard } from './fixture.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const dark = args.includes('--dark');
const output = resolve(ROOT, args.find((arg) => !arg.startsWith('--')) ?? 'docs/dashboard.png');
const phoneOutput = output.replace(/(\.png)?$/, '-phone.png');
/** Rows of the table the phone picture reaches down to. */
const PHONE_ROWS = 5;

const dashboard = await startDashboard({ ...SHOWCASE, days: 120, routes: (upstream) => breakGhcrPage(upstream, 'acme/exporter') });
const browser = await launchChromium();
try {
  await mkdir(dirname(output), { recursive: true });
  await desktop(browser);
  await phone(browser);
} finally {
  await browser.close();
  await dashboard.close();
}

async function desktop(browser: Browser): Promise<void> {
  const { page, problems } = await openPage(browser, { viewport: { width: 1280, height: 800 }, colorScheme: dark ? 'dark' : 'light' });
  await page.goto(`${dashboard.url}?range=90d`);
  await page.locator('#chart-cumulative canvas').waitFor();
  await page.locator('#chart-daily canvas').waitFor();
  await page.locator('#repositories tbody tr').first().waitFor();
  // Hover the daily chart so the picture shows a tooltip too.
  const box = (await page.locator('#chart-daily .u-over').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.72, box.y + box.height * 0.45);
  await page.locator('.chart-tip:not([hidden])').waitFor();
  await page.screenshot({ path: output });
  if (problems.length > 0) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
  console.log(`wrote ${output}`);
}

async function phone(browser: Browser): Promise<void> {
  const { page, problems } = await openPage(browser, { viewport: { width: 390, height: 844 }, colorScheme: dark ? 'dark' : 'light' });
  await page.goto(dashboard.url);
  await page.locator('#chart-daily canvas').waitFor();
  const row = page.locator('#repositories tbody tr').nth(PHONE_ROWS - 1);
  await row.waitFor();
  const bottom = await row.evaluate((element) => element.getBoundingClientRect().bottom + window.scrollY);
  await page.screenshot({ path: phoneOutput, fullPage: true, clip: { x: 0, y: 0, width: 390, height: Math.ceil(bottom) + 12 } });
  if (problems.length > 0) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
  console.log(`wrote ${phoneOutput}`);
}
