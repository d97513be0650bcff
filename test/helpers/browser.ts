/**
 * Headless Chromium for tests, through playwright-core and the Debian `chromium` package
 * (never `npx playwright install`: nothing may be downloaded at test time).
 * `--host-resolver-rules` makes every DNS lookup fail except localhost, so neither the page
 * nor Chromium's own background services can reach the network (see DEPENDENCIES.md #11).
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.LAUNCHREADY_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

/**
 * Launches Chromium, or throws with the install command when it is missing: a test that
 * needs a browser must fail loudly, never skip silently.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it with ` +
        '`flock /tmp/apt.lock apt-get update && flock /tmp/apt.lock apt-get install -y chromium` ' +
        '(or set LAUNCHREADY_CHROMIUM to the binary).',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A page opened from a file, with everything that should not happen recorded. */
export interface WatchedPage {
  page: Page;
  /** Every URL requested (a self-contained page requests only itself). */
  requests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
}

/** Opens a local file in a new page of `browser`, recording requests and errors. */
export async function openFile(browser: Browser, file: string): Promise<WatchedPage> {
  const page = await browser.newPage();
  const watched: WatchedPage = { page, requests: [], errors: [] };
  page.on('console', (m) => m.type() === 'error' && watched.errors.push(m.text()));
  page.on('pageerror', (e) => watched.errors.push(e.message));
  page.on('request', (r) => watched.requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  return watched;
}
