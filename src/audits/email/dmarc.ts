/** email/dmarc-*: DMARC record presence, syntax, policy strength, reporting (RFC 7489). */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

const OK_RCODES = new Set(['NOERROR', 'NXDOMAIN']);

export default defineAudit({
  meta: {
    id: 'email-dmarc',
    emits: [
      'email/dmarc-missing', 'email/dmarc-invalid', 'email/dmarc-policy-none', 'email/dmarc-no-reports',
      'email/dmarc-external-reports-unauthorized',
    ],
    requiredArtifacts: ['email'],
    description: 'DMARC record present, valid, enforcing and reporting',
  },
  audit({ email }) {
    const d = email.dmarc;
    const target = d.name;
    if (!OK_RCODES.has(d.rcode)) return { findings: [], notApplicable: `TXT query for ${d.name} failed: ${d.rcode}` };
    if (d.records.length === 0) {
      return {
        findings: [{
          rule: 'email/dmarc-missing', target: `_dmarc.${email.domain}`, evidence: { name: `_dmarc.${email.domain}`, orgDomainChecked: d.orgDomain },
          remediation: `Publish TXT at _dmarc.${email.domain}: \`v=DMARC1; p=none; rua=mailto:dmarc@${email.domain}\`, then tighten to p=quarantine and p=reject.`,
        }],
        targets: [target],
      };
    }
    if (d.error || !d.record) {
      return { findings: [{ rule: 'email/dmarc-invalid', target, evidence: { ...d.error, records: d.records.length } }], targets: [target] };
    }
    const r = d.record;
    const findings: FindingDraft[] = [];
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
