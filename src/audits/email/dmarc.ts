/** email/dmarc-*: DMARC record presence, syntax, policy strength, reporting (RFC 7489). */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { DmarcInfo } from './artifact.js';
import { bisReading, compareReadings, rfc7489Reading, type DmarcReading } from './dmarc/bis.js';

const OK_RCODES = new Set(['NOERROR', 'NXDOMAIN']);

export default defineAudit({
  meta: {
    id: 'email-dmarc',
    emits: [
      'email/dmarc-missing', 'email/dmarc-invalid', 'email/dmarc-policy-none', 'email/dmarc-no-reports',
      'email/dmarc-external-reports-unauthorized', 'email/dmarc-readings-differ',
    ],
    requiredArtifacts: ['email'],
    description: 'DMARC record present, valid, enforcing and reporting',
  },
  audit({ email }) {
    const d = email.dmarc;
    const target = d.name;
    if (!OK_RCODES.has(d.rcode)) return { findings: [], notApplicable: `TXT query for ${d.name} failed: ${d.rcode}` };
    const readings = readingsOf(email.domain, d);
    const differ: FindingDraft[] = readings && readings.differences.length
      ? [{ rule: 'email/dmarc-readings-differ', target: `_dmarc.${email.domain}`, evidence: readings }]
      : [];
    if (d.records.length === 0) {
      return {
        findings: [...differ, {
          rule: 'email/dmarc-missing', target: `_dmarc.${email.domain}`, evidence: { name: `_dmarc.${email.domain}`, orgDomainChecked: d.orgDomain },
          remediation: `Publish TXT at _dmarc.${email.domain}: \`v=DMARC1; p=none; rua=mailto:dmarc@${email.domain}\`, then tighten to p=quarantine and p=reject.`,
        }],
        targets: [target],
      };
    }
    if (d.error || !d.record) {
      return { findings: [{ rule: 'email/dmarc-invalid', target, evidence: { ...d.error, records: d.records.length } }, ...differ], targets: [target] };
    }
    const r = d.record;
    const findings: FindingDraft[] = [...differ];
    if (r.p === 'none' || r.pct < 100) {
      findings.push({ rule: 'email/dmarc-policy-none', target, evidence: { p: r.p, pct: r.pct, ...(r.sp ? { sp: r.sp } : {}) } });
    }
    if (r.rua.length === 0) findings.push({ rule: 'email/dmarc-no-reports', target, evidence: { rua: [] } });
    for (const x of d.externalReports.filter((e) => !e.authorized)) {
      findings.push({
        rule: 'email/dmarc-external-reports-unauthorized', target,
        evidence: { uri: x.uri, reportDomain: x.reportDomain, authName: x.authName, rcode: x.rcode },
        remediation: `Ask ${x.reportDomain} to publish TXT \`v=DMARC1\` at ${x.authName}, or send reports to an address on your own domain.`,
      });
    }
    return { findings, targets: [target] };
  },
});

/**
 * Both readings of the posture (RFC 7489 and DMARCbis) and where they differ; undefined when the
 * walk was not gathered or any walk query failed (a failed query would make the bis reading a guess).
 */
export function readingsOf(domain: string, d: DmarcInfo): { rfc7489: DmarcReading; dmarcbis: DmarcReading; differences: string[] } | undefined {
  if (!d.walk || d.walk.some((s) => !OK_RCODES.has(s.rcode))) return undefined;
  const policyDomain = d.record ? d.name.replace(/^_dmarc\./, '') : undefined;
  const rfc7489 = rfc7489Reading(domain, d.orgDomain, policyDomain, d.record);
  const dmarcbis = bisReading(domain, d.walk);
  return { rfc7489, dmarcbis, differences: compareReadings(rfc7489, dmarcbis) };
}
