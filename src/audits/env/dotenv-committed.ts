/** env/dotenv-committed: a real .env file (not .env.example and friends) tracked by git. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

export default defineAudit({
  meta: {
    id: 'dotenv-committed',
    emits: ['env/dotenv-committed'],
    requiredArtifacts: ['envFiles'],
    description: 'Only example env files are tracked by git',
  },
  audit({ envFiles }) {
    const findings: FindingDraft[] = [];
    for (const f of envFiles.files) {
      if (f.isExample || f.tracked !== true) continue;
      const secrets = f.entries.filter((e) => e.looksSecret).length;
      findings.push({
        rule: 'env/dotenv-committed',
        target: f.path,
        location: { file: f.path },
        evidence: { env: f.env, keys: f.entries.length, secretLooking: secrets },
        severity: secrets > 0 ? 'high' : 'medium',
      });
    }
    return { findings, targets: envFiles.files.map((f) => f.path) };
  },
});
