/**
 * dns/unresolved: apex, www or a declared subdomain has no A/AAAA, or its CNAME chain ends nowhere.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

export default defineAudit({
  meta: {
    id: 'dns-unresolved',
    emits: ['dns/unresolved'],
    requiredArtifacts: ['dns'],
    description: 'Every production name resolves to an address',
  },
  audit({ dns }) {
    const findings: FindingDraft[] = [];
    for (const d of dns) {
      if (d.addresses.length) continue;
      findings.push({
        rule: 'dns/unresolved',
        target: d.name,
        evidence: {
          a: d.a.rcode,
          aaaa: d.aaaa.rcode,
          ...(d.cnameChain.length ? { cnameChain: d.cnameChain.map((h) => `${h.from} -> ${h.to}`), endsAt: d.finalName } : {}),
          ...(d.a.error ? { error: d.a.error } : {}),
        },
      });
    }
    return { findings, targets: dns.map((d) => d.name) };
  },
});
