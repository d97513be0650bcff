/**
 * The `migrations` artifact: what the migration linter found, as plain serialisable data.
 * The linter (src/migrations/lint.ts) does the analysis; the audits in src/audits/migrations/
 * only turn issues into findings, so they stay pure and tiny.
 */

/** Rule ids the linter can report (each is a RuleDef in src/audits/migrations/rules.ts). */
export const MIGRATION_RULES = [
  'migrations/index-not-concurrent',
  'migrations/volatile-default',
  'migrations/not-null-without-default',
  'migrations/column-type-change',
  'migrations/drop-or-rename',
  'migrations/constraint-not-valid',
  'migrations/irreversible',
  'migrations/unparseable',
] as const;
export type MigrationRuleId = (typeof MIGRATION_RULES)[number];

/** How the migration tool lays out its files (decides where SQL lives and what "down" means). */
export type MigrationLayout =
  | 'sql' // plain numbered SQL, no down concept
  | 'paired-sql' // golang-migrate / diesel: *.up.sql + *.down.sql, or up.sql + down.sql in one folder
  | 'dbmate' // one file with `-- migrate:up` / `-- migrate:down`
  | 'goose' // one file with `-- +goose Up` / `-- +goose Down`
  | 'flyway' // V<ver>__x.sql (+ U<ver>__x.sql undo, R__x.sql repeatable)
  | 'prisma' // prisma/migrations/<ts>_<name>/migration.sql, no down concept
  | 'node-pg-migrate'
  | 'knex'
  | 'typeorm'
  | 'js' // up/down exports of an unknown JS tool
  | 'rails'
  | 'django';

/**
 * - `reversible`: a down/rollback counterpart exists and is not empty.
 * - `irreversible`: the layout has a down concept and this migration lacks one (see `irreversibleReason`).
 * - `not-applicable`: the layout has no down concept (plain SQL, Prisma), or the file is itself a down/undo.
 */
export type Reversibility = 'reversible' | 'irreversible' | 'not-applicable';

export interface MigrationFileInfo {
  path: string;
  layout: MigrationLayout;
  /** `down` files are checked for existence only, never linted (a down of CREATE TABLE is a DROP). */
  role: 'up' | 'down' | 'repeatable';
  reversible: Reversibility;
  irreversibleReason?: string;
  /** SQL statements parsed from the up part (0 for Rails/Django and builder-only JS). */
  statements: number;
  /** SQL snippets in JS the linter could not read statically (template literals with `${}`, escapes). */
  unlintedSnippets: number;
}

export interface MigrationIssue {
  rule: MigrationRuleId;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Table the statement changes (schema-qualified when the migration qualifies it, `public.` dropped). */
  table?: string;
  /** The offending statement, whitespace collapsed, at most 200 characters. */
  statement: string;
  /** Small structured facts (operation kind, column, types...). */
  evidence: Record<string, unknown>;
  /** The safe rewrite: SQL (or tool call) to use instead, with the steps in order. */
  rewrite: string;
}

export interface MigrationLintResult {
  /** Folder the files came from, when a gatherer read them. */
  dir?: string;
  parser: string;
  files: MigrationFileInfo[];
  issues: MigrationIssue[];
  /** Issues accepted with `-- launchready-ignore <rule>` (kept so reports can show what was waived). */
  ignored: { rule: MigrationRuleId; file: string; line: number }[];
}

export interface MigrationSourceFile {
  /** Path as shown in findings (relative to the migrations folder's parent when gathered). */
  path: string;
  text: string;
}
