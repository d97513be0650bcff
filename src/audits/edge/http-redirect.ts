/**
 * edge/http-not-redirected and edge/redirect-loop: what http:// and https:// of each name do.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { HttpExchange } from '../../net/types.js';

/** The first response a client sees for the URL, before any redirect is followed. */
function firstHop(x: HttpExchange): { status: number; location: string | null } {
  return x.redirects[0] ? { status: x.redirects[0].status, location: x.redirects[0].location } : { status: x.status, location: null };
}

export default defineAudit({
  meta: {
    id: 'edge-http-redirect',
    emits: ['edge/http-not-redirected', 'edge/redirect-loop'],
    requiredArtifacts: ['edge'],
    description: 'http:// redirects to https:// and redirects terminate',
  },
  audit({ edge }) {
    const findings: FindingDraft[] = [];
    for (const e of edge) {
      for (const x of [e.http, e.https]) {
        if (x.error?.code === 'REDIRECT_LOOP' || x.error?.code === 'TOO_MANY_REDIRECTS') {
          findings.push({
            rule: 'edge/redirect-loop',
            target: x.url,
            evidence: { error: x.error.code, hops: x.redirects.slice(0, 12).map((h) => `${h.status} ${h.url} -> ${h.location ?? ''}`) },
          });
        }
      }
      const first = firstHop(e.http);
      if (e.http.error && !e.http.redirects.length) continue; // port 80 closed or unreachable: nothing served
      const redirectsToHttps = first.location !== null && /^https:/i.test(new URL(first.location, e.http.url).href);
      if (first.status >= 200 && first.status < 300 && !redirectsToHttps) {
        findings.push({
          rule: 'edge/http-not-redirected',
          target: e.http.url,
          evidence: { status: first.status, contentType: e.http.headers['content-type'] ?? null, bytes: e.http.bodyBytes },
        });
      } else if (first.status >= 300 && first.status < 400 && !redirectsToHttps && e.http.finalUrl.startsWith('http:') && e.http.status < 300) {
        findings.push({
          rule: 'edge/http-not-redirected',
          target: e.http.url,
          evidence: { status: first.status, location: first.location, finalUrl: e.http.finalUrl, finalStatus: e.http.status },
        });
      }
    }
    // Where each name finally lands, for the domain map (src/report/domain-map.ts).
    const edgeMap = Object.fromEntries(
      edge.map((e) => [
        e.name,
        {
          finalUrl: e.https.status ? e.https.finalUrl : e.http.finalUrl,
          chain: [...e.http.redirects.map((h) => `${h.status} ${h.url}`), `${e.http.error ? e.http.error.code : e.http.status} ${e.http.finalUrl}`],
        },
      ]),
    );
    return { findings, targets: edge.map((e) => e.name), metrics: { edgeMap } };
  },
});
