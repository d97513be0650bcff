/**
 * The report metric of one loaded route: the `{kind: 'latency'}` shape the HTML reporter draws as
 * a histogram (src/report/shared.ts latencyMetrics).
 */
import type { PerfRouteRun } from './artifact.js';

export interface RouteLatencyMetric {
  kind: 'latency';
  name: string;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
  rps: number;
  errors: number;
  buckets: { le: number; count: number }[];
}

export function latencyMetric(run: PerfRouteRun): RouteLatencyMetric {
  const l = run.load;
  return {
    kind: 'latency',
    name: run.name,
    p50: l.latency.p50,
    p90: l.latency.p90,
    p95: l.latency.p95,
    p99: l.latency.p99,
    max: l.latency.max,
    count: l.count,
    rps: l.rps,
    errors: l.errors,
    buckets: l.buckets,
  };
}
