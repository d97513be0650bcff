/** env/key-drift: keys defined in staging but not production, or the other way round. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { envEntries, PRODUCTION, STAGING } from './shared.js';

export default defineAudit({
  meta: {
    id: 'key-drift',
    emits: ['env/key-drift'],
    requiredArtifacts: ['envFiles'],
    description: 'Staging and production define the same keys',
  },
  audit({ envFiles }) {
    const prod = envEntries(envFiles, PRODUCTION);
    const stag = envEntries(envFiles, STAGING);
    if (!prod || !stag) return { findings: [], notApplicable: 'needs both a production and a staging env file' };
    const onlyStaging = [...stag.entries.keys()].filter((k) => !prod.entries.has(k)).sort();
    const onlyProduction = [...prod.entries.keys()].filter((k) => !stag.entries.has(k)).sort();
    const findings: FindingDraft[] = [];
    if (onlyStaging.length) findings.push({ rule: 'env/key-drift', target: prod.files.join(', '), evidence: { missingIn: 'production', keys: onlyStaging }, key: 'drift:production' });
    if (onlyProduction.length) findings.push({ rule: 'env/key-drift', target: stag.files.join(', '), evidence: { missingIn: 'staging', keys: onlyProduction }, key: 'drift:staging' });
    return { findings, targets: [...prod.files, ...stag.files] };
  },
});
