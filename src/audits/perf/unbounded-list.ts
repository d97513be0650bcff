/**
 * perf/unbounded-list: a list route probed three ways (no limit, limit=1, a large page). It fires
 * when the count ignores the limit, or when a response holds more items than the ceiling
 * (perf.listCeiling, default 100) with no next-page pointer (Link header, next/cursor field).
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { perfSettings } from '../../load/routes.js';
import type { ProbeExchange, RouteProbe } from './artifact.js';

type Verdict = { reason: 'limit ignored' | 'no page size' | 'limit not capped'; } | null;

const ok = (p: ProbeExchange) => !p.error && p.status >= 200 && p.status < 300 && p.items !== null;

/** Why the list is unbounded, or null. Exported for tests. */
export function judgeList(l: NonNullable<RouteProbe['listProbes']>, ceiling: number): Verdict {
  const { unlimited, limitOne, large } = l;
  if (ok(limitOne) && limitOne.items! > 1) return { reason: 'limit ignored' };
  if (ok(unlimited) && unlimited.items! > ceiling && !unlimited.pagination) return { reason: 'no page size' };
  if (ok(large) && large.items! > ceiling && !large.pagination) return { reason: 'limit not capped' };
  return null;
}

export default defineAudit({
  meta: {
    id: 'perf-unbounded-list',
    emits: ['perf/unbounded-list'],
    requiredArtifacts: ['routeProbes'],
    description: 'List routes honour a limit and paginate instead of returning every row',
  },
  audit({ routeProbes }, { config }) {
    const ceiling = perfSettings(config).listCeiling;
    const findings: FindingDraft[] = [];
    const targets: string[] = [];
    for (const p of routeProbes.probes) {
      const l = p.listProbes;
      if (!l || !(ok(l.unlimited) || ok(l.limitOne))) continue; // not a list body, or no answer: nothing to judge
      const target = `${p.method} ${p.url}`;
      targets.push(target);
      const v = judgeList(l, ceiling);
      if (!v) continue;
      const facts = (x: ProbeExchange) => ({ items: x.items, bytes: x.bodyBytes, status: x.status, pagination: x.pagination });
      findings.push({
        rule: 'perf/unbounded-list',
        target,
        evidence: {
          route: p.name,
          reason: v.reason,
          ceiling,
          noLimit: facts(l.unlimited),
          [`${l.limitParam}=1`]: facts(l.limitOne),
          [`${l.limitParam}=${l.largePage}`]: facts(l.large),
        },
      });
    }
    if (targets.length === 0) return { findings, notApplicable: 'no list route answered with a JSON list' };
    return { findings, targets };
  },
});
