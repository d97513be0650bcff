/** Small builders of `email` artifacts for audit tests: a clean posture, then one change per case. */
import type { MtaStsPolicyInfo } from './artifact.js';
import type { StsPolicy } from './mta-sts/policy.js';
import type { DkimSelectorInfo, EmailPosture } from './artifact.js';
import type { SpfPosture } from './spf/posture.js';
import type { DmarcRecord } from './dmarc/parse.js';

export function spfPostureOf(p: Partial<SpfPosture> = {}): SpfPosture {
  return {
    domain: 'example.com',
    record: 'v=spf1 include:_spf.google.com -all',
    tree: {
      domain: 'example.com', status: 'ok', record: 'v=spf1 include:_spf.google.com -all', lookups: 4, voidLookups: 0,
      terms: [{
        text: 'include:_spf.google.com', kind: 'include', qualifier: '+', lookups: 4, voidLookups: 0,
        child: { domain: '_spf.google.com', status: 'ok', record: 'v=spf1 include:_netblocks.google.com ~all', terms: [], lookups: 3, voidLookups: 0 },
      }],
    },
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
      walk: [
        { domain: 'example.com', rcode: 'NOERROR', records: ['v=DMARC1; p=reject; rua=mailto:d@example.com'] },
        { domain: 'com', rcode: 'NXDOMAIN', records: [] },
      ],
    },
    dkim: { tried: 20, selectors: [dkimKey()] },
    mx: { rcode: 'NOERROR', hosts: [{ priority: 10, exchange: 'mx.example.com' }], nullMx: false },
    mtaSts: {
      rcode: 'NOERROR', record: 'v=STSv1; id=20260101', id: '20260101', records: ['v=STSv1; id=20260101'],
      policy: {
        url: 'https://mta-sts.example.com/.well-known/mta-sts.txt', status: 200, contentType: 'text/plain', bytes: 80, truncated: false,
        policy: { version: 'STSv1', mode: 'enforce', maxAge: 604800, mx: ['mx.example.com'], errors: [] },
      },
    },
    tlsRpt: { rcode: 'NOERROR', record: 'v=TLSRPTv1; rua=mailto:tls@example.com' },
    bimi: { rcode: 'NXDOMAIN', record: null },
    providers: [{ name: 'google', source: 'spf' }],
    returnPaths: [],
    ...over,
  };
}

/** The clean posture's MTA-STS with the policy file (and its parsed policy) changed. */
export function mtaStsWith(info: Partial<MtaStsPolicyInfo>, policy: Partial<StsPolicy> = {}): EmailPosture['mtaSts'] {
  const base = emailPosture().mtaSts;
  const pi = base.policy!;
  return { ...base, policy: { ...pi, policy: { ...pi.policy!, ...policy }, ...info } };
}
