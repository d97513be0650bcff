/**
 * Bad input through the real path (harness DNS server -> our DNS client -> gatherer -> audits):
 * split TXT strings, stray whitespace and case, unknown tags, answers over 512 bytes (TCP
 * fallback), include loops, a 10 kB record, non-ASCII. Each parses or gives a precise error with
 * its position.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServerHandle } from '../../src/harness/dns-server.js';
import { createDnsClient } from '../../src/net/dns.js';
import { configSchema } from '../../src/config/schema.js';
import { collectEmailPosture } from '../../src/gather/email.js';
import { family } from '../../src/audits/email/index.js';
import type { EmailPosture } from '../../src/audits/email/artifact.js';

let server: DnsServerHandle;
const CASE_DMARC = 'v=DMARC1 ;  P=Reject ;ADKIM=S;  rua=mailto:D@Case.test ; future=1 ;';
const BIG = `v=spf1 ${Array.from({ length: 600 }, (_, i) => `ip4:10.${i % 256}.${Math.floor(i / 256)}.0/24`).join(' ')} -all`;

beforeAll(async () => {
  server = await startDnsServer({
    zones: {
      'split.test': [{ type: 'TXT', value: ['v=spf1 ip4:192.0.2.0/24', ' include:_spf.split.test', ' -all'] }],
      '_spf.split.test': [{ type: 'TXT', value: 'v=spf1 ip4:198.51.100.0/24 -all' }],
      '_dmarc.split.test': [{ type: 'TXT', value: ['v=DMARC1; p=rej', 'ect; rua=mailto:d@split.test'] }],
      'case.test': [{ type: 'TXT', value: 'V=SPF1  IP4:192.0.2.1   MX  -ALL ' }],
      '_dmarc.case.test': [{ type: 'TXT', value: CASE_DMARC }],
      // A TXT RRset far over 512 bytes: the UDP answer is truncated and the client retries over TCP.
      'big.test': [
        ...Array.from({ length: 12 }, (_, i) => ({ type: 'TXT' as const, value: `site-verification-${i}=${'x'.repeat(60)}` })),
        { type: 'TXT', value: 'v=spf1 include:shared.big.test a:shared.big.test include:shared.big.test -all' },
      ],
      'shared.big.test': [{ type: 'TXT', value: 'v=spf1 ip4:203.0.113.0/24 -all' }, { type: 'A', value: '203.0.113.5' }],
      'loop.test': [{ type: 'TXT', value: 'v=spf1 include:a.loop.test -all' }],
      'a.loop.test': [{ type: 'TXT', value: 'v=spf1 include:b.loop.test -all' }],
      'b.loop.test': [{ type: 'TXT', value: 'v=spf1 include:a.loop.test -all' }],
      'ten.test': [{ type: 'TXT', value: BIG }],
      'utf.test': [{ type: 'TXT', value: 'v=spf1 ip4:192.0.2.1 a:caf\u00e9.utf.test -all' }],
      '_dmarc.utf.test': [{ type: 'TXT', value: 'v=DMARC1; p=\u201creject\u201d' }],
    },
  });
});
afterAll(async () => { await server?.close(); });

async function posture(domain: string): Promise<EmailPosture> {
  const dns = createDnsClient({ servers: [server.address], timeoutMs: 1000, retries: 0 });
  try {
    return await collectEmailPosture(dns, { domain });
  } finally {
    dns.close();
  }
}
const ctx = { config: configSchema.parse({}), now: 0 };
const findings = (email: EmailPosture) => family.audits.flatMap((a) => a.audit({ email }, ctx).findings);

describe('bad input over real DNS', () => {
  it('joins records split into several character-strings (SPF and DMARC)', async () => {
    const p = await posture('split.test');
    expect(p.spf.posture.record).toBe('v=spf1 ip4:192.0.2.0/24 include:_spf.split.test -all');
    expect(p.spf.posture.networks.map((n) => n.network)).toEqual(['192.0.2.0/24', '198.51.100.0/24']);
    expect(p.dmarc.record).toMatchObject({ p: 'reject' });
  });

  it('accepts stray whitespace and any case, keeps unknown tags as warnings', async () => {
    const p = await posture('case.test');
    expect(p.spf.posture.errors).toEqual([]);
    expect(p.spf.posture.allQualifier).toBe('-');
    expect(p.dmarc.record).toMatchObject({ p: 'reject', adkim: 's', rua: [{ address: 'd@case.test', domain: 'case.test' }], unknownTags: ['future'] });
    expect(p.dmarc.warnings).toEqual([{ message: 'unknown tag "future" ignored', pos: CASE_DMARC.indexOf('future') }]);
  });

  it('reads an answer over 512 bytes over TCP, and fetches a shared include once but counts it per reference', async () => {
    const before = server.queries.length;
    const p = await posture('big.test');
    const mine = server.queries.slice(before);
    expect(mine.some((q) => q.name === 'big.test' && q.type === 'TXT' && q.transport === 'tcp')).toBe(true);
    expect(p.spf.posture.record).toContain('include:shared.big.test');
    expect(mine.filter((q) => q.name === 'shared.big.test' && q.type === 'TXT')).toHaveLength(1);
    expect(p.spf.posture.lookups).toBe(3);
  });

  it('stops at an include loop and reports it', async () => {
    const p = await posture('loop.test');
    expect(p.spf.posture.loop).toBe(true);
    expect(findings(p).find((f) => f.rule === 'email/spf-too-many-lookups')?.evidence).toMatchObject({ loop: true });
  });

  it('parses a 10 kB record (600 terms) well within the test budget', async () => {
    const t0 = performance.now();
    const p = await posture('ten.test');
    expect(BIG.length).toBeGreaterThan(10_000);
    expect(p.spf.posture.record).toBe(BIG);
    expect(p.spf.posture.networks).toHaveLength(600);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('reports non-ASCII with its position (SPF and DMARC)', async () => {
    const p = await posture('utf.test');
    const spf = findings(p).find((f) => f.rule === 'email/spf-invalid');
    expect(spf?.evidence).toMatchObject({ status: 'syntax', pos: 'v=spf1 ip4:192.0.2.1 a:caf'.length });
    const dmarc = findings(p).find((f) => f.rule === 'email/dmarc-invalid');
    expect(dmarc?.evidence).toMatchObject({ pos: 'v=DMARC1; p='.length });
    expect(String(dmarc?.evidence?.message)).toMatch(/non-ASCII/);
  });
});
