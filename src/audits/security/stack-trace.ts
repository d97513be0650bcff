/** security/stack-trace-exposed: any probe response carrying a stack trace or a debug page. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { findLeak } from '../../probe/signatures.js';
import { allExchanges, req } from './shared.js';

export default defineAudit({
  meta: {
    id: 'security-stack-trace',
    emits: ['security/stack-trace-exposed'],
    requiredArtifacts: ['security'],
    description: 'Error responses carry no stack traces or framework debug pages',
  },
  audit({ security: a }) {
    const all = allExchanges(a).filter((e) => e.x.status > 0);
    if (!all.length) return { findings: [], notApplicable: 'no probe got a response' };
    const findings: FindingDraft[] = [];
    const seen = new Set<string>();
    for (const { probe, x } of all) {
      const leak = findLeak(x.body);
      if (!leak) continue;
      const target = x.url.split('?')[0]!;
      if (seen.has(target)) continue;
      seen.add(target);
      findings.push({
        rule: 'security/stack-trace-exposed',
        target,
        evidence: { framework: leak.framework, signature: leak.id, excerpt: leak.excerpt, request: req(x), status: x.status, probe },
      });
    }
    return { findings, targets: [...new Set(all.map((e) => e.x.url.split('?')[0]!))] };
  },
});
