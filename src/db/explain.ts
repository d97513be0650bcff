/**
 * `launchready db explain <url> [--query SQL] [--analyze]`: the plans of the top statements (by
 * total time in pg_stat_statements) or of one given query, with a missing-index hint when a
 * sequential scan filters a large table.
 *
 * Safety: the session is read-only (`default_transaction_read_only=on`) with a statement timeout.
 * Plain EXPLAIN never runs the statement. `--analyze` runs it (EXPLAIN ANALYZE, BUFFERS) inside a
 * READ ONLY transaction that is rolled back, so a write fails instead of happening.
 * Statements from pg_stat_statements carry `$n` placeholders: PostgreSQL 16+ plans them with
 * GENERIC_PLAN (never with ANALYZE); older servers cannot, and say so.
 */
import type pg from 'pg';
import { DatabaseUrlError, maskSecrets, parseDbUrl } from './url.js';
import { connectPostgres, ENABLE_PG_STAT_STATEMENTS } from './postgres.js';

const TAG = '/* launchready */';
/** A sequential scan over a table of at least this many rows gets an index hint (pghero's hotspot size). */
export const HINT_MIN_ROWS = 10_000;

/** The subset of EXPLAIN (FORMAT JSON) a plan node carries that we read. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  'Index Name'?: string;
  Filter?: string;
  'Total Cost'?: number;
  'Plan Rows'?: number;
  'Actual Rows'?: number;
  'Actual Total Time'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export interface ExplainedStatement {
  query: string;
  source: 'argument' | 'pg_stat_statements';
  calls?: number;
  meanMs?: number;
  /** Plan tree as indented lines. */
  plan: string[];
  /** CREATE INDEX CONCURRENTLY suggestions for filtered sequential scans of large tables. */
  hints: string[];
  /** Why there is no plan (parse error, placeholders on PostgreSQL < 16...). */
  error?: string;
}

/** The plan as indented text lines (pure). */
export function renderPlan(node: PlanNode, depth = 0): string[] {
  const on = node['Relation Name'] ? ` on ${node.Schema ? `${node.Schema}.` : ''}${node['Relation Name']}` : '';
  const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const est = `cost=${node['Total Cost'] ?? '?'} rows=${node['Plan Rows'] ?? '?'}`;
  const actual = node['Actual Rows'] !== undefined ? ` actual rows=${node['Actual Rows']} loops=${node['Actual Loops'] ?? 1} time=${node['Actual Total Time']} ms` : '';
  const buffers = node['Shared Hit Blocks'] !== undefined ? ` buffers hit=${node['Shared Hit Blocks']} read=${node['Shared Read Blocks'] ?? 0}` : '';
  const pad = '  '.repeat(depth);
  const lines = [`${pad}${depth ? '-> ' : ''}${node['Node Type']}${using}${on} (${est}${actual}${buffers})`];
  if (node.Filter) lines.push(`${pad}     Filter: ${node.Filter}${node['Rows Removed by Filter'] !== undefined ? ` (removed ${node['Rows Removed by Filter']})` : ''}`);
  for (const c of node.Plans ?? []) lines.push(...renderPlan(c, depth + 1));
  return lines;
}

const IDENT = /^[a-z_][a-z0-9_$]*$/;
const q = (s: string) => (IDENT.test(s) ? s : `"${s.replace(/"/g, '""')}"`);

/** Columns compared in a Filter expression (`(kind = 'k1'::text)`, `((a > 3) AND (b = $1))`). Pure. */
export function filterColumns(filter: string): string[] {
  const cols: string[] = [];
  // Drop casts (`::text`, `::timestamp with time zone`, `::text[]`) and parentheses around a lone column.
  const plain = filter
    .replace(/::(?:timestamp with(?:out)? time zone|time with(?:out)? time zone|character varying|double precision|bit varying|"?[\w.]+"?)(?:\[\])?/g, '')
    .replace(/\(\s*("?[A-Za-z_][\w$]*"?)\s*\)/g, '$1');
  const re = /\(?\s*(?:[a-z_][a-z0-9_]*\.)?("?[A-Za-z_][A-Za-z0-9_$]*"?)\s*(?:=|<>|<=|>=|<|>|~~\*?|!~~|IS NOT NULL|IS NULL|= ANY)/g;
  for (const m of plain.matchAll(re)) {
    const c = m[1]!.replace(/^"|"$/g, '');
    if (!/^(AND|OR|NOT|true|false)$/i.test(c) && !cols.includes(c)) cols.push(c);
  }
  return cols;
}

/** Index hints for every filtered sequential scan of a table with `rows` ≥ HINT_MIN_ROWS. Pure. */
export function missingIndexHints(root: PlanNode, rowsOf: (schema: string | undefined, table: string) => number | undefined): string[] {
  const hints: string[] = [];
  const walk = (n: PlanNode) => {
    if (n['Node Type'] === 'Seq Scan' && n['Relation Name'] && n.Filter) {
      const rows = rowsOf(n.Schema, n['Relation Name']) ?? 0;
      const cols = filterColumns(n.Filter);
      if (rows >= HINT_MIN_ROWS && cols.length) {
        const table = `${n.Schema ? `${q(n.Schema)}.` : ''}${q(n['Relation Name'])}`;
        hints.push(`CREATE INDEX CONCURRENTLY ON ${table} (${cols.map(q).join(', ')});  -- sequential scan of ${rows} rows filtered by ${n.Filter}`);
      }
    }
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(root);
  return hints;
}

export interface ExplainOptions {
  /** Explain this statement instead of the top statements. */
  query?: string;
  /** EXPLAIN ANALYZE, BUFFERS in a read-only transaction (runs the statement). */
  analyze?: boolean;
  /** How many top statements (default 5). */
  top?: number;
}

export async function explainStatements(url: string, o: ExplainOptions = {}): Promise<{ target: string; statements: ExplainedStatement[] }> {
  const parsed = parseDbUrl(url);
  if (parsed.engine !== 'postgres') throw new DatabaseUrlError('db explain supports PostgreSQL URLs (postgres://) only');
  const client = await connectPostgres(url, { statementTimeoutMs: 30_000 });
  try {
    const version = Number((await client.query(`${TAG} SELECT current_setting('server_version_num')::int AS v`)).rows[0].v);
    const rows = new Map<string, number>(
      (await client.query(`${TAG} SELECT n.nspname AS s, c.relname AS t, GREATEST(c.reltuples, 0)::float8 AS r FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm')`)).rows.map((r) => [`${r.s}.${r.t}`, r.r]),
    );
    // EXPLAIN without VERBOSE names no schema: use the only schema holding that table name, if unique.
    const schemasOf = new Map<string, string[]>();
    for (const k of rows.keys()) {
      const dot = k.indexOf('.');
      schemasOf.set(k.slice(dot + 1), [...(schemasOf.get(k.slice(dot + 1)) ?? []), k.slice(0, dot)]);
    }
    const schemaOf = (table: string) => (schemasOf.get(table)?.length === 1 ? schemasOf.get(table)![0] : undefined);
    const rowsOf = (schema: string | undefined, table: string) => rows.get(`${schema ?? schemaOf(table) ?? 'public'}.${table}`);
    let todo: { query: string; source: ExplainedStatement['source']; calls?: number; meanMs?: number }[];
    if (o.query) todo = [{ query: o.query, source: 'argument' }];
    else {
      const ext = await client.query(`${TAG} SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`);
      if (!ext.rowCount) throw new DatabaseUrlError(`no --query given and pg_stat_statements is not installed in ${parsed.target}; ${ENABLE_PG_STAT_STATEMENTS}`);
      const [mean, total] = version >= 130000 ? ['mean_exec_time', 'total_exec_time'] : ['mean_time', 'total_time'];
      todo = (
        await client.query(
          `${TAG} SELECT query, calls::float8 AS calls, ${mean}::float8 AS mean FROM pg_stat_statements
           WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%/* launchready */%'
             AND query ~* '^\\s*(SELECT|WITH|UPDATE|DELETE|INSERT)' ORDER BY ${total} DESC LIMIT $1`,
          [o.top ?? 5],
        )
      ).rows.map((r) => ({ query: String(r.query), source: 'pg_stat_statements' as const, calls: r.calls, meanMs: Math.round(r.mean * 1000) / 1000 }));
    }
    const out: ExplainedStatement[] = [];
    for (const t of todo) {
      const base = { query: t.query.slice(0, 2000), source: t.source, ...(t.calls !== undefined ? { calls: t.calls, meanMs: t.meanMs } : {}) };
      const placeholders = /\$\d+/.test(t.query);
      if (placeholders && (o.analyze || version < 160000)) {
        out.push({ ...base, plan: [], hints: [], error: o.analyze ? 'the statement has $n placeholders: ANALYZE needs real values (pass it with --query)' : 'the statement has $n placeholders: PostgreSQL < 16 cannot plan it generically (pass it with --query and real values)' });
        continue;
      }
      const opts = o.analyze ? 'ANALYZE, BUFFERS, FORMAT JSON' : placeholders ? 'GENERIC_PLAN, FORMAT JSON' : 'FORMAT JSON';
      try {
        await client.query('BEGIN READ ONLY');
        // Extended protocol: one statement only, so `...; COMMIT; DELETE ...` cannot ride along.
        const r = await client.query({ text: `EXPLAIN (${opts}) ${t.query}`, queryMode: 'extended' } as pg.QueryConfig);
        const plan = (r.rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;
        const qualify = (n: PlanNode) => {
          if (n['Relation Name'] && !n.Schema) {
            const sch = schemaOf(n['Relation Name']);
            if (sch) n.Schema = sch;
          }
          n.Plans?.forEach(qualify);
        };
        qualify(plan);
        out.push({ ...base, plan: renderPlan(plan), hints: missingIndexHints(plan, rowsOf) });
      } catch (e) {
        out.push({ ...base, plan: [], hints: [], error: maskSecrets((e as Error).message, url) });
      } finally {
        await client.query('ROLLBACK').catch(() => {});
      }
    }
    return { target: parsed.target, statements: out };
  } finally {
    await client.end().catch(() => {});
  }
}
