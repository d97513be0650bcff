/** Builders for security artifacts (pass only what the case is about). */
import type { AdminProbe, AiProbe, BurstResult, CookieSeen, CorsProbe, GraphqlProbe, LockoutProbe, PayloadProbe, ProbeExchange, SecurityArtifact } from '../../src/probe/types.js';
import { bodyHash } from '../../src/probe/admin.js';

export function px(o: Partial<ProbeExchange> = {}): ProbeExchange {
  const body = o.body ?? '{}';
  return { method: 'GET', url: 'https://api.example.com/', requestHeaders: {}, requestBytes: 0, status: 200, headers: {}, body, bodyBytes: body.length, elapsedMs: 5, ...o };
}

export function secArtifact(o: Partial<SecurityArtifact> = {}): SecurityArtifact {
  return {
    scope: ['api.example.com'], dryRun: false, activeHosts: ['api.example.com'], cors: [], bursts: [], admin: [], payloads: [], cookies: [], ai: [],
    aiCanaryConfigured: false, offScope: [], other: [], skipped: [], requestsSent: 1, ...o,
  };
}

export function corsProbe(origin: string, headers: Record<string, string>, o: Partial<CorsProbe> = {}): CorsProbe {
  const kind = o.kind ?? (origin === 'null' ? 'null' : 'foreign');
  return {
    base: 'https://api.example.com', origin, kind, allowed: false,
    simple: px({ requestHeaders: { origin }, headers }),
    preflight: px({ method: 'OPTIONS', status: 204, requestHeaders: { origin }, headers: {} }),
    ...o,
  };
}

export function burst(o: Partial<BurstResult> = {}): BurstResult {
  return { role: 'login', url: 'https://api.example.com/login', method: 'POST', sent: 30, burst: 30, windowMs: 10_000, statuses: { '401': 30 }, stoppedBy: 'count', elapsedMs: 900, ...o };
}

export function adminProbe(x: Partial<ProbeExchange>, o: Partial<AdminProbe> = {}): AdminProbe {
  const ex = px({ url: 'https://api.example.com/admin', headers: { 'content-type': 'text/html' }, ...x });
  return { url: 'https://api.example.com/admin', as: 'anonymous', source: 'config', exchange: ex, bodyHash: bodyHash(ex.body), ...o };
}

export function payload(kind: PayloadProbe['kind'], x: Partial<ProbeExchange>): PayloadProbe {
  return { kind, url: 'https://api.example.com/login', ...(kind === 'oversized' ? { limit: 65536 } : {}), exchange: px({ method: 'POST', requestHeaders: { 'content-type': 'application/json' }, ...x }) };
}

export function cookie(o: Partial<CookieSeen> = {}): CookieSeen {
  return { url: 'https://api.example.com/login', name: 'session', valueBytes: 32, valueRandom: true, secure: true, httpOnly: true, sameSite: 'Lax', path: '/', domain: null, ...o };
}

export function aiProbe(o: Partial<AiProbe> = {}): AiProbe {
  return { url: 'https://api.example.com/chat', attack: 'instruction-override', marker: 'M', canaryLeaked: false, markerFollowed: false, exchange: px({ method: 'POST' }), ...o };
}

/** A lockout probe: `one` and `rotating` give the 1-based request each burst was limited at (undefined: never). */
export function lockoutProbe(one: number | undefined, rotating: number | undefined, o: Partial<BurstResult> = {}): LockoutProbe {
  const b = (limitedAt: number | undefined): BurstResult =>
    burst({ sent: limitedAt ?? 12, burst: 12, statuses: limitedAt ? { '401': limitedAt - 1, '429': 1 } : { '401': 12 }, stoppedBy: limitedAt ? 'limited' : 'count', ...(limitedAt ? { limitedAt, signal: 'status-429' as const } : {}), ...o });
  return { url: 'https://api.example.com/login', method: 'POST', account: 'qa…@example.com', attempts: 12, oneAccount: b(one), rotating: b(rotating) };
}

export function graphqlProbe(o: Partial<GraphqlProbe> = {}): GraphqlProbe {
  return { url: 'https://api.example.com/graphql', source: 'common', isGraphql: true, detect: px({ method: 'POST', body: '{"data":{"__typename":"Query"}}' }), ...o };
}
