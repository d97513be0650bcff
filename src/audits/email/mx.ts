/** email/mx-missing: the domain that receives replies and bounces has no MX (and no null MX, RFC 7505). */
import { defineAudit } from '../../core/audit.js';

export default defineAudit({
  meta: {
    id: 'email-mx',
    emits: ['email/mx-missing'],
    requiredArtifacts: ['email'],
    description: 'The sending domain can receive replies and bounces (MX or null MX)',
  },
  audit({ email }) {
    const { rcode, hosts } = email.mx;
    if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') return { findings: [], notApplicable: `MX query for ${email.domain} failed: ${rcode}` };
    return {
      findings: hosts.length ? [] : [{ rule: 'email/mx-missing', target: email.domain, evidence: { rcode } }],
      targets: [email.domain],
    };
  },
});
