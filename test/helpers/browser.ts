/**
 * Headless Chromium for tests, through playwright-core and the Debian `chromium` package
 * (never `npx playwright install`: nothing may be downloaded at test time).
 * `--host-resolver-rules` makes every DNS lookup fail except localhost, so neither the page
 * nor Chromium's own background services can reach the network (see DEPENDENCIES.md #11).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
