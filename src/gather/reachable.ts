import type { GatherContext } from '../core/audit.js';
import type { NameTargets } from './artifacts.js';

/**
 * Target names worth connecting to: those that resolved, plus those a connectTo rule names
 * explicitly (testing before DNS cutover). A catch-all rule (`:443:addr:port`) does not make an
 * unresolved name reachable: users could not reach it either. Null when no targets are configured.
 */
export function reachableNames(ctx: GatherContext): { targets: NameTargets; names: NameTargets['names'] } | null {
  const t = ctx.artifacts.targets;
  if (!t || 'error' in t) return null;
  const dns = ctx.artifacts.dns;
  const resolved = new Set(dns && !('error' in dns) ? dns.filter((d) => d.addresses.length).map((d) => d.name) : []);
  const routed = (name: string) => ctx.net.options.connectTo.some((r) => r.host.toLowerCase() === name);
  return { targets: t, names: t.names.filter((n) => resolved.has(n.name) || routed(n.name)) };
}
