/**
 * The handover pack from a fixed report: golden Markdown and HTML (structure: every section, every
 * gap listed, hostile text inert), the HTML opened in headless Chromium, and --pdf printed through
 * it. Regenerate the golden files on purpose with
 *
 *     UPDATE_GOLDEN=1 npx vitest run test/handover
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import type { Report } from '../../src/core/types.js';
import { buildSummary } from '../../src/handover/summary.js';
import { buildPack, packGaps } from '../../src/handover/pack.js';
import { renderPackMarkdown } from '../../src/handover/markdown.js';
import { renderPackHtml } from '../../src/handover/html.js';
import { printPdf } from '../../src/handover/pdf.js';
import { escapeHtmlKeepCode, escapeMdKeepCode } from '../../src/report/shared.js';
import { SECTION_IDS, SECTION_TITLES, type HandoverArtifact } from '../../src/handover/types.js';
import type { DomainMap } from '../../src/audits/dns/domain-map.js';
import { HOSTILE, sampleReport } from '../helpers/sample-report.js';
import { launchBrowser, openFile } from '../helpers/browser.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden', 'handover');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const NOW = '2026-06-01T12:00:00.000Z';
const tmp = mkdtempSync(join(tmpdir(), 'lr-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function facts(): HandoverArtifact {
  return {
    envKeys: [
      { key: 'DATABASE_URL', environments: ['production', 'staging'], secret: true },
      { key: 'STRIPE_SECRET_KEY', environments: ['production'], secret: true },
      { key: `EVIL_${HOSTILE.script}`, environments: ['production'], secret: false },
    ],
    envFiles: { production: '.env.production', staging: '.env.staging' },
    detectedServices: [
      { name: 'Stripe', purpose: 'payments', from: ['env STRIPE_SECRET_KEY', 'package stripe (package.json)'] },
      { name: 'SendGrid', purpose: 'transactional email', from: ['email provider sendgrid'] },
    ],
    packagesScanned: 1,
    ci: [{ path: '.github/workflows/ci.yml', provider: 'github-actions', install: true, build: true }],
    rollbackDocs: ['ROLLBACK.md'],
    email: {
      domain: 'example.com',
      spf: 'v=spf1 include:sendgrid.net -all',
      dmarc: ['v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com'],
      dmarcName: '_dmarc.example.com',
      dkim: [{ selector: 's1', name: 's1._domainkey.example.com', found: true, cname: 's1.domainkey.u1.wl.sendgrid.net', keyBits: 2048 }],
      mx: [{ priority: 10, exchange: 'mx.example.com' }],
      nullMx: false,
      mtaSts: null,
      tlsRpt: null,
      providers: ['sendgrid'],
    },
    monitor: {
      configured: true,
      checks: [
        { id: 'home', kind: 'http', role: 'homepage', target: 'https://www.example.com/' },
        { id: 'db', kind: 'postgres', role: 'other', target: 'postgres://monitor:pw-not-shown-9f8e7d@db.example.com/app' },
      ],
      channels: [{ name: 'ops-mail', type: 'email' }, { name: 'ops-slack', type: 'slack' }],
      escalation: { steps: [{ afterMs: 0, notify: ['ops-slack'] }, { afterMs: 600_000, notify: ['ops-mail'] }], repeatMs: 1_800_000 },
      slos: [{ name: 'availability', availability: 99.9, latency: true }],
      errorTracking: { config: [], dependencies: ['package.json: @sentry/node'], envKeys: [], scanned: 1, applicable: true },
      channelTests: null,
    },
    names: ['example.com', 'www.example.com'],
    dnsGathered: true,
  };
}

const DOMAIN_MAP: DomainMap = {
  apex: 'example.com',
  dnsProvider: 'Cloudflare',
  ns: ['ana.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
  soa: { mname: 'ana.ns.cloudflare.com', rname: 'dns.cloudflare.com', serial: 2026060101 },
  names: [
    { name: 'example.com', role: 'apex', rcode: 'NOERROR', cnameChain: [], addresses: ['203.0.113.10'], certificate: { issuer: "Let's Encrypt R11", acmeIssuer: 'letsencrypt', validTo: '2026-08-01T00:00:00Z', daysLeft: 61, subjectAltNames: ['example.com', 'www.example.com'] } },
    { name: 'www.example.com', role: 'www', rcode: 'NOERROR', cnameChain: ['example.com'], addresses: ['203.0.113.10'], hosting: { provider: 'Cloudflare', via: 'ns' } as never },
    { name: 'shop.example.com', role: 'subdomain', rcode: 'NXDOMAIN', cnameChain: ['example-shop.herokudns.com'], addresses: [] },
  ],
};

/** A complete handover section, except: no incident owner, SendGrid without billing owner, no known-issues review. */
function fixedReport(): Report {
  const config = configSchema.parse({
    name: 'Example Market',
    domains: { apex: 'example.com', canonical: 'https://www.example.com' },
    handover: {
      product: 'A marketplace for second-hand bikes.',
      owners: { product: 'Ana <ana@example.com>', engineering: 'Ben <ben@example.com>' },
      incident: { contacts: [{ name: 'Ben', role: 'engineering', contact: '+1 555 0100' }] },
      deploy: { steps: ['Merge to main', 'Tag vX.Y.Z: CI deploys it'], environments: [{ name: 'production', url: 'https://www.example.com', platform: 'Fly.io', branch: 'tags' }] },
      secretLocations: { '*': 'Fly.io secrets', 'STRIPE_*': '1Password "Prod"' },
      services: [{ name: 'Stripe', purpose: 'payments', billingOwner: 'Ana', credentials: '1Password "Prod"', url: 'https://dashboard.stripe.com' }],
      rollback: ['fly deploy --image <previous>', 'Run the down migration'],
    },
  });
  return sampleReport({
    metrics: {
      handover: buildSummary(facts(), config),
      domainMap: DOMAIN_MAP,
      edgeMap: { 'example.com': { finalUrl: 'https://www.example.com/', chain: ['http://example.com/', 'https://example.com/', 'https://www.example.com/'] } },
      registration: { domain: 'example.com', expiresAt: '2027-03-01T00:00:00Z', daysLeft: 273, registrar: 'Example Registrar' },
      spf: { lookups: 3, networks: 0 },
    },
  });
}

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`missing golden file ${path}; run UPDATE_GOLDEN=1 npx vitest run test/handover`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('handover pack', () => {
  const pack = buildPack(fixedReport(), NOW);
  const files = renderPackMarkdown(pack);

  it('has every section, in order, one Markdown file each plus the index', () => {
    expect(pack.sections.map((s) => s.id)).toEqual([...SECTION_IDS]);
    expect([...files.keys()]).toEqual(['README.md', ...SECTION_IDS.map((id, i) => `${String(i + 1).padStart(2, '0')}-${id}.md`)]);
    for (const s of pack.sections) expect(files.get('README.md')).toContain(`](${s.file})`);
  });

  it('lists every gap in the index and in its section', () => {
    const gaps = packGaps(pack);
    expect(gaps.map((g) => g.section)).toEqual([SECTION_TITLES.services, SECTION_TITLES.risks, SECTION_TITLES.incident]);
    expect(gaps[0]!.gap).toContain('SendGrid has no billing owner');
    const index = files.get('README.md')!;
    expect(index).toContain('SendGrid has no billing owner');
    expect(files.get('10-incident.md')).toContain('> **Gap:** nobody is named to handle incidents');
  });

  it('fills sections from the report: domain map, email records, deferred risks separated from blockers', () => {
    expect(files.get('02-domains.md')).toContain('shop.example.com');
    expect(files.get('02-domains.md')).toContain("Let's Encrypt R11");
    expect(files.get('02-domains.md')).toContain('2026-08-01 (61 days)');
    expect(files.get('03-email.md')).toContain('v=spf1 include:sendgrid.net -all');
    expect(files.get('03-email.md')).toContain('it uses 3 of the 10 DNS lookups');
    const risks = files.get('09-risks.md')!;
    const blockers = risks.slice(risks.indexOf('### Launch blockers'), risks.indexOf('### Accepted risks'));
    const accepted = risks.slice(risks.indexOf('### Accepted risks'), risks.indexOf('### Known issues'));
    expect(blockers).toContain('secrets/committed-secret');
    expect(blockers).not.toContain('handover/service-without-owner');
    expect(accepted).toContain('owner named after the launch meeting');
    expect(files.get('08-monitoring.md')).toContain('After 10 min unacknowledged: notify ops-mail');
  });

  it('keeps credentials and hostile markup out', () => {
    const all = [...files.values()].join('\n') + renderPackHtml(pack);
    expect(all).not.toContain('pw-not-shown-9f8e7d');
    expect(all).not.toContain('<script>');
    expect(all).not.toContain('<img src=x');
  });

  it('matches the golden Markdown and HTML', () => {
    for (const [name, text] of files) golden(name, text);
    golden('handover.html', renderPackHtml(pack));
  });

  it('opens in headless Chromium, self-contained, with every section and gap visible; prints to PDF', async () => {
    const html = join(tmp, 'handover.html');
    writeFileSync(html, renderPackHtml(pack));
    const browser = await launchBrowser();
    try {
      const { page, errors, requests } = await openFile(browser, html);
      expect(errors).toEqual([]);
      expect(requests).toHaveLength(1);
      expect(await page.locator('main section').count()).toBe(SECTION_IDS.length);
      expect(await page.locator('#gaps li').count()).toBe(3);
      expect(await page.locator('section#incident .gap').innerText()).toContain('nobody is named');
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('section#domains').evaluate((el) => getComputedStyle(el).breakBefore)).toBe('page');
    } finally {
      await browser.close();
    }
    const pdf = join(tmp, 'handover.pdf');
    await printPdf(html, pdf, { CHROMIUM_PATH: process.env.LAUNCHREADY_CHROMIUM ?? '/usr/bin/chromium' });
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(5_000);
  });

  it('says what to install when --pdf finds no Chromium', async () => {
    await expect(printPdf(join(tmp, 'x.html'), join(tmp, 'x.pdf'), { CHROMIUM_PATH: join(tmp, 'no-such-chromium') })).rejects.toThrow(/--pdf needs Chromium.*apt-get install chromium/);
  });

  it('keeps `code spans` as code in both formats, and markup inert inside and outside them', () => {
    expect(escapeHtmlKeepCode('run `npm ci` then <b>go</b>')).toBe('run <code>npm ci</code> then &lt;b&gt;go&lt;/b&gt;');
    expect(escapeHtmlKeepCode('x `<script>alert(1)</script>` y')).toBe('x <code>&lt;script&gt;alert(1)&lt;/script&gt;</code> y');
    expect(escapeHtmlKeepCode('one ` unpaired')).toBe('one ` unpaired');
    expect(escapeMdKeepCode('run `npm ci` then *go* <b>')).toBe('run `npm ci` then \\*go\\* &lt;b>');
    expect(escapeMdKeepCode('one ` unpaired')).toBe('one \\` unpaired');
  });

  it('marks every section a gap for a report without handover facts (an old report), never blank', () => {
    const p = buildPack(sampleReport({ metrics: {} }), NOW);
    for (const s of p.sections.filter((x) => x.id !== 'risks')) expect(s.gaps.length).toBeGreaterThan(0);
    expect(renderPackMarkdown(p).get('README.md')).toContain('run `launchready audit`');
  });
});
