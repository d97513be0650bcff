/** env/browser-exposed-secret: a NEXT_PUBLIC_/VITE_/... variable whose value matches a secret rule or whose name says secret. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { BROWSER_PREFIXES, BROWSER_SECRET_NAME } from '../../secrets/env.js';
import { realFiles } from './shared.js';

export default defineAudit({
  meta: {
    id: 'browser-exposed-secret',
    emits: ['env/browser-exposed-secret'],
    requiredArtifacts: ['envFiles'],
    description: 'Browser-exposed variables hold no secret',
  },
  audit({ envFiles }) {
    const findings: FindingDraft[] = [];
    const files = realFiles(envFiles);
    for (const f of files) {
      for (const e of f.entries) {
        const prefix = BROWSER_PREFIXES.find((p) => e.key.startsWith(p));
        if (!prefix || e.empty) continue;
        const byRule = e.secretRule !== undefined && !e.browserSafe;
        const byName = BROWSER_SECRET_NAME.test(e.key.slice(prefix.length)) && e.looksSecret;
        if (!byRule && !byName) continue;
        findings.push({
          rule: 'env/browser-exposed-secret',
          target: f.path,
          location: { file: f.path, line: e.line },
          evidence: { env: f.env, key: e.key, prefix, detector: e.secretRule ?? null, value: e.masked },
          key: `${f.path}:${e.key}`,
        });
      }
    }
    return { findings, targets: files.map((f) => f.path) };
  },
});
