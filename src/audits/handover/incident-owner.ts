/** handover/no-incident-owner: config handover.incident.owner is not set. */
import { defineAudit } from '../../core/audit.js';

export default defineAudit({
  meta: {
    id: 'handover-incident-owner',
    emits: ['handover/no-incident-owner'],
    requiredArtifacts: ['handover'],
    description: 'Somebody is named to handle incidents (handover.incident.owner)',
  },
  audit(_artifacts, { config }) {
    const inc = config.handover?.incident;
    const findings = inc?.owner
      ? []
      : [{ rule: 'handover/no-incident-owner', target: 'handover.incident.owner', evidence: { contacts: inc?.contacts.length ?? 0, runbook: Boolean(inc?.runbook) } }];
    return { findings, targets: ['handover.incident.owner'] };
  },
});
