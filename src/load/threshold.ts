/**
 * Thresholds in k6's spelling (`p(95)<300`, `rate<0.01`, `avg<200`), so users write the budgets they
 * already know. Hand-written rather than pulled from k6 (Go) because the grammar is six lines; the
 * structure follows k6's metrics/thresholds_parser.go: scan the shape, parse each side, validate,
 * evaluate — four small steps, each error quoting the input.
 *
 * Grammar (whitespace allowed between tokens):
 *
 *   threshold   = aggregation operator number
 *   aggregation = "avg" | "min" | "max" | "med" | "count" | "rate" | "p(" number ")"
 *   operator    = "<=" | ">=" | "===" | "==" | "!=" | "<" | ">"
 *   number      = digits [ "." digits ]
 *
 * Latency aggregations (avg, min, max, med, p(N)) are in milliseconds; `rate` is the share of failed
 * requests (0..1, k6's http_req_failed); `count` is the number of requests measured.
 */
import { UsageError } from '../core/errors.js';

/** Operators, longest first: the scanner takes the first that matches, so `<=` must win over `<` and `===` over `==`. */
const OPERATORS = ['===', '<=', '>=', '==', '!=', '<', '>'] as const;
export type ThresholdOperator = (typeof OPERATORS)[number];

export type Aggregation =
  | { kind: 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' }
  | { kind: 'p'; percentile: number };

export interface Threshold {
  /** The text as written (trimmed). */
  source: string;
  aggregation: Aggregation;
  op: ThresholdOperator;
  value: number;
}

/** What thresholds are evaluated against (latencies in ms). */
export interface ThresholdStats {
  count: number;
  /** Failed requests / requests, 0..1. */
  errorRate: number;
  min: number;
  max: number;
  mean: number;
  /** Latency at a percentile (0 < q <= 100). */
  percentile(q: number): number;
}

export interface ThresholdOutcome {
  threshold: Threshold;
  ok: boolean;
  /** Observed value of the aggregation (ms, ratio or count); null when nothing was measured. */
  observed: number | null;
  /** `p(95) (412ms) < 300`: the aggregation with the observed value inline, then the bound. */
  text: string;
}

export class ThresholdError extends UsageError {
  override name = 'ThresholdError';
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid threshold "${input}": ${reason}`);
  }
}

const SUPPORTED = 'avg, min, max, med, count, rate, p(N)';
const NUMBER_RE = /^\d+(?:\.\d+)?$/;

// ------------------------------------------------------------------ scan

/** Split into left side, operator and right side; no meaning attached yet. */
export function scanThreshold(input: string): { lhs: string; op: ThresholdOperator; rhs: string } {
  const s = input.trim();
  if (s === '') throw new ThresholdError(input, 'empty; expected e.g. p(95)<300 or rate<0.01');
  for (let i = 0; i < s.length; i++) {
    const op = OPERATORS.find((o) => s.startsWith(o, i));
    if (op) return { lhs: s.slice(0, i).trim(), op, rhs: s.slice(i + op.length).trim() };
  }
  throw new ThresholdError(input, `no comparison operator (one of ${OPERATORS.join(' ')})`);
}

// ------------------------------------------------------------------ parse

function parseAggregation(input: string, lhs: string): Aggregation {
  if (lhs === '') throw new ThresholdError(input, `missing aggregation before the operator (${SUPPORTED})`);
  const p = /^p\(\s*([^)]*?)\s*\)$/.exec(lhs);
  if (p) {
    if (!NUMBER_RE.test(p[1]!)) throw new ThresholdError(input, `percentile "${p[1]}" is not a number`);
    return { kind: 'p', percentile: Number(p[1]) };
  }
  if (lhs === 'avg' || lhs === 'min' || lhs === 'max' || lhs === 'med' || lhs === 'count' || lhs === 'rate') return { kind: lhs };
  throw new ThresholdError(input, `unknown aggregation "${lhs}" (supported: ${SUPPORTED})`);
}

export function parseThreshold(input: string): Threshold {
  const { lhs, op, rhs } = scanThreshold(input);
  const aggregation = parseAggregation(input, lhs);
  if (rhs === '') throw new ThresholdError(input, 'missing number after the operator');
  if (!NUMBER_RE.test(rhs)) throw new ThresholdError(input, `"${rhs}" is not a number (write milliseconds without a unit)`);
  return validateThreshold({ source: input.trim(), aggregation, op, value: Number(rhs) });
}

// ------------------------------------------------------------------ validate

/** Checks meaning: percentile range, rate as a ratio. Returns the threshold unchanged. */
export function validateThreshold(t: Threshold): Threshold {
  const a = t.aggregation;
  if (a.kind === 'p' && !(a.percentile > 0 && a.percentile <= 100)) {
    throw new ThresholdError(t.source, `percentile ${a.percentile} is outside (0, 100]`);
  }
  if (a.kind === 'rate' && t.value > 1) {
    throw new ThresholdError(t.source, `rate is a ratio between 0 and 1 (1% is 0.01), got ${t.value}`);
  }
  return t;
}

// ------------------------------------------------------------------ evaluate

export function aggregationLabel(a: Aggregation): string {
  return a.kind === 'p' ? `p(${a.percentile})` : a.kind;
}

/** True when the aggregation measures latency (read/write budgets), false for rate and count. */
export function isLatencyThreshold(t: Threshold): boolean {
  return t.aggregation.kind !== 'rate' && t.aggregation.kind !== 'count';
}

function observe(a: Aggregation, s: ThresholdStats): number | null {
  if (a.kind === 'count') return s.count;
  // No samples: nothing to judge (k6 treats a missing aggregate the same way).
  if (s.count === 0) return null;
  switch (a.kind) {
    case 'rate': return s.errorRate;
    case 'avg': return s.mean;
    case 'min': return s.min;
    case 'max': return s.max;
    case 'med': return s.percentile(50);
    case 'p': return s.percentile(a.percentile);
  }
}

function compare(op: ThresholdOperator, x: number, v: number): boolean {
  switch (op) {
    case '<': return x < v;
    case '<=': return x <= v;
    case '>': return x > v;
    case '>=': return x >= v;
    case '==':
    case '===': return x === v;
    case '!=': return x !== v;
    default: {
      // Protects our future selves: a new operator must be handled here.
      const never: never = op;
      throw new Error(`unhandled operator ${String(never)}`);
    }
  }
}

function formatObserved(a: Aggregation, x: number): string {
  if (a.kind === 'count') return String(x);
  if (a.kind === 'rate') return `${(x * 100).toFixed(2)}%`;
  return `${x < 10 ? x.toFixed(2) : x.toFixed(0)}ms`;
}

export function evaluateThreshold(t: Threshold, s: ThresholdStats): ThresholdOutcome {
  const observed = observe(t.aggregation, s);
  const label = aggregationLabel(t.aggregation);
  if (observed === null) return { threshold: t, ok: true, observed, text: `${label} (no samples) ${t.op} ${t.value}` };
  return {
    threshold: t,
    ok: compare(t.op, observed, t.value),
    observed,
    text: `${label} (${formatObserved(t.aggregation, observed)}) ${t.op} ${t.value}`,
  };
}

/** Key used to let a route threshold replace a default of the same aggregation (`p(95)`, `rate`). */
export function thresholdKey(t: Threshold): string {
  return aggregationLabel(t.aggregation);
}
