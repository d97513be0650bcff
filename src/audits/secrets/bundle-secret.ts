/** secrets/bundle-secret: a credential in built browser output (dist/, build/, out/, .next/static, public JS, source maps). */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { graded, hitEvidence, rotateRemediation } from './shared.js';

export default defineAudit({
  meta: {
    id: 'bundle-secret',
    emits: ['secrets/bundle-secret'],
    requiredArtifacts: ['secrets'],
    description: 'No credential in what browsers download',
  },
  audit({ secrets }) {
    const findings: FindingDraft[] = secrets.bundles.hits
      // Referrer-restricted browser keys (Maps/Firebase web API keys) are public by design.
      .filter((h) => !h.browserSafe)
      .map((h) => ({
        rule: 'secrets/bundle-secret',
        target: h.file,
        location: { file: h.file.split('#')[0]!, line: h.line, column: h.column },
        evidence: { ...hitEvidence(h), sourceMap: h.file.includes('#'), ...(h.encoding ? { encoded: `${h.encoding}-encoded in bundle` } : {}) },
        severity: graded('blocker', { ...h, fixture: false }),
        remediation: rotateRemediation(h, 'then move the code that needs it to the server; rebuilding without it is not enough, the old bundle was public.'),
        key: h.fingerprint,
      }));
    return { findings, targets: [secrets.root], ...(secrets.bundles.files === 0 ? { notApplicable: 'no built bundle found' } : {}) };
  },
});
