/**
 * One audit per migrations/* rule, all reading the `migrations` artifact: the linter
 * (src/migrations/lint.ts) has already located each issue, so an audit only selects its rule's
 * issues and shapes them as findings (target = migration file, location = file:line:column,
 * remediation = the concrete safe rewrite).
 */
import { defineAudit, type Audit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { MigrationRuleId } from '../../migrations/types.js';

const DESCRIPTIONS: Record<MigrationRuleId, string> = {
  'migrations/index-not-concurrent': 'Indexes on existing tables are built and dropped CONCURRENTLY',
  'migrations/volatile-default': 'New columns do not carry defaults that rewrite the table',
  'migrations/not-null-without-default': 'NOT NULL reaches existing tables through a safe path',
  'migrations/column-type-change': 'Column types of existing tables are not changed in place',
  'migrations/drop-or-rename': 'Tables and columns are not dropped or renamed under the running release',
  'migrations/constraint-not-valid': 'Foreign keys and checks are added NOT VALID, then validated',
  'migrations/irreversible': 'Every migration has a down/rollback step',
  'migrations/unparseable': 'Every migration parses as PostgreSQL SQL',
};

export function migrationAudit(rule: MigrationRuleId): Audit<'migrations'> {
  return defineAudit({
    meta: { id: rule.replace('/', '-'), emits: [rule], requiredArtifacts: ['migrations'], description: DESCRIPTIONS[rule] },
    audit({ migrations }) {
      const files = migrations.files.filter((f) => f.role !== 'down');
      if (!files.length) return { findings: [], notApplicable: 'no migration files found' };
      const checked = rule === 'migrations/irreversible' ? files.filter((f) => f.reversible !== 'not-applicable') : files;
      if (!checked.length) return { findings: [], notApplicable: 'the migration layout has no down concept (plain SQL, Prisma)' };
      const findings: FindingDraft[] = migrations.issues
        .filter((i) => i.rule === rule)
        .map((i) => ({
          rule,
          target: i.file,
          location: { file: i.file, line: i.line, column: i.column },
          evidence: { ...(i.table ? { table: i.table } : {}), ...(i.statement ? { statement: i.statement } : {}), ...i.evidence },
          remediation: i.rewrite,
          // Stable across edits above the statement: the statement text, not its line, identifies it.
          key: `${rule}|${i.file}|${i.statement}|${JSON.stringify(i.evidence)}`,
        }));
      return { findings, targets: checked.map((f) => f.path) };
    },
  });
}
