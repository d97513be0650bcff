/**
 * `launchready perf --baseline <report.json|previous>`: per-route before/after deltas of p50, p95,
 * p99, throughput and error rate, and the regression verdict. Pure: the CLI reads the baseline
 * (a saved JSON report, or the previous run from the history store) and passes its metrics in.
 *
 * A metric regresses when it is worse by more than the tolerance (relative) AND by more than an
 * absolute floor, so noise on a 2 ms route (2.0 -> 2.6 ms is +30%) never fails a build:
 *
 *   latency  after > before * (1 + tolerance)  and  after - before > floorMs
 *   req/s    after < before * (1 - tolerance)  and  before - after > 1 req/s
 *   errors   after > before * (1 + tolerance)  and  after - before > 0.005 (half a percentage point)
 */
import { UsageError } from '../core/errors.js';

/** The figures of one route that are compared across runs (from its `perf.<route>` latency metric). */
export interface RoutePerfPoint {
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  errorRate: number;
  count: number;
}

export type ComparedMetric = 'p50' | 'p95' | 'p99' | 'rps' | 'errorRate';
export const COMPARED: ComparedMetric[] = ['p50', 'p95', 'p99', 'rps', 'errorRate'];

export interface PerfBaselineRow {
  name: string;
  /** null: the route is new (not in the baseline) or was not loaded this time. */
  before: RoutePerfPoint | null;
  after: RoutePerfPoint | null;
  /** Metrics worse beyond tolerance and floor, e.g. `p95 41.2 -> 63.0 ms (+53%)`. */
  regressions: string[];
  /** Metrics better beyond tolerance and floor. */
  improvements: string[];
}

/** Stored in report.metrics['perf.baseline'] (the HTML report draws it as a before/after table). */
export interface PerfBaselineMetric {
  kind: 'perf-baseline';
  /** The file given, or `previous (run 12, 2026-11-30T01:02:03.000Z)`. */
  source: string;
  tolerance: number;
  floorMs: number;
  routes: PerfBaselineRow[];
  regressed: boolean;
}

/** Absolute floors besides the latency one (documented above). */
export const RPS_FLOOR = 1;
export const ERROR_RATE_FLOOR = 0.005;

/** "10%", "0.1" or "10" (percent when > 1) -> 0.1. */
export function parseTolerance(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(v);
  if (!m) throw new UsageError(`--tolerance must look like 10% or 0.1 (got "${v}")`);
  const n = Number(m[1]);
  const t = m[2] === '%' || n > 1 ? n / 100 : n;
  if (!(t >= 0 && t <= 10)) throw new UsageError(`--tolerance ${v} is outside 0%..1000%`);
  return t;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Per-route points from a report's metrics: every `{kind: 'latency'}` entry under a `perf.` key
 * (what `perf`, `audit` and `perf --format json` all store).
 */
export function perfPoints(metrics: Record<string, unknown> | undefined): Map<string, RoutePerfPoint> {
  const out = new Map<string, RoutePerfPoint>();
  for (const [key, v] of Object.entries(metrics ?? {})) {
    if (!key.startsWith('perf.') || !v || typeof v !== 'object') continue;
    const m = v as Record<string, unknown>;
    if (m.kind !== 'latency' || typeof m.name !== 'string' || !num(m.p50) || !num(m.p95) || !num(m.p99)) continue;
    const count = num(m.count) ? m.count : 0;
    const errors = num(m.errors) ? m.errors : 0;
    out.set(m.name, { p50: m.p50, p95: m.p95, p99: m.p99, rps: num(m.rps) ? m.rps : 0, errorRate: count > 0 ? errors / count : 0, count });
  }
  return out;
}

const pct = (before: number, after: number) => (before === 0 ? (after === 0 ? '0%' : 'new') : `${after >= before ? '+' : ''}${Math.round(((after - before) / before) * 100)}%`);

export function fmtValue(metric: ComparedMetric, v: number): string {
  if (metric === 'rps') return `${v.toFixed(1)} req/s`;
  if (metric === 'errorRate') return `${(v * 100).toFixed(2)}%`;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

/** Whether `after` is worse (+1), better (-1) or the same (0) beyond tolerance and floor. */
export function judge(metric: ComparedMetric, before: number, after: number, tolerance: number, floorMs: number): -1 | 0 | 1 {
  if (metric === 'rps') {
    if (after < before * (1 - tolerance) && before - after > RPS_FLOOR) return 1;
    if (after > before * (1 + tolerance) && after - before > RPS_FLOOR) return -1;
    return 0;
  }
  const floor = metric === 'errorRate' ? ERROR_RATE_FLOOR : floorMs;
  if (after > before * (1 + tolerance) && after - before > floor) return 1;
  if (after < before * (1 - tolerance) && before - after > floor) return -1;
  return 0;
}

export function comparePerf(
  before: Map<string, RoutePerfPoint>,
  after: Map<string, RoutePerfPoint>,
  o: { source: string; tolerance: number; floorMs: number },
): PerfBaselineMetric {
  const names = [...after.keys(), ...[...before.keys()].filter((n) => !after.has(n))];
  const routes = names.map((name): PerfBaselineRow => {
    const b = before.get(name) ?? null;
    const a = after.get(name) ?? null;
    const regressions: string[] = [];
    const improvements: string[] = [];
    if (a && b) {
      for (const metric of COMPARED) {
        const verdict = judge(metric, b[metric], a[metric], o.tolerance, o.floorMs);
        if (verdict === 0) continue;
        const text = `${metric === 'errorRate' ? 'errors' : metric} ${fmtValue(metric, b[metric])} -> ${fmtValue(metric, a[metric])} (${pct(b[metric], a[metric])})`;
        (verdict > 0 ? regressions : improvements).push(text);
      }
    }
    return { name, before: b, after: a, regressions, improvements };
  });
  return { kind: 'perf-baseline', source: o.source, tolerance: o.tolerance, floorMs: o.floorMs, routes, regressed: routes.some((r) => r.regressions.length > 0) };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** Terminal table: one row per route, `before -> after (delta)` per metric, and the verdict. */
export function formatBaselineTable(m: PerfBaselineMetric): string {
  const head = ['route', 'p50', 'p95', 'p99', 'req/s', 'errors', 'result'];
  const cell = (r: PerfBaselineRow, metric: ComparedMetric) => {
    if (!r.before || !r.after) return '–';
    const f = (v: number) => (metric === 'rps' ? v.toFixed(1) : metric === 'errorRate' ? `${(v * 100).toFixed(1)}%` : v < 10 ? v.toFixed(1) : String(Math.round(v)));
    return `${f(r.before[metric])} -> ${f(r.after[metric])} (${pct(r.before[metric], r.after[metric])})`;
  };
  const rows = m.routes.map((r) => [
    r.name,
    ...COMPARED.map((c) => cell(r, c)),
    !r.before ? 'new route' : !r.after ? 'not loaded' : r.regressions.length ? `REGRESSED ${r.regressions.join('; ')}` : r.improvements.length ? 'improved' : 'same',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 || i === head.length - 1 ? pad(c, widths[i]!) : lpad(c, widths[i]!))).join('  ').trimEnd();
  const tol = `tolerance ${Math.round(m.tolerance * 1000) / 10}%, floor ${m.floorMs} ms`;
  return [`before/after vs ${m.source} (${tol}); latency in ms`, line(head), ...rows.map(line)].join('\n');
}
