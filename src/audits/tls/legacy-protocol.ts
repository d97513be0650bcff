/**
 * tls/legacy-protocol: the server completes a handshake pinned to TLS 1.0 or TLS 1.1 (RFC 8996
 * deprecates both). Also publishes `metrics.tlsDetails`: per host, key type and size, signature
 * algorithm, OCSP stapling, issuer (ACME or not, lifetime) and SANs.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { TlsNameSummary } from '../../gather/artifacts.js';
import { acmeIssuer, SHORT_LIFETIME_DAYS } from './acme.js';

const DAY_MS = 86_400_000;

export function legacyVersions(t: TlsNameSummary): string[] {
  if (!t.legacy) return [];
  return [...(t.legacy.tls1_0 ? ['TLSv1'] : []), ...(t.legacy.tls1_1 ? ['TLSv1.1'] : [])];
}

export function tlsDetails(t: TlsNameSummary): Record<string, unknown> | null {
  const leaf = t.chain[0];
  if (!leaf) return null;
  const lifetimeDays = Math.round((Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / DAY_MS);
  const acme = acmeIssuer(leaf.issuer);
  return {
    ...(t.protocol ? { protocol: t.protocol } : {}),
    ...(t.cipher ? { cipher: t.cipher } : {}),
    ...(leaf.keyType ? { keyType: leaf.keyType } : {}),
    ...(leaf.keyBits ? { keyBits: leaf.keyBits } : {}),
    ...(leaf.signatureAlgorithm ? { signatureAlgorithm: leaf.signatureAlgorithm } : {}),
    ocspStapled: t.ocspStapled,
    issuer: leaf.issuer,
    ...(acme ? { acmeIssuer: acme } : {}),
    lifetimeDays,
    shortLived: lifetimeDays <= SHORT_LIFETIME_DAYS,
    // Automatic renewal is likely when an ACME CA issued a short-lived certificate.
    autoRenewalLikely: !!acme && lifetimeDays <= SHORT_LIFETIME_DAYS,
    subjectAltNames: leaf.subjectAltNames.slice(0, 20),
    ...(t.legacy ? { legacyProtocols: legacyVersions(t) } : {}),
  };
}

export default defineAudit({
  meta: {
    id: 'tls-legacy-protocol',
    emits: ['tls/legacy-protocol'],
    requiredArtifacts: ['tls'],
    description: 'TLS 1.0 and 1.1 are refused; certificate key, signature, stapling and issuer details',
  },
  audit({ tls }) {
    const findings: FindingDraft[] = [];
    const targets: string[] = [];
    const details: Record<string, unknown> = {};
    for (const t of tls) {
      const target = `${t.host}:${t.port}`;
      const d = tlsDetails(t);
      if (d) details[target] = d;
      if (!t.legacy) continue;
      const accepted = legacyVersions(t);
      // Both legacy probes failed for another reason (timeout, reset before hello): not checked.
      if (!accepted.length && t.legacy.errors && Object.keys(t.legacy.errors).length === 2) continue;
      targets.push(target);
      if (accepted.length) {
        findings.push({
          rule: 'tls/legacy-protocol',
          target,
          evidence: { accepted, ...(t.protocol ? { preferred: t.protocol } : {}) },
        });
      }
    }
    return { findings, targets, ...(Object.keys(details).length ? { metrics: { tlsDetails: details } } : {}) };
  },
});
