/**
 * dns/dangling-cname: a production name's CNAME chain points at a provider resource nobody owns.
 * Whoever claims that resource at the provider serves content on our name (subdomain takeover).
 *
 * Two ways to see it:
 * - the chain ends at a name that does not exist (NXDOMAIN), with the provider named from the
 *   fingerprint table when a hop matches it;
 * - the chain resolves to a takeover-prone provider (src/audits/dns/providers.ts) and the page the
 *   edge gatherer fetched for our name over http:// or https:// is that provider's documented
 *   "not claimed" page (GitHub's "There isn't a GitHub Pages site here.", Heroku's "No such app").
 * Severity is medium instead of blocker when the provider now verifies ownership ("not
 * vulnerable" in can-i-take-over-xyz): the name is broken, but nobody else can claim it.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft, Severity } from '../../core/types.js';
import type { DnsNameInfo, EdgeProbe } from '../../gather/artifacts.js';
import { matchNotFoundPage, matchTakeoverProvider, TAKEOVER_PROVIDERS, type TakeoverProvider } from './providers.js';

/** True when the chain revisits a name (the gatherer stops at the repeat). */
export function isLoop(d: DnsNameInfo): boolean {
  const froms = new Set(d.cnameChain.map((h) => h.from));
  return d.cnameChain.length > 0 && froms.has(d.cnameChain[d.cnameChain.length - 1]!.to);
}

/** The provider of the hop nearest the end of the chain (shop -> shop.example.net -> x.myshopify.com). */
export function chainProvider(d: DnsNameInfo, table: readonly TakeoverProvider[] = TAKEOVER_PROVIDERS): TakeoverProvider | undefined {
  for (const h of [...d.cnameChain].reverse()) {
    const p = matchTakeoverProvider(h.to, table);
    if (p) return p;
  }
  return undefined;
}

function severityOf(p: TakeoverProvider | undefined): { severity?: Severity } {
  return p?.status === 'not vulnerable' ? { severity: 'medium' } : {};
}

/** The finding for a chain ending in NXDOMAIN, or null (not dangling, or the answer is inconclusive). */
export function danglingFinding(d: DnsNameInfo, table: readonly TakeoverProvider[] = TAKEOVER_PROVIDERS): FindingDraft | null {
  if (!d.cnameChain.length || d.addresses.length || isLoop(d)) return null;
  // NXDOMAIN is conclusive; SERVFAIL or a timeout says nothing about whether the target exists.
  const rcode = d.a.rcode === 'NXDOMAIN' || d.aaaa.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : null;
  if (!rcode) return null;
  const provider = chainProvider(d, table);
  return finding(
    d,
    provider,
    {
      rcode,
      ...(provider
        ? { provider: provider.provider, takeover: provider.status, notFoundSignature: provider.nxdomain ? 'NXDOMAIN' : (provider.body[0] ?? 'NXDOMAIN'), source: provider.source }
        : {}),
    },
    `Delete the CNAME of ${d.name} (it points at ${d.finalName}, which does not exist)${provider ? `, or re-create the resource at ${provider.provider} before anyone else claims it` : ''}.`,
  );
}

/** Both forms of the finding: the chain and its end first, then what shows it is claimable. */
function finding(d: DnsNameInfo, provider: TakeoverProvider | undefined, evidence: Record<string, unknown>, remediation: string): FindingDraft {
  return {
    rule: 'dns/dangling-cname',
    target: d.name,
    ...severityOf(provider),
    evidence: { cnameChain: d.cnameChain.map((h) => `${h.from} -> ${h.to}`), danglingTarget: d.finalName, ...evidence },
    remediation,
  };
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * The finding for a chain that resolves to a provider which answers our name with its "not
 * claimed" page, or null. Only responses for our name itself count (not a page reached by
 * redirect to another name).
 */
export function unclaimedFinding(d: DnsNameInfo, probe: EdgeProbe | undefined, table: readonly TakeoverProvider[] = TAKEOVER_PROVIDERS): FindingDraft | null {
  if (!probe || !d.cnameChain.length || !d.addresses.length || isLoop(d)) return null;
  const provider = chainProvider(d, table);
  if (!provider?.body.length) return null;
  for (const x of [probe.http, probe.https]) {
    if (x.status <= 0 || hostOf(x.finalUrl) !== d.name) continue;
    const signature = matchNotFoundPage(provider, x.status, x.body);
    if (!signature) continue;
    return finding(
      d,
      provider,
      { provider: provider.provider, takeover: provider.status, url: x.finalUrl, status: x.status, notFoundSignature: signature, source: provider.source },
      `Delete the CNAME of ${d.name} (${provider.provider} answers it with its "not claimed" page), or claim ${d.finalName} at ${provider.provider} under your account before anyone else does.`,
    );
  }
  return null;
}

export default defineAudit({
  meta: {
    id: 'dns-dangling-cname',
    emits: ['dns/dangling-cname'],
    requiredArtifacts: ['dns', 'edge'],
    description: 'No CNAME points at a name that no longer exists or that its provider serves as unclaimed (subdomain takeover)',
  },
  audit({ dns, edge }) {
    const findings = dns
      .map((d) => danglingFinding(d) ?? unclaimedFinding(d, edge.find((p) => p.name === d.name)))
      .filter((f): f is FindingDraft => f !== null);
    return { findings, targets: dns.filter((d) => d.cnameChain.length).map((d) => d.name) };
  },
});
