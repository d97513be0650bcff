/** deploy/no-rollback-path: config handover.rollback is empty and the repo has no rollback document. */
import { defineAudit } from '../../core/audit.js';

export default defineAudit({
  meta: {
    id: 'deploy-rollback',
    emits: ['deploy/no-rollback-path'],
    requiredArtifacts: ['rollback'],
    description: 'Rollback steps are documented (config handover.rollback or ROLLBACK.md / docs/rollback*)',
  },
  audit({ rollback }) {
    const ok = rollback.configSteps.length > 0 || rollback.docs.length > 0;
    return {
      findings: ok ? [] : [{ rule: 'deploy/no-rollback-path', target: 'handover.rollback', evidence: { configSteps: 0, repoChecked: rollback.repoChecked } }],
      targets: ['handover.rollback'],
    };
  },
});
