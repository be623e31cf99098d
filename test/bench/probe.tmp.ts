import { FIRST_CHART_MARK } from '../../web/src/perf.ts';
import { launchChromium, openPage } from '../web/browser.ts';
import { type SeriesSpec, startDashboard } from '../web/fixture.ts';
const specs: SeriesSpec[] = Array.from({ length: 100 }, (_, i) => ({ registry: 'dockerhub', repo: `owner${Math.floor(i / 25)}/repo-${String(i).padStart(3, '0')}`, start: 10_000 * (i + 1), perDay: 50 + 13 * (i % 40), growth: ((i % 7) - 3) / 1000 }));
const d = await startDashboard({ specs, days: 90 });
for (const range of []) {
  const t = performance.now();
  const r = await fetch(`${d.url}api/dashboard?range=${range}`);
  const body = await r.text();
  console.log('node fetch', range, Math.round(performance.now() - t), 'ms', body.length, 'bytes');
}
const b = await launchChromium();
for (let i = 0; i < 4; i++) {
  const { page, context } = await openPage(b);
  await page.goto(`${d.url}`);
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_CHART_MARK);
  console.log(JSON.stringify(await page.evaluate((mark) => ({
    chart: Math.round(performance.getEntriesByName(mark)[0]!.startTime), t: performance.getEntriesByType("mark").filter((m) => m.name.startsWith("t:")).map((m) => m.name.slice(2) + "=" + Math.round(m.startTime)).join(" "),
    res: performance.getEntriesByType('resource').map((e) => [e.name.replace(/^.*\//, ''), Math.round(e.startTime), Math.round((e as PerformanceResourceTiming).responseStart), Math.round((e as PerformanceResourceTiming).responseEnd)]),
    nav: (() => { const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming; return [Math.round(n.responseEnd), Math.round(n.domInteractive), Math.round(n.domContentLoadedEventEnd)]; })(),
  }), FIRST_CHART_MARK)));
  await context.close();
}
await b.close(); await d.close();
