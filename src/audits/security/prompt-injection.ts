/** security/prompt-injection: the bounded attack suite against config.security.ai.endpoints. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { skippedReason } from './shared.js';

export default defineAudit({
  meta: {
    id: 'security-prompt-injection',
    emits: ['security/prompt-injection'],
    requiredArtifacts: ['security'],
    description: 'AI endpoints keep their canary and ignore injected instructions',
  },
  audit({ security: a }) {
    const answered = a.ai.filter((p) => p.exchange.status > 0);
    if (!answered.length) return { findings: [], notApplicable: skippedReason(a, 'prompt-injection') ?? (a.ai.length ? 'no AI endpoint answered' : 'off (security.ai.enabled with endpoints turns it on)') };
    const findings: FindingDraft[] = [];
    for (const url of new Set(answered.map((p) => p.url))) {
      const hits = answered.filter((p) => p.url === url && (p.canaryLeaked || p.markerFollowed));
      if (!hits.length) continue;
      findings.push({
        rule: 'security/prompt-injection',
        target: url,
        evidence: { attacks: hits.map((p) => ({ attack: p.attack, canaryLeaked: p.canaryLeaked, followed: p.markerFollowed, status: p.exchange.status })), canaryConfigured: a.aiCanaryConfigured },
      });
    }
    return { findings, targets: [...new Set(answered.map((p) => p.url))] };
  },
});
