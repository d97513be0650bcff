/**
 * security/cors-reflects-origin and security/cors-wildcard-credentials: how each API base answered
 * simple and preflight requests from foreign, look-alike, `null` and subdomain origins.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { readCors } from '../../probe/cors.js';
import { keyHeaders, req, skippedReason } from './shared.js';

const CORS_HEADERS = ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods', 'vary'];

export default defineAudit({
  meta: {
    id: 'security-cors',
    emits: ['security/cors-reflects-origin', 'security/cors-wildcard-credentials'],
    requiredArtifacts: ['security'],
    description: 'APIs allow CORS only for the configured origins, never `*` or `null` with credentials',
  },
  audit({ security: a }) {
    const metrics = { security: { requestsSent: a.requestsSent, activeHosts: a.activeHosts, offScope: a.offScope, skipped: a.skipped } };
    if (!a.cors.length) return { findings: [], notApplicable: skippedReason(a, 'all') ?? 'no API base URLs in security.apis', metrics };
    const findings: FindingDraft[] = [];
    const targets = [...new Set(a.cors.filter((c) => c.simple.status > 0 || c.preflight.status > 0).map((c) => c.base))];
    for (const base of targets) {
      const probes = a.cors.filter((c) => c.base === base);
      const reflected: Record<string, unknown>[] = [];
      const wildcard: Record<string, unknown>[] = [];
      let credentials = false;
      for (const c of probes) {
        for (const x of [c.simple, c.preflight]) {
          if (x.status === 0) continue;
          const v = readCors(x, c.origin);
          const seen = { origin: c.origin, kind: c.kind, request: req(x), status: x.status, headers: keyHeaders(x, CORS_HEADERS) };
          if ((v.wildcard && v.credentials) || (c.kind === 'null' && v.reflected && v.credentials)) wildcard.push(seen);
          else if (v.reflected && c.kind !== 'null' && !c.allowed) {
            reflected.push(seen);
            credentials ||= v.credentials;
          }
        }
      }
      if (reflected.length) {
        const onlySubdomains = reflected.every((r) => r.kind === 'subdomain');
        findings.push({
          rule: 'security/cors-reflects-origin',
          target: base,
          evidence: { credentials, origins: [...new Set(reflected.map((r) => r.origin as string))], exchanges: reflected.slice(0, 4) },
          ...(onlySubdomains ? { severity: 'high' as const } : {}),
        });
      }
      if (wildcard.length) findings.push({ rule: 'security/cors-wildcard-credentials', target: base, evidence: { exchanges: wildcard.slice(0, 2) } });
    }
    if (!targets.length) return { findings, notApplicable: 'no API base URL answered', metrics };
    return { findings, targets, metrics };
  },
});
