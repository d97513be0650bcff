/**
 * deploy/smoke-failed: a configured flow failed (which step, what was expected, what came back).
 * `smokeFindings` is shared with `launchready smoke` (src/flow/smoke.ts) so both report the same.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { FlowResult } from '../../flow/types.js';

export function smokeTarget(r: FlowResult): string {
  return `flow:${r.flow}`;
}

export function smokeFindings(results: FlowResult[]): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    if (r.ok || seen.has(r.flow)) continue;
    seen.add(r.flow);
    const step = r.steps.find((s) => s.outcome !== 'passed');
    const cleanupProblems = r.cleanup.filter((s) => s.outcome === 'failed' || s.outcome === 'error').map((s) => s.name);
    findings.push({
      rule: 'deploy/smoke-failed',
      target: smokeTarget(r),
      evidence: {
        flow: r.flow,
        ...(step
          ? {
              step: step.name,
              request: `${step.method} ${step.url}`,
              outcome: step.outcome,
              ...(step.reason ? { reason: step.reason } : {}),
              expected: step.expectations.filter((e) => !e.pass).map((e) => e.expectation),
              ...(step.got ? { got: step.got } : {}),
              durationMs: step.durationMs,
              passedSteps: r.steps.filter((s) => s.outcome === 'passed').length,
            }
          : {}),
        ...(r.error ? { error: r.error.message } : {}),
        ...(cleanupProblems.length ? { cleanupFailed: cleanupProblems } : {}),
      },
    });
  }
  return findings;
}

export default defineAudit({
  meta: {
    id: 'deploy-smoke',
    emits: ['deploy/smoke-failed'],
    requiredArtifacts: ['smoke'],
    description: 'Every configured smoke flow passes',
  },
  audit({ smoke }) {
    if (smoke.flows.length === 0) return { findings: [], notApplicable: 'no flows in config' };
    return { findings: smokeFindings(smoke.flows), targets: [...new Set(smoke.flows.map(smokeTarget))] };
  },
});
