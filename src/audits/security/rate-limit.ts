/** security/no-rate-limit: a bounded burst against each login, signup, reset and search endpoint. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { skippedReason } from './shared.js';

/** A burst cut short by the window still counts once it sent this many requests unanswered by a limit. */
const MIN_CONCLUSIVE = 10;

export default defineAudit({
  meta: {
    id: 'security-rate-limit',
    emits: ['security/no-rate-limit'],
    requiredArtifacts: ['security'],
    description: 'Login, signup, password-reset and search endpoints limit bursts',
  },
  audit({ security: a }) {
    const done = a.bursts.filter((b) => b.stoppedBy !== 'error' && b.stoppedBy !== 'aborted' && b.sent > 0);
    if (!done.length) {
      return { findings: [], notApplicable: skippedReason(a, 'rate-limit') ?? (a.bursts.length ? 'every burst failed to reach its endpoint' : 'no login, signup, reset or search endpoints in security.endpoints') };
    }
    const findings: FindingDraft[] = [];
    for (const b of done) {
      if (b.limitedAt !== undefined) continue;
      if (b.stoppedBy === 'time' && b.sent < Math.min(b.burst, MIN_CONCLUSIVE)) continue;
      findings.push({
        rule: 'security/no-rate-limit',
        target: b.url,
        evidence: { role: b.role, method: b.method, sent: b.sent, statuses: b.statuses, windowMs: b.windowMs, elapsedMs: b.elapsedMs },
        ...(b.role === 'search' ? { severity: 'medium' as const } : {}),
        key: `security/no-rate-limit ${b.role} ${b.url}`,
      });
    }
    return { findings, targets: done.map((b) => b.url) };
  },
});
