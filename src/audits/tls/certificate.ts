/**
 * tls/expired, tls/expiring-soon, tls/hostname-mismatch, tls/untrusted-chain: the leaf
 * certificate of each name, judged at the run's time (ctx.now).
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { TlsSummary } from '../../net/types.js';

const DAY_MS = 86_400_000;
/** OpenSSL verify codes that mean the chain is not anchored in a trusted root. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
]);

/** Why the chain is untrusted, in the words an operator searches for. */
export function chainProblem(t: TlsSummary): 'self-signed' | 'missing intermediate' | 'unknown root' {
  const leaf = t.chain[0];
  if (t.authorizationError === 'DEPTH_ZERO_SELF_SIGNED_CERT' || (leaf?.selfSigned && t.chain.length === 1)) return 'self-signed';
  if (t.authorizationError === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' && t.chain.length <= 1) return 'missing intermediate';
  return 'unknown root';
}

export default defineAudit({
  meta: {
    id: 'tls-certificate',
    emits: ['tls/expired', 'tls/expiring-soon', 'tls/hostname-mismatch', 'tls/untrusted-chain'],
    requiredArtifacts: ['tls'],
    description: 'Certificates are valid, trusted, cover the name and are not about to expire',
  },
  audit({ tls }, { now }) {
    const findings: FindingDraft[] = [];
    const targets: string[] = [];
    for (const t of tls) {
      const target = `${t.host}:${t.port}`;
      const leaf = t.chain[0];
      if (t.error || !leaf) continue; // no handshake: reported by the edge rules, not as a certificate problem
      targets.push(target);
      const from = Date.parse(leaf.validFrom);
      const to = Date.parse(leaf.validTo);
      const daysLeft = Math.floor((to - now) / DAY_MS);
      const base = { subject: leaf.commonName ?? leaf.subject, issuer: leaf.issuer, validFrom: leaf.validFrom, validTo: leaf.validTo };
      if (now > to || now < from) {
        findings.push({ rule: 'tls/expired', target, evidence: { ...base, state: now > to ? 'expired' : 'not yet valid', daysLeft } });
      } else if (daysLeft < 30) {
        findings.push({ rule: 'tls/expiring-soon', target, severity: daysLeft < 14 ? 'high' : 'medium', evidence: { ...base, daysLeft } });
      }
      if (!t.hostnameMatches) {
        findings.push({
          rule: 'tls/hostname-mismatch',
          target,
          evidence: { servername: t.servername ?? t.host, subjectAltNames: leaf.subjectAltNames.slice(0, 20) },
        });
      }
      if (!t.authorized && t.authorizationError && UNTRUSTED.has(t.authorizationError)) {
        findings.push({
          rule: 'tls/untrusted-chain',
          target,
          evidence: { problem: chainProblem(t), code: t.authorizationError, chain: t.chain.map((c) => c.commonName ?? c.subject) },
        });
      }
    }
    return { findings, targets };
  },
});
