/**
 * The `database` artifact: catalog and statistics facts read from the application's database with
 * its own (ideally read-only) role. Plain data; the db/* audits are pure over it.
 */

export interface DbRoleInfo {
  name: string;
  superuser: boolean;
  createRole: boolean;
  createDb: boolean;
  /** Membership in predefined roles that reach the server's files/programs (pg_read_server_files...); MySQL: global FILE, PROCESS, SHUTDOWN, RELOAD, GRANT OPTION. */
  dangerousMemberships: string[];
  /** MySQL/MariaDB: the account as GRANT/REVOKE spell it (`'app'@'%'`). */
  account?: string;
  /** MySQL/MariaDB: DDL privileges (ALTER, DROP, CREATE, INDEX...) on the database or globally, which play the owner's part. */
  ddlPrivileges?: string[];
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
  /** PostgreSQL: sequences with how much of their range is used (the owning column's type can cap it). */
  sequences?: DbSequence[];
  /** PostgreSQL: age(datfrozenxid) of this database, in transactions (wraparound at about 2.1 billion). */
  xidAge?: number | null;
  /** PostgreSQL: buffer cache hits of user tables and indexes since the statistics reset. */
  cacheHit?: { hitPercent: number; hits: number; reads: number } | null;
  /** false when the engine keeps no per-table scan counters (MySQL): db/seq-scan-hotspot is not applicable. Default true. */
  tableScanStats?: boolean;
  /** false when index usage counters are unavailable (MySQL without performance_schema): db/unused-index is not applicable. Default true. */
  indexScanStats?: boolean;
}

/** One statement shape seen during a query-profile sample. */
export interface ProfiledStatement {
  /** libpg-query fingerprint of the normalised text (`queryid:<id>` when the text does not parse; `digest:<d>` on MySQL). */
  fingerprint: string;
  /** Normalised text (constants are `$n`), at most 300 chars; `<insufficient privilege>` when hidden. */
  query: string;
  /** Calls during the sample divided by its requests (2 decimals). */
  perRequest: number;
  /** OTLP traces only: time spent in the shape per request (ms, 2 decimals). */
  totalMs?: number;
  /** OTLP traces only: some calls of the shape ran at the same time within one request (Promise.all). */
  overlapping?: boolean;
}

/** N requests to one URL with pg_stat_statements read before and after. */
export interface ProfileSample {
  url: string;
  requests: number;
  /** HTTP statuses seen (deduplicated, sorted). */
  statuses: number[];
  /** Items in the JSON list body of the last response, null when not a list. */
  items: number | null;
  /** Every statement executed while the sample ran, divided by the requests. */
  queriesPerRequest: number;
  /** Shapes by calls per request, highest first (at most 30). */
  statements: ProfiledStatement[];
}

/** The query profile of one GET route: a plain sample, and for list routes a small and a large page. */
export interface RouteQueryProfile {
  name: string;
  method: string;
  url: string;
  base: ProfileSample;
  /** List routes: `limitParam`=2 and =20, so a count that grows with the items shows (n_plus_one_control). */
  scaling?: { limitParam: string; small: ProfileSample; large: ProfileSample };
}

/** The `queryProfile` artifact (src/gather/query-profile.ts). */
export interface QueryProfileArtifact {
  /** `otlp`: database spans of each request's trace, received by launchready's OTLP/HTTP receiver (database.otlp). */
  source: 'pg_stat_statements' | 'performance_schema' | 'otlp';
  /** host:port/db of the statistics connection (no credentials); OTLP: the receiver's listen address. */
  target: string;
  /** Some statement texts were hidden (the stats role lacks pg_read_all_stats): counted, not grouped. */
  hiddenTexts: boolean;
  routes: RouteQueryProfile[];
  skipped: { name: string; reason: string }[];
}

export interface DbSequence {
  schema: string;
  name: string;
  /** `table.column` that owns it (serial/identity), null when none. */
  column: string | null;
  lastValue: number;
  /** The smaller of the sequence's max_value and the owning column type's maximum. */
  max: number;
  /** lastValue / max, percent with one decimal. */
  percentUsed: number;
}
