/**
 * perf/too-many-queries: one request to a GET route runs more statements than
 * database.maxQueriesPerRequest (default 20), counted from pg_stat_statements (or the database
 * spans of each request's trace, database.otlp) over a few sequential requests
 * (src/gather/query-profile.ts). Every statement counts, BEGIN/COMMIT and
 * statements with hidden texts included: each is a round trip.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

/** Default maximum of queries per request (config database.maxQueriesPerRequest). */
export const DEFAULT_MAX_QUERIES = 20;
/** Shapes listed in evidence. */
const TOP = 5;

export default defineAudit({
  meta: {
    id: 'perf-too-many-queries',
    emits: ['perf/too-many-queries'],
    requiredArtifacts: ['queryProfile'],
    description: `One request runs at most database.maxQueriesPerRequest (default ${DEFAULT_MAX_QUERIES}) queries`,
  },
  audit({ queryProfile }, { config }) {
    const max = config.database?.maxQueriesPerRequest ?? DEFAULT_MAX_QUERIES;
    if (queryProfile.routes.length === 0) {
      return { findings: [], notApplicable: `no route was profiled${queryProfile.skipped.length ? `: ${queryProfile.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}` : ''}` };
    }
    const findings: FindingDraft[] = [];
    for (const p of queryProfile.routes) {
      if (p.base.queriesPerRequest <= max) continue;
      findings.push({
        rule: 'perf/too-many-queries',
        target: `${p.method} ${p.url}`,
        evidence: {
          route: p.name,
          queriesPerRequest: p.base.queriesPerRequest,
          max,
          requests: p.base.requests,
          statuses: p.base.statuses,
          top: p.base.statements.slice(0, TOP).map((s) => ({ query: s.query, perRequest: s.perRequest })),
        },
      });
    }
    return { findings, targets: queryProfile.routes.map((p) => `${p.method} ${p.url}`) };
  },
});
