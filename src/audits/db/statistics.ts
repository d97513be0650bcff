/** db/seq-scan-hotspot and db/slow-statement: what the workload statistics say. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { HOTSPOT_MIN_INDEX_PERCENT, HOTSPOT_MIN_ROWS, READ_BUDGET_MS, SLOW_MEAN_MS, SLOW_MIN_CALLS } from './thresholds.js';

export const seqScanHotspot = defineAudit({
  meta: {
    id: 'db-seq-scan-hotspot',
    emits: ['db/seq-scan-hotspot'],
    requiredArtifacts: ['database'],
    description: `Tables of ${HOTSPOT_MIN_ROWS}+ rows are read through indexes at least ${HOTSPOT_MIN_INDEX_PERCENT}% of the time`,
  },
  audit({ database: db }) {
    if (db.tableScanStats === false) return { findings: [], notApplicable: `${db.engine === 'mysql' ? 'MySQL/MariaDB keep' : 'the server keeps'} no per-table sequential-scan counters` };
    if (!db.tables.length) return { findings: [], notApplicable: 'the database has no tables yet' };
    const findings: FindingDraft[] = [];
    for (const t of db.tables) {
      if (t.rows < HOTSPOT_MIN_ROWS || t.seqScan === 0) continue;
      const idx = t.idxScan ?? 0;
      const percent = Math.floor((100 * idx) / (idx + t.seqScan));
      if (percent >= HOTSPOT_MIN_INDEX_PERCENT) continue;
      findings.push({
        rule: 'db/seq-scan-hotspot',
        target: `${t.schema}.${t.name}`,
        evidence: { rows: t.rows, seqScans: t.seqScan, indexScans: t.idxScan, percentIndexUsed: percent, statsResetAt: db.statsResetAt },
      });
    }
    return { findings, targets: db.tables.map((t) => `${t.schema}.${t.name}`) };
  },
});

export const slowStatement = defineAudit({
  meta: {
    id: 'db-slow-statement',
    emits: ['db/slow-statement'],
    requiredArtifacts: ['database'],
    description: `Statements average under ${SLOW_MEAN_MS} ms (over ${SLOW_MIN_CALLS}+ calls) and under the ${READ_BUDGET_MS} ms read budget`,
  },
  audit({ database: db }) {
    if (!db.statements.available) return { findings: [], notApplicable: db.statements.reason ?? 'statement statistics are not available' };
    const findings: FindingDraft[] = db.statements.statements
      .filter((s) => (s.meanMs >= SLOW_MEAN_MS && s.calls >= SLOW_MIN_CALLS) || s.meanMs > READ_BUDGET_MS)
      .map((s) => ({
        rule: 'db/slow-statement',
        target: `${db.target} query ${s.queryId}`,
        ...(s.meanMs > READ_BUDGET_MS ? { severity: 'high' as const } : {}),
        evidence: { query: s.query, calls: s.calls, meanMs: s.meanMs, totalMs: s.totalMs, rowsPerCall: s.rowsPerCall, hasLimit: s.hasLimit },
        key: `db/slow-statement|${db.target}|${s.queryId}`,
      }));
    return { findings, targets: [db.target] };
  },
});
