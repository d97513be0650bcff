/** monitor/no-uptime-checks: the checks must cover the homepage, API health and one core action. */
import { defineAudit } from '../../core/audit.js';
import type { CheckRole } from './artifact.js';

const NEEDED: CheckRole[] = ['homepage', 'api-health', 'core-action'];

export default defineAudit({
  meta: {
    id: 'monitor-checks-coverage',
    emits: ['monitor/no-uptime-checks'],
    requiredArtifacts: ['monitor'],
    description: 'Uptime checks cover homepage, API health and a core action',
  },
  audit({ monitor }) {
    if (!monitor.configured) return { findings: [], notApplicable: 'no monitor section in the config' };
    const covered = new Set(monitor.checks.map((c) => c.role));
    const missing = NEEDED.filter((r) => !covered.has(r));
    const target = 'monitor.checks';
    if (missing.length === 0) return { findings: [], targets: [target] };
    return { findings: [{ rule: 'monitor/no-uptime-checks', target, evidence: { missing, checks: monitor.checks.length } }], targets: [target] };
  },
});
