/**
 * Reads the `database` artifact from PostgreSQL with the application's own role.
 *
 * Safety: the session is read-only (`default_transaction_read_only=on`), has a statement timeout
 * and a connect timeout, and every catalog query is tagged `/* launchready *\/` so our own
 * statements can be left out of pg_stat_statements results.
 *
 * Privileges each check needs (a plain read-only role is enough):
 * - role attributes, ownership, indexes, foreign keys: pg_roles / pg_class / pg_index /
 *   pg_constraint, readable by every role;
 * - scan counts: pg_stat_user_tables / pg_stat_user_indexes, readable by every role for every table;
 * - statements: pg_stat_statements; other roles' query texts show as `<insufficient privilege>`
 *   unless the role has pg_read_all_stats.
 * A failing check is recorded in `unavailable` and the others continue.
 */
import pg from 'pg';
import type { DatabaseArtifact, DbForeignKey, DbIndex, DbSequence, DbStatementsInfo, DbTable } from './types.js';
import { DatabaseConnectError, maskSecrets, parseDbUrl } from './url.js';

/** Connect timeout (ms). */
const CONNECT_TIMEOUT_MS = 5_000;
/** Per-statement timeout (ms): catalog queries on 10k-table schemas finish well within it. */
const STATEMENT_TIMEOUT_MS = 15_000;
/** pg_stat_statements rows kept (by total time): the top of the list is what matters. */
const MAX_STATEMENTS = 200;
const TAG = '/* launchready */';

const SCHEMA_FILTER = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'`;

export const ENABLE_PG_STAT_STATEMENTS =
  "enable pg_stat_statements: add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf (managed services: the parameter group / database flags), restart, then run CREATE EXTENSION pg_stat_statements; in this database";

/** Human message for a connection failure, by pg error code / SQLSTATE. */
function connectMessage(code: string, target: string, user: string, raw: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${target}: connection refused (is PostgreSQL running and listening on that host and port?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${target}: the host name does not resolve`;
    case 'TIMEOUT':
      return `cannot connect to ${target}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s (firewall, wrong port, or the server is down)`;
    case '28P01':
      return `cannot connect to ${target}: password authentication failed for role "${user}"`;
    case '28000':
      return `cannot connect to ${target}: the server refused role "${user}" (${raw})`;
    case '3D000':
      return `cannot connect to ${target}: the database does not exist`;
    default:
      return `cannot connect to ${target}: ${raw}`;
  }
}

/**
 * A connected client in a read-only session (every check, profile and explain runs through one),
 * or DatabaseConnectError with an explained, password-free message.
 */
export async function connectPostgres(url: string, o: { applicationName?: string; statementTimeoutMs?: number } = {}): Promise<pg.Client> {
  const parsed = parseDbUrl(url);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: o.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
    application_name: o.applicationName ?? 'launchready',
    options: '-c default_transaction_read_only=on',
  });
  // An error event after connect (server restart) must not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const code = err.code ?? (/timeout/i.test(err.message ?? '') ? 'TIMEOUT' : 'CONNECT_FAILED');
    await client.end().catch(() => {});
    throw new DatabaseConnectError(code, maskSecrets(connectMessage(code, parsed.target, parsed.user, err.message ?? String(e)), url));
  }
  return client;
}

export async function gatherPostgres(url: string): Promise<DatabaseArtifact> {
  const parsed = parseDbUrl(url);
  const client = await connectPostgres(url);
  const unavailable: DatabaseArtifact['unavailable'] = [];
  /** Runs one check; a failure (permission denied...) is recorded and yields `fallback`. */
  const check = async <T>(name: string, fallback: T, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      unavailable.push({ check: name, message: maskSecrets((e as Error).message, url) });
      return fallback;
    }
  };
  const q = async (sql: string, params: unknown[] = []) => (await client.query(`${TAG} ${sql}`, params)).rows;

  try {
    const meta = (
      await q(`SELECT current_database() AS db, current_setting('server_version') AS version,
        current_setting('server_version_num')::int AS num,
        d.stats_reset, EXTRACT(EPOCH FROM now() - d.stats_reset)::float8 AS stats_age
        FROM pg_stat_database d WHERE d.datname = current_database()`)
    )[0];
    const role = await check('role', { name: parsed.user, superuser: false, createRole: false, createDb: false, dangerousMemberships: [] as string[] }, async () => {
      const r = (
        await q(`SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb,
          ARRAY(SELECT b.rolname::text FROM pg_roles b
                WHERE b.rolname IN ('pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program')
                  AND pg_has_role(r.oid, b.oid, 'MEMBER') AND NOT r.rolsuper ORDER BY 1) AS dangerous
          FROM pg_roles r WHERE r.rolname = current_user`)
      )[0];
      return { name: r.rolname, superuser: r.rolsuper, createRole: r.rolcreaterole, createDb: r.rolcreatedb, dangerousMemberships: r.dangerous };
    });
    const tables = await check('tables', [] as DbTable[], async () =>
      (
        await q(`SELECT n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner,
          pg_has_role(current_user, c.relowner, 'USAGE') AS owned,
          COALESCE(s.n_live_tup, c.reltuples::bigint, 0)::float8 AS rows, COALESCE(s.seq_scan, 0)::float8 AS seq_scan,
          s.idx_scan::float8 AS idx_scan
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
          WHERE c.relkind IN ('r', 'p') AND ${SCHEMA_FILTER} ORDER BY 1, 2`)
      ).map((r) => ({ schema: r.schema, name: r.name, owner: r.owner, ownedByApp: r.owned, rows: Math.max(0, r.rows), seqScan: r.seq_scan, idxScan: r.idx_scan })),
    );
    const indexes = await check('indexes', [] as DbIndex[], async () =>
      (
        await q(`SELECT n.nspname AS schema, t.relname AS tbl, i.relname AS name, ix.indisunique AS uniq, ix.indisprimary AS prim,
          ix.indisvalid AS valid, ix.indpred IS NOT NULL AS partial, am.amname AS method, ix.indnkeyatts AS nkeys,
          ARRAY(SELECT CASE WHEN k.attnum = 0 THEN '(' || pg_get_indexdef(ix.indexrelid, k.ord::int, true) || ')' ELSE a.attname::text END
                FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
                LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS cols,
          COALESCE(s.idx_scan, 0)::float8 AS idx_scan, pg_relation_size(ix.indexrelid)::float8 AS size,
          pg_get_indexdef(ix.indexrelid) AS def
          FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
          LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = ix.indexrelid
          WHERE ${SCHEMA_FILTER} ORDER BY 1, 2, 3`)
      ).map((r) => ({
        schema: r.schema,
        table: r.tbl,
        name: r.name,
        columns: (r.cols as string[]).slice(0, r.nkeys),
        unique: r.uniq,
        primary: r.prim,
        valid: r.valid,
        partial: r.partial,
        method: r.method,
        idxScan: r.idx_scan,
        sizeBytes: r.size,
        definition: r.def,
      })),
    );
    const foreignKeys = await check('foreign keys', [] as DbForeignKey[], async () =>
      (
        await q(`SELECT n.nspname AS schema, t.relname AS tbl, c.conname AS name, c.confrelid::regclass::text AS ref,
          ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS cols
          FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE c.contype = 'f' AND ${SCHEMA_FILTER} ORDER BY 1, 2, 3`)
      ).map((r) => ({ schema: r.schema, table: r.tbl, name: r.name, columns: r.cols, references: r.ref })),
    );
    const statements = await readStatements(q, meta.num, (m) => maskSecrets(m, url));
    // Sequences the role can read (pg_sequences shows last_value NULL without USAGE/SELECT, or before the first nextval).
    const sequences = await check('sequences', [] as DbSequence[], async () =>
      (
        await q(`SELECT s.schemaname AS schema, s.sequencename AS name, s.last_value::float8 AS last, s.max_value::float8 AS seqmax,
          t.relname AS tbl, a.attname AS col, format_type(a.atttypid, NULL) AS coltype
          FROM pg_sequences s
          JOIN pg_namespace n ON n.nspname = s.schemaname
          JOIN pg_class c ON c.relname = s.sequencename AND c.relnamespace = n.oid
          LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
          LEFT JOIN pg_class t ON t.oid = d.refobjid
          LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
          WHERE s.last_value IS NOT NULL AND ${SCHEMA_FILTER} ORDER BY 1, 2`)
      ).map((r) => {
        const colMax = r.coltype === 'smallint' ? 32767 : r.coltype === 'integer' ? 2147483647 : Infinity;
        const max = Math.min(r.seqmax, colMax);
        return { schema: r.schema, name: r.name, column: r.tbl && r.col ? `${r.tbl}.${r.col}` : null, lastValue: r.last, max, percentUsed: Math.floor((1000 * r.last) / max) / 10 };
      }),
    );
    const xidAge = await check('transaction id age', null as number | null, async () => Number((await q(`SELECT age(datfrozenxid)::float8 AS a FROM pg_database WHERE datname = current_database()`))[0]?.a ?? NaN));
    const cacheHit = await check('cache hit rate', null as DatabaseArtifact['cacheHit'], async () => {
      const r = (
        await q(`SELECT (SELECT COALESCE(sum(heap_blks_hit), 0) + COALESCE(sum(idx_blks_hit), 0) FROM pg_statio_user_tables)::float8 AS hits,
          (SELECT COALESCE(sum(heap_blks_read), 0) + COALESCE(sum(idx_blks_read), 0) FROM pg_statio_user_tables)::float8 AS reads`)
      )[0]!;
      const total = r.hits + r.reads;
      return total === 0 ? null : { hitPercent: Math.floor((10000 * r.hits) / total) / 100, hits: r.hits, reads: r.reads };
    });
    return {
      engine: 'postgres',
      serverVersion: meta.version,
      database: meta.db,
      target: parsed.target,
      role,
      statsResetAt: meta.stats_reset ? new Date(meta.stats_reset).toISOString() : null,
      statsAgeSeconds: meta.stats_age === null || meta.stats_age === undefined ? null : Math.round(meta.stats_age),
      tables,
      indexes,
      foreignKeys,
      statements,
      unavailable,
      sequences,
      xidAge: xidAge !== null && Number.isFinite(xidAge) ? xidAge : null,
      cacheHit,
    };
  } finally {
    await client.end().catch(() => {});
  }
}

type Q = (sql: string, params?: unknown[]) => Promise<pg.QueryResultRow[]>;

async function readStatements(q: Q, versionNum: number, mask: (m: string) => string): Promise<DbStatementsInfo> {
  const ext = await q(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`).catch(() => []);
  if (!ext.length) return { available: false, reason: `pg_stat_statements is not installed in this database; ${ENABLE_PG_STAT_STATEMENTS}`, statements: [] };
  // Column names changed in PostgreSQL 13 (mean_time -> mean_exec_time).
  const [mean, total] = versionNum >= 130000 ? ['mean_exec_time', 'total_exec_time'] : ['mean_time', 'total_time'];
  try {
    const rows = await q(
      `SELECT queryid::text AS id, query, calls::float8 AS calls, ${mean}::float8 AS mean, ${total}::float8 AS total, rows::float8 AS rows
       FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND query NOT LIKE '%/* launchready */%'
       ORDER BY ${total} DESC LIMIT ${MAX_STATEMENTS}`,
    );
    return {
      available: true,
      statements: rows.map((r) => {
        const query = String(r.query ?? '').slice(0, 500);
        return {
          queryId: r.id ?? '',
          query,
          calls: r.calls,
          meanMs: Math.round(r.mean * 1000) / 1000,
          totalMs: Math.round(r.total * 1000) / 1000,
          rowsPerCall: r.calls ? Math.round((r.rows / r.calls) * 100) / 100 : 0,
          hasLimit: /\b(LIMIT|FETCH\s+(FIRST|NEXT))\b/i.test(query),
        };
      }),
    };
  } catch (e) {
    const msg = mask((e as Error).message);
    const reason = /shared_preload_libraries/.test(msg) ? `pg_stat_statements is installed but not loaded; ${ENABLE_PG_STAT_STATEMENTS}` : `cannot read pg_stat_statements: ${msg}`;
    return { available: false, reason, statements: [] };
  }
}
