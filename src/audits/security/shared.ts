/** Helpers shared by the security audits (pure). */
import type { ProbeExchange, SecurityArtifact, SkippedProbe } from '../../probe/types.js';

/** `METHOD url`, as evidence shows a request. */
export function req(x: Pick<ProbeExchange, 'method' | 'url'>): string {
  return `${x.method} ${x.url}`;
}

/** Why an active rule was not checked, naming the first requests it would have sent (`exact`: this probe's entries only, not `all`). */
export function skippedReason(a: SecurityArtifact, probe: SkippedProbe['probe'], exact = false): string | undefined {
  const s = a.skipped.filter((x) => x.probe === probe || (!exact && x.probe === 'all'));
  if (!s.length) return undefined;
  if (!s.some((x) => x.requests.length)) return s[0]!.reason;
  const reqs = s.flatMap((x) => x.requests).slice(0, 3).map((r) => `${r.method} ${r.url}${r.count > 1 ? ` ×${r.count}` : ''}`);
  const more = s.flatMap((x) => x.requests).length - reqs.length;
  return `${s[0]!.reason}; would send ${reqs.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** Response headers worth showing as evidence (CORS, limits, type). */
export function keyHeaders(x: ProbeExchange, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = x.headers[n];
    if (v !== undefined) out[n] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Every exchange in the artifact, tagged with the probe that sent it. */
export function allExchanges(a: SecurityArtifact): { probe: string; x: ProbeExchange }[] {
  return [
    ...a.cors.flatMap((c) => [{ probe: 'cors', x: c.simple }, { probe: 'cors', x: c.preflight }]),
    ...a.admin.map((p) => ({ probe: 'admin', x: p.exchange })),
    ...a.payloads.map((p) => ({ probe: `payload:${p.kind}`, x: p.exchange })),
    ...a.bursts.flatMap((b) => (b.last ? [{ probe: `burst:${b.role}`, x: b.last }] : [])),
    ...(a.lockout ? [a.lockout.oneAccount, a.lockout.rotating].flatMap((b) => (b.last ? [{ probe: 'lockout', x: b.last }] : [])) : []),
    ...(a.graphql ?? []).flatMap((g) => [{ probe: 'graphql', x: g.detect }, ...(g.introspection ? [{ probe: 'graphql', x: g.introspection }] : [])]),
    ...a.ai.map((p) => ({ probe: `ai:${p.attack}`, x: p.exchange })),
    ...a.other.map((x) => ({ probe: 'page', x })),
  ];
}
