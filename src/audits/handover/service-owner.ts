/**
 * handover/service-without-owner: a service listed in handover.services without a billing owner, or
 * a service recognised from env var names, SDKs in package.json or email providers that the list
 * does not name at all.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { buildSummary } from '../../handover/summary.js';

export default defineAudit({
  meta: {
    id: 'handover-service-owner',
    emits: ['handover/service-without-owner'],
    requiredArtifacts: ['handover'],
    description: 'Every third-party service has a billing owner',
  },
  audit({ handover }, { config }) {
    const { services } = buildSummary(handover, config);
    const findings: FindingDraft[] = [];
    for (const s of services) {
      if (s.billingOwner) continue;
      findings.push({
        rule: 'handover/service-without-owner',
        target: s.name,
        evidence: s.declared
          ? { listed: 'handover.services', missing: 'billingOwner', ...(s.purpose ? { purpose: s.purpose } : {}) }
          : { listed: false, detectedFrom: s.detectedFrom, ...(s.purpose ? { purpose: s.purpose } : {}) },
        ...(s.declared ? {} : { remediation: `${s.name} is in use (${s.detectedFrom[0]}) but handover.services does not list it: add it with purpose, billingOwner and where its credentials live.` }),
      });
    }
    return { findings, targets: services.map((s) => s.name) };
  },
});
