/** db/missing-fk-index, db/unused-index, db/duplicate-index: the index set against the schema and its use. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { DbIndex } from '../../db/types.js';
import { createIndexSql, dropIndexSql } from './sql.js';
import { STATS_MIN_AGE_SECONDS, UNUSED_MAX_SCANS } from './thresholds.js';

/** Indexes that can serve lookups by their leading columns (valid, not partial). */
const usable = (i: DbIndex) => i.valid && !i.partial;

export const missingFkIndex = defineAudit({
  meta: {
    id: 'db-missing-fk-index',
    emits: ['db/missing-fk-index'],
    requiredArtifacts: ['database'],
    description: 'Every foreign key has an index whose leading columns cover it',
  },
  audit({ database: db }) {
    if (!db.foreignKeys.length) return { findings: [], notApplicable: 'no foreign keys' };
    const findings: FindingDraft[] = [];
    for (const fk of db.foreignKeys) {
      // Covered when the first n key columns of some index are exactly the FK columns, in any order
      // (pghero's rule: the planner can use such an index for the lookup).
      const want = [...fk.columns].sort().join(',');
      const covered = db.indexes.some(
        (i) => i.schema === fk.schema && i.table === fk.table && usable(i) && i.method === 'btree' && [...i.columns.slice(0, fk.columns.length)].sort().join(',') === want,
      );
      if (covered) continue;
      const rows = db.tables.find((t) => t.schema === fk.schema && t.name === fk.table)?.rows ?? null;
      findings.push({
        rule: 'db/missing-fk-index',
        target: `${fk.schema}.${fk.table}`,
        evidence: { constraint: fk.name, columns: fk.columns, references: fk.references, rows },
        remediation: createIndexSql(db.engine, fk.schema, fk.table, fk.columns),
      });
    }
    return { findings, targets: [...new Set(db.foreignKeys.map((f) => `${f.schema}.${f.table}`))] };
  },
});

export const unusedIndex = defineAudit({
  meta: {
    id: 'db-unused-index',
    emits: ['db/unused-index'],
    requiredArtifacts: ['database'],
    description: `Non-unique indexes are scanned more than ${UNUSED_MAX_SCANS} times`,
  },
  audit({ database: db }) {
    if (db.indexScanStats === false) return { findings: [], notApplicable: db.unavailable.find((u) => u.check === 'index usage')?.message ?? 'index usage statistics are not available' };
    const candidates = db.indexes.filter((i) => !i.unique && !i.primary);
    if (!candidates.length) return { findings: [], notApplicable: 'no non-unique indexes' };
    const fresh = db.statsAgeSeconds !== null && db.statsAgeSeconds < STATS_MIN_AGE_SECONDS;
    const findings: FindingDraft[] = candidates
      .filter((i) => i.idxScan <= UNUSED_MAX_SCANS)
      .map((i) => ({
        rule: 'db/unused-index',
        target: `${i.schema}.${i.name}`,
        ...(fresh ? { severity: 'info' as const } : {}),
        evidence: {
          table: `${i.schema}.${i.table}`,
          scans: i.idxScan,
          sizeBytes: i.sizeBytes,
          statsResetAt: db.statsResetAt,
          ...(fresh ? { statsRecentlyReset: true } : {}),
          ...(i.valid ? {} : { invalid: true }),
        },
        remediation: `${dropIndexSql(db.engine, i.schema, i.table, i.name)}${fresh ? '  -- statistics were reset recently: confirm after a week of real traffic' : ''}`,
      }));
    return { findings, targets: candidates.map((i) => `${i.schema}.${i.name}`) };
  },
});

export const duplicateIndex = defineAudit({
  meta: {
    id: 'db-duplicate-index',
    emits: ['db/duplicate-index'],
    requiredArtifacts: ['database'],
    description: "No index's columns are a prefix of another index's on the same table",
  },
  audit({ database: db }) {
    const findings: FindingDraft[] = [];
    for (const a of db.indexes) {
      // A unique index enforces a constraint: it is never the redundant one.
      if (a.unique || a.primary || !usable(a)) continue;
      const cover = db.indexes.find(
        (b) =>
          b !== a &&
          b.schema === a.schema &&
          b.table === a.table &&
          usable(b) &&
          b.method === a.method &&
          b.columns.length >= a.columns.length &&
          a.columns.every((c, k) => b.columns[k] === c) &&
          // Identical pairs: keep the unique one, else the one whose name sorts first.
          (b.columns.length > a.columns.length || b.unique || b.name < a.name),
      );
      if (!cover) continue;
      findings.push({
        rule: 'db/duplicate-index',
        target: `${a.schema}.${a.name}`,
        evidence: { table: `${a.schema}.${a.table}`, columns: a.columns, coveredBy: cover.name, coveredByColumns: cover.columns, sizeBytes: a.sizeBytes },
        remediation: `${dropIndexSql(db.engine, a.schema, a.table, a.name)}  -- ${cover.name} (${cover.columns.join(', ')}) serves the same lookups`,
      });
    }
    return { findings, targets: db.indexes.map((i) => `${i.schema}.${i.name}`) };
  },
});
