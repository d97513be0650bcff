/**
 * PostgreSQL health: db/invalid-index, db/sequence-exhaustion, db/xid-wraparound, db/low-cache-hit.
 * Not applicable on engines that do not report the data (MySQL leaves the fields undefined).
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { qualified } from './sql.js';
import { CACHE_HIT_MIN_PERCENT, CACHE_MIN_BLOCKS, SEQUENCE_MAX_PERCENT, XID_AGE_BLOCKER, XID_AGE_HIGH } from './thresholds.js';

export const invalidIndex = defineAudit({
  meta: {
    id: 'db-invalid-index',
    emits: ['db/invalid-index'],
    requiredArtifacts: ['database'],
    description: 'No index is left INVALID by a failed concurrent build',
  },
  audit({ database: db }) {
    if (db.engine !== 'postgres') return { findings: [], notApplicable: 'invalid indexes are a PostgreSQL state' };
    const findings: FindingDraft[] = db.indexes
      .filter((i) => !i.valid)
      .map((i) => ({
        rule: 'db/invalid-index',
        target: `${i.schema}.${i.name}`,
        evidence: { table: `${i.schema}.${i.table}`, definition: i.definition, sizeBytes: i.sizeBytes },
        remediation: `DROP INDEX CONCURRENTLY ${qualified(i.schema, i.name)};\n${i.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ')};  -- after fixing what made the build fail`,
      }));
    return { findings, targets: db.indexes.map((i) => `${i.schema}.${i.name}`) };
  },
});

export const sequenceExhaustion = defineAudit({
  meta: {
    id: 'db-sequence-exhaustion',
    emits: ['db/sequence-exhaustion'],
    requiredArtifacts: ['database'],
    description: `Sequences have used under ${SEQUENCE_MAX_PERCENT}% of their range (capped by the owning column's type)`,
  },
  audit({ database: db }) {
    if (!db.sequences) return { findings: [], notApplicable: 'sequence usage is read from PostgreSQL only' };
    if (!db.sequences.length) return { findings: [], notApplicable: 'no sequence has been used yet' };
    const findings: FindingDraft[] = db.sequences
      .filter((s) => s.percentUsed > SEQUENCE_MAX_PERCENT)
      .map((s) => ({
        rule: 'db/sequence-exhaustion',
        target: `${s.schema}.${s.name}`,
        evidence: { column: s.column, lastValue: s.lastValue, max: s.max, percentUsed: s.percentUsed },
        ...(s.column
          ? {
              remediation: `ALTER TABLE ${qualified(s.schema, s.column.split('.')[0]!)} ALTER COLUMN ${s.column.split('.').slice(1).join('.')} TYPE bigint;  -- rewrites the table: on a large one add a bigint column, backfill in batches and swap\nALTER SEQUENCE ${qualified(s.schema, s.name)} AS bigint;`,
            }
          : {}),
      }));
    return { findings, targets: db.sequences.map((s) => `${s.schema}.${s.name}`) };
  },
});

export const xidWraparound = defineAudit({
  meta: {
    id: 'db-xid-wraparound',
    emits: ['db/xid-wraparound'],
    requiredArtifacts: ['database'],
    description: `The database's oldest unfrozen transaction ID is younger than ${XID_AGE_HIGH.toLocaleString('en-US')} transactions`,
  },
  audit({ database: db }) {
    if (db.xidAge === undefined || db.xidAge === null) return { findings: [], notApplicable: 'transaction ID age is read from PostgreSQL only' };
    const target = db.target;
    if (db.xidAge <= XID_AGE_HIGH) return { findings: [], targets: [target] };
    const finding: FindingDraft = {
      rule: 'db/xid-wraparound',
      target,
      ...(db.xidAge > XID_AGE_BLOCKER ? { severity: 'blocker' as const } : {}),
      evidence: { xidAge: db.xidAge, wraparoundAt: 2 ** 31, percentToWraparound: Math.floor((1000 * db.xidAge) / 2 ** 31) / 10 },
    };
    return { findings: [finding], targets: [target] };
  },
});

export const lowCacheHit = defineAudit({
  meta: {
    id: 'db-low-cache-hit',
    emits: ['db/low-cache-hit'],
    requiredArtifacts: ['database'],
    description: `Tables and indexes are served from memory at least ${CACHE_HIT_MIN_PERCENT}% of the time`,
  },
  audit({ database: db }) {
    if (db.cacheHit === undefined) return { findings: [], notApplicable: 'the cache hit rate is read from PostgreSQL only' };
    const c = db.cacheHit;
    if (!c || c.hits + c.reads < CACHE_MIN_BLOCKS) return { findings: [], notApplicable: `fewer than ${CACHE_MIN_BLOCKS} block reads since the statistics reset` };
    if (c.hitPercent >= CACHE_HIT_MIN_PERCENT) return { findings: [], targets: [db.target] };
    return { findings: [{ rule: 'db/low-cache-hit', target: db.target, evidence: { ...c, statsResetAt: db.statsResetAt } }], targets: [db.target] };
  },
});
