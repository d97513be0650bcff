/**
 * perf/uncached-read: a public read route (GET, no auth flow) answering 200 with neither
 * Cache-Control / Expires nor a validator (ETag, Last-Modified). An explicit `Cache-Control:
 * no-store` is a decision, not an omission, and stays quiet.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

export default defineAudit({
  meta: {
    id: 'perf-uncached-read',
    emits: ['perf/uncached-read'],
    requiredArtifacts: ['routeProbes'],
    description: 'Public read routes send Cache-Control or validators',
  },
  audit({ routeProbes }) {
    const findings: FindingDraft[] = [];
    const targets: string[] = [];
    for (const p of routeProbes.probes) {
      const x = p.plain;
      if (!x || !p.public || p.kind !== 'read' || x.error || x.status !== 200) continue;
      const target = `${p.method} ${p.url}`;
      targets.push(target);
      const h = x.headers;
      if (h['cache-control'] || h.expires || h.etag || h['last-modified']) continue;
      findings.push({ rule: 'perf/uncached-read', target, evidence: { route: p.name, status: x.status, cacheControl: null, etag: null, lastModified: null } });
    }
    if (targets.length === 0) return { findings, notApplicable: 'no public read route answered 200' };
    return { findings, targets };
  },
});
