/**
 * env/missing-value: required keys (config env.required plus every key of .env.example) absent or
 * empty in a deployed environment (production, staging; the plain .env when neither exists).
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { realFiles } from './shared.js';

export default defineAudit({
  meta: {
    id: 'missing-value',
    emits: ['env/missing-value'],
    requiredArtifacts: ['envFiles'],
    description: 'Every required variable has a value in every deployed environment',
  },
  audit({ envFiles }) {
    const required = new Set(envFiles.required);
    for (const f of envFiles.files) if (f.isExample) for (const e of f.entries) required.add(e.key);
    if (required.size === 0) return { findings: [], notApplicable: 'no env.required in config and no .env.example' };
    const real = realFiles(envFiles);
    const deployed = real.filter((f) => f.env === 'production' || f.env === 'staging');
    const checked = deployed.length > 0 ? deployed : real.filter((f) => f.env === 'default');
    const findings: FindingDraft[] = [];
    for (const f of checked) {
      const have = new Map(f.entries.map((e) => [e.key, e]));
      const missing = [...required].filter((k) => !have.has(k)).sort();
      const empty = [...required].filter((k) => have.get(k)?.empty).sort();
      if (missing.length + empty.length === 0) continue;
      findings.push({ rule: 'env/missing-value', target: f.path, location: { file: f.path }, evidence: { env: f.env, missing, empty } });
    }
    return { findings, targets: checked.map((f) => f.path) };
  },
});
