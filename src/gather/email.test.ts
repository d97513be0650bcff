/** The email gatherer against the harness's real DNS server, one zone set per rule group. */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServerHandle, type ZoneSpec } from '../harness/dns-server.js';
import { createDnsClient } from '../net/dns.js';
import { collectEmailPosture } from './email.js';
import { family } from '../audits/email/index.js';
import { configSchema } from '../config/schema.js';
import { checkHost } from '../audits/email/spf/check-host.js';

const spki = (bits: number): string =>
  generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const txt = (value: string | string[]) => ({ type: 'TXT' as const, value });

let server: DnsServerHandle;
beforeAll(async () => { server = await startDnsServer({ zones: {}, host: '127.0.0.1', port: 0 }); });
afterAll(async () => { await server?.close(); });

async function rulesFor(zones: ZoneSpec, domain: string, selectors: string[] = []): Promise<{ rules: string[]; posture: Awaited<ReturnType<typeof collectEmailPosture>> }> {
  server.setZones(zones);
  const dns = createDnsClient({ servers: [server.address], timeoutMs: 300, retries: 0 });
  try {
    const posture = await collectEmailPosture(dns, { domain, dkimSelectors: selectors });
    const ctx = { config: configSchema.parse({}), now: 0 };
    const rules = family.audits.flatMap((a) => a.audit({ email: posture }, ctx).findings.map((f) => f.rule));
    return { rules, posture };
  } finally {
    dns.close();
  }
}

const key2048 = spki(2048);
const key1024 = spki(1024);

/** A domain where every rule stays quiet. */
const good: ZoneSpec = {
  'good.test': [txt('v=spf1 ip4:192.0.2.0/24 include:_spf.mail.test -all'), { type: 'MX', priority: 10, exchange: 'mx.good.test' }],
  '_spf.mail.test': [txt(['v=spf1 ip4:198.51.100.0/24 ', 'a:out.mail.test -all'])],
  'out.mail.test': [{ type: 'A', value: '203.0.113.5' }],
  'mx.good.test': [{ type: 'A', value: '192.0.2.10' }],
  '_dmarc.good.test': [txt('v=DMARC1; p=reject; rua=mailto:d@good.test')],
  'default._domainkey.good.test': [txt(`v=DKIM1; k=rsa; p=${key2048}`)],
  '_mta-sts.good.test': [txt('v=STSv1; id=20260101')],
  '_smtp._tls.good.test': [txt('v=TLSRPTv1; rua=mailto:tls@good.test')],
};

describe('email gatherer + audits through the harness DNS server', () => {
  it('a well-configured domain: no findings, networks expanded, lookups counted', async () => {
    const { rules, posture } = await rulesFor(good, 'good.test');
    expect(rules).toEqual([]);
    expect(posture.spf.posture.lookups).toBe(2);
    expect(posture.spf.posture.networks.map((n) => n.network).sort()).toEqual(['192.0.2.0/24', '198.51.100.0/24', '203.0.113.5/32']);
    expect(posture.dkim.selectors[0]).toMatchObject({ selector: 'default', source: 'generic', bits: 2048 });
    expect(posture.providers).toEqual([]);
  });

  it.each([
    ['spf-missing', { 'bad.test': [{ type: 'MX', priority: 10, exchange: 'mx.good.test' }] }, 'email/spf-missing'],
    ['spf-invalid (two records)', { 'bad.test': [txt('v=spf1 -all'), txt('v=spf1 +all')] }, 'email/spf-invalid'],
    ['spf-invalid (include without SPF)', { 'bad.test': [txt('v=spf1 include:nospf.test -all')], 'nospf.test': [{ type: 'A', value: '192.0.2.1' }] }, 'email/spf-invalid'],
    ['spf-too-many-lookups', {
      'bad.test': [txt(`v=spf1 ${Array.from({ length: 6 }, (_, i) => `include:i${i}.test`).join(' ')} -all`)],
      ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`i${i}.test`, [txt('v=spf1 a mx -all')]])),
    }, 'email/spf-too-many-lookups'],
    ['spf-too-many-lookups (include loop)', { 'bad.test': [txt('v=spf1 include:loop.test -all')], 'loop.test': [txt('v=spf1 include:bad.test -all')] }, 'email/spf-too-many-lookups'],
    ['spf-permissive (+all)', { 'bad.test': [txt('v=spf1 +all')] }, 'email/spf-permissive'],
    ['spf-permissive (/4)', { 'bad.test': [txt('v=spf1 ip4:64.0.0.0/4 -all')] }, 'email/spf-permissive'],
    ['dmarc-missing', { 'bad.test': [txt('v=spf1 -all')] }, 'email/dmarc-missing'],
    ['dmarc-invalid', { '_dmarc.bad.test': [txt('v=DMARC1; p=block')] }, 'email/dmarc-invalid'],
    ['dmarc-policy-none', { '_dmarc.bad.test': [txt('v=DMARC1; p=none; rua=mailto:d@bad.test')] }, 'email/dmarc-policy-none'],
    ['dmarc-no-reports', { '_dmarc.bad.test': [txt('v=DMARC1; p=reject')] }, 'email/dmarc-no-reports'],
    ['dmarc-external-reports-unauthorized', { '_dmarc.bad.test': [txt('v=DMARC1; p=reject; rua=mailto:d@reports.example')] }, 'email/dmarc-external-reports-unauthorized'],
    ['dkim-missing', { 'bad.test': [txt('v=spf1 mx -all'), { type: 'MX', priority: 10, exchange: 'mx.bad.test' }] }, 'email/dkim-missing'],
    ['dkim-weak-key', { 's1._domainkey.bad.test': [txt(`v=DKIM1; p=${key1024}`)] }, 'email/dkim-weak-key'],
    ['mx-missing', { 'bad.test': [txt('v=spf1 -all')] }, 'email/mx-missing'],
    ['mta-sts-missing', { 'bad.test': [txt('v=spf1 -all')] }, 'email/mta-sts-missing'],
  ] as [string, ZoneSpec, string][])('%s fires from real DNS answers', async (_n, zones, rule) => {
    const { rules } = await rulesFor(zones, 'bad.test');
    expect(rules).toContain(rule);
  });

  it('stays quiet: authorised external rua, DKIM via CNAME, null MX, DMARC at the org domain', async () => {
    const zones: ZoneSpec = {
      ...good,
      'mail.good.test': [txt('v=spf1 -all'), { type: 'MX', priority: 0, exchange: '.' }],
      '_dmarc.good.test': [txt('v=DMARC1; p=reject; rua=mailto:d@reports.example')],
      'good.test._report._dmarc.reports.example': [txt('v=DMARC1')],
      's1._domainkey.mail.good.test': [{ type: 'CNAME', value: 's1.domainkey.u1.sendgrid.net' }],
      's1.domainkey.u1.sendgrid.net': [txt(`k=rsa; p=${key2048}`)],
    };
    const { rules, posture } = await rulesFor(zones, 'mail.good.test');
    expect(posture.dmarc.fromOrgDomain).toBe(true);
    expect(posture.dkim.selectors.find((s) => s.selector === 's1')).toMatchObject({ cname: 's1.domainkey.u1.sendgrid.net', bits: 2048 });
    expect(posture.mx.nullMx).toBe(true);
    expect(rules).toEqual([]);
  });

  it('posture of 3 providers and 10 selectors stays well under 500 ms locally', async () => {
    const zones: ZoneSpec = {
      'big.test': [txt('v=spf1 include:_spf.google.test include:sendgrid.test include:mailgun.test -all')],
      '_spf.google.test': [txt('v=spf1 include:_netblocks.google.test include:_netblocks2.google.test ~all')],
      '_netblocks.google.test': [txt('v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ~all')],
      '_netblocks2.google.test': [txt('v=spf1 ip6:2001:4860:4000::/36 ~all')],
      'sendgrid.test': [txt('v=spf1 ip4:167.89.0.0/17 ~all')],
      'mailgun.test': [txt('v=spf1 include:_netblocks.google.test ~all')],
      ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`sel${i}._domainkey.big.test`, [txt(`v=DKIM1; p=${key2048}`)]])),
    };
    const t0 = performance.now();
    const { posture } = await rulesFor(zones, 'big.test', Array.from({ length: 10 }, (_, i) => `sel${i}`));
    const ms = performance.now() - t0;
    expect(posture.dkim.selectors.filter((s) => s.found)).toHaveLength(10);
    // The include reached twice (_netblocks via google and mailgun) is counted twice, per RFC.
    expect(posture.spf.posture.lookups).toBe(6); // 3 top + 2 in google + 1 in mailgun
    expect(ms).toBeLessThan(500);
  });
});

describe('checkHost through the harness DNS server', () => {
  const zones: ZoneSpec = {
    'ex.test': [txt('v=spf1 a mx:mail.ex.test/24 include:inc.test exists:%{ir}.rbl.ex.test -all exp=why.ex.test')],
    'ex.test.': [{ type: 'A', value: '192.0.2.1' }],
    'mail.ex.test': [{ type: 'MX', priority: 5, exchange: 'mx1.ex.test' }],
    'mx1.ex.test': [{ type: 'A', value: '198.51.100.7' }],
    'inc.test': [txt('v=spf1 ip6:2001:db8::/32 -all')],
    '9.9.0.203.rbl.ex.test': [{ type: 'A', value: '127.0.0.2' }],
    'why.ex.test': [txt('%{i} is not allowed to send for %{d}')],
    'slow.test': 'TIMEOUT',
  };
  beforeAll(() => server.setZones(zones));
  it.each([
    ['192.0.2.1', 'pass', 'a'],
    ['198.51.100.200', 'pass', 'mx:mail.ex.test/24'],
    ['2001:db8::5', 'pass', 'include:inc.test'],
    ['::ffff:198.51.100.9', 'pass', 'mx:mail.ex.test/24'],
    ['203.0.9.9', 'pass', 'exists:%{ir}.rbl.ex.test'],
    ['203.0.113.1', 'fail', '-all'],
  ])('%s -> %s via %s', async (ip, result, mechanism) => {
    const dns = createDnsClient({ servers: [server.address], timeoutMs: 300, retries: 0 });
    const r = await checkHost(ip, 'ex.test', 'user@ex.test', 'mx.ex.test', { dns });
    dns.close();
    expect(r).toMatchObject({ result, mechanism });
    if (result === 'fail') expect(r.explanation).toBe('203.0.113.1 is not allowed to send for ex.test');
    expect(r.lookups).toBeLessThanOrEqual(4);
  });
  it('a timeout is a temperror, not a crash', async () => {
    const dns = createDnsClient({ servers: [server.address], timeoutMs: 100, retries: 0 });
    const r = await checkHost('192.0.2.1', 'slow.test', 'a@slow.test', 'h.test', { dns });
    dns.close();
    expect(r.result).toBe('temperror');
  });
});
