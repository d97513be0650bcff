/** env/shared-secret: the same secret value in staging and production (compared by hash, never by value). */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { envEntries, PRODUCTION, STAGING } from './shared.js';

export default defineAudit({
  meta: {
    id: 'shared-secret',
    emits: ['env/shared-secret'],
    requiredArtifacts: ['envFiles'],
    description: 'Staging and production use different secrets',
  },
  audit({ envFiles }) {
    const prod = envEntries(envFiles, PRODUCTION);
    const stag = envEntries(envFiles, STAGING);
    if (!prod || !stag) return { findings: [], notApplicable: 'needs both a production and a staging env file' };
    const stagByHash = new Map<string, string[]>();
    for (const e of stag.entries.values()) if (!e.empty) stagByHash.set(e.valueHash, [...(stagByHash.get(e.valueHash) ?? []), e.key]);
    const findings: FindingDraft[] = [];
    for (const p of prod.entries.values()) {
      if (p.empty) continue;
      const sameIn = stagByHash.get(p.valueHash);
      if (!sameIn) continue;
      const secret = p.looksSecret || sameIn.some((k) => stag.entries.get(k)?.looksSecret);
      if (!secret) continue;
      findings.push({
        rule: 'env/shared-secret',
        target: p.key,
        evidence: { key: p.key, stagingKeys: sameIn, production: prod.files, staging: stag.files, value: p.masked, detector: p.secretRule ?? null },
        key: `shared:${p.key}`,
      });
    }
    return { findings, targets: [...prod.files, ...stag.files] };
  },
});
