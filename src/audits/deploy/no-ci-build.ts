/** deploy/no-ci-build: no CI configuration in the repository both installs dependencies from clean and builds. */
import { defineAudit } from '../../core/audit.js';

export default defineAudit({
  meta: {
    id: 'deploy-ci',
    emits: ['deploy/no-ci-build'],
    requiredArtifacts: ['ci'],
    description: 'A CI job installs from a clean checkout and builds',
  },
  audit({ ci }) {
    const ok = ci.files.some((f) => f.install && f.build);
    const findings = ok
      ? []
      : [
          {
            rule: 'deploy/no-ci-build',
            target: ci.root,
            evidence: ci.files.length
              ? { found: ci.files.map((f) => ({ path: f.path, install: f.install, build: f.build, ...(f.parseError ? { parseError: f.parseError } : {}) })) }
              : { found: [] },
          },
        ];
    return { findings, targets: [ci.root] };
  },
});
