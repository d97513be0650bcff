/**
 * dns/points-to-staging: a production name (or a hop of its CNAME chain) is a declared staging
 * host, matches a declared staging pattern, or resolves into a declared staging address/range
 * (blocker); or it only looks like a preview/staging deployment, or shares an address with a
 * declared staging host (medium: strong hint, not proof).
 *
 * This audit also publishes the domain map (`metrics.domainMap`): it already joins every fact the
 * map needs, and an audit must emit a rule to be planned at all. It requires `edge` only for the
 * map's edge and header-based hosting columns.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { DnsNameInfo, ZoneFacts } from '../../gather/artifacts.js';
import { buildDomainMap } from './domain-map.js';
import { addressMatches, nameMatches, parseStaging, previewLike } from './staging.js';

export interface StagingMatch {
  kind: 'declared-host' | 'declared-pattern' | 'declared-address' | 'preview-like' | 'shared-address';
  /** Name or address of ours that matched. */
  value: string;
  /** The staging entry, heuristic or staging host it matched. */
  matched: string;
}

export function stagingMatches(d: DnsNameInfo, stagingConfig: readonly string[], zone: Pick<ZoneFacts, 'staging'>): StagingMatch[] {
  const entries = parseStaging(stagingConfig);
  const out: StagingMatch[] = [];
  const chainNames = [d.name, ...d.cnameChain.map((h) => h.to)];
  for (const n of chainNames) {
    for (const e of entries) {
      if (nameMatches(e, n)) out.push({ kind: e.kind === 'host' ? 'declared-host' : 'declared-pattern', value: n, matched: e.raw });
    }
  }
  for (const a of d.addresses) {
    for (const e of entries) if (addressMatches(e, a)) out.push({ kind: 'declared-address', value: a, matched: e.raw });
  }
  // Heuristics look at CNAME targets only: the production name itself is what the user declared.
  for (const n of chainNames.slice(1)) {
    const why = previewLike(n);
    if (why) out.push({ kind: 'preview-like', value: n, matched: why });
  }
  const declared = new Set(out.filter((m) => m.kind === 'declared-address').map((m) => m.value));
  for (const s of zone.staging) {
    if (s.name === d.name) continue;
    for (const a of d.addresses) {
      if (s.addresses.includes(a) && !declared.has(a)) out.push({ kind: 'shared-address', value: a, matched: s.name });
    }
  }
  return out;
}

export function stagingFinding(d: DnsNameInfo, stagingConfig: readonly string[], zone: Pick<ZoneFacts, 'staging'>): FindingDraft | null {
  const matches = stagingMatches(d, stagingConfig, zone);
  if (!matches.length) return null;
  const declared = matches.some((m) => m.kind.startsWith('declared-'));
  return {
    rule: 'dns/points-to-staging',
    target: d.name,
    severity: declared ? 'blocker' : 'medium',
    evidence: {
      matches: matches.slice(0, 10).map((m) => `${m.kind}: ${m.value} ~ ${m.matched}`),
      ...(d.cnameChain.length ? { cnameChain: d.cnameChain.map((h) => `${h.from} -> ${h.to}`) } : {}),
      addresses: d.addresses.slice(0, 10),
    },
  };
}

export default defineAudit({
  meta: {
    id: 'dns-points-to-staging',
    emits: ['dns/points-to-staging'],
    requiredArtifacts: ['targets', 'dns', 'zone', 'tls', 'edge'],
    description: 'No production name resolves to staging; publishes the domain map',
  },
  audit({ targets, dns, zone, tls, edge }, { config, now }) {
    const staging = config.domains?.staging ?? [];
    const findings = dns.map((d) => stagingFinding(d, staging, zone)).filter((f): f is FindingDraft => f !== null);
    return {
      findings,
      targets: dns.map((d) => d.name),
      metrics: { domainMap: buildDomainMap(targets, dns, zone, tls, now, edge ?? []) },
    };
  },
});
