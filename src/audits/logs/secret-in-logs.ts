/** logs/secret-in-logs: detector hits in log files, one finding per file with counts per detector. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

export default defineAudit({
  meta: {
    id: 'secret-in-logs',
    emits: ['logs/secret-in-logs'],
    requiredArtifacts: ['logs'],
    description: 'Log files hold no credential',
  },
  audit({ logs }) {
    const findings: FindingDraft[] = [];
    for (const f of logs.files) {
      if (f.secretHits.length === 0) continue;
      const byDetector: Record<string, number> = {};
      for (const h of f.secretHits) byDetector[h.rule] = (byDetector[h.rule] ?? 0) + 1;
      const first = f.secretHits[0]!;
      findings.push({
        rule: 'logs/secret-in-logs',
        target: f.path,
        location: { file: f.path, line: first.line, column: first.column },
        evidence: {
          count: f.secretHits.length,
          byDetector,
          samples: f.secretHits.slice(0, 3).map((h) => ({ line: h.line, detector: h.rule, provider: h.provider, redacted: h.redacted, fingerprint: h.fingerprint })),
          gzip: f.gzip,
        },
      });
    }
    return { findings, targets: logs.files.map((f) => f.path), ...(logs.files.length === 0 ? { notApplicable: 'no log file found' } : {}) };
  },
});
