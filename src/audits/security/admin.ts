/**
 * security/admin-unauthenticated: admin URLs fetched anonymously (and with an ordinary user's
 * session when security.session is set). A login page or a catch-all page is a pass.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { isLoginPage, looksLikeNotFound } from '../../probe/admin.js';
import { skippedReason } from './shared.js';

export default defineAudit({
  meta: {
    id: 'security-admin',
    emits: ['security/admin-unauthenticated'],
    requiredArtifacts: ['security'],
    description: 'Admin URLs refuse anonymous and ordinary users',
  },
  audit({ security: a }) {
    const reached = a.admin.filter((p) => p.exchange.status > 0);
    if (!reached.length) return { findings: [], notApplicable: skippedReason(a, 'all') ?? (a.admin.length ? 'no admin URL answered' : 'no admin URLs (security.admin) and no API hosts to try') };
    const findings: FindingDraft[] = [];
    for (const p of reached) {
      const x = p.exchange;
      if (x.status < 200 || x.status >= 300 || x.bodyBytes === 0) continue;
      if (isLoginPage(x.body) || looksLikeNotFound(x, p.bodyHash, p.notFound)) continue;
      const type = [x.headers['content-type'] ?? ''].flat()[0]!;
      findings.push({
        rule: 'security/admin-unauthenticated',
        target: p.url,
        evidence: { as: p.as, source: p.source, status: x.status, finalUrl: x.url, contentType: type, bytes: x.bodyBytes },
        key: `security/admin-unauthenticated ${p.url} ${p.as}`,
      });
    }
    return { findings, targets: [...new Set(reached.map((p) => p.url))] };
  },
});
