/**
 * Checks for schema-builder calls (node-pg-migrate, knex, Rails, Django) whose SQL we never see.
 * Each entry is data: a call pattern, the rule, and when the call is safe. They run over the up
 * part of the file only. Tables created by the same file (createTable / create_table / CreateModel)
 * are exempt, like in the SQL checks.
 */
import type { MigrationLayout, MigrationRuleId } from './types.js';
import { callArgs, type Lang } from './text-scan.js';

export interface BuilderHit {
  rule: MigrationRuleId;
  /** Character offset of the call in the file. */
  offset: number;
  call: string;
  table?: string;
  evidence: Record<string, unknown>;
  rewrite: string;
}

interface BuilderCheck {
  layouts: MigrationLayout[];
  /** Matches up to and including the call's `(` (or the Ruby call name followed by a space). */
  re: RegExp;
  rule: MigrationRuleId;
  operation: string;
  /** True when this particular call is safe (args are the top-level argument texts). */
  safe?: (args: string[]) => boolean;
  rewrite: string;
}

const CHECKS: BuilderCheck[] = [
  // node-pg-migrate
  { layouts: ['node-pg-migrate'], re: /\bpgm\.(?:createIndex|addIndex)\s*\(/g, rule: 'migrations/index-not-concurrent', operation: 'create-index', safe: (a) => /concurrently\s*:\s*true/.test(a.join(',')), rewrite: "pgm.createIndex(table, columns, { concurrently: true }) together with pgm.noTransaction()" },
  { layouts: ['node-pg-migrate'], re: /\bpgm\.dropIndex\s*\(/g, rule: 'migrations/index-not-concurrent', operation: 'drop-index', safe: (a) => /concurrently\s*:\s*true/.test(a.join(',')), rewrite: 'pgm.dropIndex(table, columns, { concurrently: true }) together with pgm.noTransaction()' },
  { layouts: ['node-pg-migrate'], re: /\bpgm\.(?:dropTable|dropColumns?|renameColumn|renameTable)\s*\(/g, rule: 'migrations/drop-or-rename', operation: 'drop-or-rename', rewrite: 'Ship a release that no longer uses the table/column first, then drop it in a later migration; for a rename add the new column, write both, backfill, switch reads, then drop the old one.' },
  { layouts: ['node-pg-migrate'], re: /\bpgm\.alterColumn\s*\(/g, rule: 'migrations/column-type-change', operation: 'alter-column-type', safe: (a) => !/\btype\s*:/.test(a.join(',')), rewrite: 'Add a new column of the new type, dual-write, backfill in batches, switch reads, then drop the old column in a later release.' },
  { layouts: ['node-pg-migrate'], re: /\bpgm\.alterColumn\s*\(/g, rule: 'migrations/not-null-without-default', operation: 'set-not-null', safe: (a) => !/notNull\s*:\s*true/.test(a.join(',')), rewrite: "pgm.addConstraint(table, 'c_not_null', 'CHECK (col IS NOT NULL) NOT VALID'), then VALIDATE CONSTRAINT, then alterColumn notNull: true." },
  { layouts: ['node-pg-migrate'], re: /\bpgm\.addConstraint\s*\(/g, rule: 'migrations/constraint-not-valid', operation: 'add-constraint', safe: (a) => !/foreignKeys?\s*:|\bcheck\s*:|FOREIGN\s+KEY|CHECK\s*\(/i.test(a.join(',')) || /notValid\s*:\s*true|NOT\s+VALID/i.test(a.join(',')), rewrite: "Add it with { notValid: true } (or 'NOT VALID'), then pgm.sql('ALTER TABLE t VALIDATE CONSTRAINT name') in a later step." },
  // knex (the schema builder cannot build indexes concurrently)
  { layouts: ['knex'], re: /\.(?:dropTable|dropTableIfExists|renameTable|dropColumns?|renameColumn)\s*\(/g, rule: 'migrations/drop-or-rename', operation: 'drop-or-rename', rewrite: 'Ship a release that no longer uses the table/column first, then drop it in a later migration; for a rename add the new column, write both, backfill, switch reads, then drop the old one.' },
  // Rails
  { layouts: ['rails'], re: /^\s*add_index\s/gm, rule: 'migrations/index-not-concurrent', operation: 'create-index', safe: (a) => /algorithm:\s*:concurrently/.test(a.join(',')), rewrite: 'add_index ..., algorithm: :concurrently with disable_ddl_transaction! in the migration class.' },
  { layouts: ['rails'], re: /^\s*(?:remove_column|remove_columns|drop_table|rename_column|rename_table)\s/gm, rule: 'migrations/drop-or-rename', operation: 'drop-or-rename', rewrite: 'Add the column to self.ignored_columns and deploy first, then remove it in a later migration; for renames add the new column, write both, backfill, switch reads, then remove the old one.' },
  { layouts: ['rails'], re: /^\s*change_column\s/gm, rule: 'migrations/column-type-change', operation: 'alter-column-type', rewrite: 'Add a new column of the new type, dual-write, backfill in batches, switch reads, then remove the old column in a later release.' },
  { layouts: ['rails'], re: /^\s*change_column_null\s/gm, rule: 'migrations/not-null-without-default', operation: 'set-not-null', safe: (a) => !/\bfalse\b/.test(a[2] ?? ''), rewrite: 'add_check_constraint :t, "col IS NOT NULL", name: "t_col_null", validate: false; then validate_check_constraint; then change_column_null :t, :col, false; then remove_check_constraint.' },
  { layouts: ['rails'], re: /^\s*add_foreign_key\s/gm, rule: 'migrations/constraint-not-valid', operation: 'add-foreign-key', safe: (a) => /validate:\s*false/.test(a.join(',')), rewrite: 'add_foreign_key ..., validate: false; then validate_foreign_key in a separate migration.' },
  // Django
  { layouts: ['django'], re: /\bmigrations\.AddIndex\s*\(/g, rule: 'migrations/index-not-concurrent', operation: 'create-index', rewrite: 'Use django.contrib.postgres.operations.AddIndexConcurrently in a migration with atomic = False.' },
  { layouts: ['django'], re: /\bmigrations\.(?:RemoveField|DeleteModel|RenameField|RenameModel)\s*\(/g, rule: 'migrations/drop-or-rename', operation: 'drop-or-rename', rewrite: 'Remove every use of the field/model and deploy first (SeparateDatabaseAndState helps), then drop it in a later migration.' },
];

/** Table named by a call's first argument, when it is a plain literal (`'users'`, `:users`). */
function firstTable(args: string[]): string | undefined {
  return args[0]?.match(/^['"`:]?([\w.]+)['"`]?$/)?.[1];
}

/** Ruby calls have no parentheses: their arguments are the rest of the line. */
function rubyArgs(text: string, from: number): string[] {
  const end = text.indexOf('\n', from);
  return text.slice(from, end < 0 ? text.length : end).split(',').map((s) => s.trim());
}

const CREATED: Partial<Record<MigrationLayout, RegExp>> = {
  'node-pg-migrate': /\bpgm\.createTable\s*\(\s*['"`]([\w.]+)/g,
  knex: /\.createTable(?:IfNotExists)?\s*\(\s*['"`]([\w.]+)/g,
  rails: /^\s*create_table\s+[:'"]([\w.]+)/gm,
  django: /\bCreateModel\s*\(\s*name\s*=\s*['"](\w+)/g,
};

export function builderHits(layout: MigrationLayout, text: string, upRange: [number, number]): BuilderHit[] {
  const lang: Lang = layout === 'rails' ? 'rb' : layout === 'django' ? 'py' : 'js';
  const up = text.slice(0, upRange[1]);
  const created = new Set([...(CREATED[layout] ? up.matchAll(CREATED[layout]!) : [])].map((m) => m[1]!.toLowerCase()));
  const hits: BuilderHit[] = [];
  for (const c of CHECKS) {
    if (!c.layouts.includes(layout)) continue;
    for (const m of up.matchAll(c.re)) {
      if (m.index < upRange[0]) continue;
      const lead = m[0].length - m[0].trimStart().length;
      const offset = m.index + lead;
      const args = lang === 'rb' ? rubyArgs(text, m.index + m[0].length) : (callArgs(text, m.index + m[0].length - 1, lang) ?? []);
      if (c.safe?.(args)) continue;
      const table = firstTable(args);
      if (table && created.has(table.toLowerCase())) continue;
      hits.push({ rule: c.rule, offset, call: m[0].trim().replace(/\s*\($/, ''), table, evidence: { operation: c.operation, call: m[0].trim().replace(/\s*\($/, '') }, rewrite: c.rewrite });
    }
  }
  return hits;
}
