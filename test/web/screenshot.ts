// `npm run screenshot`: regenerates docs/dashboard.png (1280×800) from local mode seeded with a believable history.
// `npm run screenshot -- --dark out.png` draws the dark theme elsewhere.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, openPage } from './browser.ts';
import { SHOWCASE, breakGhcrPage, startDashboard } from './fixture.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const dark = args.includes('--dark');
const output = resolve(ROOT, args.find((arg) => !arg.startsWith('--')) ?? 'docs/dashboard.png');

const dashboard = await startDashboard({ ...SHOWCASE, days: 120, routes: (upstream) => breakGhcrPage(upstream, 'acme/exporter') });
const browser = await launchChromium();
try {
  const { page, problems } = await openPage(browser, { viewport: { width: 1280, height: 800 }, colorScheme: dark ? 'dark' : 'light' });
  await page.goto(`${dashboard.url}?range=90d`);
  await page.locator('#chart-cumulative canvas').waitFor();
  await page.locator('#chart-daily canvas').waitFor();
  await page.locator('#repositories tbody tr').first().waitFor();
  // Hover the daily chart so the picture shows a tooltip too.
  const box = (await page.locator('#chart-daily .u-over').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.72, box.y + box.height * 0.45);
  await page.locator('.chart-tip:not([hidden])').waitFor();
  await mkdir(dirname(output), { recursive: true });
  await page.screenshot({ path: output });
  if (problems.length > 0) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
  await dashboard.close();
}
