/** env/localhost-in-production: a production value whose host is localhost/loopback or a staging host. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { envEntries, matchesHostPattern, PRODUCTION } from './shared.js';

export default defineAudit({
  meta: {
    id: 'localhost-in-production',
    emits: ['env/localhost-in-production'],
    requiredArtifacts: ['envFiles'],
    description: 'Production values do not point at localhost or staging',
  },
  audit({ envFiles }, { config }) {
    const prod = envEntries(envFiles, PRODUCTION);
    if (!prod) return { findings: [], notApplicable: 'no production env file' };
    const staging = config.domains?.staging ?? [];
    const findings: FindingDraft[] = [];
    for (const e of prod.entries.values()) {
      if (!e.host) continue;
      const stagingHit = staging.find((p) => matchesHostPattern(e.host!, p));
      if (!e.localhost && !stagingHit) continue;
      findings.push({
        rule: 'env/localhost-in-production',
        target: e.key,
        location: { file: prod.files[prod.files.length - 1]!, line: e.line },
        evidence: { key: e.key, host: e.host, reason: e.localhost ? 'localhost' : 'staging-host', ...(stagingHit ? { pattern: stagingHit } : {}) },
        key: `prod-host:${e.key}`,
      });
    }
    return { findings, targets: prod.files };
  },
});
