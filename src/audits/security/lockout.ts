/**
 * security/no-account-lockout (info): security.lockout showed a per-IP limit on login but no
 * per-account one (see the verdict table in rate-limit.ts). The other outcomes belong to
 * security/no-rate-limit (neither limit; per account only).
 */
import { defineAudit } from '../../core/audit.js';
import { skippedReason } from './shared.js';
import { lockoutEvidence, lockoutVerdict } from './rate-limit.js';

export default defineAudit({
  meta: {
    id: 'security-lockout',
    emits: ['security/no-account-lockout'],
    requiredArtifacts: ['security'],
    description: 'Login limits failed attempts per account, not only per IP (security.lockout)',
  },
  audit({ security: a }) {
    const l = a.lockout;
    if (!l) {
      return { findings: [], notApplicable: skippedReason(a, 'lockout', true) ?? 'security.lockout is not set (an account to burst on one login endpoint)' };
    }
    const v = lockoutVerdict(l);
    if (v.kind === 'inconclusive') return { findings: [], notApplicable: `lockout: ${v.reason}` };
    if (v.kind !== 'per-ip-only') return { findings: [], targets: [l.url] };
    return { findings: [{ rule: 'security/no-account-lockout', target: l.url, evidence: { method: l.method, ...lockoutEvidence(l, v) } }], targets: [l.url] };
  },
});
