/**
 * edge/no-edge-protection: is a CDN / edge proxy in front of each name? Detected from response
 * headers and addresses (src/audits/edge/cdn.ts). Names whose addresses are all loopback or
 * private (the demo, an intranet staging box) carry no public traffic: they are not judged, and
 * when no name is public the rule is reported as skipped with that reason.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { edgeOfProbe, isPublicAddress } from './cdn.js';

export default defineAudit({
  meta: {
    id: 'edge-protection',
    emits: ['edge/no-edge-protection'],
    requiredArtifacts: ['edge', 'dns'],
    description: 'A CDN or edge proxy fronts every public name',
  },
  audit({ edge, dns }) {
    const findings: FindingDraft[] = [];
    const checked: string[] = [];
    const providers: { name: string; provider: string | null; by?: string }[] = [];
    let privateOnly = 0;
    for (const p of edge) {
      const { answered, addresses: addrs, detection: det } = edgeOfProbe(p, dns.find((d) => d.name === p.name)?.addresses ?? []);
      if (!answered) continue;
      providers.push({ name: p.name, provider: det?.name ?? null, ...(det ? { by: det.by } : {}) });
      if (!addrs.some(isPublicAddress)) {
        privateOnly++;
        continue;
      }
      checked.push(p.name);
      if (!det) {
        const x = p.https.status > 0 ? p.https : p.http;
        const server = x.headers.server;
        findings.push({ rule: 'edge/no-edge-protection', target: p.name, evidence: { addresses: addrs.slice(0, 4), server: server === undefined ? null : String(server) } });
      }
    }
    const metrics = { edgeProviders: providers };
    if (!checked.length && privateOnly > 0) {
      return { findings: [], metrics, notApplicable: 'every name is served from loopback or private addresses: no public traffic to protect' };
    }
    return { findings, targets: checked, metrics };
  },
});
