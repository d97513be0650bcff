/**
 * Comparing two reports: new, fixed and unchanged findings (by fingerprint, which survives line
 * moves) and deltas of the headline metrics. Pure.
 */
import type { BaselineDiff, Report } from '../core/types.js';

export interface MetricPoint {
  name: string;
  value: number;
  unit?: string;
}

/**
 * Headline numbers of a report worth comparing across runs: the overall score, each stage
 * score, and p95 of every latency metric (`{ kind: 'latency', name, p95 }` entries).
 */
export function headlineMetrics(r: Report): MetricPoint[] {
  const out: MetricPoint[] = [{ name: 'score', value: r.score.overall }];
  for (const [stage, v] of Object.entries(r.score.stages)) if (typeof v === 'number') out.push({ name: `score of stage ${stage}`, value: v });
  for (const v of Object.values(r.metrics ?? {})) {
    for (const m of Array.isArray(v) ? v : [v]) {
      if (m && typeof m === 'object' && (m as { kind?: unknown }).kind === 'latency') {
        const l = m as { name: string; p95?: number };
        if (typeof l.p95 === 'number') out.push({ name: `p95 of ${l.name}`, value: l.p95, unit: 'ms' });
      }
    }
  }
  return out;
}

export function diffReports(before: Report, after: Report, path: string): BaselineDiff {
  const beforeFp = new Map(before.findings.map((f) => [f.fingerprint, f]));
  const afterFp = new Set(after.findings.map((f) => f.fingerprint));
  const newFindings = after.findings.filter((f) => !beforeFp.has(f.fingerprint)).map((f) => f.fingerprint);
  const fixedFindings = before.findings
    .filter((f) => !afterFp.has(f.fingerprint))
    .map((f) => ({ id: f.id, target: f.target, fingerprint: f.fingerprint, severity: f.severity }));
  const b = new Map(headlineMetrics(before).map((m) => [m.name, m]));
  const metricDeltas = headlineMetrics(after)
    .filter((m) => b.has(m.name) && b.get(m.name)!.value !== m.value)
    .map((m) => ({ name: m.name, before: b.get(m.name)!.value, after: m.value, ...(m.unit ? { unit: m.unit } : {}) }));
  return { path, newFindings, fixedFindings, unchanged: after.findings.length - newFindings.length, metricDeltas };
}
