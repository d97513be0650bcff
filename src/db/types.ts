/**
 * The `database` artifact: catalog and statistics facts read from the application's database with
 * its own (ideally read-only) role. Plain data; the db/* audits are pure over it.
 */

export interface DbRoleInfo {
  name: string;
  superuser: boolean;
  createRole: boolean;
  createDb: boolean;
  /** Membership in predefined roles that reach the server's files/programs (pg_read_server_files...). */
  dangerousMemberships: string[];
}

export interface DbTable {
  schema: string;
  name: string;
  owner: string;
  /** The connecting role owns the table or inherits its owner's rights (so it can ALTER/DROP it). */
  ownedByApp: boolean;
  /** pg_stat_user_tables.n_live_tup (estimate). */
  rows: number;
  seqScan: number;
  /** null when the table has no index at all. */
  idxScan: number | null;
}

export interface DbIndex {
  schema: string;
  table: string;
  name: string;
  /** Key columns in order; expressions appear as `(expr)`; INCLUDE columns are left out. */
  columns: string[];
  unique: boolean;
  primary: boolean;
  valid: boolean;
  partial: boolean;
  method: string;
  idxScan: number;
  sizeBytes: number;
  /** pg_get_indexdef(), for evidence. */
  definition: string;
}

export interface DbForeignKey {
  schema: string;
  table: string;
  name: string;
  columns: string[];
  references: string;
}

export interface DbStatement {
  queryId: string;
  /** Normalised text as pg_stat_statements stores it (constants replaced by $n), at most 500 chars. */
  query: string;
  calls: number;
  meanMs: number;
  totalMs: number;
  rowsPerCall: number;
  /** The statement text contains LIMIT/FETCH (feeds perf/unbounded-list). */
  hasLimit: boolean;
}

export interface DbStatementsInfo {
  available: boolean;
  /** Why not, and how to enable it, when unavailable. */
  reason?: string;
  statements: DbStatement[];
}

/** A check whose catalog query failed (permission denied...): the rest of the audit goes on. */
export interface DbUnavailable {
  check: string;
  message: string;
}

export interface DatabaseArtifact {
  engine: 'postgres' | 'mysql';
  /** Server version string (`15.20`). */
  serverVersion: string;
  database: string;
  /** Host:port/database with the password removed, for targets. */
  target: string;
  role: DbRoleInfo;
  /** When statistics were last reset (ISO), null when never or unknown. */
  statsResetAt: string | null;
  /** Seconds since that reset, measured by the server clock (audits never read the clock). */
  statsAgeSeconds: number | null;
  tables: DbTable[];
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
  statements: DbStatementsInfo;
  unavailable: DbUnavailable[];
}
