/**
 * perf/unbounded-list: a list route probed three ways (no limit, limit=1, a large page). It fires
 * when the count ignores the limit, or when a response holds more items than the ceiling
 * (perf.listCeiling, default 100) with no next-page pointer (Link header, next/cursor field), or
 * (routes with `seed: <flow>`) when the response grows with the data set: after the seed flow
 * created N rows, the no-limit response holds (nearly) N more items and no next-page pointer.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { perfSettings } from '../../load/routes.js';
import type { ProbeExchange, RouteProbe, SeedProbe } from './artifact.js';

type Verdict = { reason: 'limit ignored' | 'no page size' | 'limit not capped' | 'grows with data'; } | null;

/** Share of the seeded rows that must show up in the no-limit response to call it "grows with the data". */
export const GROWTH_SHARE = 0.9;
/** Fewer seeded rows than this prove nothing either way. */
export const MIN_SEEDED = 5;

/**
 * Whether the list grew with the data: every (90%) seeded row appears, the items outnumber those
 * before, and no next-page pointer came back. A paginated list stops at its page size instead.
 * Null when it cannot be judged (seed failed, not a list answer). Exported for tests.
 */
export function judgeGrowth(sp: SeedProbe): { grows: boolean; growth: number } | null {
  const { before, after } = sp;
  if (sp.skipped || !before || !after || sp.seeded < MIN_SEEDED) return null;
  const okSize = (x: typeof before) => !x.error && x.status >= 200 && x.status < 300 && x.items !== null;
  if (!okSize(before) || !okSize(after)) return null;
  const growth = after.items! - before.items!;
  return { grows: growth >= Math.ceil(GROWTH_SHARE * sp.seeded) && after.bytes > before.bytes && !after.pagination, growth };
}

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
      const growth = p.seedProbe ? judgeGrowth(p.seedProbe) : null;
      const v = judgeList(l, ceiling) ?? (growth?.grows ? { reason: 'grows with data' as const } : null);
      if (!v) continue;
      const facts = (x: ProbeExchange) => ({ items: x.items, bytes: x.bodyBytes, status: x.status, pagination: x.pagination });
      const sp = p.seedProbe;
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
          ...(sp && growth?.grows
            ? {
                seeded: sp.seeded,
                seedFlow: sp.flow,
                before: { items: sp.before!.items, bytes: sp.before!.bytes },
                after: { items: sp.after!.items, bytes: sp.after!.bytes },
                growth: { items: growth.growth, bytes: sp.after!.bytes - sp.before!.bytes },
              }
            : {}),
        },
      });
    }
    // The data-size probes, judged or not (a skipped seed says why: flow missing, not loopback...).
    const seeds = routeProbes.probes.filter((p) => p.seedProbe).map((p) => ({ route: p.name, ...p.seedProbe! }));
    const metrics = seeds.length ? { 'perf.seed': seeds } : undefined;
    if (targets.length === 0) return { findings, notApplicable: 'no list route answered with a JSON list', ...(metrics ? { metrics } : {}) };
    return { findings, targets, ...(metrics ? { metrics } : {}) };
  },
});
