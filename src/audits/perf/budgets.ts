/**
 * perf/read-over-budget, perf/write-over-budget, perf/error-rate-over-budget: each loaded route
 * judged against its thresholds (k6 spelling, defaults from perf.budgets). Pure: the latency
 * percentiles come from the run's HDR histogram, decoded here.
 */
import * as hdr from 'hdr-histogram-js';
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { evaluateThreshold, isLatencyThreshold, parseThreshold, type ThresholdStats } from '../../load/threshold.js';
import type { PerfRouteRun } from './artifact.js';
import { latencyMetric } from './metrics.js';

export function statsOf(run: PerfRouteRun): ThresholdStats {
  const l = run.load;
  let h: hdr.Histogram | null = null;
  return {
    count: l.count,
    errorRate: l.errorRate,
    min: l.latency.min,
    max: l.latency.max,
    mean: l.latency.mean,
    percentile(q) {
      h ??= l.histogram ? hdr.decodeFromCompressedBase64(l.histogram) : null;
      return h ? Math.round(h.getValueAtPercentile(q)) / 1000 : l.latency.p95;
    },
  };
}

/** Findings of one run, plus the failed threshold texts (`p(95) (412ms) < 300`). */
export function budgetFindings(run: PerfRouteRun): { findings: FindingDraft[]; failed: string[] } {
  const stats = statsOf(run);
  const outcomes = run.thresholds.map((t) => evaluateThreshold(parseThreshold(t), stats));
  const failed = outcomes.filter((o) => !o.ok);
  const target = `${run.method} ${run.url}`;
  const l = run.load;
  const findings: FindingDraft[] = [];
  const slow = failed.filter((o) => isLatencyThreshold(o.threshold));
  // Latency of a route that mostly fails says little (a refused connection answers in microseconds).
  if (slow.length > 0 && l.errorRate < 0.5) {
    findings.push({
      rule: run.kind === 'read' ? 'perf/read-over-budget' : 'perf/write-over-budget',
      target,
      evidence: {
        route: run.name,
        failed: slow.map((o) => o.text),
        p50: l.latency.p50,
        p95: l.latency.p95,
        p99: l.latency.p99,
        max: l.latency.max,
        requests: l.count,
        rps: l.rps,
      },
    });
  }
  const rate = failed.filter((o) => o.threshold.aggregation.kind === 'rate');
  if (rate.length > 0) {
    findings.push({
      rule: 'perf/error-rate-over-budget',
      target,
      severity: run.critical ? 'blocker' : 'high',
      evidence: {
        route: run.name,
        critical: run.critical,
        failed: rate.map((o) => o.text),
        errors: l.errors,
        requests: l.count,
        statusClasses: l.statusClasses,
        ...(Object.keys(l.errorKinds).length ? { errorKinds: l.errorKinds, firstError: Object.values(l.errorSamples)[0] } : {}),
      },
    });
  }
  return { findings, failed: failed.map((o) => o.text) };
}

export default defineAudit({
  meta: {
    id: 'perf-budgets',
    emits: ['perf/read-over-budget', 'perf/write-over-budget', 'perf/error-rate-over-budget'],
    requiredArtifacts: ['perf'],
    description: 'Each configured route stays within its latency and error-rate thresholds under load',
  },
  audit({ perf }) {
    const metrics: Record<string, unknown> = {};
    if (perf.skipped.length > 0) metrics['perf.skipped'] = perf.skipped;
    if (perf.runs.length === 0) {
      return {
        findings: [],
        metrics,
        notApplicable: perf.skipped.length > 0 ? `no route was loaded: ${perf.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}` : 'no routes configured',
      };
    }
    const findings: FindingDraft[] = [];
    for (const run of perf.runs) {
      findings.push(...budgetFindings(run).findings);
      metrics[`perf.${run.name}`] = latencyMetric(run);
    }
    return { findings, targets: perf.runs.map((r) => `${r.method} ${r.url}`), metrics };
  },
});
