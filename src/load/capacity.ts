/**
 * `launchready perf --capacity`: "what breaks if traffic doubles tomorrow?". Each route is loaded
 * in short open-model steps, the arrival rate multiplied by perf.capacity.factor (1.5) each step,
 * until a step breaks (a threshold fails, requests get no response, or the server cannot keep up
 * with the arrivals) or a bound is hit (perf.maxRate, perf.capacity.maxTime, Ctrl-C). The highest
 * step that held is the route's sustainable rate, compared with 2x perf.expectedPeak.
 *
 * Steps never bisect: the answer is "holds 101 req/s, breaks by 152", which is what a founder
 * needs, in a bounded number of short steps.
 */
import type { LaunchreadyConfig } from '../config/schema.js';
import type { Net } from '../net/types.js';
import type { PerfSkip } from '../audits/perf/artifact.js';
import { budgetFindings } from '../audits/perf/budgets.js';
import { isSkip, loadRoute, prepareRoute } from './command.js';
import { parseDuration } from './duration.js';
import { loadScope, perfConfig, perfSettings, resolveRoutes } from './routes.js';
import type { LoadProgress, LoadResult } from './types.js';

export interface CapacityStep {
  /** Arrival rate asked, req/s. */
  rate: number;
  /** Completed req/s measured. */
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errorRate: number;
  count: number;
  ok: boolean;
  /** Why the step broke: failed thresholds (`p(95) (412ms) < 300`), `no response: timeout 3`, `throughput 120 of 152 req/s`. */
  failed: string[];
}

export type CapacityStop = 'broke' | 'maxRate' | 'timeCap' | 'aborted';

export interface CapacityRoute {
  name: string;
  method: string;
  url: string;
  steps: CapacityStep[];
  /** Highest step rate that held; null when the first step already broke. */
  sustainable: number | null;
  p95AtSustainable: number | null;
  stoppedBy: CapacityStop;
  expectedPeak: number | null;
  /** ok: sustainable >= 2x expectedPeak; short: below it; unknown: no expectedPeak configured. */
  verdict: 'ok' | 'short' | 'unknown';
  /** One line: "feed holds 95 req/s at p95 280 ms; 2x your peak is 80 req/s: OK". */
  summary: string;
}

/** Stored in report.metrics['perf.capacity'] (the HTML report draws one chart per route). */
export interface CapacityMetric {
  kind: 'perf-capacity';
  factor: number;
  stepMs: number;
  maxRate: number;
  expectedPeak: number | null;
  routes: CapacityRoute[];
  skipped: PerfSkip[];
}

/** A step below this share of its arrival rate means the server (or the network) cannot keep up. */
export const MIN_THROUGHPUT_SHARE = 0.9;

/** Judges one step: thresholds of the route, failures without a response, throughput. Pure. */
export function judgeStep(rate: number, load: LoadResult, thresholds: string[], kind: 'read' | 'write'): CapacityStep {
  const { failed } = budgetFindings({ name: '', method: '', url: '', kind, critical: false, thresholds, load });
  const out = [...failed];
  const noResponse = Object.entries(load.errorKinds);
  if (noResponse.length) out.push(`no response: ${noResponse.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (load.count > 0 && load.rps < rate * MIN_THROUGHPUT_SHARE) out.push(`throughput ${load.rps.toFixed(1)} of ${round(rate)} req/s`);
  if (load.count === 0) out.push('no request completed');
  return { rate: round(rate), rps: load.rps, p50: load.latency.p50, p95: load.latency.p95, p99: load.latency.p99, errorRate: load.errorRate, count: load.count, ok: out.length === 0, failed: out };
}

const round = (v: number) => Math.round(v * 10) / 10;
const fmtMs = (v: number) => (v < 10 ? v.toFixed(1) : String(Math.round(v)));

/** The one-line answer for a route. Pure. */
export function summarizeCapacity(name: string, steps: CapacityStep[], stoppedBy: CapacityStop, expectedPeak: number | null): Omit<CapacityRoute, 'method' | 'url' | 'steps'> {
  const held = steps.filter((s) => s.ok);
  const best = held.length ? held[held.length - 1]! : null;
  const broke = steps.find((s) => !s.ok);
  const sustainable = best?.rate ?? null;
  let text: string;
  if (!best) {
    text = broke ? `${name} breaks already at ${broke.rate} req/s: ${broke.failed.join('; ')}` : `${name}: no step ran (${stoppedBy})`;
  } else {
    const atLeast = stoppedBy === 'broke' ? '' : 'at least ';
    text = `${name} holds ${atLeast}${best.rate} req/s at p95 ${fmtMs(best.p95)} ms`;
    if (broke) text += ` (breaks at ${broke.rate} req/s: ${broke.failed.join('; ')})`;
    else if (stoppedBy === 'maxRate') text += ' (perf.maxRate reached)';
    else if (stoppedBy === 'timeCap') text += ' (perf.capacity.maxTime reached)';
    else if (stoppedBy === 'aborted') text += ' (stopped)';
  }
  let verdict: CapacityRoute['verdict'] = 'unknown';
  if (expectedPeak !== null) {
    const need = round(2 * expectedPeak);
    verdict = sustainable !== null && sustainable >= need ? 'ok' : 'short';
    text += `; 2x your peak is ${need} req/s: ${verdict === 'ok' ? 'OK' : `SHORT${sustainable !== null ? ` by ${round(need - sustainable)} req/s` : ''}`}`;
  } else text += '; set perf.expectedPeak to judge the headroom';
  return { name, sustainable, p95AtSustainable: best?.p95 ?? null, stoppedBy, expectedPeak, verdict, summary: text };
}

export interface CapacityOptions {
  routes?: string[];
  active?: boolean;
  baseDir?: string;
  signal?: AbortSignal;
  onStep?: (route: string, step: CapacityStep) => void;
  onProgress?: (route: string, p: LoadProgress) => void;
}

/** Steps every selected route up until it breaks or a bound is hit, one route after another. */
export async function runCapacity(config: LaunchreadyConfig, net: Net, o: CapacityOptions = {}): Promise<CapacityMetric> {
  const s = perfSettings(config);
  const c = perfConfig(config).capacity;
  const stepMs = Math.min(parseDuration(c.step, 'perf.capacity.step'), s.maxDurationMs);
  const maxTimeMs = parseDuration(c.maxTime, 'perf.capacity.maxTime');
  const scope = loadScope(config);
  const out: CapacityMetric = { kind: 'perf-capacity', factor: c.factor, stepMs, maxRate: s.maxRate, expectedPeak: s.expectedPeak ?? null, routes: [], skipped: [] };
  for (const r of resolveRoutes(config, o.routes)) {
    const p = await prepareRoute(r, config, net, o, scope);
    if (isSkip(p)) {
      out.skipped.push(p);
      continue;
    }
    const steps: CapacityStep[] = [];
    let rate = Math.min(c.startRate ?? r.rate, s.maxRate);
    let stoppedBy: CapacityStop = 'broke';
    const t0 = Date.now();
    for (;;) {
      if (o.signal?.aborted) {
        stoppedBy = 'aborted';
        break;
      }
      if (Date.now() - t0 + s.warmupMs + stepMs > maxTimeMs) {
        stoppedBy = 'timeCap';
        break;
      }
      const load = await loadRoute(r, p, config, net, o, { kind: 'open', rate }, stepMs);
      if (load.stopped === 'aborted') {
        stoppedBy = 'aborted';
        break;
      }
      const step = judgeStep(rate, load, r.thresholds, r.kind);
      steps.push(step);
      o.onStep?.(r.name, step);
      if (!step.ok) break;
      if (rate >= s.maxRate) {
        stoppedBy = 'maxRate';
        break;
      }
      rate = Math.min(rate * c.factor, s.maxRate);
    }
    out.routes.push({ method: r.method, url: r.url, steps, ...summarizeCapacity(r.name, steps, stoppedBy, out.expectedPeak) });
  }
  return out;
}

/** Terminal lines: one table per route (rate, req/s, p95, p99, errors, held), then the answer. */
export function formatCapacity(m: CapacityMetric): string {
  const lines: string[] = [];
  for (const r of m.routes) {
    lines.push(`capacity of ${r.name} (x${m.factor} per ${m.stepMs / 1000}s step, cap ${m.maxRate} req/s)`);
    lines.push('   rate   req/s     p95     p99  errors  result');
    for (const st of r.steps) {
      lines.push(
        `${String(st.rate).padStart(7)} ${st.rps.toFixed(1).padStart(7)} ${fmtMs(st.p95).padStart(7)} ${fmtMs(st.p99).padStart(7)} ${`${(st.errorRate * 100).toFixed(1)}%`.padStart(7)}  ${st.ok ? 'held' : `BROKE ${st.failed.join('; ')}`}`,
      );
    }
    lines.push(r.summary);
  }
  for (const sk of m.skipped) lines.push(`${sk.name}: skipped (${sk.reason})`);
  return lines.join('\n');
}
