/** monitor/single-channel, monitor/no-escalation and monitor/no-slo: alert routing and objectives. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

export default defineAudit({
  meta: {
    id: 'monitor-routing',
    emits: ['monitor/single-channel', 'monitor/no-escalation', 'monitor/no-slo'],
    requiredArtifacts: ['monitor'],
    description: 'Alerts reach two channels, escalate when ignored, and objectives exist',
  },
  audit({ monitor }) {
    if (!monitor.configured) return { findings: [], notApplicable: 'no monitor section in the config' };
    const findings: FindingDraft[] = [];
    // Two channels of the same type (two Slack webhooks) still fail together when Slack is down or muted.
    const types = [...new Set(monitor.channels.map((c) => c.type))];
    if (monitor.channels.length < 2 || types.length < 2) {
      findings.push({ rule: 'monitor/single-channel', target: 'monitor.channels', evidence: { channels: monitor.channels.map((c) => `${c.name} (${c.type})`) } });
    }
    // Escalation means: someone new is notified later, or the alert repeats, while nobody acknowledges.
    const esc = monitor.escalation;
    const first = new Set(esc?.steps.filter((s) => s.afterMs === 0).flatMap((s) => s.notify) ?? []);
    const later = esc?.steps.some((s) => s.afterMs > 0 && s.notify.some((n) => !first.has(n))) ?? false;
    if (!later) {
      findings.push({ rule: 'monitor/no-escalation', target: 'monitor.escalation', evidence: { steps: esc?.steps.length ?? 0, repeats: esc?.repeatMs != null } });
    }
    if (monitor.slos.length === 0) findings.push({ rule: 'monitor/no-slo', target: 'monitor.slos', evidence: { checks: monitor.checks.length } });
    return { findings, targets: ['monitor.channels', 'monitor.escalation', 'monitor.slos'] };
  },
});
