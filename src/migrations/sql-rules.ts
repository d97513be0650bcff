/**
 * The SQL checks of the migration linter, over libpg-query's (PostgreSQL 18 parser) AST.
 *
 * Locking facts the rules encode (PostgreSQL 11+; see docs/migrations.md for sources):
 * - CREATE/DROP/REINDEX INDEX without CONCURRENTLY blocks writes for the whole build.
 * - ADD COLUMN with a volatile default (or serial / identity / stored generated) rewrites the table
 *   under ACCESS EXCLUSIVE; a constant or stable default (now(), 'x', 0) is instant since PG 11.
 * - SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a valid CHECK (c IS NOT NULL) exists (PG 12+).
 * - ALTER COLUMN TYPE rewrites the table unless the change is binary-coercible (varchar widening...).
 * - ADD FOREIGN KEY / CHECK validates every row while holding locks; NOT VALID + VALIDATE does not.
 *
 * "Existing table" means: not created earlier in the same migration file. Earlier files of the same
 * run are already deployed, so their tables count as existing (they only feed the column-type model).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the AST is deeply nested JSON; typed access adds nothing here */
import type { MigrationIssue, MigrationLayout, MigrationRuleId } from './types.js';

type Node = any;

/** Facts that carry over from one migration file to the next within one run. */
export interface SchemaModel {
  /** `table.column` -> type as written (`varchar(20)`). */
  columnTypes: Map<string, TypeInfo>;
  /** `table.column` with a CHECK (column IS NOT NULL) constraint (makes SET NOT NULL cheap). */
  notNullChecks: Set<string>;
}

/** Facts for one migration file. */
export interface FileState {
  createdTables: Set<string>;
  createdIndexes: Set<string>;
}

export interface TypeInfo {
  name: string;
  mods: number[];
  array: boolean;
}

/** One parsed statement plus what the rules need to place and quote findings. */
export interface StatementCtx {
  file: string;
  layout: MigrationLayout;
  /** Statement source (first keyword to end, no `;`). */
  sql: string;
  /** 1-based position of a byte location inside the segment; `undefined` -> statement start. */
  pos(byteLocation?: number): { line: number; column: number };
  report(issue: Omit<MigrationIssue, 'file' | 'line' | 'column' | 'statement'> & { at?: number }): void;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** `schema.table` with `public.` dropped, as the migration spells it. */
export function relName(rel: Node): string {
  if (!rel) return '?';
  const schema = rel.schemaname && rel.schemaname !== 'public' ? `${rel.schemaname}.` : '';
  return `${schema}${rel.relname}`;
}

/** Dotted name from a list of String nodes (DROP objects, function names). */
function nameList(items: Node[] | undefined): string {
  return (items ?? []).map((n: Node) => n.String?.sval ?? '?').filter((s: string) => s !== 'public').join('.');
}

const TYPE_ALIASES: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
};

export function typeInfo(t: Node): TypeInfo {
  const names: string[] = (t?.names ?? []).map((n: Node) => n.String?.sval as string);
  const raw = names.filter((n) => n !== 'pg_catalog').join('.') || '?';
  const mods = (t?.typmods ?? []).map((m: Node) => Number(m.A_Const?.ival?.ival ?? 0));
  return { name: TYPE_ALIASES[raw] ?? raw, mods, array: Array.isArray(t?.arrayBounds) };
}

export function formatType(t: TypeInfo): string {
  return `${t.name}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

/**
 * True when ALTER COLUMN TYPE from `from` to `to` needs no table rewrite (PostgreSQL treats the
 * change as binary-coercible): widening or unbounding varchar, varchar <-> text, widening numeric
 * precision with the same scale, cidr -> inet.
 */
export function isSafeTypeChange(from: TypeInfo, to: TypeInfo): boolean {
  if (from.array !== to.array) return false;
  const textLike = (n: string) => n === 'varchar' || n === 'text';
  if (textLike(from.name) && to.name === 'text') return true;
  if (textLike(from.name) && to.name === 'varchar') {
    if (!to.mods.length) return true;
    return from.name === 'varchar' && from.mods.length > 0 && to.mods[0]! >= from.mods[0]!;
  }
  if (from.name === 'numeric' && to.name === 'numeric') {
    if (!to.mods.length) return true;
    if (!from.mods.length) return false;
    return (from.mods[1] ?? 0) === (to.mods[1] ?? 0) && to.mods[0]! >= from.mods[0]!;
  }
  if (from.name === 'cidr' && to.name === 'inet') return true;
  return from.name === to.name && JSON.stringify(from.mods) === JSON.stringify(to.mods);
}

/** Functions whose result differs per row: used as a default they force a table rewrite. */
const VOLATILE_FUNCTIONS = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'gen_random_bytes',
  'random_normal',
]);
/** Stable/immutable functions commonly used as defaults (evaluated once for ADD COLUMN). */
const STABLE_FUNCTIONS = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_setting',
  'lower',
  'upper',
  'concat',
  'to_jsonb',
  'to_json',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'json_build_array',
  'make_interval',
  'date_trunc',
  'timezone',
  'array_fill',
]);

/** 'volatile' | 'unknown' (a function we cannot classify) | null (safe) for a default expression. */
export function defaultVolatility(expr: Node): { volatility: 'volatile' | 'unknown'; fn: string } | null {
  let found: { volatility: 'volatile' | 'unknown'; fn: string } | null = null;
  const walk = (n: Node): void => {
    if (found && found.volatility === 'volatile') return;
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    if (n.FuncCall) {
      const fn = nameList(n.FuncCall.funcname).replace(/^pg_catalog\./, '');
      const base = fn.split('.').pop()!;
      if (VOLATILE_FUNCTIONS.has(base)) found = { volatility: 'volatile', fn };
      else if (!STABLE_FUNCTIONS.has(base) && !found) found = { volatility: 'unknown', fn };
    }
    for (const v of Object.values(n)) if (v && typeof v === 'object') walk(v);
  };
  walk(expr);
  return found;
}

const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/** `t_a_b` style name PostgreSQL would pick, for rewrites that need a constraint/index name. */
function suggestName(table: string, cols: string[], suffix: string): string {
  return `${table.split('.').pop()}_${cols.join('_')}_${suffix}`.slice(0, 63);
}

/** How to run one migration outside a transaction, per tool (CONCURRENTLY refuses to run inside one). */
const NO_TRANSACTION: Partial<Record<MigrationLayout, string>> = {
  'node-pg-migrate': 'call pgm.noTransaction() in this migration',
  knex: 'export `config = { transaction: false }` from this migration',
  dbmate: 'write `-- migrate:up transaction:false`',
  goose: 'add `-- +goose NO TRANSACTION` at the top',
  flyway: 'Flyway runs it outside a transaction when the script holds only non-transactional statements; keep it in its own script',
  'paired-sql': 'keep it in its own migration without BEGIN/COMMIT',
  sql: 'keep it in its own migration without BEGIN/COMMIT',
  prisma: 'keep it alone in its own migration.sql',
  typeorm: 'set `transaction = false` on the migration class',
  rails: 'use disable_ddl_transaction! with algorithm: :concurrently',
  django: 'use AddIndexConcurrently in a migration with atomic = False',
};

function outsideTx(layout: MigrationLayout): string {
  return `-- run outside a transaction: ${NO_TRANSACTION[layout] ?? 'keep it in its own migration without BEGIN/COMMIT'}`;
}

function notNullSteps(table: string, col: string): string {
  const c = suggestName(table, [col], 'not_null');
  return [
    `ALTER TABLE ${table} ADD CONSTRAINT ${c} CHECK (${col} IS NOT NULL) NOT VALID;`,
    `ALTER TABLE ${table} VALIDATE CONSTRAINT ${c};  -- scans without blocking writes`,
    `ALTER TABLE ${table} ALTER COLUMN ${col} SET NOT NULL;  -- PostgreSQL 12+ uses the valid CHECK and skips the scan`,
    `ALTER TABLE ${table} DROP CONSTRAINT ${c};`,
  ].join('\n');
}

function backfill(table: string, col: string, value: string): string {
  return `-- backfill in batches (repeat until 0 rows): UPDATE ${table} SET ${col} = ${value} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${col} IS NULL LIMIT 1000);`;
}

// ---------------------------------------------------------------------------------------------
// The checks

export function checkStatement(stmt: Node, ctx: StatementCtx, file: FileState, model: SchemaModel): void {
  const kind = Object.keys(stmt)[0]!;
  const s = stmt[kind];
  switch (kind) {
    case 'CreateStmt':
      return onCreateTable(s, file, model);
    case 'IndexStmt':
      return onIndex(s, ctx, file);
    case 'DropStmt':
      return onDrop(s, ctx, file);
    case 'ReindexStmt': {
      const concurrent = (s.params ?? []).some((p: Node) => p.DefElem?.defname === 'concurrently');
      if (!concurrent) {
        ctx.report({
          rule: 'migrations/index-not-concurrent',
          table: s.relation ? relName(s.relation) : undefined,
          evidence: { operation: 'reindex' },
          rewrite: `${ctx.sql.replace(/^REINDEX(\s+\([^)]*\))?\s+(INDEX|TABLE|SCHEMA|DATABASE|SYSTEM)\b/i, 'REINDEX$1 $2 CONCURRENTLY')};\n${outsideTx(ctx.layout)}`,
        });
      }
      return;
    }
    case 'RenameStmt':
      return onRename(s, ctx, file);
    case 'AlterTableStmt':
      if (s.objtype && s.objtype !== 'OBJECT_TABLE') return;
      return onAlterTable(s, ctx, file, model);
    default:
      return;
  }
}

function onCreateTable(s: Node, file: FileState, model: SchemaModel): void {
  const table = relName(s.relation);
  file.createdTables.add(table);
  for (const el of s.tableElts ?? []) {
    const cd = el.ColumnDef;
    if (cd?.colname) model.columnTypes.set(`${table}.${cd.colname}`, typeInfo(cd.typeName));
  }
}

function onIndex(s: Node, ctx: StatementCtx, file: FileState): void {
  const table = relName(s.relation);
  if (s.idxname) file.createdIndexes.add(s.idxname);
  if (s.concurrent || file.createdTables.has(table)) return;
  ctx.report({
    rule: 'migrations/index-not-concurrent',
    table,
    evidence: { operation: 'create-index', index: s.idxname ?? null, unique: !!s.unique },
    rewrite: `${ctx.sql.replace(/^CREATE(\s+UNIQUE)?\s+INDEX\b/i, 'CREATE$1 INDEX CONCURRENTLY')};\n${outsideTx(ctx.layout)}`,
  });
}

function onDrop(s: Node, ctx: StatementCtx, file: FileState): void {
  const names: string[] = (s.objects ?? []).map((o: Node) => nameList(o.List?.items));
  if (s.removeType === 'OBJECT_INDEX') {
    const existing = names.filter((n) => !file.createdIndexes.has(n.split('.').pop()!));
    if (!s.concurrent && existing.length) {
      ctx.report({
        rule: 'migrations/index-not-concurrent',
        evidence: { operation: 'drop-index', indexes: existing },
        rewrite: `${ctx.sql.replace(/^DROP\s+INDEX\b/i, 'DROP INDEX CONCURRENTLY')};\n${outsideTx(ctx.layout)}`,
      });
    }
  } else if (s.removeType === 'OBJECT_TABLE') {
    for (const t of names) {
      if (file.createdTables.has(t)) continue;
      ctx.report({
        rule: 'migrations/drop-or-rename',
        table: t,
        evidence: { operation: 'drop-table' },
        rewrite: `-- 1. ship a release that no longer reads or writes ${t} (remove the model / its queries)\n-- 2. in a later migration, after that release is live everywhere:\nDROP TABLE ${t};`,
      });
    }
  }
}

function onRename(s: Node, ctx: StatementCtx, file: FileState): void {
  const table = relName(s.relation);
  if (file.createdTables.has(table)) return;
  if (s.renameType === 'OBJECT_COLUMN') {
    const { subname: from, newname: to } = s;
    ctx.report({
      rule: 'migrations/drop-or-rename',
      table,
      evidence: { operation: 'rename-column', column: from, to },
      rewrite: [
        `ALTER TABLE ${table} ADD COLUMN ${to} <same type as ${from}>;`,
        `-- write both ${from} and ${to} from the app (or a trigger), backfill ${to} in batches, switch reads to ${to}`,
        `-- then, in a later release: ALTER TABLE ${table} DROP COLUMN ${from};`,
      ].join('\n'),
    });
  } else if (s.renameType === 'OBJECT_TABLE') {
    ctx.report({
      rule: 'migrations/drop-or-rename',
      table,
      evidence: { operation: 'rename-table', to: s.newname },
      rewrite: [
        `ALTER TABLE ${table} RENAME TO ${s.newname};`,
        `CREATE VIEW ${table} AS SELECT * FROM ${s.newname};  -- the running release keeps working through the view`,
        `-- drop the view in a later release, once no code uses ${table}`,
      ].join('\n'),
    });
  }
}

function onAlterTable(s: Node, ctx: StatementCtx, file: FileState, model: SchemaModel): void {
  const table = relName(s.relation);
  const isNew = file.createdTables.has(table);
  const single = (s.cmds ?? []).length === 1;
  for (const c of s.cmds ?? []) {
    const cmd = c.AlterTableCmd;
    if (!cmd) continue;
    switch (cmd.subtype) {
      case 'AT_AddColumn':
        addColumn(cmd.def?.ColumnDef, table, isNew, ctx, model);
        break;
      case 'AT_DropColumn':
        model.columnTypes.delete(`${table}.${cmd.name}`);
        if (!isNew) {
          ctx.report({
            rule: 'migrations/drop-or-rename',
            table,
            evidence: { operation: 'drop-column', column: cmd.name },
            rewrite: `-- 1. ship a release that no longer reads or writes ${table}.${cmd.name} (Rails: ignored_columns; Prisma/TypeORM: remove the field)\n-- 2. in a later migration: ALTER TABLE ${table} DROP COLUMN ${cmd.name};`,
          });
        }
        break;
      case 'AT_AlterColumnType': {
        const key = `${table}.${cmd.name}`;
        const to = typeInfo(cmd.def?.ColumnDef?.typeName);
        const from = model.columnTypes.get(key);
        model.columnTypes.set(key, to);
        if (isNew || (from && isSafeTypeChange(from, to))) break;
        ctx.report({
          rule: 'migrations/column-type-change',
          table,
          at: cmd.def?.ColumnDef?.location,
          evidence: { column: cmd.name, from: from ? formatType(from) : null, to: formatType(to) },
          rewrite: [
            `ALTER TABLE ${table} ADD COLUMN ${cmd.name}_new ${formatType(to)};`,
            `-- write both columns from the app (or a trigger), backfill ${cmd.name}_new in batches, switch reads to it,`,
            `-- then drop ${cmd.name} in a later release. (Widening varchar(n) -> varchar(m > n) or text needs no rewrite:`,
            `-- if that is all this does, accept it with: -- launchready-ignore column-type-change)`,
          ].join('\n'),
        });
        break;
      }
      case 'AT_SetNotNull': {
        if (isNew || model.notNullChecks.has(`${table}.${cmd.name}`)) break;
        ctx.report({
          rule: 'migrations/not-null-without-default',
          table,
          evidence: { operation: 'set-not-null', column: cmd.name },
          rewrite: notNullSteps(table, cmd.name),
        });
        break;
      }
      case 'AT_AddConstraint':
        addConstraint(cmd.def?.Constraint, table, isNew, single, ctx, model);
        break;
      default:
        break;
    }
  }
}

function addColumn(cd: Node, table: string, isNew: boolean, ctx: StatementCtx, model: SchemaModel): void {
  if (!cd) return;
  const col: string = cd.colname;
  const type = typeInfo(cd.typeName);
  model.columnTypes.set(`${table}.${col}`, type);
  if (isNew) return;
  const cons: Node[] = (cd.constraints ?? []).map((x: Node) => x.Constraint).filter(Boolean);
  const def = cons.find((x) => x.contype === 'CONSTR_DEFAULT');
  const generated = cons.find((x) => x.contype === 'CONSTR_GENERATED' && x.generated_kind !== 'v');
  const identity = cons.find((x) => x.contype === 'CONSTR_IDENTITY');
  const notNull = cons.find((x) => x.contype === 'CONSTR_NOTNULL' || x.contype === 'CONSTR_PRIMARY');
  const fk = cons.find((x) => x.contype === 'CONSTR_FOREIGN');
  const plainType = formatType(type);

  let rewriting: { kind: string; fn?: string; volatility?: string; at?: number } | null = null;
  if (SERIAL_TYPES.has(type.name)) rewriting = { kind: 'serial', at: cd.typeName?.location };
  else if (identity) rewriting = { kind: 'identity', at: identity.location };
  else if (generated) rewriting = { kind: 'generated-stored', at: generated.location };
  else if (def) {
    const v = defaultVolatility(def.raw_expr);
    if (v) rewriting = { kind: 'volatile-default', fn: v.fn, volatility: v.volatility, at: def.location };
  }
  if (rewriting) {
    const { at, ...facts } = rewriting;
    const value = rewriting.fn ? `${rewriting.fn}()` : '<value>';
    const baseType = SERIAL_TYPES.has(type.name) ? (type.name.includes('big') || type.name === 'serial8' ? 'bigint' : 'integer') : plainType;
    ctx.report({
      rule: 'migrations/volatile-default',
      table,
      at,
      evidence: { column: col, ...facts },
      rewrite: [
        `ALTER TABLE ${table} ADD COLUMN ${col} ${baseType};  -- instant: no default, nullable`,
        rewriting.fn
          ? `ALTER TABLE ${table} ALTER COLUMN ${col} SET DEFAULT ${value};  -- applies to new rows only, no rewrite`
          : `-- set the default/sequence/trigger for new rows with a separate ALTER COLUMN ... SET DEFAULT`,
        backfill(table, col, value),
        ...(notNull ? [notNullSteps(table, col)] : []),
      ].join('\n'),
    });
    return;
  }
  if (notNull && !def) {
    ctx.report({
      rule: 'migrations/not-null-without-default',
      table,
      at: notNull.location,
      evidence: { operation: 'add-column-not-null', column: col, type: plainType },
      rewrite: [
        `-- either a constant default (instant since PostgreSQL 11): ALTER TABLE ${table} ADD COLUMN ${col} ${plainType} NOT NULL DEFAULT <constant>;`,
        `-- or: add it nullable, backfill, then enforce NOT NULL without a long lock:`,
        `ALTER TABLE ${table} ADD COLUMN ${col} ${plainType};`,
        backfill(table, col, '<value>'),
        notNullSteps(table, col),
      ].join('\n'),
    });
  }
  if (fk) {
    const ref = relName(fk.pktable);
    const name = suggestName(table, [col], 'fkey');
    const pk = nameList(fk.pk_attrs) || 'id';
    ctx.report({
      rule: 'migrations/constraint-not-valid',
      table,
      at: fk.location,
      evidence: { constraint: 'foreign-key', column: col, references: ref },
      rewrite: [
        `ALTER TABLE ${table} ADD COLUMN ${col} ${plainType};`,
        `ALTER TABLE ${table} ADD CONSTRAINT ${name} FOREIGN KEY (${col}) REFERENCES ${ref} (${pk}) NOT VALID;`,
        `ALTER TABLE ${table} VALIDATE CONSTRAINT ${name};  -- separate transaction, does not block writes`,
      ].join('\n'),
    });
  }
}

function addConstraint(con: Node, table: string, isNew: boolean, single: boolean, ctx: StatementCtx, model: SchemaModel): void {
  if (!con) return;
  // Remember CHECK (col IS NOT NULL): a later SET NOT NULL on that column is then cheap.
  const nt = con.contype === 'CONSTR_CHECK' ? con.raw_expr?.NullTest : null;
  if (nt && nt.nulltesttype === 'IS_NOT_NULL' && nt.arg?.ColumnRef) {
    model.notNullChecks.add(`${table}.${nameList(nt.arg.ColumnRef.fields)}`);
  }
  if (isNew) return;
  if ((con.contype === 'CONSTR_FOREIGN' || con.contype === 'CONSTR_CHECK') && !con.skip_validation) {
    const isFk = con.contype === 'CONSTR_FOREIGN';
    const cols = isFk ? (con.fk_attrs ?? []).map((a: Node) => a.String?.sval) : [];
    const name = con.conname ?? (isFk ? suggestName(table, cols, 'fkey') : suggestName(table, [], 'check'));
    const add = single
      ? `${ctx.sql.replace(/;\s*$/, '')} NOT VALID;`
      : isFk
        ? `ALTER TABLE ${table} ADD CONSTRAINT ${name} FOREIGN KEY (${cols.join(', ')}) REFERENCES ${relName(con.pktable)} (${nameList(con.pk_attrs)}) NOT VALID;  -- keep your ON DELETE/UPDATE clauses`
        : `ALTER TABLE ${table} ADD CONSTRAINT ${name} CHECK (<your condition>) NOT VALID;`;
    ctx.report({
      rule: 'migrations/constraint-not-valid',
      table,
      at: con.location,
      evidence: { constraint: isFk ? 'foreign-key' : 'check', name: con.conname ?? null, ...(isFk ? { columns: cols, references: relName(con.pktable) } : {}) },
      rewrite: `${add}\nALTER TABLE ${table} VALIDATE CONSTRAINT ${name};  -- separate transaction, does not block writes${con.conname ? '' : '\n-- name the constraint so VALIDATE can refer to it'}`,
    });
    return;
  }
  if ((con.contype === 'CONSTR_UNIQUE' || con.contype === 'CONSTR_PRIMARY' || con.contype === 'CONSTR_EXCLUSION') && !con.indexname) {
    const cols: string[] = (con.keys ?? []).map((k: Node) => k.String?.sval);
    const isPk = con.contype === 'CONSTR_PRIMARY';
    const name = con.conname ?? suggestName(table, cols, isPk ? 'pkey' : 'key');
    ctx.report({
      rule: 'migrations/index-not-concurrent',
      table,
      at: con.location,
      evidence: { operation: isPk ? 'add-primary-key' : con.contype === 'CONSTR_UNIQUE' ? 'add-unique-constraint' : 'add-exclusion-constraint', columns: cols },
      rewrite: [
        `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${table} (${cols.join(', ')});  ${outsideTx(ctx.layout)}`,
        `ALTER TABLE ${table} ADD CONSTRAINT ${name} ${isPk ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${name};`,
      ].join('\n'),
    });
  }
}

/** The rule ids emitted by SQL checks (for docs/tests). */
export const SQL_RULES: MigrationRuleId[] = [
  'migrations/index-not-concurrent',
  'migrations/volatile-default',
  'migrations/not-null-without-default',
  'migrations/column-type-change',
  'migrations/drop-or-rename',
  'migrations/constraint-not-valid',
];
