/**
 * `--pdf`: prints the HTML pack through headless Chromium (playwright-core, with the system's
 * Chromium: Debian's package, or CHROMIUM_PATH). No browser is downloaded; a clear error says what
 * to install when none is found.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/errors.js';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

export function findChromium(env: NodeJS.ProcessEnv): string | null {
  const explicit = env.CHROMIUM_PATH;
  if (explicit) return existsSync(explicit) ? explicit : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Prints `htmlFile` to `pdfFile` (A4, backgrounds on). */
export async function printPdf(htmlFile: string, pdfFile: string, env: NodeJS.ProcessEnv): Promise<void> {
  const exe = findChromium(env);
  if (!exe) {
    throw new UsageError(
      `--pdf needs Chromium and none was found${env.CHROMIUM_PATH ? ` at CHROMIUM_PATH=${env.CHROMIUM_PATH}` : ` (looked for ${CANDIDATES.slice(0, 3).join(', ')})`}: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH; the HTML pack was written and prints from any browser`,
    );
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: exe,
    // The pack is self-contained: no lookup may leave the machine while it prints.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP * ~NOTFOUND'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(htmlFile).href);
    await page.pdf({ path: pdfFile, format: 'A4', printBackground: true, margin: { top: '16mm', bottom: '16mm', left: '12mm', right: '12mm' } });
  } finally {
    await browser.close();
  }
}
