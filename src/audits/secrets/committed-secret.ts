/** secrets/committed-secret: a credential in a tracked (or untracked, not ignored) file of the working tree. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { graded, hitEvidence, rotateRemediation } from './shared.js';

export default defineAudit({
  meta: {
    id: 'committed-secret',
    emits: ['secrets/committed-secret'],
    requiredArtifacts: ['secrets'],
    description: 'No credential in the files of the working tree',
  },
  audit({ secrets }) {
    const findings: FindingDraft[] = secrets.worktree.hits.map((h) => ({
      rule: 'secrets/committed-secret',
      target: h.file,
      location: { file: h.file, line: h.line, column: h.column },
      evidence: { ...hitEvidence(h), tracked: h.tracked, fixture: h.fixture },
      // Untracked files are one `git add .` away from history: high, not yet a blocker.
      severity: h.tracked === false ? graded('high', h) : graded('blocker', h),
      remediation: rotateRemediation(h, 'then remove it from the file and read it from the environment or a secret manager.'),
      key: h.fingerprint,
    }));
    return {
      findings,
      targets: [secrets.root],
      metrics: {
        secrets: {
          files: secrets.worktree.files,
          bytes: secrets.worktree.bytes,
          bundleFiles: secrets.bundles.files,
          historyBlobs: secrets.history?.blobs ?? null,
          historyCommits: secrets.history?.commits ?? null,
          shallow: secrets.shallow,
          baselined: secrets.baselined,
          skipped: secrets.worktree.skippedByReason,
          durationMs: secrets.durationMs,
        },
      },
    };
  },
});
