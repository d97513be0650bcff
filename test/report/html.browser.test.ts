/**
 * The HTML report in real headless Chromium (Debian package, see test/helpers/browser.ts):
 * it must load with no console or page errors and no network request, show verdict and
 * scores, filter findings, render hostile evidence as inert text, and draw its SVG charts.
 * Also parses the JUnit XML with Chromium's DOMParser (Node has no XML parser built in).
 * Leaves a screenshot of the sample report in /tmp/report.png for a human look.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types.js';
import { render, type RenderOptions } from '../../src/report/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { HOSTILE, emptyReport, sampleReport, sampleRules } from '../helpers/sample-report.js';

const opts: RenderOptions = { color: false, failOn: 'high', rules: sampleRules() };
let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'lr-html-'));
});
afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Loaded {
  page: Page;
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
}

/** Opens the rendered report from a file:// URL, recording everything that should not happen. */
async function open(report: Report, name: string): Promise<Loaded> {
  const file = join(dir, name);
  writeFileSync(file, render('html', report, opts));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const loaded: Loaded = { page, requests: [], consoleErrors: [], pageErrors: [], dialogs: [] };
  page.on('request', (r) => loaded.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') loaded.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => loaded.pageErrors.push(e.message));
  page.on('dialog', async (d) => {
    loaded.dialogs.push(d.message());
    await d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return loaded;
}

const visibleRows = (page: Page): Promise<number> => page.locator('#findings tbody tr.finding:visible').count();

describe('html report in headless Chromium', () => {
  it('loads clean, filters, keeps hostile text inert and draws its charts', async () => {
    const report = sampleReport();
    const { page, requests, consoleErrors, pageErrors, dialogs } = await open(report, 'report.html');
    try {
      // Self-contained: the document is the only request.
      expect(requests).toEqual([pathToFileURL(join(dir, 'report.html')).href]);

      await expect(page.locator('#verdict').innerText()).resolves.toBe('NOT READY');
      expect(await page.locator('#verdict').isVisible()).toBe(true);
      await expect(page.locator('#overall-score').textContent()).resolves.toBe('38');
      expect(await page.title()).toContain('NOT READY');

      // Findings table and filters.
      const total = report.findings.length;
      expect(await page.locator('#findings tbody tr.finding').count()).toBe(total);
      expect(await visibleRows(page)).toBe(total);
      await page.click('button[data-severity="info"]');
      expect(await visibleRows(page)).toBe(total - 1);
      await page.click('button[data-severity="blocker"]');
      expect(await visibleRows(page)).toBe(total - 3);
      await expect(page.locator('#visible-count').textContent()).resolves.toBe(String(total - 3));
      expect(await page.getAttribute('button[data-severity="blocker"]', 'aria-pressed')).toBe('false');
      await page.selectOption('#stage-filter', '3');
      expect(await visibleRows(page)).toBe(2); // stage 3 without info: no-rate-limit, stack-trace
      await page.click('button[data-severity="blocker"]');
      await page.click('button[data-severity="info"]');
      await page.selectOption('#stage-filter', 'all');
      expect(await visibleRows(page)).toBe(total);

      // Hostile evidence shows as text; nothing executed, no element injected.
      const bodyText = await page.locator('body').innerText();
      expect(bodyText).toContain(HOSTILE.script);
      expect(bodyText).toContain(HOSTILE.attr);
      expect(bodyText).toContain('q=<x>|y');
      expect(bodyText).not.toContain('\u001b');
      expect(await page.evaluate(() => document.images.length)).toBe(0);
      expect(await page.locator('script').count()).toBe(2); // the data block and the filter script
      expect(dialogs).toEqual([]);

      // Charts.
      expect(await page.locator('svg#stage-chart g[data-stage]').count()).toBe(7);
      expect(await page.locator('svg#stage-chart rect.bar').count()).toBe(6); // stage 7 not assessed
      expect(await page.locator('svg#latency-0 rect.hbar').count()).toBe(7);
      expect(await page.locator('svg#score-ring').isVisible()).toBe(true);

      // Embedded report JSON survives `</script>` in evidence and parses back to the report.
      const embedded = await page.evaluate(() => JSON.parse(document.getElementById('report-data')!.textContent!));
      expect(embedded).toEqual(JSON.parse(JSON.stringify(report)));

      // CSP is present and strict.
      const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
      expect(csp).toContain("default-src 'none'");

      await page.screenshot({ path: '/tmp/report.png', fullPage: true });
      expect(consoleErrors).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('renders a clean run without a table or errors', async () => {
    const { page, requests, consoleErrors, pageErrors } = await open(emptyReport(), 'empty.html');
    try {
      expect(requests).toHaveLength(1);
      await expect(page.locator('#verdict').innerText()).resolves.toBe('READY');
      expect(await page.locator('#no-findings').isVisible()).toBe(true);
      expect(await page.locator('#findings').count()).toBe(0);
      expect(await page.locator('svg#stage-chart rect.bar').count()).toBe(3);
      expect(consoleErrors).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('produces well-formed JUnit XML (DOMParser) with the expected structure', async () => {
    const page = await browser.newPage();
    try {
      const check = (xml: string) =>
        page.evaluate((src) => {
          const doc = new DOMParser().parseFromString(src, 'application/xml');
          const n = (tag: string): number => doc.getElementsByTagName(tag).length;
          return {
            parseErrors: n('parsererror'),
            root: doc.documentElement.nodeName,
            suites: n('testsuite'),
            cases: n('testcase'),
            failures: n('failure'),
            skipped: n('skipped'),
            hostile: Array.from(doc.getElementsByTagName('system-out')).some((e) =>
              e.textContent!.includes('<script>alert(1)</script>'),
            ),
          };
        }, xml);
      const sample = await check(render('junit', sampleReport(), { ...opts, failOn: 'high' }));
      expect(sample).toEqual({ parseErrors: 0, root: 'testsuites', suites: 9, cases: 17, failures: 6, skipped: 2, hostile: true });
      const empty = await check(render('junit', emptyReport(), opts));
      expect(empty).toMatchObject({ parseErrors: 0, root: 'testsuites', cases: 3, failures: 0 });
      // The check itself can fail: a broken document is reported.
      expect((await check('<testsuites><testcase></testsuites>')).parseErrors).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
  });
});
