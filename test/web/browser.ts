// Headless Debian Chromium through playwright-core (never `playwright install`), and a page that reports every
// console error and Content-Security-Policy violation it sees.
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags FACTS.md settled on: no sandbox (root in CI), no GPU, no background traffic, no DNS but 127.0.0.1. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: apt-get install -y chromium`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors and CSP violations, as text. */
  problems: string[];
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** Sent as the Content-Security-Policy header on every non-API response, as CloudFront does. */
  contentSecurityPolicy?: string;
}

export async function openPage(browser: Browser, options: PageOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  const problems: string[] = [];
  if (options.contentSecurityPolicy) {
    const policy = options.contentSecurityPolicy;
    await context.route(
      (url) => !url.pathname.startsWith('/api/'),
      async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
      },
    );
  }
  // Registered before any page script runs: violations of the page's own scripts and styles are caught too.
  await context.exposeBinding('__reportProblem', (_source, text: string) => void problems.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __reportProblem(text: string): void }).__reportProblem(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, context, problems };
}

/** Closes a page's context; routes still answering in flight are dropped instead of failing after the test. */
export async function closePage(watched: WatchedPage): Promise<void> {
  await watched.context.unrouteAll({ behavior: 'ignoreErrors' });
  await watched.context.close();
}
