/**
 * Query profiling through pg_stat_statements: snapshot the per-statement call counters, let some
 * requests run, snapshot again, and diff. Each statement shape is grouped by the libpg-query
 * fingerprint of its normalised text (pg_stat_statements keeps one row per role, database and
 * top-level flag, so one shape can have several rows; fingerprints also merge texts that differ
 * only in formatting or comments).
 *
 * Privileges: reading pg_stat_statements needs no grant, but another role's statement texts show
 * as `<insufficient privilege>` unless the reading role has pg_read_all_stats: such rows are still
 * counted (queries per request) and never grouped (no N+1 guess on hidden text).
 *
 * Our own snapshot statements are tagged `/* launchready *\/` and left out.
 */
import { fingerprintSync, loadModule, normalizeSync } from 'libpg-query';
import type { ProfiledStatement } from './types.js';
import { maskSecrets, parseDbUrl } from './url.js';
import { connectPostgres, ENABLE_PG_STAT_STATEMENTS } from './postgres.js';
import { connectMysql, ENABLE_PERFORMANCE_SCHEMA } from './mysql.js';
import { createHash } from 'node:crypto';
import { queriesOf, type OtlpReceiver, type TraceContext, type TraceSpan } from './otlp.js';

const TAG = '/* launchready */';
/** Appended to every "statistics unavailable" message: the second source needs no server setting. */
export const OTLP_ALTERNATIVE =
  'or profile from OpenTelemetry traces instead (any database): set database.otlp: { listen: "127.0.0.1:4318" } and point the app\'s OTLP/HTTP JSON trace exporter at http://127.0.0.1:4318/v1/traces';
const HIDDEN = '<insufficient privilege>';
/** Shapes kept per sample (highest calls first). */
const MAX_SHAPES = 30;
const MAX_TEXT = 300;

/** One pg_stat_statements row: calls so far, keyed by (userid, dbid, queryid, toplevel). */
export type StatsSnapshot = Map<string, { queryId: string; query: string; calls: number }>;

/** pg_stat_statements is not readable: why, and how to enable it. */
export class StatsUnavailableError extends Error {
  override name = 'StatsUnavailableError';
  constructor(
    readonly code: 'NO_EXTENSION' | 'NOT_LOADED' | 'NO_PERFORMANCE_SCHEMA' | 'STATS_FAILED',
    message: string,
  ) {
    super(message);
  }
}

export interface StatsReader {
  source: 'pg_stat_statements' | 'performance_schema';
  /** host:port/db, no credentials. */
  target: string;
  snapshot(): Promise<StatsSnapshot>;
  close(): Promise<void>;
}

/**
 * Opens a read-only session on `url` and checks pg_stat_statements can be read. `database` limits
 * the rows to that database (the application's; default: the one `url` names).
 * Throws DatabaseConnectError (from connectPostgres / connectMysql) or StatsUnavailableError, never
 * with the password in the message.
 */
export async function openStatsReader(url: string, database?: string): Promise<StatsReader> {
  const parsed = parseDbUrl(url);
  if (parsed.engine === 'mysql') return openMysqlStatsReader(url, database);
  const client = await connectPostgres(url, { applicationName: 'launchready-profile', statementTimeoutMs: 10_000 });
  const q = async (sql: string, params: unknown[] = []) => (await client.query(`${TAG} ${sql}`, params)).rows;
  try {
    const ext = await q(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`);
    if (!ext.length) throw new StatsUnavailableError('NO_EXTENSION', `pg_stat_statements is not installed in ${parsed.target}; ${ENABLE_PG_STAT_STATEMENTS}; ${OTLP_ALTERNATIVE}`);
    await q('SELECT 1 FROM pg_stat_statements LIMIT 1').catch((e: Error) => {
      const msg = maskSecrets(e.message, url);
      throw /shared_preload_libraries/.test(msg)
        ? new StatsUnavailableError('NOT_LOADED', `pg_stat_statements is installed but not loaded; ${ENABLE_PG_STAT_STATEMENTS}; ${OTLP_ALTERNATIVE}`)
        : new StatsUnavailableError('STATS_FAILED', `cannot read pg_stat_statements: ${msg}`);
    });
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
  const dbName = database ?? null;
  return {
    source: 'pg_stat_statements',
    target: parsed.target,
    async snapshot() {
      const rows = await q(
        `SELECT s.userid::text || ':' || s.dbid::text || ':' || COALESCE(s.queryid::text, '-') || ':' || s.toplevel::text AS k,
           COALESCE(s.queryid::text, '') AS id, COALESCE(s.query, '${HIDDEN}') AS query, s.calls::float8 AS calls
         FROM pg_stat_statements s
         WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = COALESCE($1, current_database()))
           AND COALESCE(s.query, '') NOT LIKE '%/* launchready */%'`,
        [dbName],
      );
      const out: StatsSnapshot = new Map();
      // Hidden rows (other roles, no pg_read_all_stats) have no queryid and share a key: summed.
      for (const r of rows) out.set(r.k, { queryId: r.id, query: String(r.query), calls: (out.get(r.k)?.calls ?? 0) + Number(r.calls) });
      return out;
    },
    close: () => client.end().catch(() => {}),
  };
}

/**
 * MySQL/MariaDB: performance_schema.events_statements_summary_by_digest, one row per (schema,
 * digest). The digest text (`SELECT name FROM users WHERE id = ?`) is MySQL's own normalisation;
 * it rarely parses as PostgreSQL, so the shape is the digest itself.
 */
async function openMysqlStatsReader(url: string, database?: string): Promise<StatsReader> {
  const parsed = parseDbUrl(url);
  const u = new URL(url);
  const conn = await connectMysql(url, { useDatabase: false });
  const db = database ?? decodeURIComponent(u.pathname.replace(/^\//, ''));
  try {
    const ps = (await conn.query('SELECT @@performance_schema AS ps'))[0] as { ps: number }[];
    if (Number(ps[0]?.ps) !== 1) throw new StatsUnavailableError('NO_PERFORMANCE_SCHEMA', `performance_schema is off on ${parsed.target}; ${ENABLE_PERFORMANCE_SCHEMA}; ${OTLP_ALTERNATIVE}`);
    await conn.query('SELECT 1 FROM performance_schema.events_statements_summary_by_digest LIMIT 1').catch((e: Error) => {
      throw new StatsUnavailableError('STATS_FAILED', `cannot read performance_schema.events_statements_summary_by_digest: ${maskSecrets(e.message, url)}`);
    });
  } catch (e) {
    await conn.end().catch(() => {});
    throw e;
  }
  return {
    source: 'performance_schema',
    target: parsed.target,
    async snapshot() {
      const rows = (
        await conn.query(
          `SELECT CONCAT(COALESCE(SCHEMA_NAME, ''), ':', DIGEST) AS k, DIGEST AS id, DIGEST_TEXT AS query, COUNT_STAR AS calls
           FROM performance_schema.events_statements_summary_by_digest
           WHERE SCHEMA_NAME = ? AND DIGEST IS NOT NULL AND DIGEST_TEXT NOT LIKE '%performance_schema%'`,
          [db],
        )
      )[0] as { k: string; id: string; query: string | null; calls: number }[];
      const out: StatsSnapshot = new Map();
      for (const r of rows) out.set(r.k, { queryId: `digest:${r.id}`, query: String(r.query ?? ''), calls: Number(r.calls) });
      return out;
    },
    close: () => conn.end().catch(() => {}),
  };
}

let loaded: Promise<void> | undefined;

/** libpg-query fingerprint of a normalised statement, or `queryid:<id>` when it does not parse. */
export async function shapeOf(query: string, queryId: string): Promise<string> {
  if (queryId.startsWith('digest:')) return queryId; // MySQL: the digest already is the shape
  loaded ??= loadModule();
  await loaded;
  try {
    return fingerprintSync(query);
  } catch {
    return `queryid:${queryId || 'unknown'}`;
  }
}

/**
 * Calls between two snapshots, per shape, divided by `requests`. Rows that appeared only in
 * `after` count from zero; a counter that went down (pg_stat_statements_reset, eviction) counts
 * its value in `after`. Hidden texts are kept as their own (ungrouped) rows.
 */
export async function diffSnapshots(before: StatsSnapshot, after: StatsSnapshot, requests: number): Promise<{ queriesPerRequest: number; statements: ProfiledStatement[]; hidden: boolean }> {
  const shapes = new Map<string, { query: string; calls: number }>();
  let total = 0;
  let hidden = false;
  for (const [k, row] of after) {
    const prev = before.get(k)?.calls ?? 0;
    const calls = row.calls >= prev ? row.calls - prev : row.calls;
    if (calls <= 0) continue;
    total += calls;
    const isHidden = row.query === HIDDEN;
    hidden ||= isHidden;
    const fp = isHidden ? `hidden:${k}` : await shapeOf(row.query, row.queryId);
    const s = shapes.get(fp) ?? { query: isHidden ? HIDDEN : row.query.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT), calls: 0 };
    s.calls += calls;
    shapes.set(fp, s);
  }
  const round = (n: number) => Math.round((n / requests) * 100) / 100;
  const statements = [...shapes]
    .map(([fingerprint, s]) => ({ fingerprint, query: s.query, perRequest: round(s.calls) }))
    .sort((a, b) => b.perRequest - a.perRequest || a.query.localeCompare(b.query))
    .slice(0, MAX_SHAPES);
  return { queriesPerRequest: round(total), statements, hidden };
}

/**
 * A statement text from a trace span (raw, with literal values, any SQL dialect) -> its shape and
 * a text safe to report. PostgreSQL-parseable text: libpg-query's normalize ($n for constants)
 * and fingerprint, the same shapes as the pg_stat_statements path. Anything else (MySQL `?`,
 * backticks): literals, numbers and IN lists replaced by `?` by hand, fingerprinted by hash.
 */
export async function normaliseStatement(text: string): Promise<{ fingerprint: string; query: string }> {
  loaded ??= loadModule();
  await loaded;
  try {
    const query = normalizeSync(text);
    return { fingerprint: fingerprintSync(query), query: query.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT) };
  } catch {
    const query = maskLiterals(text).slice(0, MAX_TEXT);
    return { fingerprint: `text:${createHash('sha1').update(query.toLowerCase()).digest('hex').slice(0, 16)}`, query };
  }
}

/** Comments dropped, string/number literals and IN lists turned into `?`, whitespace collapsed. Exported for tests. */
export function maskLiterals(sql: string): string {
  return sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(--|#)[^\n]*/g, ' ')
    .replace(/'(?:[^'\\]|\\.|'')*'/g, '?')
    .replace(/"(?:[^"\\]|\\.|"")*"/g, (m) => (/^"[A-Za-z_][A-Za-z0-9_$]*"$/.test(m) ? m : '?'))
    .replace(/\b0x[0-9a-f]+\b/gi, '?')
    .replace(/(?<![\w$])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\bIN\s*\(\s*\?(?:\s*,\s*\?)*\s*\)/gi, 'IN (?)')
    .replace(/\s+/g, ' ')
    .trim();
}

/** What the requests of one sample ran, per request. */
export interface SampleCounts {
  queriesPerRequest: number;
  statements: ProfiledStatement[];
  hidden: boolean;
}

/**
 * Where the profile reads the queries from: pg_stat_statements / performance_schema counters, or
 * the spans of each request's trace (OTLP).
 */
export interface QuerySource {
  source: 'pg_stat_statements' | 'performance_schema' | 'otlp';
  /** host:port/db of the statistics connection, or the receiver's listen address. */
  target: string;
  /**
   * Runs `send` (the sample's requests, in sequence; request i carries `headersFor(i)`) and returns
   * what they ran, divided by `requests`. Throws when the counts cannot be trusted (no spans).
   */
  measure(requests: number, send: (headersFor: (i: number) => Record<string, string>) => Promise<void>, signal?: AbortSignal): Promise<SampleCounts>;
  /** Extra headers of the (uncounted) warm-up request. */
  warmupHeaders(): Record<string, string>;
  close(): Promise<void>;
}

/** Wait between two snapshots that must agree before a count is trusted (ms). */
const SETTLE_MS = 30;
const SETTLE_TRIES = 10;

/**
 * A snapshot taken once the counters have stopped moving: MySQL/MariaDB record a statement's
 * digest after its result reached the client, so the app's last statement can land just after our
 * snapshot. Two equal snapshots in a row (bounded by SETTLE_TRIES on a busy database).
 */
async function settledSnapshot(reader: StatsReader): Promise<StatsSnapshot> {
  let snap = await reader.snapshot();
  for (let i = 0; i < SETTLE_TRIES; i++) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const again = await reader.snapshot();
    if (again.size === snap.size && [...again].every(([k, v]) => snap.get(k)?.calls === v.calls)) return again;
    snap = again;
  }
  return snap;
}

/** Counters before and after the requests (server-wide for the database). */
export function statsSource(reader: StatsReader): QuerySource {
  return {
    source: reader.source,
    target: reader.target,
    async measure(requests, send) {
      const before = await settledSnapshot(reader);
      await send(() => ({}));
      const after = await settledSnapshot(reader);
      return diffSnapshots(before, after, requests);
    },
    warmupHeaders: () => ({}),
    close: () => reader.close(),
  };
}

/** Default wait for a request's spans: the OpenTelemetry batch span processor exports every 5 s. */
export const DEFAULT_OTLP_WAIT_MS = 10_000;

/** Each request gets its own trace (traceparent); its database spans are its queries. */
export function otlpSource(receiver: OtlpReceiver, waitMs = DEFAULT_OTLP_WAIT_MS): QuerySource {
  return {
    source: 'otlp',
    target: receiver.address,
    async measure(requests, send, signal) {
      const traces: TraceContext[] = [];
      await send((i) => {
        traces[i] ??= receiver.newTrace();
        return { traceparent: traces[i]!.traceparent };
      });
      // A trace still incomplete after the wait (no entry span) is read as it is.
      await receiver.waitFor(traces, waitMs, signal);
      const received = traces.filter((t) => receiver.spans(t.traceId).length > 0);
      if (received.length < traces.length) {
        const st = receiver.stats();
        throw new Error(
          `no spans arrived within ${waitMs} ms for ${traces.length - received.length} of ${traces.length} requests (receiver ${receiver.endpoint}: ${st.exports} exports, ${st.foreignSpans} spans of other traces, ${st.refused} refused): ` +
            (st.foreignSpans > 0
              ? 'the app exports spans but not in the trace launchready started: it must continue the W3C traceparent header (W3CTraceContextPropagator, a parent-based sampler)'
              : `point the app's OTLP/HTTP JSON exporter at ${receiver.endpoint} (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) with OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json, or raise database.otlp.waitMs if it exports less often`),
        );
      }
      return aggregateTraces(traces.map((t) => receiver.spans(t.traceId)), requests);
    },
    // A trace of our own too (read by nobody): its spans are not "spans of other traces" in the diagnosis.
    warmupHeaders: () => ({ traceparent: receiver.newTrace().traceparent }),
    close: () => receiver.close(),
  };
}

/**
 * Database spans of each request's trace, per shape: calls and time per request, and whether calls
 * of one shape overlapped in time inside one request (an N+1 fired through Promise.all still
 * counts: the counts do not depend on the order). Exported for tests.
 */
export async function aggregateTraces(traces: TraceSpan[][], requests: number): Promise<SampleCounts> {
  const shapes = new Map<string, { query: string; calls: number; ns: bigint; overlapping: boolean }>();
  let total = 0;
  for (const spans of traces) {
    const perShape = new Map<string, TraceSpan[]>();
    for (const s of queriesOf(spans)) {
      const { fingerprint, query } = await normaliseStatement(s.statement!);
      total++;
      const sh = shapes.get(fingerprint) ?? { query, calls: 0, ns: 0n, overlapping: false };
      sh.calls++;
      sh.ns += s.end > s.start ? s.end - s.start : 0n;
      shapes.set(fingerprint, sh);
      perShape.set(fingerprint, [...(perShape.get(fingerprint) ?? []), s]);
    }
    for (const [fp, list] of perShape) {
      const sorted = list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
      let end = -1n;
      for (const s of sorted) {
        if (end > s.start) shapes.get(fp)!.overlapping = true;
        if (s.end > end) end = s.end;
      }
    }
  }
  const round = (n: number) => Math.round((n / requests) * 100) / 100;
  const statements: ProfiledStatement[] = [...shapes]
    .map(([fingerprint, s]) => ({ fingerprint, query: s.query, perRequest: round(s.calls), totalMs: round(Number(s.ns) / 1e6), ...(s.overlapping ? { overlapping: true } : {}) }))
    .sort((a, b) => b.perRequest - a.perRequest || a.query.localeCompare(b.query))
    .slice(0, MAX_SHAPES);
  return { queriesPerRequest: round(total), statements, hidden: false };
}
