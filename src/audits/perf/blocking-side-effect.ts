/**
 * perf/blocking-side-effect: a route declaring `sideEffects: [email]` (or webhook) was loaded
 * twice against launchready's own receiver, first accepting at once, then delaying acceptance by
 * a known amount (perf.sinks.delay, 300 ms). When the route's median latency rises by at least
 * half that delay, the request waits for the delivery: the work is synchronous. A route that
 * queues the email answers as fast as before while the (delayed) message still arrives.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { SideEffectProbe } from './artifact.js';

/** Share of the sink's delay that the median must rise by to count as "waits for delivery". */
export const BLOCKING_SHARE = 0.5;

/** The verdict for one probe: `blocking`, `queued`, or why it cannot be judged. Pure. */
export function judgeSideEffect(p: SideEffectProbe): { verdict: 'blocking' | 'queued' } | { unjudged: string } {
  if (p.skipped || !p.fast || !p.delayed) return { unjudged: p.skipped ?? 'not probed' };
  if (p.fast.requests === 0 || p.delayed.requests === 0) return { unjudged: 'no request completed' };
  if (p.fast.errors * 2 > p.fast.requests || p.delayed.errors * 2 > p.delayed.requests) return { unjudged: 'most requests failed' };
  if (p.fast.received + p.delayed.received === 0) {
    return { unjudged: `no ${p.effect} reached launchready's receiver at ${p.sink}: point the app's ${p.effect === 'email' ? 'SMTP settings' : 'webhook URL'} there` };
  }
  return { verdict: p.delayed.p50 - p.fast.p50 >= BLOCKING_SHARE * p.delayMs ? 'blocking' : 'queued' };
}

export default defineAudit({
  meta: {
    id: 'perf-blocking-side-effect',
    emits: ['perf/blocking-side-effect'],
    requiredArtifacts: ['perf'],
    description: 'Write routes queue their email and webhook deliveries instead of waiting for them',
  },
  audit({ perf }) {
    const probes = perf.sideEffects ?? [];
    const findings: FindingDraft[] = [];
    const targets: string[] = [];
    const unjudged: string[] = [];
    for (const p of probes) {
      const j = judgeSideEffect(p);
      const target = `${p.method} ${p.url}`;
      if ('unjudged' in j) {
        unjudged.push(`${p.name} (${p.effect}): ${j.unjudged}`);
        continue;
      }
      targets.push(target);
      if (j.verdict !== 'blocking') continue;
      findings.push({
        rule: 'perf/blocking-side-effect',
        target,
        evidence: {
          route: p.name,
          sideEffect: p.effect,
          sinkDelayMs: p.delayMs,
          p50Before: p.fast!.p50,
          p50WithDelay: p.delayed!.p50,
          riseMs: Math.round((p.delayed!.p50 - p.fast!.p50) * 10) / 10,
          received: p.fast!.received + p.delayed!.received,
        },
      });
    }
    if (targets.length === 0) {
      return { findings, notApplicable: unjudged.length ? unjudged.join('; ') : 'no route declares sideEffects' };
    }
    return { findings, targets };
  },
});
