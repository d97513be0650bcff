/**
 * CSP evaluation through Google's csp_evaluator (the engine behind csp-evaluator.withgoogle.com),
 * not a hand-written checker: it knows the allowlist bypasses (JSONP, AngularJS hosts) and the
 * nonce/hash/strict-dynamic interplay that a handful of regexes would get wrong.
 */
import { CspEvaluator } from 'csp_evaluator/dist/evaluator.js';
import { CspParser } from 'csp_evaluator/dist/parser.js';
import { Severity, Type } from 'csp_evaluator/dist/finding.js';

export interface CspProblem {
  /** csp_evaluator finding type, e.g. SCRIPT_UNSAFE_INLINE, PLAIN_WILDCARD, MISSING_DIRECTIVES. */
  type: string;
  directive: string;
  value?: string;
}

/** High-severity findings of the evaluator's default checks for one policy. */
export function highSeverityCspProblems(policy: string): CspProblem[] {
  const findings = new CspEvaluator(new CspParser(policy).csp).evaluate();
  return findings
    .filter((f) => f.severity === Severity.HIGH)
    .map((f) => ({ type: Type[f.type] ?? String(f.type), directive: f.directive, ...(f.value !== undefined ? { value: f.value } : {}) }));
}

/** Directive names of a policy, lower case. */
export function cspDirectives(policy: string): Set<string> {
  return new Set(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/)[0]?.toLowerCase() ?? '')
      .filter(Boolean),
  );
}
