import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { EmailPosture } from './artifact.js';
import { dkimKey, dmarcOf, emailPosture, mtaStsWith, spfPostureOf } from './builders.js';
import { family } from './index.js';

const ctx = { config: configSchema.parse({}), now: 0 };
const clean = emailPosture();
const dmarcWith = (over: Partial<EmailPosture['dmarc']>): Partial<EmailPosture> => ({ dmarc: { ...clean.dmarc, ...over } });

function run(email: EmailPosture): { rule: string; evidence?: Record<string, unknown>; severity?: string }[] {
  return family.audits.flatMap((a) => a.audit({ email }, ctx).findings);
}

interface Case { name: string; rule: string; email: Partial<EmailPosture>; evidence?: Record<string, unknown>; severity?: string }

const fires: Case[] = [
  { name: 'no SPF record', rule: 'email/spf-missing', email: { spf: { rcode: 'NOERROR', posture: spfPostureOf({ record: null, tree: { domain: 'example.com', status: 'none', terms: [], lookups: 0, voidLookups: 0 } }) } } },
  { name: 'two SPF records', rule: 'email/spf-invalid', email: { spf: { rcode: 'NOERROR', posture: spfPostureOf({ errors: [{ domain: 'example.com', status: 'multiple', message: '2 SPF records' }] }) } }, evidence: { status: 'multiple' } },
  { name: 'a syntax error with its position', rule: 'email/spf-invalid', email: { spf: { rcode: 'NOERROR', posture: spfPostureOf({ errors: [{ domain: 'example.com', status: 'syntax', message: 'unknown mechanism', pos: 12 }] }) } }, evidence: { pos: 12 } },
  { name: '11 lookups', rule: 'email/spf-too-many-lookups', email: { spf: { rcode: 'NOERROR', posture: spfPostureOf({ lookups: 11 }) } }, evidence: { lookups: 11 } },
  { name: '3 void lookups', rule: 'email/spf-too-many-lookups', email: { spf: { rcode: 'NOERROR', posture: spfPostureOf({ voidLookups: 3 }) } }, evidence: { voidLookups: 3 } },
  { name: 'an include loop', rule: 'email/spf-too-many-lookups', email: { spf: { rcode: 'NOERROR', posture: spfPostureOf({ loop: true }) } }, evidence: { loop: true } },
  { name: '+all', rule: 'email/spf-permissive', email: { spf: { rcode: 'NOERROR', posture: spfPostureOf({ permissive: [{ reason: 'pass-all', term: '+all', domain: 'example.com' }] }) } } },
  { name: 'a /8 range', rule: 'email/spf-permissive', email: { spf: { rcode: 'NOERROR', posture: spfPostureOf({ permissive: [{ reason: 'huge-range', term: 'ip4:10.0.0.0/8', domain: 'example.com', network: '10.0.0.0/8' }] }) } } },
  { name: 'no DMARC record', rule: 'email/dmarc-missing', email: dmarcWith({ records: [], record: undefined, rcode: 'NXDOMAIN' }) },
  { name: 'a DMARC parse error', rule: 'email/dmarc-invalid', email: dmarcWith({ record: undefined, error: { message: 'p=block: expected none, quarantine or reject', pos: 12 } }), evidence: { pos: 12 } },
  { name: 'p=none', rule: 'email/dmarc-policy-none', email: dmarcWith({ record: dmarcOf({ p: 'none' }) }), evidence: { p: 'none' } },
  { name: 'pct=50', rule: 'email/dmarc-policy-none', email: dmarcWith({ record: dmarcOf({ pct: 50 }) }), evidence: { pct: 50 } },
  { name: 'no rua', rule: 'email/dmarc-no-reports', email: dmarcWith({ record: dmarcOf({ rua: [] }) }) },
  { name: 'unauthorised external rua', rule: 'email/dmarc-external-reports-unauthorized', email: dmarcWith({ externalReports: [{ uri: 'mailto:r@reports.net', reportDomain: 'reports.net', authName: 'example.com._report._dmarc.reports.net', authorized: false, rcode: 'NXDOMAIN' }] }), evidence: { reportDomain: 'reports.net' } },
  { name: 'no DKIM key', rule: 'email/dkim-missing', email: { dkim: { tried: 20, selectors: [] } } },
  { name: 'only a revoked DKIM key', rule: 'email/dkim-missing', email: { dkim: { tried: 20, selectors: [dkimKey({ revoked: true, bits: undefined })] } } },
  { name: 'a 1024-bit key (medium)', rule: 'email/dkim-weak-key', email: { dkim: { tried: 20, selectors: [dkimKey({ bits: 1024 })] } }, severity: 'medium' },
  { name: 'a 512-bit key (high)', rule: 'email/dkim-weak-key', email: { dkim: { tried: 20, selectors: [dkimKey({ bits: 512 })] } }, severity: 'high' },
  { name: 'no MX', rule: 'email/mx-missing', email: { mx: { rcode: 'NOERROR', hosts: [], nullMx: false } } },
  { name: 'no MTA-STS TXT', rule: 'email/mta-sts-missing', email: { mtaSts: { rcode: 'NXDOMAIN', record: null } } },
  { name: 'a policy host with a bad certificate', rule: 'email/mta-sts-invalid', email: { mtaSts: mtaStsWith({ status: 0, error: { code: 'TLS', message: 'self-signed certificate' }, policy: undefined }) }, evidence: { problems: [{ problem: 'fetch' }] } },
  { name: 'a policy file answering 404', rule: 'email/mta-sts-invalid', email: { mtaSts: mtaStsWith({ status: 404, policy: undefined }) }, evidence: { problems: [{ problem: 'status' }] } },
  { name: 'a policy served as text/html', rule: 'email/mta-sts-invalid', email: { mtaSts: mtaStsWith({ contentType: 'text/html' }) }, evidence: { problems: [{ problem: 'content-type', message: 'text/html' }] } },
  { name: 'a policy with a bad mode on line 2', rule: 'email/mta-sts-invalid', email: { mtaSts: mtaStsWith({}, { mode: undefined, errors: [{ message: 'mode: block: expected enforce, testing or none', line: 2 }] }) }, evidence: { problems: [{ problem: 'policy-syntax', line: 2 }] } },
  { name: 'a testing policy missing an MX host (medium)', rule: 'email/mta-sts-invalid', email: { mtaSts: mtaStsWith({}, { mode: 'testing', mx: ['mx.other.example'] }) }, evidence: { uncoveredMx: ['mx.example.com'] }, severity: 'medium' },
  { name: 'an enforce policy missing an MX host (high)', rule: 'email/mta-sts-invalid', email: { mtaSts: mtaStsWith({}, { mx: ['*.mail.example.com'] }) }, evidence: { uncoveredMx: ['mx.example.com'] }, severity: 'high' },
  { name: 'two STSv1 TXT records', rule: 'email/mta-sts-invalid', email: { mtaSts: { ...mtaStsWith({}), records: ['v=STSv1; id=1', 'v=STSv1; id=2'] } }, evidence: { problems: [{ problem: 'txt-multiple' }] } },
  { name: 'a TXT id with a dash at its position', rule: 'email/mta-sts-invalid', email: { mtaSts: { ...mtaStsWith({}), record: 'v=STSv1; id=2026-01', records: ['v=STSv1; id=2026-01'] } }, evidence: { problems: [{ problem: 'txt-syntax', pos: 12 }] } },
  { name: 'mode: testing', rule: 'email/mta-sts-testing', email: { mtaSts: mtaStsWith({}, { mode: 'testing' }) }, evidence: { mode: 'testing' }, severity: 'info' },
  { name: 'no TLS-RPT record', rule: 'email/tls-rpt-missing', email: { tlsRpt: { rcode: 'NXDOMAIN', record: null } }, severity: 'info' },
  { name: 'a TLS-RPT record without rua', rule: 'email/tls-rpt-missing', email: { tlsRpt: { rcode: 'NOERROR', record: 'v=TLSRPTv1; ruf=mailto:x@example.com' } }, evidence: { message: 'required field "rua" is missing' } },
  { name: 'google without its SPF include (DKIM still aligns: medium)', rule: 'email/provider-misaligned', email: { providers: [{ name: 'google', source: 'config' }], spf: { rcode: 'NOERROR', posture: spfPostureOf({ tree: { domain: 'example.com', status: 'ok', terms: [], lookups: 0, voidLookups: 0 } }) } }, evidence: { provider: 'google', missing: [{ what: 'spf-include', name: 'example.com', publish: 'include:_spf.google.com in the SPF record of example.com' }], dkimAligned: true }, severity: 'medium' },
  { name: 'sendgrid without DKIM (nothing aligns: high)', rule: 'email/provider-misaligned', email: { providers: [{ name: 'sendgrid', source: 'config' }] }, evidence: { provider: 'sendgrid', returnPath: 'provider', spfAligned: false, dkimAligned: false, missing: [{ what: 'dkim', name: 's1._domainkey.example.com' }] }, severity: 'high' },
  { name: 'postmark without its pm-bounces CNAME', rule: 'email/provider-misaligned', email: { providers: [{ name: 'postmark', source: 'config' }], dkim: { tried: 20, selectors: [dkimKey({ selector: '20240101120000pm', source: 'config' })] }, returnPaths: [{ provider: 'postmark', name: 'pm-bounces.example.com', type: 'CNAME', rcode: 'NXDOMAIN', targets: [], spf: null }] }, evidence: { missing: [{ what: 'return-path', name: 'pm-bounces.example.com', publish: 'CNAME pm.mtasv.net' }], dkimAligned: true }, severity: 'medium' },
  { name: 'resend with the send MX but no SPF there', rule: 'email/provider-misaligned', email: { providers: [{ name: 'resend', source: 'dkim' }], dkim: { tried: 20, selectors: [dkimKey({ selector: 'resend', source: 'resend' })] }, returnPaths: [{ provider: 'resend', name: 'send.example.com', type: 'MX', rcode: 'NOERROR', targets: ['feedback-smtp.eu-west-1.amazonses.com'], spf: null }] }, evidence: { missing: [{ what: 'spf-include', name: 'send.example.com', publish: 'v=spf1 include:amazonses.com ~all' }] } },
  { name: 'pct=50 (7489: half the mail; DMARCbis: all of it)', rule: 'email/dmarc-readings-differ', email: dmarcWith({ record: dmarcOf({ pct: 50 }) }), evidence: { rfc7489: { pct: 50 }, dmarcbis: { pct: 100 }, differences: ['pct'] } },
  { name: 'a record on an intermediate label only the tree walk finds', rule: 'email/dmarc-readings-differ', email: { domain: 'a.b.example.com', dmarc: { ...clean.dmarc, name: '_dmarc.example.com', fromOrgDomain: true, walk: [
    { domain: 'a.b.example.com', rcode: 'NXDOMAIN', records: [] },
    { domain: 'b.example.com', rcode: 'NOERROR', records: ['v=DMARC1; p=none'] },
    { domain: 'example.com', rcode: 'NOERROR', records: ['v=DMARC1; p=reject; rua=mailto:d@example.com'] },
    { domain: 'com', rcode: 'NXDOMAIN', records: [] },
  ] } }, evidence: { rfc7489: { policyDomain: 'example.com', policy: 'reject' }, dmarcbis: { policyDomain: 'b.example.com', policy: 'none', orgDomain: 'example.com' } } },
];

const staysQuiet: { name: string; rule: string; email: Partial<EmailPosture> }[] = [
  { name: 'a valid SPF record', rule: 'email/spf-missing', email: {} },
  { name: 'a TXT timeout (not applicable, not missing)', rule: 'email/spf-missing', email: { spf: { rcode: 'TIMEOUT', posture: spfPostureOf({ tree: { domain: 'example.com', status: 'dns-error', terms: [], lookups: 0, voidLookups: 0 } }) } } },
  { name: 'a record that parses', rule: 'email/spf-invalid', email: {} },
  { name: 'exactly 10 lookups and 2 voids', rule: 'email/spf-too-many-lookups', email: { spf: { rcode: 'NOERROR', posture: spfPostureOf({ lookups: 10, voidLookups: 2 }) } } },
  { name: '-all and small ranges', rule: 'email/spf-permissive', email: {} },
  { name: 'a DMARC record at the organisational domain', rule: 'email/dmarc-missing', email: dmarcWith({ fromOrgDomain: true, name: '_dmarc.example.com' }) },
  { name: 'a record that parses', rule: 'email/dmarc-invalid', email: {} },
  { name: 'p=quarantine pct=100', rule: 'email/dmarc-policy-none', email: dmarcWith({ record: dmarcOf({ p: 'quarantine' }) }) },
  { name: 'a rua address', rule: 'email/dmarc-no-reports', email: {} },
  { name: 'an authorised external rua', rule: 'email/dmarc-external-reports-unauthorized', email: dmarcWith({ externalReports: [{ uri: 'mailto:r@reports.net', reportDomain: 'reports.net', authName: 'example.com._report._dmarc.reports.net', authorized: true, rcode: 'NOERROR' }] }) },
  { name: 'one usable key beside a revoked one', rule: 'email/dkim-missing', email: { dkim: { tried: 20, selectors: [dkimKey({ revoked: true }), dkimKey({ selector: 's1' })] } } },
  { name: 'a domain whose SPF says it sends no mail', rule: 'email/dkim-missing', email: { dkim: { tried: 20, selectors: [] }, spf: { rcode: 'NOERROR', posture: spfPostureOf({ record: 'v=spf1 -all', lookups: 0, networks: [], allQualifier: '-' }) } } },
  { name: 'a 2048-bit key', rule: 'email/dkim-weak-key', email: {} },
  { name: 'an Ed25519 key', rule: 'email/dkim-weak-key', email: { dkim: { tried: 20, selectors: [dkimKey({ keyType: 'ed25519', bits: 256 })] } } },
  { name: 'a null MX', rule: 'email/mx-missing', email: { mx: { rcode: 'NOERROR', hosts: [{ priority: 0, exchange: '' }], nullMx: true } } },
  { name: 'an STSv1 record', rule: 'email/mta-sts-missing', email: {} },
  { name: 'a domain with null MX', rule: 'email/mta-sts-missing', email: { mtaSts: { rcode: 'NXDOMAIN', record: null }, mx: { rcode: 'NOERROR', hosts: [{ priority: 0, exchange: '' }], nullMx: true } } },
  { name: 'a valid enforce policy covering the MX', rule: 'email/mta-sts-invalid', email: {} },
  { name: 'a *.example.com pattern covering mx1 and mx2', rule: 'email/mta-sts-invalid', email: { mtaSts: mtaStsWith({}, { mx: ['*.example.com'] }), mx: { rcode: 'NOERROR', hosts: [{ priority: 10, exchange: 'mx1.example.com' }, { priority: 20, exchange: 'MX2.example.com.' }], nullMx: false } } },
  { name: 'mode none without mx lines', rule: 'email/mta-sts-invalid', email: { mtaSts: mtaStsWith({}, { mode: 'none', mx: [] }) } },
  { name: 'text/plain with a charset', rule: 'email/mta-sts-invalid', email: { mtaSts: mtaStsWith({ contentType: 'text/plain; charset=utf-8' }) } },
  { name: 'mode: enforce', rule: 'email/mta-sts-testing', email: {} },
  { name: 'a valid TLS-RPT record', rule: 'email/tls-rpt-missing', email: {} },
  { name: 'a null-MX domain', rule: 'email/tls-rpt-missing', email: { tlsRpt: { rcode: 'NXDOMAIN', record: null }, mx: { rcode: 'NOERROR', hosts: [{ priority: 0, exchange: '' }], nullMx: true } } },
  { name: 'google with include and key', rule: 'email/provider-misaligned', email: {} },
  { name: 'sendgrid with s1 delegated by CNAME', rule: 'email/provider-misaligned', email: { providers: [{ name: 'sendgrid', source: 'spf' }], dkim: { tried: 20, selectors: [dkimKey({ selector: 's1', source: 'sendgrid', cname: 's1.domainkey.u123.wl.sendgrid.net' })] } } },
  { name: 'postmark with pm-bounces and its key', rule: 'email/provider-misaligned', email: { providers: [{ name: 'postmark', source: 'config' }], dkim: { tried: 20, selectors: [dkimKey({ selector: '20240101120000pm', source: 'config' })] }, returnPaths: [{ provider: 'postmark', name: 'pm-bounces.example.com', type: 'CNAME', rcode: 'NOERROR', targets: ['pm.mtasv.net'], spf: 'v=spf1 a mx include:spf.mtasv.net ~all' }] } },
  { name: 'an unknown provider name (nothing documented to check)', rule: 'email/provider-misaligned', email: { providers: [{ name: 'in-house-mta', source: 'config' }] } },
  { name: 'one record at the domain (both readings agree)', rule: 'email/dmarc-readings-differ', email: {} },
  { name: 'a walk query that failed (no guess)', rule: 'email/dmarc-readings-differ', email: dmarcWith({ record: dmarcOf({ pct: 50 }), walk: [{ domain: 'example.com', rcode: 'SERVFAIL', records: [] }] }) },
];

describe('email audits', () => {
  it('clean posture emits nothing', () => {
    expect(run(clean)).toEqual([]);
  });
  it.each(fires)('$rule fires for $name', ({ rule, email, evidence, severity }) => {
    const got = run(emailPosture(email)).filter((f) => f.rule === rule);
    expect(got).toHaveLength(1);
    if (evidence) expect(got[0]!.evidence).toMatchObject(evidence);
    if (severity) expect(got[0]!.severity ?? family.rules.find((r) => r.id === rule)!.severity).toBe(severity);
  });
  it.each(staysQuiet)('$rule stays quiet for $name', ({ rule, email }) => {
    expect(run(emailPosture(email)).filter((f) => f.rule === rule)).toEqual([]);
  });
  it('every rule is emitted by some audit and every emitted id has a rule', () => {
    const emitted = new Set(family.audits.flatMap((a) => a.meta.emits));
    expect([...emitted].sort()).toEqual(family.rules.map((r) => r.id).sort());
    expect(family.rules.every((r) => r.stage === 3)).toBe(true);
  });
  it('spf-missing remediation carries the record to publish', () => {
    const f = family.audits[0]!.audit({ email: emailPosture(fires[0]!.email) }, ctx).findings[0]!;
    expect(f.remediation).toContain('v=spf1 mx include:_spf.google.com -all');
  });
});
