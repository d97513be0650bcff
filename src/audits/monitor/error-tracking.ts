/** monitor/no-error-tracking: no Sentry-compatible SDK or DSN, no OpenTelemetry exporter. */
import { defineAudit } from '../../core/audit.js';

export default defineAudit({
  meta: {
    id: 'monitor-error-tracking',
    emits: ['monitor/no-error-tracking'],
    requiredArtifacts: ['monitor'],
    description: 'The backend reports errors to a tracker',
  },
  audit({ monitor }) {
    const e = monitor.errorTracking;
    if (!e.applicable) return { findings: [], notApplicable: 'neither a repo nor a monitor section in the config' };
    const target = 'backend';
    if (e.config.length + e.dependencies.length + e.envKeys.length > 0) return { findings: [], targets: [target] };
    return { findings: [{ rule: 'monitor/no-error-tracking', target, evidence: { scannedFiles: e.scanned } }], targets: [target] };
  },
});
