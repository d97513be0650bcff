/** Small builders of `email` artifacts for audit tests: a clean posture, then one change per case. */
import type { DkimSelectorInfo, EmailPosture } from './artifact.js';
import type { SpfPosture } from './spf/posture.js';
import type { DmarcRecord } from './dmarc/parse.js';

export function spfPostureOf(p: Partial<SpfPosture> = {}): SpfPosture {
  return {
    domain: 'example.com',
    record: 'v=spf1 include:_spf.google.com -all',
    tree: { domain: 'example.com', status: 'ok', record: 'v=spf1 include:_spf.google.com -all', terms: [], lookups: 4, voidLookups: 0 },
    lookups: 4, voidLookups: 0, costliestChain: [{ domain: 'example.com', lookups: 4 }],
    networks: [], permissive: [], allQualifier: '-', errors: [], unresolved: [], loop: false,
    ...p,
  };
}

export function dmarcOf(r: Partial<DmarcRecord> = {}): DmarcRecord {
  return { p: 'reject', pct: 100, adkim: 'r', aspf: 'r', rua: [{ uri: 'mailto:d@example.com', address: 'd@example.com', domain: 'example.com' }], ruf: [], unknownTags: [], ...r };
}

export function dkimKey(s: Partial<DkimSelectorInfo> = {}): DkimSelectorInfo {
  return { selector: 'google', source: 'google', name: 'google._domainkey.example.com', found: true, rcode: 'NOERROR', keyType: 'rsa', bits: 2048, revoked: false, testing: false, record: 'v=DKIM1; p=...', ...s };
}

export function emailPosture(over: Partial<EmailPosture> = {}): EmailPosture {
  return {
    domain: 'example.com',
    spf: { rcode: 'NOERROR', posture: spfPostureOf() },
    dmarc: {
      name: '_dmarc.example.com', fromOrgDomain: false, orgDomain: 'example.com', rcode: 'NOERROR',
      records: ['v=DMARC1; p=reject; rua=mailto:d@example.com'], record: dmarcOf(), warnings: [], externalReports: [],
    },
    dkim: { tried: 20, selectors: [dkimKey()] },
    mx: { rcode: 'NOERROR', hosts: [{ priority: 10, exchange: 'mx.example.com' }], nullMx: false },
    mtaSts: { rcode: 'NOERROR', record: 'v=STSv1; id=20260101', id: '20260101' },
    tlsRpt: { rcode: 'NOERROR', record: 'v=TLSRPTv1; rua=mailto:tls@example.com' },
    providers: [{ name: 'google', source: 'spf' }],
    ...over,
  };
}
