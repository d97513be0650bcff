/** email/dkim-missing and email/dkim-weak-key: DKIM keys at the configured and common selectors. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

/** Below this many RSA bits the key is weak (medium); below HIGH_BELOW it is high. */
const MIN_RSA_BITS = 2048;
const HIGH_BELOW = 1024;

/** SPF authorises nobody: no network, no lookup, and the default is fail. */
function sendsNoMail(email: { spf: { posture: { record: string | null; lookups: number; networks: unknown[]; allQualifier: string | null } } }): boolean {
  const p = email.spf.posture;
  return p.record !== null && p.lookups === 0 && p.networks.length === 0 && p.allQualifier === '-';
}

export default defineAudit({
  meta: {
    id: 'email-dkim',
    emits: ['email/dkim-missing', 'email/dkim-weak-key'],
    requiredArtifacts: ['email'],
    description: 'A DKIM key is published and is at least 2048-bit RSA',
  },
  audit({ email }) {
    const found = email.dkim.selectors.filter((s) => s.found);
    if (found.length === 0 && sendsNoMail(email)) {
      // RFC 7208 / M3AAWG parked-domain practice: `v=spf1 -all` (plus a null MX) declares that the
      // domain sends no mail at all, so there is nothing to sign.
      return { findings: [], notApplicable: `${email.domain} declares it sends no mail (v=spf1 -all)` };
    }
    const usable = found.filter((s) => !s.revoked);
    if (usable.length === 0) {
      return {
        findings: [{
          rule: 'email/dkim-missing', target: email.domain,
          evidence: { selectorsTried: email.dkim.tried, revoked: found.map((s) => s.selector) },
        }],
        targets: [email.domain],
      };
    }
    const findings: FindingDraft[] = [];
    for (const s of usable) {
      if (s.keyType !== 'rsa' || s.bits === undefined || s.bits >= MIN_RSA_BITS) continue;
      findings.push({
        rule: 'email/dkim-weak-key', target: s.name,
        evidence: { selector: s.selector, keyType: s.keyType, bits: s.bits },
        severity: s.bits < HIGH_BELOW ? 'high' : 'medium',
      });
    }
    return { findings, targets: usable.map((s) => s.name) };
  },
});
