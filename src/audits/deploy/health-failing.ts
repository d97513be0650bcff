/**
 * deploy/health-failing: the health endpoint is missing, non-2xx, slow, or its JSON reports a failing
 * dependency. JSON shapes understood (the common ones):
 *  - Spring Boot Actuator-like: { status: "UP" | "DOWN" | "OUT_OF_SERVICE", components|details: { db: { status } } }
 *  - health+json (draft-inadarei-api-health-check): { status: "pass" | "fail" | "warn", checks: { "db:connections": [{ status }] } }
 *  - { ok: false }, and flat maps such as { status: "ok", db: "down" }
 * A body that is not JSON ("OK") is judged by status code and time only.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

export type HealthState = 'pass' | 'warn' | 'fail' | 'unknown';

const PASS = new Set(['up', 'pass', 'ok', 'healthy', 'green', 'true']);
const WARN = new Set(['warn', 'warning', 'degraded', 'yellow']);
const FAIL = new Set(['down', 'fail', 'failed', 'error', 'unhealthy', 'out_of_service', 'critical', 'red', 'false']);

function stateOf(v: unknown): HealthState {
  if (typeof v === 'boolean') return v ? 'pass' : 'fail';
  if (typeof v !== 'string') return 'unknown';
  const s = v.trim().toLowerCase();
  return PASS.has(s) ? 'pass' : WARN.has(s) ? 'warn' : FAIL.has(s) ? 'fail' : 'unknown';
}

function worst(a: HealthState, b: HealthState): HealthState {
  const rank: HealthState[] = ['unknown', 'pass', 'warn', 'fail'];
  return rank.indexOf(a) >= rank.indexOf(b) ? a : b;
}

/** Overall state and the names of dependencies not passing (`db`, `mail`, `db:connections`). */
export function interpretHealth(body: string): { state: HealthState; failing: string[]; warning: string[] } {
  let j: unknown;
  try {
    j = JSON.parse(body);
  } catch {
    return { state: 'unknown', failing: [], warning: [] };
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) return { state: 'unknown', failing: [], warning: [] };
  const o = j as Record<string, unknown>;
  let state: HealthState = 'unknown';
  const failing: string[] = [];
  const warning: string[] = [];
  const note = (name: string, s: HealthState) => {
    if (s === 'fail') failing.push(name);
    if (s === 'warn') warning.push(name);
    state = worst(state, s);
  };
  if ('ok' in o) note('ok', stateOf(o.ok));
  if ('status' in o) state = worst(state, stateOf(o.status));
  if ('healthy' in o) note('healthy', stateOf(o.healthy));
  // Actuator: components (Boot 2.2+) or details (older); health+json: checks.
  for (const key of ['components', 'details']) {
    const comps = o[key];
    if (comps && typeof comps === 'object' && !Array.isArray(comps)) {
      for (const [name, c] of Object.entries(comps)) note(name, stateOf((c as Record<string, unknown> | null)?.status ?? c));
    }
  }
  const checks = o.checks;
  if (checks && typeof checks === 'object' && !Array.isArray(checks)) {
    for (const [name, list] of Object.entries(checks)) {
      for (const c of Array.isArray(list) ? list : [list]) note(name, stateOf((c as Record<string, unknown> | null)?.status));
    }
  }
  // Flat maps: { db: "down" } or { db: { status: "down" } } next to the overall status.
  for (const [name, v] of Object.entries(o)) {
    if (['status', 'ok', 'healthy', 'components', 'details', 'checks'].includes(name)) continue;
    const s = stateOf(v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>).status : v);
    if (s === 'fail' || s === 'warn') note(name, s);
    else if (s === 'pass') state = worst(state, s);
  }
  return { state, failing: [...new Set(failing)], warning: [...new Set(warning)] };
}

export default defineAudit({
  meta: {
    id: 'deploy-health',
    emits: ['deploy/health-failing'],
    requiredArtifacts: ['health'],
    description: 'The health endpoint answers 2xx, quickly, and reports no failing dependency',
  },
  audit({ health }) {
    const x = health.exchange;
    const base = { status: x.status, ms: Math.round(x.timing.totalMs) };
    let f: FindingDraft | null = null;
    const fire = (evidence: Record<string, unknown>, severity?: 'high') =>
      ({ rule: 'deploy/health-failing', target: health.url, evidence: { ...base, ...evidence }, ...(severity ? { severity } : {}) }) satisfies FindingDraft;
    if (x.error || x.status === 0) f = fire({ problem: 'unreachable', error: x.error?.code ?? 'ERROR' });
    else if (x.status === 404 || x.status === 410) f = fire({ problem: 'missing' });
    else if (x.status < 200 || x.status > 299) {
      // Actuator answers 503 with the failing components in the body: keep them as evidence.
      const h = interpretHealth(x.body);
      f = fire({ problem: 'non-2xx', ...(h.failing.length ? { failing: h.failing } : {}) });
    }
    else {
      const h = interpretHealth(x.body);
      if (h.state === 'fail') f = fire({ problem: 'failing-dependency', failing: h.failing });
      else if (x.timing.totalMs > health.maxMs) f = fire({ problem: 'slow', maxMs: health.maxMs });
      else if (h.state === 'warn') f = fire({ problem: 'degraded', warning: h.warning }, 'high');
    }
    return { findings: f ? [f] : [], targets: [health.url] };
  },
});
