/**
 * `launchready demo` end to end: the flawed marketplace on loopback (own DNS server, CA, HTTPS
 * and HTTP servers on 127.0.0.x), audited by every family, the HTML report opened in headless
 * Chromium. And `demo --fixed`, where every flaw is repaired, reaches `ready`.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/core/types.js';
import { cli } from './helpers/cli.js';
import { launchBrowser, openFile } from './helpers/browser.js';

const dir = mkdtempSync(join(tmpdir(), 'lr-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Flaws the demo plants, as [rule, target]: each must be found, nothing else at blocker level. */
const PLANTED: [string, string][] = [
  ['monitor/single-channel', 'monitor.channels'],
  ['monitor/no-escalation', 'monitor.escalation'],
  ['monitor/no-slo', 'monitor.slos'],
  ['perf/unbounded-list', 'GET https://www.market.test/api/listings'],
  ['perf/no-compression', 'GET https://www.market.test/api/listings'],
  ['perf/uncached-read', 'GET https://www.market.test/api/listings'],
  ['deploy/health-failing', 'https://www.market.test/api/health'],
  ['deploy/smoke-failed', 'flow:reset'],
  ['deploy/stale-assets', 'https://www.market.test/'],
  ['deploy/no-ci-build', '.'],
  ['security/cors-reflects-origin', 'https://www.market.test'],
  ['security/cors-wildcard-credentials', 'https://www.market.test'],
  ['security/no-rate-limit', 'https://www.market.test/api/login'],
  ['security/no-rate-limit', 'https://www.market.test/api/signup'],
  ['security/admin-unauthenticated', 'https://www.market.test/admin'],
  ['security/oversized-body-accepted', 'https://www.market.test/api/login'],
  ['security/insecure-cookie', 'https://www.market.test cookie session'],
  ['security/stack-trace-exposed', 'https://www.market.test/api/login'],
  ['security/malformed-input-5xx', 'https://www.market.test/api/login'],
  ['secrets/history-secret', 'src/payments.js'],
  ['secrets/committed-secret', '.env.production'],
  ['env/dotenv-committed', '.env.production'],
  ['env/browser-exposed-secret', '.env.production'],
  ['env/shared-secret', 'SESSION_SECRET'],
  ['env/localhost-in-production', 'DATABASE_URL'],
  ['env/key-drift', '.env.production'],
  ['dns/unresolved', 'status.market.test'],
  ['dns/caa-missing', 'market.test'],
  ['dns/dangling-cname', 'shop.market.test'],
  ['dns/points-to-staging', 'admin.market.test'],
  ['dns/domain-expiring', 'market.test'],
  ['tls/expired', 'app.market.test:443'],
  ['tls/hostname-mismatch', 'admin.market.test:443'],
  ['tls/untrusted-chain', 'api.market.test:443'],
  ['tls/expiring-soon', 'www.market.test:443'],
  ['edge/http-not-redirected', 'http://api.market.test/'],
  ['edge/hsts-weak', 'https://www.market.test/'],
  ['edge/temporary-redirect', 'https://market.test/'],
  ['edge/redirect-drops-path', 'https://market.test/launchready-probe?x=1'],
  ['edge/mixed-content', 'https://www.market.test/'],
  ['edge/static-assets-uncached', 'https://www.market.test'],
  ['headers/csp-missing', 'https://www.market.test/'],
  ['headers/nosniff-missing', 'https://www.market.test/'],
  ['headers/frame-protection-missing', 'https://www.market.test/'],
  ['headers/referrer-policy-missing', 'https://www.market.test/'],
  ['email/spf-too-many-lookups', 'market.test'],
  ['email/spf-permissive', 'market.test'],
  ['email/dmarc-policy-none', '_dmarc.market.test'],
  ['email/dmarc-no-reports', '_dmarc.market.test'],
  ['email/dkim-weak-key', 's1._domainkey.market.test'],
  ['email/mta-sts-missing', '_mta-sts.market.test'],
  ['migrations/index-not-concurrent', 'migrations/002_listing_search.up.sql'],
  ['migrations/not-null-without-default', 'migrations/002_listing_search.up.sql'],
  ['migrations/irreversible', 'migrations/002_listing_search.up.sql'],
  ['handover/no-incident-owner', 'handover.incident.owner'],
  ['handover/service-without-owner', 'Sentry'],
  ['handover/incomplete', 'handover: environment variables and where secrets live'],
  ['handover/incomplete', 'handover: open risks and known issues'],
];

describe('launchready demo', () => {
  it('finds every planted flaw and writes a report that renders in Chromium', async () => {
    const r = await cli(['demo', '--out', dir, '--no-color'], { cwd: dir });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('NOT READY');
    expect(r.stdout).toContain('LAUNCH SEQUENCE');
    const report = JSON.parse(readFileSync(join(dir, 'launchready-report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('not-ready');
    const found = report.findings.map((f) => [f.id, f.target]);
    for (const p of PLANTED) expect(found).toContainEqual(p);
    expect(report.launchSequence[0]!.severity).toBe('blocker');

    const html = join(dir, 'launchready-report.html');
    expect(existsSync(html)).toBe(true);
    const browser = await launchBrowser();
    try {
      const { page, errors, requests } = await openFile(browser, html);
      expect(errors).toEqual([]);
      expect(requests).toHaveLength(1); // the document itself: self-contained
      const text = await page.locator('body').innerText();
      expect(text).toMatch(/not ready/i);
      for (const [id] of PLANTED) expect(text).toContain(id);
      expect(text).toContain('status.market.test');
      // The domain map: every name, where it lands, its certificate.
      const map = await page.locator('#domain-map-table').innerText();
      expect(map).toContain('shop.market.test');
      expect(map).toContain('https://www.market.test/');

      // Stage 7 from the same report: the 48-hour plan and the handover pack with its gaps.
      expect(r.stdout).toContain('wrote launch plan');
      const plan = readFileSync(join(dir, 'launch-plan.md'), 'utf8');
      expect(plan).toMatch(/^- \[ \] \*\*#1 .*\(blocker/m);
      for (const hours of ['1-4', '4-12', '12-24', '24-36', '36-48']) expect(plan).toContain(`## Hours ${hours}:`);
      const index = readFileSync(join(dir, 'handover', 'README.md'), 'utf8');
      expect(index).toContain('nobody is named to handle incidents');
      expect(index).toContain('Sentry has no billing owner');
      await page.goto(pathToFileURL(join(dir, 'handover', 'handover.html')).href);
      expect(errors).toEqual([]);
      expect(await page.locator('main section').count()).toBe(10);
      expect(await page.locator('#domains table').last().innerText()).toContain('shop.market.test');
    } finally {
      await browser.close();
    }
  });

  it('reaches ready with --fixed (every planted flaw repaired)', async () => {
    const out = join(dir, 'fixed');
    const r = await cli(['demo', '--fixed', '--out', out, '--format', 'json', '--quiet'], { cwd: dir });
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'launchready-report.json'), 'utf8')) as Report;
    expect(report.findings).toEqual([]);
    expect(report.verdict).toBe('ready');
    for (const [id] of PLANTED) expect(report.passed).toContain(id);
    // The fixed marketplace's handover pack has no gap left.
    expect(readFileSync(join(out, 'handover', 'README.md'), 'utf8')).toContain('None: every section has content.');
  });
});
