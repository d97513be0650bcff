/**
 * Scoring and verdict. Pure. Documented in README ("Scores and verdict").
 *
 * - Each finding costs its stage points by severity: blocker 40, high 15, medium 6, low 2, info 0.
 *   Repeats of one rule in one stage cost less (x1 for the first target, +0.25 per further target,
 *   at most x2), so one misconfiguration on 12 hosts does not read as 12 different problems.
 * - A stage score is max(0, 100 - cost), or null when no rule of that stage was checked.
 * - Overall = weighted mean of the non-null stage scores (weights below: stages that can sink a
 *   launch weigh more).
 * - Caps, SSL Labs style: any blocker caps the overall score at 40, any high at 79.
 * - Verdict: any blocker -> not-ready; any high or medium -> ready-with-risks; else ready.
 *   Deferred (accepted) findings do not count for the verdict or the score.
 */
import type { Finding, Severity, Stage, Verdict } from '../core/types.js';
import { STAGES } from '../core/types.js';

export const SEVERITY_COST: Record<Severity, number> = { blocker: 40, high: 15, medium: 6, low: 2, info: 0 };
export const STAGE_WEIGHTS: Record<Stage, number> = { 1: 20, 2: 15, 3: 20, 4: 15, 5: 15, 6: 10, 7: 5 };
export const BLOCKER_CAP = 40;
export const HIGH_CAP = 79;

export function scoreReport(findings: Finding[], checkedStages: Set<Stage>): {
  overall: number;
  stages: Record<`${Stage}`, number | null>;
  verdict: Verdict;
} {
  const live = findings.filter((f) => !f.deferred);
  const stages = {} as Record<`${Stage}`, number | null>;
  let weighted = 0;
  let weights = 0;
  for (const s of STAGES) {
    const inStage = live.filter((f) => f.stage === s);
    if (!checkedStages.has(s) && inStage.length === 0) {
      stages[`${s}`] = null;
      continue;
    }
    const perRule = new Map<string, { sev: Severity; n: number }>();
    for (const f of inStage) {
      const cur = perRule.get(f.id);
      if (!cur) perRule.set(f.id, { sev: f.severity, n: 1 });
      else {
        cur.n += 1;
        if (SEVERITY_COST[f.severity] > SEVERITY_COST[cur.sev]) cur.sev = f.severity;
      }
    }
    let cost = 0;
    for (const { sev, n } of perRule.values()) cost += SEVERITY_COST[sev] * Math.min(1 + 0.25 * (n - 1), 2);
    const score = Math.max(0, Math.round(100 - cost));
    stages[`${s}`] = score;
    weighted += score * STAGE_WEIGHTS[s];
    weights += STAGE_WEIGHTS[s];
  }
  let overall = weights ? Math.round(weighted / weights) : 100;
  const has = (sev: Severity) => live.some((f) => f.severity === sev);
  if (has('blocker')) overall = Math.min(overall, BLOCKER_CAP);
  else if (has('high')) overall = Math.min(overall, HIGH_CAP);
  const verdict: Verdict = has('blocker') ? 'not-ready' : has('high') || has('medium') ? 'ready-with-risks' : 'ready';
  return { overall, stages, verdict };
}
