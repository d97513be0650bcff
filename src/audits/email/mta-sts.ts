/** email/mta-sts-missing: no `v=STSv1` TXT at _mta-sts.<domain> (RFC 8461 3.1). */
import { defineAudit } from '../../core/audit.js';

export default defineAudit({
  meta: {
    id: 'email-mta-sts',
    emits: ['email/mta-sts-missing'],
    requiredArtifacts: ['email'],
    description: 'An MTA-STS policy is announced',
  },
  audit({ email }) {
    const { rcode, record } = email.mtaSts;
    const target = `_mta-sts.${email.domain}`;
    if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') return { findings: [], notApplicable: `TXT query for ${target} failed: ${rcode}` };
    // A domain that never receives mail (null MX) has nothing for MTA-STS to protect.
    if (email.mx.nullMx) return { findings: [], notApplicable: `${email.domain} publishes a null MX` };
    return {
      findings: record ? [] : [{ rule: 'email/mta-sts-missing', target, evidence: { rcode, tlsRpt: email.tlsRpt.record !== null } }],
      targets: [target],
    };
  },
});
