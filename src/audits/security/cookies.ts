/** security/insecure-cookie: session-like cookies set by any probed response. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { hostPrefixSuggestion, isSessionLike, missingFlags } from '../../probe/cookies.js';

export default defineAudit({
  meta: {
    id: 'security-cookies',
    emits: ['security/insecure-cookie'],
    requiredArtifacts: ['security'],
    description: 'Session cookies carry Secure, HttpOnly and SameSite',
  },
  audit({ security: a }) {
    const session = a.cookies.filter(isSessionLike);
    if (!session.length) return { findings: [], notApplicable: a.cookies.length ? 'no session-like cookie was set' : 'no cookie was set (security.session logs in a test user)' };
    const findings: FindingDraft[] = [];
    const targets: string[] = [];
    for (const c of session) {
      const target = `${new URL(c.url).origin} cookie ${c.name}`;
      if (targets.includes(target)) continue;
      targets.push(target);
      const missing = missingFlags(c);
      if (!missing.length) continue;
      const suggestion = hostPrefixSuggestion(c);
      findings.push({
        rule: 'security/insecure-cookie',
        target,
        evidence: { cookie: c.name, missing, setBy: c.url, sameSite: c.sameSite, domain: c.domain, ...(suggestion ? { suggestion } : {}) },
        ...(suggestion
          ? { remediation: `Set it as \`${suggestion}=…; Path=/; Secure; HttpOnly; SameSite=Lax\` (no Domain attribute): browsers then refuse it over HTTP and from subdomains.` }
          : {}),
      });
    }
    return { findings, targets };
  },
});
