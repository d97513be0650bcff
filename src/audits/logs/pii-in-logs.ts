/** logs/pii-in-logs: emails, phones, Luhn-valid cards, clear passwords/authorization in log files (counts + masked samples). */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

export default defineAudit({
  meta: {
    id: 'pii-in-logs',
    emits: ['logs/pii-in-logs'],
    requiredArtifacts: ['logs'],
    description: 'Log files hold no personal data',
  },
  audit({ logs }) {
    const findings: FindingDraft[] = [];
    for (const f of logs.files) {
      const total = Object.values(f.pii).reduce((a, b) => a + b, 0);
      if (total === 0) continue;
      const counts = Object.fromEntries(Object.entries(f.pii).filter(([, n]) => n > 0));
      const severe = f.pii.card > 0 || f.pii.password > 0 || f.pii.authorization > 0;
      findings.push({
        rule: 'logs/pii-in-logs',
        target: f.path,
        location: { file: f.path, line: f.samples[0]?.line },
        evidence: { counts, samples: f.samples, lines: f.lines, gzip: f.gzip },
        severity: severe ? 'high' : 'medium',
      });
    }
    return { findings, targets: logs.files.map((f) => f.path), ...(logs.files.length === 0 ? { notApplicable: 'no log file found' } : {}) };
  },
});
