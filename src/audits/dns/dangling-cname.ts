/**
 * dns/dangling-cname: a production name's CNAME chain ends at a name that does not exist
 * (NXDOMAIN). Whoever registers that name at the provider serves content on our name (subdomain
 * takeover). The provider is named from the fingerprint table when a hop matches it.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { DnsNameInfo } from '../../gather/artifacts.js';
import { matchTakeoverProvider, TAKEOVER_PROVIDERS, type TakeoverProvider } from './providers.js';

/** True when the chain revisits a name (the gatherer stops at the repeat). */
export function isLoop(d: DnsNameInfo): boolean {
  const froms = new Set(d.cnameChain.map((h) => h.from));
  return d.cnameChain.length > 0 && froms.has(d.cnameChain[d.cnameChain.length - 1]!.to);
}

/** The finding for one name, or null when it is not dangling (or the answer is inconclusive). */
export function danglingFinding(d: DnsNameInfo, table: readonly TakeoverProvider[] = TAKEOVER_PROVIDERS): FindingDraft | null {
  if (!d.cnameChain.length || d.addresses.length || isLoop(d)) return null;
  // NXDOMAIN is conclusive; SERVFAIL or a timeout says nothing about whether the target exists.
  const rcode = d.a.rcode === 'NXDOMAIN' || d.aaaa.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : null;
  if (!rcode) return null;
  // The provider's name may sit anywhere in the chain (shop -> shop.example.net -> x.myshopify.com).
  const targets = d.cnameChain.map((h) => h.to);
  let provider: TakeoverProvider | undefined;
  for (const t of [...targets].reverse()) {
    provider = matchTakeoverProvider(t, table);
    if (provider) break;
  }
  return {
    rule: 'dns/dangling-cname',
    target: d.name,
    evidence: {
      cnameChain: d.cnameChain.map((h) => `${h.from} -> ${h.to}`),
      danglingTarget: d.finalName,
      rcode,
      ...(provider ? { provider: provider.provider, takeover: provider.status, notFoundSignature: provider.notFound, source: provider.source } : {}),
    },
    remediation: `Delete the CNAME of ${d.name} (it points at ${d.finalName}, which does not exist)${provider ? `, or re-create the resource at ${provider.provider} before anyone else claims it` : ''}.`,
  };
}

export default defineAudit({
  meta: {
    id: 'dns-dangling-cname',
    emits: ['dns/dangling-cname'],
    requiredArtifacts: ['dns'],
    description: 'No CNAME points at a name that no longer exists (subdomain takeover)',
  },
  audit({ dns }) {
    const findings = dns.map((d) => danglingFinding(d)).filter((f): f is FindingDraft => f !== null);
    return { findings, targets: dns.filter((d) => d.cnameChain.length).map((d) => d.name) };
  },
});
