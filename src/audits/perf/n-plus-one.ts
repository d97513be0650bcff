/**
 * perf/n-plus-one: one request runs the same statement shape again and again. From the query
 * profile (src/gather/query-profile.ts), per GET route and per shape (libpg-query fingerprint):
 * - repeats: the shape runs database.nPlusOneRepeats (default 5, Sentry's threshold) or more times
 *   per request;
 * - grows with the items: on a list route, the `limit`=20 page runs the shape at least
 *   max(2, half the extra items) more times per request than the `limit`=2 page, even when a
 *   single request looks small (the n_plus_one_control technique).
 * - repeating group (Sentry's second case): 2 or 3 shapes that each run the same number of times,
 *   3 or more but under the threshold, per request (per item: the author, then the tags...).
 * Hidden texts (`<insufficient privilege>`) are never judged: they cannot be told apart.
 * Calls that overlap in time (an N+1 fired through Promise.all) count like sequential ones; with
 * OTLP traces as the source the evidence says `overlapping: true` and the time per request.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { ProfiledStatement, ProfileSample, RouteQueryProfile } from '../../db/types.js';

/** Default repeats per request (config database.nPlusOneRepeats). */
export const DEFAULT_REPEATS = 5;
/** A shape must grow by at least this many calls per request between the two pages. */
const MIN_GROWTH = 2;
/** ... and by at least this share of the extra items (one extra query per item = 1). */
const GROWTH_PER_ITEM = 0.5;

/** Repeating group: each shape of the group runs at least this many times per request. */
const GROUP_MIN_REPEATS = 3;
/** ... and the group has 2 to this many shapes (more is a busy page, not one loop). */
const GROUP_MAX_SHAPES = 3;
/** Transaction control repeats for reasons other than a loop over items. */
const TX_CONTROL = /^\s*(BEGIN|START TRANSACTION|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|SET|RESET|DISCARD|DEALLOCATE)\b/i;

const okSample = (s: ProfileSample) => s.statuses.length > 0 && s.statuses.every((c) => c >= 200 && c < 300);
const HIDDEN = '<insufficient privilege>';

interface Verdict {
  fingerprint: string;
  query: string;
  perRequest: number;
  reason: 'repeats' | 'grows with items' | 'repeating group';
  /** Repeating group: every query of the group (query is the first). */
  group?: string[];
  scaling?: { limitParam: string; items: [number, number]; perRequest: [number, number] };
  /** OTLP traces: time in the shape per request (ms), and whether its calls ran in parallel. */
  totalMs?: number;
  overlapping?: boolean;
}

const timing = (st: ProfiledStatement) => ({ ...(st.totalMs !== undefined ? { totalMs: st.totalMs } : {}), ...(st.overlapping ? { overlapping: true } : {}) });

/** The N+1 shapes of one route profile. Exported for tests. */
export function judgeProfile(p: RouteQueryProfile, repeats: number): Verdict[] {
  const out = new Map<string, Verdict>();
  const sc = p.scaling;
  if (sc && okSample(sc.small) && okSample(sc.large) && sc.small.items !== null && sc.large.items !== null && sc.large.items > sc.small.items) {
    const extra = sc.large.items - sc.small.items;
    for (const st of sc.large.statements) {
      if (st.query === HIDDEN) continue;
      const before = sc.small.statements.find((x) => x.fingerprint === st.fingerprint)?.perRequest ?? 0;
      const growth = st.perRequest - before;
      if (growth >= MIN_GROWTH && growth >= GROWTH_PER_ITEM * extra) {
        out.set(st.fingerprint, {
          fingerprint: st.fingerprint,
          query: st.query,
          perRequest: st.perRequest,
          reason: 'grows with items',
          scaling: { limitParam: sc.limitParam, items: [sc.small.items, sc.large.items], perRequest: [before, st.perRequest] },
          ...timing(st),
        });
      }
    }
  }
  if (okSample(p.base)) {
    for (const st of p.base.statements) {
      if (st.query === HIDDEN || st.perRequest < repeats || out.has(st.fingerprint)) continue;
      out.set(st.fingerprint, { fingerprint: st.fingerprint, query: st.query, perRequest: st.perRequest, reason: 'repeats', ...timing(st) });
    }
    const byCount = new Map<number, typeof p.base.statements>();
    for (const st of p.base.statements) {
      if (st.query === HIDDEN || TX_CONTROL.test(st.query) || out.has(st.fingerprint)) continue;
      if (!Number.isInteger(st.perRequest) || st.perRequest < GROUP_MIN_REPEATS || st.perRequest >= repeats) continue;
      byCount.set(st.perRequest, [...(byCount.get(st.perRequest) ?? []), st]);
    }
    for (const [k, shapes] of byCount) {
      if (shapes.length < 2 || shapes.length > GROUP_MAX_SHAPES) continue;
      const fp = shapes.map((x) => x.fingerprint).sort().join('+');
      out.set(fp, { fingerprint: fp, query: shapes[0]!.query, perRequest: k, reason: 'repeating group', group: shapes.map((x) => x.query) });
    }
  }
  return [...out.values()];
}

export default defineAudit({
  meta: {
    id: 'perf-n-plus-one',
    emits: ['perf/n-plus-one'],
    requiredArtifacts: ['queryProfile'],
    description: 'No request repeats one statement shape per item (N+1 queries)',
  },
  audit({ queryProfile }, { config }) {
    const repeats = config.database?.nPlusOneRepeats ?? DEFAULT_REPEATS;
    if (queryProfile.routes.length === 0) {
      return { findings: [], notApplicable: `no route was profiled${queryProfile.skipped.length ? `: ${queryProfile.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}` : ''}` };
    }
    const findings: FindingDraft[] = [];
    for (const p of queryProfile.routes) {
      const target = `${p.method} ${p.url}`;
      for (const v of judgeProfile(p, repeats)) {
        findings.push({
          rule: 'perf/n-plus-one',
          target,
          evidence: {
            route: p.name,
            reason: v.reason,
            query: v.query,
            perRequest: v.perRequest,
            threshold: repeats,
            queriesPerRequest: p.base.queriesPerRequest,
            ...(v.scaling ? { scaling: v.scaling } : {}),
            ...(v.group ? { group: v.group } : {}),
            ...(v.totalMs !== undefined ? { totalMs: v.totalMs } : {}),
            ...(v.overlapping ? { overlapping: true } : {}),
          },
          key: `perf/n-plus-one|${target}|${v.fingerprint}`,
        });
      }
    }
    return { findings, targets: queryProfile.routes.map((p) => `${p.method} ${p.url}`) };
  },
});
