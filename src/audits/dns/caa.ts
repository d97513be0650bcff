/** dns/caa-missing: no CAA record at the registered domain (RFC 8659). */
import { defineAudit } from '../../core/audit.js';

export default defineAudit({
  meta: {
    id: 'dns-caa',
    emits: ['dns/caa-missing'],
    requiredArtifacts: ['dns'],
    description: 'A CAA record restricts which CAs may issue certificates',
  },
  audit({ dns }) {
    const apex = dns.find((d) => d.caa);
    if (!apex?.caa) return { findings: [], notApplicable: 'no apex name to check' };
    if (apex.caa.rcode !== 'NOERROR' && apex.caa.rcode !== 'NXDOMAIN') {
      return { findings: [], notApplicable: `CAA query for ${apex.name} failed: ${apex.caa.rcode}` };
    }
    const issue = apex.caa.answers.filter((r) => r.type === 'CAA' && (r.tag === 'issue' || r.tag === 'issuewild'));
    return {
      findings: issue.length ? [] : [{ rule: 'dns/caa-missing', target: apex.name, evidence: { rcode: apex.caa.rcode, records: apex.caa.answers.length } }],
      targets: [apex.name],
    };
  },
});
