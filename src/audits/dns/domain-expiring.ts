/**
 * dns/domain-expiring: the apex registration (RDAP events[eventAction=expiration]) ends within
 * 30 days (high) or 7 days (blocker). Also publishes `metrics.registration` for the handover pack.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

const DAY_MS = 86_400_000;

export default defineAudit({
  meta: {
    id: 'dns-domain-expiring',
    emits: ['dns/domain-expiring'],
    requiredArtifacts: ['rdap'],
    description: 'The domain registration does not lapse around launch (RDAP)',
  },
  audit({ rdap }, { now }) {
    if (rdap.status === 404) return { findings: [], notApplicable: `RDAP ${rdap.url} does not know ${rdap.domain} (404)` };
    if (rdap.status !== 200) return { findings: [], notApplicable: `RDAP ${rdap.url} answered HTTP ${rdap.status}` };
    if (rdap.problem) return { findings: [], notApplicable: `RDAP ${rdap.url}: ${rdap.problem}` };
    if (!rdap.expiresAt) return { findings: [], notApplicable: `RDAP ${rdap.url}: no expiration event for ${rdap.domain}` };
    const daysLeft = Math.floor((Date.parse(rdap.expiresAt) - now) / DAY_MS);
    const registration = {
      domain: rdap.domain,
      expiresAt: rdap.expiresAt,
      daysLeft,
      ...(rdap.registrar ? { registrar: rdap.registrar } : {}),
      ...(rdap.registeredAt ? { registeredAt: rdap.registeredAt } : {}),
      ...(rdap.nameservers ? { nameservers: rdap.nameservers } : {}),
    };
    const findings: FindingDraft[] = [];
    if (daysLeft <= 30) {
      findings.push({
        rule: 'dns/domain-expiring',
        target: rdap.domain,
        severity: daysLeft <= 7 ? 'blocker' : 'high',
        evidence: { expiresAt: rdap.expiresAt, daysLeft, state: daysLeft < 0 ? 'expired' : 'expiring', ...(rdap.registrar ? { registrar: rdap.registrar } : {}) },
      });
    }
    return { findings, targets: [rdap.domain], metrics: { registration } };
  },
});
