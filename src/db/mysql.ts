/**
 * Reads the `database` artifact from MySQL or MariaDB with the application's own account, so the
 * same db/* rules apply where the engine exposes the data.
 *
 * Safety: the session is read-only (`SET SESSION TRANSACTION READ ONLY`) with a statement time
 * limit; the password never reaches a message.
 *
 * What each check reads and needs (a plain account with SELECT on the database is enough):
 * - privileges: `SHOW GRANTS` (every account may read its own grants; role grants listed there
 *   are not expanded);
 * - tables, indexes, foreign keys: information_schema.TABLES / STATISTICS / KEY_COLUMN_USAGE (rows
 *   of objects the account can use);
 * - slow statements and index usage: performance_schema (events_statements_summary_by_digest,
 *   table_io_waits_summary_by_index_usage), which needs `performance_schema = ON` in the server
 *   config and SELECT on performance_schema. When it is off, both are reported as unavailable with
 *   how to enable it. MySQL/MariaDB keep no per-table sequential-scan counters:
 *   db/seq-scan-hotspot applies to PostgreSQL only.
 * InnoDB creates an index for every foreign key that lacks one, so db/missing-fk-index stays quiet
 * there naturally (it is still checked).
 */
import mysql from 'mysql2/promise';
import type { DatabaseArtifact, DbForeignKey, DbIndex, DbStatementsInfo, DbTable } from './types.js';
import { DatabaseConnectError, maskSecrets, parseDbUrl } from './url.js';

const CONNECT_TIMEOUT_MS = 5_000;
/** Per-statement limit (seconds, MariaDB max_statement_time; MySQL max_execution_time is in ms). */
const STATEMENT_TIMEOUT_S = 15;
const MAX_STATEMENTS = 200;

export const ENABLE_PERFORMANCE_SCHEMA =
  'enable performance_schema: add performance_schema = ON under [mysqld] in my.cnf (managed services: the parameter group / database flags), restart, and grant the audit account SELECT ON performance_schema.*';

/** Global privileges that reach the server's files or other sessions, or hand rights on. */
const DANGEROUS = ['FILE', 'PROCESS', 'SHUTDOWN', 'RELOAD', 'GRANT OPTION'];
/** Privileges that let the account change or destroy the schema (the owner's part). */
const DDL = ['ALTER', 'CREATE', 'DROP', 'INDEX', 'REFERENCES', 'CREATE VIEW', 'ALTER ROUTINE', 'CREATE ROUTINE', 'TRIGGER', 'EVENT'];

function connectMessage(code: string, target: string, user: string, raw: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${target}: connection refused (is MySQL/MariaDB running and listening on that host and port?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${target}: the host name does not resolve`;
    case 'ETIMEDOUT':
    case 'TIMEOUT':
      return `cannot connect to ${target}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s (firewall, wrong port, or the server is down)`;
    case 'ER_ACCESS_DENIED_ERROR':
      return `cannot connect to ${target}: access denied for user "${user}" (wrong password, or the account does not exist for this host)`;
    case 'ER_BAD_DB_ERROR':
      return `cannot connect to ${target}: the database does not exist`;
    case 'ER_DBACCESS_DENIED_ERROR':
      return `cannot connect to ${target}: user "${user}" has no access to this database`;
    default:
      return `cannot connect to ${target}: ${raw}`;
  }
}

/** One `SHOW GRANTS` line: privileges and the scope they apply to (`*.*`, `` `shop`.* ``...). */
export interface GrantLine {
  privileges: string[];
  /** `*.*` (global), `db.*` or `db.table`, backticks removed. */
  on: string;
}

/** Parses `GRANT SELECT, INSERT (a, b) ON `shop`.* TO ...`; role grants (no ON) are skipped. Exported for tests. */
export function parseGrants(lines: string[]): GrantLine[] {
  const out: GrantLine[] = [];
  for (const line of lines) {
    const m = /^GRANT\s+(.+?)\s+ON\s+(?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE(?: BODY)?)\s+)?(\S+)\s+TO\s/i.exec(line);
    if (!m) continue;
    const privileges = m[1]!
      .replace(/\([^)]*\)/g, '')
      .split(',')
      .map((p) => p.trim().toUpperCase().replace(/\s+/g, ' '))
      .filter(Boolean)
      .map((p) => (p === 'ALL' ? 'ALL PRIVILEGES' : p));
    if (/WITH\s+GRANT\s+OPTION/i.test(line)) privileges.push('GRANT OPTION');
    out.push({ privileges, on: m[2]!.replace(/`/g, '') });
  }
  return out;
}

/** The account quoted for GRANT/REVOKE: `'app'@'%'` from CURRENT_USER() `app@%`. */
function account(currentUser: string): string {
  const at = currentUser.lastIndexOf('@');
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return at < 0 ? q(currentUser) : `${q(currentUser.slice(0, at))}@${q(currentUser.slice(at + 1))}`;
}

/**
 * A connection from a mysql:// URL (the database it names selected unless `useDatabase` is false),
 * or DatabaseConnectError with an explained, password-free message.
 */
export async function connectMysql(url: string, o: { useDatabase?: boolean } = {}): Promise<mysql.Connection> {
  const parsed = parseDbUrl(url);
  const u = new URL(url);
  const database = o.useDatabase === false ? '' : decodeURIComponent(u.pathname.replace(/^\//, ''));
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      ...(database ? { database } : {}),
      connectTimeout: CONNECT_TIMEOUT_MS,
      multipleStatements: false,
      supportBigNumbers: true,
      bigNumberStrings: false,
    });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const code = err.code ?? 'CONNECT_FAILED';
    throw new DatabaseConnectError(code, maskSecrets(connectMessage(code, parsed.target, parsed.user, err.message ?? String(e)), url));
  }
  // An error event after connect (server restart) must not crash the process.
  conn.on('error', () => {});
  return conn;
}

export async function gatherMysql(url: string): Promise<DatabaseArtifact> {
  const parsed = parseDbUrl(url);
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const conn = await connectMysql(url);
  const unavailable: DatabaseArtifact['unavailable'] = [];
  const check = async <T,>(name: string, fallback: T, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      unavailable.push({ check: name, message: maskSecrets((e as Error).message, url) });
      return fallback;
    }
  };
  const q = async (sql: string, params: unknown[] = []) => (await conn.query(sql, params))[0] as Record<string, unknown>[];
  try {
    await q('SET SESSION TRANSACTION READ ONLY');
    // One of the two exists (MariaDB seconds / MySQL milliseconds).
    await q(`SET SESSION max_statement_time = ${STATEMENT_TIMEOUT_S}`).catch(() => q(`SET SESSION max_execution_time = ${STATEMENT_TIMEOUT_S * 1000}`).catch(() => {}));
    const meta = (await q(`SELECT VERSION() AS version, DATABASE() AS db, CURRENT_USER() AS cu, @@performance_schema AS ps`))[0]!;
    if (!meta.db) throw new DatabaseConnectError('NO_DATABASE', `cannot audit ${parsed.target}: the URL names no database (mysql://user:password@host:3306/dbname)`);
    const db = String(meta.db);
    const uptime = await check('uptime', null as number | null, async () => Number((await q(`SHOW GLOBAL STATUS LIKE 'Uptime'`))[0]?.Value ?? NaN));
    const grants = await check('grants', [] as GrantLine[], async () => parseGrants((await q('SHOW GRANTS')).map((r) => String(Object.values(r)[0] ?? ''))));
    const global = new Set(grants.filter((g) => g.on === '*.*').flatMap((g) => g.privileges));
    const onDb = new Set(grants.filter((g) => g.on === '*.*' || g.on === `${db}.*`).flatMap((g) => g.privileges));
    const all = global.has('ALL PRIVILEGES');
    const ddl = onDb.has('ALL PRIVILEGES') ? ['ALL PRIVILEGES'] : DDL.filter((p) => onDb.has(p));
    const role = {
      name: parsed.user,
      superuser: all || global.has('SUPER'),
      createRole: global.has('CREATE USER'),
      createDb: global.has('CREATE'),
      dangerousMemberships: all || global.has('SUPER') ? [] : DANGEROUS.filter((p) => global.has(p)),
      account: account(String(meta.cu)),
      ddlPrivileges: ddl,
    };
    const tables = await check('tables', [] as DbTable[], async () =>
      (
        await q(
          `SELECT TABLE_NAME AS name, COALESCE(TABLE_ROWS, 0) AS r FROM information_schema.TABLES
           WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
          [db],
        )
      ).map((r) => ({ schema: db, name: String(r.name), owner: '', ownedByApp: ddl.length > 0, rows: Number(r.r), seqScan: 0, idxScan: null })),
    );
    const ps = Number(meta.ps) === 1;
    const usage = ps
      ? await check('index usage', null as Map<string, number> | null, async () => {
          const rows = await q(
            `SELECT OBJECT_NAME AS t, INDEX_NAME AS i, COUNT_READ AS n FROM performance_schema.table_io_waits_summary_by_index_usage
             WHERE OBJECT_SCHEMA = ? AND INDEX_NAME IS NOT NULL`,
            [db],
          );
          return new Map(rows.map((r) => [`${String(r.t)}.${String(r.i)}`, Number(r.n)]));
        })
      : null;
    if (!ps) unavailable.push({ check: 'index usage', message: `performance_schema is off; ${ENABLE_PERFORMANCE_SCHEMA}` });
    const indexes = await check('indexes', [] as DbIndex[], async () => {
      const rows = await q(
        `SELECT TABLE_NAME AS t, INDEX_NAME AS i, NON_UNIQUE AS nu, COLUMN_NAME AS c, SUB_PART AS sub, INDEX_TYPE AS type, SEQ_IN_INDEX AS seq
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
        [db],
      );
      const byName = new Map<string, DbIndex>();
      for (const r of rows) {
        const key = `${String(r.t)}.${String(r.i)}`;
        let ix = byName.get(key);
        if (!ix) {
          ix = {
            schema: db,
            table: String(r.t),
            name: String(r.i),
            columns: [],
            unique: Number(r.nu) === 0,
            primary: r.i === 'PRIMARY',
            valid: true,
            partial: false,
            method: String(r.type).toLowerCase(),
            idxScan: usage?.get(key) ?? 0,
            sizeBytes: 0,
            definition: '',
          };
          byName.set(key, ix);
        }
        // A prefix index (SUB_PART) serves only part of the column: keep that visible.
        ix.columns.push(r.c === null ? '(expression)' : r.sub === null ? String(r.c) : `${String(r.c)}(${String(r.sub)})`);
      }
      for (const ix of byName.values()) {
        ix.definition = `${ix.primary ? 'PRIMARY KEY' : ix.unique ? 'UNIQUE INDEX' : 'INDEX'} \`${ix.name}\` ON \`${ix.table}\` (${ix.columns.join(', ')}) USING ${ix.method.toUpperCase()}`;
      }
      return [...byName.values()];
    });
    const foreignKeys = await check('foreign keys', [] as DbForeignKey[], async () => {
      const rows = await q(
        `SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS n, COLUMN_NAME AS c, REFERENCED_TABLE_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt
         FROM information_schema.KEY_COLUMN_USAGE
         WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
        [db],
      );
      const byName = new Map<string, DbForeignKey>();
      for (const r of rows) {
        const key = `${String(r.t)}.${String(r.n)}`;
        const fk = byName.get(key) ?? { schema: db, table: String(r.t), name: String(r.n), columns: [], references: r.rs === db ? String(r.rt) : `${String(r.rs)}.${String(r.rt)}` };
        fk.columns.push(String(r.c));
        byName.set(key, fk);
      }
      return [...byName.values()];
    });
    const statements: DbStatementsInfo = ps
      ? await check<DbStatementsInfo>('statements', { available: false, reason: 'cannot read performance_schema.events_statements_summary_by_digest', statements: [] }, async () => {
          // Timers are in picoseconds. Our own catalog queries touch information_schema/performance_schema: left out.
          const rows = await q(
            `SELECT DIGEST AS id, DIGEST_TEXT AS query, COUNT_STAR AS calls, AVG_TIMER_WAIT / 1e9 AS mean, SUM_TIMER_WAIT / 1e9 AS total, SUM_ROWS_SENT AS rows_sent
             FROM performance_schema.events_statements_summary_by_digest
             WHERE SCHEMA_NAME = ? AND DIGEST_TEXT IS NOT NULL
               AND DIGEST_TEXT NOT LIKE '%information_schema%' AND DIGEST_TEXT NOT LIKE '%performance_schema%'
             ORDER BY SUM_TIMER_WAIT DESC LIMIT ${MAX_STATEMENTS}`,
            [db],
          );
          return {
            available: true,
            statements: rows.map((r) => {
              const query = String(r.query ?? '').slice(0, 500);
              const calls = Number(r.calls);
              return {
                queryId: String(r.id ?? ''),
                query,
                calls,
                meanMs: Math.round(Number(r.mean) * 1000) / 1000,
                totalMs: Math.round(Number(r.total) * 1000) / 1000,
                rowsPerCall: calls ? Math.round((Number(r.rows_sent) / calls) * 100) / 100 : 0,
                hasLimit: /\b(LIMIT|FETCH\s+(FIRST|NEXT))\b/i.test(query),
              };
            }),
          };
        })
      : { available: false, reason: `performance_schema is off on this server; ${ENABLE_PERFORMANCE_SCHEMA}`, statements: [] };
    return {
      engine: 'mysql',
      serverVersion: String(meta.version),
      database: db,
      target: parsed.target,
      role,
      statsResetAt: null,
      statsAgeSeconds: uptime !== null && Number.isFinite(uptime) ? uptime : null,
      tables,
      indexes,
      foreignKeys,
      statements,
      unavailable,
      tableScanStats: false,
      indexScanStats: usage !== null,
    };
  } finally {
    await conn.end().catch(() => {});
  }
}
