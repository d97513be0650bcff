/**
 * Email posture benchmark (not a timed test): the full posture of a domain with 3 providers and
 * 10 configured DKIM selectors, against the local harness DNS server, next to mailauth 4.13 doing
 * what it can do of the same work: it has no domain-level posture API, so the comparable task is
 * its spf() for one sending IP against our check_host.
 *
 *   npm run bench:email [-- --runs 30]
 *
 * Each run uses a fresh DNS client (cold cache), so every figure includes every query; the
 * harness server answers from loopback, so the numbers measure our work plus round trips.
 * Goal (issue 4): full posture < 500 ms.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { startDnsServer, type ZoneSpec } from '../src/harness/dns-server.js';
import { createDnsClient } from '../src/net/dns.js';
import { collectEmailPosture } from '../src/gather/email.js';
import { checkSender } from '../src/audits/email/spf/check-host.js';
import { mailauthResolver } from '../src/audits/email/verify.js';

const require = createRequire(import.meta.url);
// mailauth's SPF module is CommonJS without an ESM entry point.
const { spf: mailauthSpf } = require('mailauth/lib/spf') as { spf: (o: Record<string, unknown>) => Promise<{ status: { result: string }; lookups?: { count?: number } }> };

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;
const D = 'bench.test';

function zones(): ZoneSpec {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const z: ZoneSpec = {
    [D]: [
      { type: 'TXT', value: 'v=spf1 mx include:_spf.google.com include:sendgrid.net include:spf.mtasv.net ~all' },
      { type: 'MX', priority: 10, exchange: `mx1.${D}` }, { type: 'MX', priority: 20, exchange: `mx2.${D}` },
      ...Array.from({ length: 6 }, (_, i) => ({ type: 'TXT' as const, value: `site-verification-${i}=${'x'.repeat(40)}` })),
    ],
    [`mx1.${D}`]: [{ type: 'A', value: '192.0.2.10' }],
    [`mx2.${D}`]: [{ type: 'A', value: '192.0.2.11' }],
    '_spf.google.com': [{ type: 'TXT', value: 'v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all' }],
    '_netblocks.google.com': [{ type: 'TXT', value: 'v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ip4:66.102.0.0/20 ~all' }],
    '_netblocks2.google.com': [{ type: 'TXT', value: 'v=spf1 ip6:2001:4860:4000::/36 ip6:2404:6800:4000::/36 ~all' }],
    '_netblocks3.google.com': [{ type: 'TXT', value: 'v=spf1 ip4:172.217.0.0/19 ip4:172.253.56.0/21 ~all' }],
    'sendgrid.net': [{ type: 'TXT', value: 'v=spf1 ip4:167.89.0.0/17 ip4:208.117.48.0/20 ~all' }],
    'spf.mtasv.net': [{ type: 'TXT', value: 'v=spf1 ip4:50.31.156.0/24 ip4:104.245.209.192/26 ~all' }],
    [`_dmarc.${D}`]: [{ type: 'TXT', value: `v=DMARC1; p=reject; rua=mailto:dmarc@${D},mailto:r@reports.example` }],
    [`${D}._report._dmarc.reports.example`]: [{ type: 'TXT', value: 'v=DMARC1' }],
    [`_mta-sts.${D}`]: [{ type: 'TXT', value: 'v=STSv1; id=1' }],
    [`_smtp._tls.${D}`]: [{ type: 'TXT', value: `v=TLSRPTv1; rua=mailto:tls@${D}` }],
    [`google._domainkey.${D}`]: [{ type: 'TXT', value: ['v=DKIM1; k=rsa; ', `p=${key}`] }],
    [`s1._domainkey.${D}`]: [{ type: 'CNAME', value: 's1.domainkey.u1.wl.sendgrid.net' }],
    's1.domainkey.u1.wl.sendgrid.net': [{ type: 'TXT', value: `v=DKIM1; k=rsa; p=${key}` }],
    [`pm-bounces.${D}`]: [{ type: 'CNAME', value: 'pm.mtasv.net' }],
    'pm.mtasv.net': [{ type: 'A', value: '50.31.156.6' }],
  };
  for (let i = 0; i < 10; i++) if (i % 2 === 0) z[`sel${i}._domainkey.${D}`] = [{ type: 'TXT', value: `v=DKIM1; k=rsa; p=${key}` }];
  return z;
}

const SELECTORS = Array.from({ length: 10 }, (_, i) => `sel${i}`);
const PROVIDERS = ['google', 'sendgrid', 'postmark'];

function stats(xs: number[]): { median: number; p95: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]! };
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number[]; last: T }> {
  const ms: number[] = [];
  let last!: T;
  await fn(); // warm-up: JIT and module loading are not what we measure
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await fn();
    ms.push(performance.now() - t0);
  }
  return { ms, last };
}

const server = await startDnsServer({ zones: zones() });
const client = () => createDnsClient({ servers: [server.address], timeoutMs: 1000, retries: 0 });
try {
  let queries = 0;
  const posture = await time(async () => {
    const dns = client();
    const before = server.queries.length;
    const p = await collectEmailPosture(dns, { domain: D, dkimSelectors: SELECTORS, providers: PROVIDERS });
    queries = server.queries.length - before;
    dns.close();
    return p;
  });
  const warmDns = client();
  await collectEmailPosture(warmDns, { domain: D, dkimSelectors: SELECTORS, providers: PROVIDERS });
  const warm = await time(() => collectEmailPosture(warmDns, { domain: D, dkimSelectors: SELECTORS, providers: PROVIDERS }));
  warmDns.close();

  const spfCase = async (ip: string) => {
    const ours = await time(async () => {
      const dns = client();
      const r = await checkSender({ ip, mailFrom: `bounce@${D}`, helo: `mta.${D}` }, { dns });
      dns.close();
      return `${r.result} (${r.lookups} lookups)`;
    });
    const theirs = await time(async () => {
      const dns = client();
      const r = await mailauthSpf({ sender: `bounce@${D}`, ip, helo: `mta.${D}`, mta: 'bench', resolver: mailauthResolver(dns) });
      dns.close();
      return `${r.status.result}${r.lookups?.count !== undefined ? ` (${r.lookups.count} lookups)` : ''}`;
    });
    return { ours, theirs };
  };
  const pass = await spfCase('50.31.156.77');
  const fail = await spfCase('203.0.113.9');

  const p = posture.last;
  console.log(`\nEmail posture of ${D}: ${PROVIDERS.length} providers, ${SELECTORS.length} configured selectors (+ common ones), ${runs} runs each, cold DNS cache per run`);
  console.log(`posture: ${p.dkim.tried} selectors tried, ${p.dkim.selectors.filter((s) => s.found).length} keys found, providers ${p.providers.map((x) => x.name).join(', ')}, SPF ${p.spf.posture.lookups} lookups, ${queries} DNS queries per run\n`);
  const rows: [string, { ms: number[]; last: unknown }, string, { ms: number[]; last: unknown } | undefined][] = [
    ['full posture (SPF tree, DMARC 7489+bis walk, DKIM, MX, MTA-STS TXT, TLS-RPT, BIMI, providers)', posture, 'no equivalent (per-message API only)', undefined],
    ['full posture, warm cache (same client)', warm, '', undefined],
    ['check_host 50.31.156.77 (postmark: pass)', pass.ours, 'mailauth spf()', pass.theirs],
    ['check_host 203.0.113.9 (unlisted: softfail)', fail.ours, 'mailauth spf()', fail.theirs],
  ];
  console.log('task | launchready median ms | p95 ms | result | peer | peer median ms | p95 ms | peer result | ours / peer');
  console.log('-----|----------------------:|-------:|--------|------|---------------:|-------:|-------------|-----------:');
  for (const [task, ours, peer, theirs] of rows) {
    const o = stats(ours.ms);
    const t = theirs ? stats(theirs.ms) : undefined;
    const result = typeof ours.last === 'string' ? ours.last : 'posture';
    console.log(
      `${task} | ${Number.isNaN(o.median) ? '-' : o.median.toFixed(2)} | ${Number.isNaN(o.p95) ? '-' : o.p95.toFixed(2)} | ${result} | ${peer || '-'} | ${t ? t.median.toFixed(2) : '-'} | ${t ? t.p95.toFixed(2) : '-'} | ${theirs ? String(theirs.last) : '-'} | ${t && !Number.isNaN(o.median) ? `${(o.median / t.median).toFixed(2)}x` : '-'}`,
    );
  }
  const goal = stats(posture.ms).p95 < 500;
  console.log(`\ngoal: full posture p95 < 500 ms: ${goal ? 'met' : 'MISSED'} (${stats(posture.ms).p95.toFixed(1)} ms)`);
  if (!goal) process.exitCode = 1;
} finally {
  await server.close();
}
