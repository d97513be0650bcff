/**
 * The canonical redirect, from every entry point (http:// and https:// of every name):
 * edge/duplicate-host, edge/redirect-chain, edge/temporary-redirect and edge/redirect-drops-path.
 *
 * Destination of an entry: the canonical origin for the apex, www and the canonical host; the
 * https:// origin of the name itself for other subdomains. The canonical origin is
 * domains.canonical, or, when not configured, where apex and www both end up.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { EdgeProbe, NameTargets } from '../../gather/artifacts.js';
import type { HttpExchange } from '../../net/types.js';
import { PROBE_PATH } from '../../gather/edge.js';

const TEMPORARY = new Set([302, 303, 307]);

function origin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** A 2xx page with a body, reached without any redirect. */
function servesDirectly(x: HttpExchange): boolean {
  return !x.error && x.redirects.length === 0 && x.status >= 200 && x.status < 300 && x.bodyBytes > 0;
}

function reached(x: HttpExchange): string | null {
  return !x.error && x.status > 0 && x.status < 400 ? origin(x.finalUrl) : null;
}

/** The origin that wins: configured, or the one apex and www agree on. */
export function canonicalOrigin(targets: NameTargets, edge: EdgeProbe[]): string | null {
  if (targets.canonical) return origin(targets.canonical);
  const ends = edge
    .filter((p) => targets.names.some((n) => n.name === p.name && (n.role === 'apex' || n.role === 'www')))
    .map((p) => reached(p.https) ?? reached(p.http));
  return ends.length > 0 && ends.every((e) => e !== null && e === ends[0]) ? ends[0]! : null;
}

/** Redirect hops taken before the first URL on `dest`; null when `dest` is never reached. */
export function hopsTo(x: HttpExchange, dest: string): HttpExchange['redirects'] | null {
  const urls = [...x.redirects.map((h) => h.url), x.finalUrl];
  const i = urls.findIndex((u) => origin(u) === dest);
  return i < 0 ? null : x.redirects.slice(0, i);
}

/** The first hop is an http:// to https:// upgrade on the same host (what HSTS preload requires). */
function leadingUpgrade(hops: HttpExchange['redirects']): boolean {
  const h = hops[0];
  if (!h || h.location === null) return false;
  try {
    const from = new URL(h.url);
    const to = new URL(h.location, h.url);
    return from.protocol === 'http:' && to.protocol === 'https:' && from.hostname === to.hostname;
  } catch {
    return false;
  }
}

const hopText = (h: HttpExchange['redirects'][number]) => `${h.status} ${h.url} -> ${h.location ?? ''}`;

/** First cross-origin hop of a path probe whose Location lost `/launchready-probe` or `x=1`. */
export function droppedPath(x: HttpExchange): { hop: string; location: string } | null {
  const want = new URL(PROBE_PATH, 'https://x/');
  for (const h of x.redirects) {
    if (h.location === null) continue;
    let to: URL;
    try {
      to = new URL(h.location, h.url);
    } catch {
      continue;
    }
    // Same-origin rewrites are the app's own routing (login, locale), not the canonical redirect.
    if (to.origin === origin(h.url)) continue;
    if (to.pathname !== want.pathname || to.searchParams.get('x') !== '1') return { hop: `${h.status} ${h.url}`, location: to.href };
  }
  return null;
}

export default defineAudit({
  meta: {
    id: 'edge-canonical',
    emits: ['edge/duplicate-host', 'edge/redirect-chain', 'edge/temporary-redirect', 'edge/redirect-drops-path'],
    requiredArtifacts: ['targets', 'edge'],
    description: 'One canonical URL, reached in one permanent hop that keeps path and query',
  },
  audit({ targets, edge }) {
    const findings: FindingDraft[] = [];
    const checked: string[] = [];
    const canon = canonicalOrigin(targets, edge);
    const canonHost = canon ? new URL(canon).hostname : null;
    const role = (name: string) => targets.names.find((n) => n.name === name)?.role ?? 'subdomain';
    const mainNames = edge.filter((p) => role(p.name) !== 'subdomain' || p.name === canonHost);

    // duplicate-host: apex / www serving pages themselves instead of redirecting to the canonical host
    const serving = mainNames.filter((p) => (p.https.status > 0 ? servesDirectly(p.https) : servesDirectly(p.http)));
    const entry = (p: EdgeProbe) => (p.https.status > 0 ? p.https : p.http);
    if (canonHost) {
      for (const p of serving) {
        if (p.name === canonHost) continue;
        const x = entry(p);
        findings.push({ rule: 'edge/duplicate-host', target: x.url, evidence: { status: x.status, bytes: x.bodyBytes, canonical: canon } });
      }
    } else if (serving.length > 1) {
      const [first, ...others] = serving;
      findings.push({
        rule: 'edge/duplicate-host',
        target: entry(first!).url,
        evidence: { status: entry(first!).status, alsoServedBy: others.map((o) => entry(o).url), canonical: null },
      });
    }

    for (const p of edge) {
      const dest = role(p.name) !== 'subdomain' || p.name === canonHost ? canon : `https://${p.name}`;
      if (!dest) continue;
      for (const x of [p.http, p.https]) {
        checked.push(x.url);
        const hops = hopsTo(x, dest);
        if (!hops || hops.length === 0) continue;
        const counted = hops.length - (leadingUpgrade(hops) && hops.length > 1 ? 1 : 0);
        if (counted > 1) {
          findings.push({
            rule: 'edge/redirect-chain',
            target: x.url,
            evidence: { hops: hops.length, chain: [...hops.map(hopText)] },
          });
        }
        const temporary = hops.filter((h) => TEMPORARY.has(h.status));
        if (temporary.length) findings.push({ rule: 'edge/temporary-redirect', target: x.url, evidence: { hops: temporary.map(hopText) } });
      }
      for (const x of [p.pathProbe?.http, p.pathProbe?.https]) {
        if (!x) continue;
        checked.push(x.url);
        const d = droppedPath(x);
        if (d) findings.push({ rule: 'edge/redirect-drops-path', target: x.url, evidence: d });
      }
    }
    return { findings, targets: checked };
  },
});
