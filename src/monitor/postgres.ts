/**
 * PostgreSQL implementation of MonitorStore: the same tables as sqlite.ts in PostgreSQL types, for
 * teams that run more than one monitor instance (`monitor.store: postgres://…`). Several instances
 * share one database; leader.ts elects the one that runs checks and sends alerts.
 *
 * Calls are synchronous (pg-sync.ts) so `transaction(fn)` means what it means for SQLite: the state
 * change and its outbox rows commit together, with nothing else interleaving on this connection.
 * `?schema=name` in the URL puts the tables in that schema (created if missing); default `public`.
 */
import { type SeriesRow, type CheckState, type MonitorStore, type OutboxItem, type RetentionDays, type Rollup, type RollupBucket, type TrailEntry } from './store.js';
import { PgStoreError, SyncPg, type SyncResult } from './pg-sync.js';
import { maskUrl } from './mask.js';
import type { CheckRun, Incident, IncidentState, MessageKind } from './types.js';
import { runRow, toIncident, toOutbox, type IncidentRow, type OutboxRow } from './rows.js';

export { PgStoreError } from './pg-sync.js';

const DAY = 86_400_000;

/** Serialises schema creation across instances starting at once (CREATE … IF NOT EXISTS races). */
const SCHEMA_LOCK = 0x4c520001;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checks (cid SERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS results (
  cid INTEGER NOT NULL, at BIGINT NOT NULL, ok BOOLEAN NOT NULL, ms INTEGER NOT NULL,
  detail TEXT, -- JSON {conditions, error, context}; NULL for a passing run
  PRIMARY KEY (cid, at));
-- BRIN: results arrive in time order, so a few pages of summary serve the retention DELETE.
CREATE INDEX IF NOT EXISTS results_at ON results USING brin (at);
CREATE TABLE IF NOT EXISTS rollups (
  cid INTEGER NOT NULL, bucket TEXT NOT NULL, start BIGINT NOT NULL,
  total INTEGER NOT NULL, ok INTEGER NOT NULL, sum_ms BIGINT NOT NULL, max_ms INTEGER NOT NULL,
  PRIMARY KEY (cid, bucket, start)) WITH (fillfactor = 80); -- room for HOT updates of hour/day rows
CREATE TABLE IF NOT EXISTS check_state (
  check_id TEXT PRIMARY KEY, failures INTEGER NOT NULL, successes INTEGER NOT NULL,
  last_ok BOOLEAN, last_at BIGINT, incident_id BIGINT);
CREATE TABLE IF NOT EXISTS incidents (
  id BIGSERIAL PRIMARY KEY, check_id TEXT NOT NULL, state TEXT NOT NULL,
  opened_at BIGINT NOT NULL, acked_at BIGINT, acked_by TEXT, resolved_at BIGINT,
  next_step INTEGER NOT NULL DEFAULT 0, next_at BIGINT, repeats INTEGER NOT NULL DEFAULT 0,
  summary TEXT NOT NULL, context TEXT);
CREATE INDEX IF NOT EXISTS incidents_state ON incidents (state, check_id);
CREATE TABLE IF NOT EXISTS outbox (
  id BIGSERIAL PRIMARY KEY, incident_id BIGINT, channel TEXT NOT NULL, kind TEXT NOT NULL,
  message TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL, last_error TEXT, delivered_at BIGINT);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
CREATE TABLE IF NOT EXISTS trail (
  id BIGSERIAL PRIMARY KEY, incident_id BIGINT, channel TEXT NOT NULL, kind TEXT NOT NULL,
  at BIGINT NOT NULL, ok BOOLEAN NOT NULL, error TEXT);
CREATE INDEX IF NOT EXISTS trail_incident ON trail (incident_id, id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Several instances: one heartbeat row each (leader.ts), and runs of instances that do not lead,
-- waiting for the leader to move their check's alert state (consumed with DELETE … RETURNING).
CREATE TABLE IF NOT EXISTS instances (id TEXT PRIMARY KEY, heartbeat_at BIGINT NOT NULL, started_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS run_queue (id BIGSERIAL PRIMARY KEY, check_id TEXT NOT NULL, at BIGINT NOT NULL, run TEXT NOT NULL);
`;


/** True for a `monitor.store` value that names PostgreSQL rather than a SQLite file. */
export function isPostgresUrl(store: string): boolean {
  return /^postgres(ql)?:\/\//i.test(store);
}

/** Splits `?schema=` off a store URL (pg would pass unknown parameters on to the server). */
export function parseStoreUrl(url: string): { url: string; schema: string | undefined } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  return { url: u.toString(), schema };
}

export class PgStore implements MonitorStore {
  readonly db: SyncPg;
  readonly url: string;
  readonly schema: string | undefined;
  private cids = new Map<string, number>();
  private depth = 0;
  /**
   * Check states as this instance last wrote or read them. Only the leader writes check_state, so
   * the cache is exact while it leads; runMonitor calls invalidateCaches() whenever leadership is
   * (re)acquired, and a rollback or a failed write clears it.
   */
  private states = new Map<string, CheckState>();
  /** The whole check_state table is in `states` (read at the first miss): a miss is a check without a row. */
  private statesLoaded = false;
  /**
   * The session runs with synchronous_commit off: a result, its rollups and the check's counters
   * commit without waiting for the WAL flush, and a database crash can lose only the last fraction
   * of a second of them (the same trade as SQLite's synchronous=NORMAL in WAL). Writes an alert
   * depends on (incidents, outbox, trail, meta) set `durable`, and their transaction commits with
   * synchronous_commit on, so an alert is never lost.
   */
  private durable = false;

  /** Runs a write that must be durable: inside the caller's transaction, or in its own. */
  private durably<T>(fn: () => T): T {
    if (this.depth > 0) {
      this.durable = true;
      return fn();
    }
    return this.transaction(() => {
      this.durable = true;
      return fn();
    });
  }

  /** Connects (blocking) and creates the tables if missing; a failure names the (masked) URL. */
  constructor(storeUrl: string) {
    const p = parseStoreUrl(storeUrl);
    this.url = p.url;
    this.schema = p.schema;
    this.db = new SyncPg(p.url, p.schema, { asyncCommit: true });
    try {
      this.db.query(`BEGIN; SELECT pg_advisory_xact_lock(${SCHEMA_LOCK}); ${SCHEMA} COMMIT;`);
    } catch (e) {
      this.db.close();
      throw new PgStoreError(`monitor.store ${maskUrl(storeUrl)}: ${(e as Error).message}`, (e as PgStoreError).code);
    }
  }

  private cidsLoaded = false;

  /** Creates the rows of every configured check in one statement and caches all ids. */
  prepareChecks(checkIds: string[]): void {
    if (checkIds.length === 0) return;
    // Sorted: instances starting together insert in the same order, so they wait on each other
    // rather than deadlock.
    this.q('INSERT INTO checks (id) SELECT unnest($1::text[]) ON CONFLICT (id) DO NOTHING', [[...new Set(checkIds)].sort()]);
    this.loadCids();
  }

  /**
   * An id's cid never changes once assigned: read them all at once (a monitor restarting with
   * 10,000 checks would otherwise pay a round trip per check in its first round).
   */
  private loadCids(): void {
    for (const r of this.q<{ id: string; cid: number }>('SELECT id, cid FROM checks').rows) this.cids.set(r.id, r.cid);
    this.cidsLoaded = true;
  }

  private cid(checkId: string): number {
    let c = this.cids.get(checkId);
    if (c === undefined && !this.cidsLoaded) {
      this.loadCids();
      c = this.cids.get(checkId);
    }
    if (c === undefined) {
      // A new check (or one another instance created since): one round trip either way. When
      // another instance inserts the same id concurrently, the statement's snapshot may miss its
      // row (ON CONFLICT waited for it): then read it with a fresh snapshot.
      c =
        this.q<{ cid: number }>(
          'WITH ins AS (INSERT INTO checks (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING cid) SELECT cid FROM ins UNION ALL SELECT cid FROM checks WHERE id = $1',
          [checkId],
        ).rows[0]?.cid ?? this.q<{ cid: number }>('SELECT cid FROM checks WHERE id = $1', [checkId]).rows[0]!.cid;
      this.cids.set(checkId, c);
    }
    return c;
  }

  recordRun(run: CheckRun): void {
    const cid = this.cid(run.checkId);
    const { ms, detail, starts } = runRow(run);
    // One statement (atomic), queued without waiting: a passing run then costs the monitor's
    // event loop no database round trip at all (see getCheckState's cache).
    this.db.send(
      `WITH r AS (
         INSERT INTO results (cid, at, ok, ms, detail) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (cid, at) DO UPDATE SET ok = excluded.ok, ms = excluded.ms, detail = excluded.detail)
       INSERT INTO rollups AS u (cid, bucket, start, total, ok, sum_ms, max_ms)
       VALUES ($1, 'minute', $6, 1, $7, $4, $4), ($1, 'hour', $8, 1, $7, $4, $4), ($1, 'day', $9, 1, $7, $4, $4)
       ON CONFLICT (cid, bucket, start) DO UPDATE SET total = u.total + 1, ok = u.ok + excluded.ok,
         sum_ms = u.sum_ms + excluded.sum_ms, max_ms = greatest(u.max_ms, excluded.max_ms)`,
      [cid, run.at, run.ok, ms, detail, starts[0], run.ok ? 1 : 0, starts[1], starts[2]],
    );
  }

  runs(checkId: string, since: number, limit = 1000): CheckRun[] {
    const rows = this.q<{ at: number; ok: boolean; ms: number; detail: string | null }>('SELECT at, ok, ms, detail FROM results WHERE cid = $1 AND at >= $2 ORDER BY at DESC LIMIT $3', [this.cid(checkId), since, limit]).rows;
    return rows.map((r) => {
      const d = r.detail ? (JSON.parse(r.detail) as { conditions: string[]; error?: string; context?: CheckRun['context'] }) : null;
      const run: CheckRun = { checkId, at: r.at, ok: r.ok, durationMs: r.ms, conditions: (d?.conditions ?? []).map((c) => ({ condition: c, display: c, success: false })) };
      if (d?.error) run.error = d.error;
      if (d?.context) run.context = d.context;
      return run;
    });
  }

  rollups(checkId: string, bucket: RollupBucket, since: number): Rollup[] {
    const rows = this.q<{ start: number; total: number; ok: number; sum_ms: number; max_ms: number }>('SELECT start, total, ok, sum_ms, max_ms FROM rollups WHERE cid = $1 AND bucket = $2 AND start >= $3 ORDER BY start', [this.cid(checkId), bucket, since]).rows;
    return rows.map((r) => ({ checkId, bucket, start: r.start, total: r.total, ok: r.ok, sumMs: r.sum_ms, maxMs: r.max_ms }));
  }

  series(checkIds: string[], since: number, bucketMs: number): SeriesRow[] {
    if (checkIds.length === 0) return [];
    // One row per check with its buckets as JSON text: 100 strings cross the worker boundary instead
    // of 9,000 row objects (that transfer cost ~3 times the query). Grouped and sorted in the "C"
    // collation (a locale-aware sort of 9,000 rows costs ~20 ms).
    const rows = this.q<{ id: string; j: string }>(
      `SELECT id, json_agg(json_build_array(b, total, ok, sum_ms, max_ms) ORDER BY b)::text AS j FROM (
         SELECT c.id COLLATE "C" AS id, (r.start - $1::bigint) / $2::bigint AS b, sum(r.total) AS total, sum(r.ok) AS ok, sum(r.sum_ms) AS sum_ms, max(r.max_ms) AS max_ms
         FROM checks c JOIN rollups r ON r.cid = c.cid AND r.bucket = 'minute' AND r.start >= $1::bigint
         WHERE c.id = ANY($3::text[]) GROUP BY 1, 2) x
       GROUP BY id ORDER BY id`,
      [since, bucketMs, checkIds],
    ).rows;
    return rows.flatMap((r) => (JSON.parse(r.j) as number[][]).map(([b, total, ok, sumMs, maxMs]) => ({ checkId: r.id, bucket: Number(b), total: Number(total), ok: Number(ok), sumMs: Number(sumMs), maxMs: Number(maxMs) })));
  }

  prune(now: number, keep: RetentionDays): number {
    return this.transaction(() => {
      let n = this.q('DELETE FROM results WHERE at < $1', [now - keep.rawDays * DAY]).rowCount;
      for (const [b, days] of [['minute', keep.minuteDays], ['hour', keep.hourDays], ['day', keep.dayDays]] as const) {
        n += this.q('DELETE FROM rollups WHERE bucket = $1 AND start < $2', [b, now - days * DAY]).rowCount;
      }
      return n;
    });
  }

  getCheckState(checkId: string): CheckState {
    let hit = this.states.get(checkId);
    if (!hit && !this.statesLoaded) {
      // One read of every row instead of one round trip per check: a leader taking over (or
      // starting) with 10,000 checks would otherwise block its first round on 10,000 queries.
      // Exact because only the leader writes check_state (see `states`).
      const rows = this.q<{ check_id: string; failures: number; successes: number; last_ok: boolean | null; last_at: number | null; incident_id: number | null }>('SELECT * FROM check_state').rows;
      for (const r of rows) {
        this.states.set(r.check_id, { checkId: r.check_id, consecutiveFailures: r.failures, consecutiveSuccesses: r.successes, lastOk: r.last_ok, lastAt: r.last_at, incidentId: r.incident_id });
      }
      this.statesLoaded = true;
      hit = this.states.get(checkId);
    }
    if (!hit) {
      hit = { checkId, consecutiveFailures: 0, consecutiveSuccesses: 0, lastOk: null, lastAt: null, incidentId: null };
      this.states.set(checkId, hit);
    }
    return { ...hit };
  }

  private clearStates(): void {
    this.states.clear();
    this.statesLoaded = false;
  }

  putCheckState(s: CheckState): void {
    this.states.set(s.checkId, { ...s });
    this.db.send(
      `INSERT INTO check_state (check_id, failures, successes, last_ok, last_at, incident_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (check_id) DO UPDATE SET failures = excluded.failures, successes = excluded.successes, last_ok = excluded.last_ok, last_at = excluded.last_at, incident_id = excluded.incident_id`,
      [s.checkId, s.consecutiveFailures, s.consecutiveSuccesses, s.lastOk, s.lastAt, s.incidentId],
    );
  }

  openIncident(i: { checkId: string; openedAt: number; nextAt: number | null; summary: string[]; context?: Incident['context'] }): Incident {
    return this.durably(() => {
      const r = this.q<IncidentRow>(
        "INSERT INTO incidents (check_id, state, opened_at, next_step, next_at, summary, context) VALUES ($1, 'open', $2, 0, $3, $4, $5) RETURNING *",
        [i.checkId, i.openedAt, i.nextAt, JSON.stringify(i.summary), i.context ? JSON.stringify(i.context) : null],
      );
      return toIncident(r.rows[0]!);
    });
  }

  getIncident(id: number): Incident | null {
    const r = this.q<IncidentRow>('SELECT * FROM incidents WHERE id = $1', [id]).rows[0];
    return r ? toIncident(r) : null;
  }

  listIncidents(filter: { states?: IncidentState[]; checkId?: string; limit?: number } = {}): Incident[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.states?.length) {
      args.push(filter.states);
      where.push(`state = ANY($${args.length})`);
    }
    if (filter.checkId) {
      args.push(filter.checkId);
      where.push(`check_id = $${args.length}`);
    }
    args.push(filter.limit ?? 1000);
    const sql = `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${args.length}`;
    return this.q<IncidentRow>(sql, args).rows.map(toIncident);
  }

  updateIncident(id: number, patch: Partial<Omit<Incident, 'id' | 'checkId' | 'openedAt'>>): void {
    this.durably(() => {
      const cols: Record<string, string> = { state: 'state', ackedAt: 'acked_at', ackedBy: 'acked_by', resolvedAt: 'resolved_at', nextStep: 'next_step', nextAt: 'next_at', repeats: 'repeats', summary: 'summary', context: 'context' };
      const sets: string[] = [];
      const args: unknown[] = [];
      for (const [k, v] of Object.entries(patch)) {
        const col = cols[k];
        if (!col) continue;
        args.push(k === 'summary' || k === 'context' ? JSON.stringify(v) : v === undefined ? null : v);
        sets.push(`${col} = $${args.length}`);
      }
      if (sets.length) this.q(`UPDATE incidents SET ${sets.join(', ')} WHERE id = $${args.length + 1}`, [...args, id]);
    });
  }

  enqueue(items: { incidentId: number | null; channel: string; kind: MessageKind; message: string; at: number }[]): void {
    if (items.length === 0) return;
    this.durably(() => {
      // One statement for the batch: it commits with the caller's transaction, or alone.
      this.q(
        `INSERT INTO outbox (incident_id, channel, kind, message, next_attempt_at, created_at)
         SELECT i, c, k, m, a, a FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS t(i, c, k, m, a)`,
        [items.map((i) => i.incidentId), items.map((i) => i.channel), items.map((i) => i.kind), items.map((i) => i.message), items.map((i) => i.at)],
      );
    });
  }

  dueOutbox(now: number, limit = 100): OutboxItem[] {
    return this.q<OutboxRow>('SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2', [now, limit]).rows.map(toOutbox);
  }

  pendingOutbox(): OutboxItem[] {
    return this.q<OutboxRow>('SELECT * FROM outbox WHERE delivered_at IS NULL ORDER BY id').rows.map(toOutbox);
  }

  markDelivered(id: number, at: number): void {
    this.durably(() => {
      this.q(
        `WITH u AS (UPDATE outbox SET delivered_at = $1, attempts = attempts + 1 WHERE id = $2 RETURNING incident_id, channel, kind)
         INSERT INTO trail (incident_id, channel, kind, at, ok) SELECT incident_id, channel, kind, $1, true FROM u`,
        [at, id],
      );
    });
  }

  markFailed(id: number, at: number, error: string, nextAttemptAt: number): void {
    this.durably(() => {
      this.q(
        `WITH u AS (UPDATE outbox SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4 WHERE id = $2 RETURNING incident_id, channel, kind)
         INSERT INTO trail (incident_id, channel, kind, at, ok, error) SELECT incident_id, channel, kind, $1, false, $3 FROM u`,
        [at, id, error, nextAttemptAt],
      );
    });
  }

  trail(incidentId: number | null, limit = 200): TrailEntry[] {
    const rows = (incidentId === null
      ? this.q('SELECT * FROM trail ORDER BY id DESC LIMIT $1', [limit])
      : this.q('SELECT * FROM trail WHERE incident_id = $1 ORDER BY id LIMIT $2', [incidentId, limit])).rows as { id: number; incident_id: number | null; channel: string; kind: MessageKind; at: number; ok: boolean; error: string | null }[];
    return rows.map((r) => ({ id: r.id, incidentId: r.incident_id, channel: r.channel, kind: r.kind, at: r.at, ok: r.ok, ...(r.error ? { error: r.error } : {}) }));
  }

  trailChannels(incidentId: number): string[] {
    return this.q<{ channel: string }>("SELECT DISTINCT channel FROM outbox WHERE incident_id = $1 AND kind != 'resolved' ORDER BY channel", [incidentId]).rows.map((r) => r.channel);
  }

  latestRuns(checkIds?: string[]): { checkId: string; at: number; ok: boolean; durationMs: number }[] {
    // LATERAL + the (cid, at) primary key: one backward index seek per check.
    const rows = this.q<{ id: string; at: number; ok: boolean; ms: number }>(
      `SELECT c.id, r.at, r.ok, r.ms FROM checks c CROSS JOIN LATERAL (SELECT at, ok, ms FROM results WHERE cid = c.cid ORDER BY at DESC LIMIT 1) r ${checkIds ? 'WHERE c.id = ANY($1::text[])' : ''} ORDER BY c.id COLLATE "C"`,
      checkIds ? [checkIds] : [],
    ).rows;
    return rows.map((r) => ({ checkId: r.id, at: r.at, ok: r.ok, durationMs: r.ms }));
  }

  latencyHistogram(since: number, bounds: number[]): { checkId: string; buckets: number[]; count: number; sumMs: number }[] {
    const cases = bounds.map((b, i) => `count(*) FILTER (WHERE r.ms <= ${Number(b)}) AS b${i}`).join(', ');
    const rows = this.q<Record<string, number | string>>(`SELECT c.id AS id, count(*) AS n, sum(r.ms) AS total${cases ? `, ${cases}` : ''} FROM results r JOIN checks c ON c.cid = r.cid WHERE r.at >= $1 GROUP BY c.id ORDER BY c.id COLLATE "C"`, [since]).rows;
    return rows.map((r) => ({ checkId: String(r.id), count: Number(r.n), sumMs: Number(r.total), buckets: bounds.map((_b, i) => Number(r[`b${i}`])) }));
  }

  /**
   * A run of an instance that does not lead (shared checks): recorded like any run, and queued for
   * the leader, which moves the check's alert state (`takeQueuedRuns`). One transaction, not waited for.
   */
  queueRun(run: CheckRun): void {
    this.transaction(() => {
      this.recordRun(run);
      this.db.send('INSERT INTO run_queue (check_id, at, run) VALUES ($1, $2, $3)', [run.checkId, run.at, JSON.stringify(run)]);
    });
  }

  /**
   * Removes and returns up to `limit` queued runs, oldest first (call inside the transaction that
   * applies them: a rollback puts them back). SKIP LOCKED: a second caller never blocks on them.
   */
  takeQueuedRuns(limit = 1000): CheckRun[] {
    const rows = this.q<{ run: string }>(
      'DELETE FROM run_queue WHERE id IN (SELECT id FROM run_queue ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id, at, run',
      [limit],
    ).rows as unknown as { id: number; at: number; run: string }[];
    return rows.sort((a, b) => a.at - b.at || a.id - b.id).map((r) => JSON.parse(r.run) as CheckRun);
  }

  runCounts(): { checkId: string; total: number; ok: number }[] {
    const rows = this.q<{ id: string; total: number; ok: number }>(
      "SELECT c.id, sum(r.total) AS total, sum(r.ok) AS ok FROM rollups r JOIN checks c ON c.cid = r.cid WHERE r.bucket = 'day' GROUP BY c.id ORDER BY c.id COLLATE \"C\"",
    ).rows;
    return rows.map((r) => ({ checkId: r.id, total: Number(r.total), ok: Number(r.ok) }));
  }

  /** Forget cached check states (another instance may have written them: leadership changed). */
  invalidateCaches(): void {
    this.clearStates();
  }

  /**
   * Like better-sqlite3's: BEGIN/COMMIT at the outside, savepoints when nested; rolls back on throw.
   * BEGIN and the COMMIT of a transaction without durable writes are queued without waiting; a
   * durable transaction waits for its COMMIT, so its outbox rows exist before anything is sent.
   */
  transaction<T>(fn: () => T): T {
    const sp = `lr_sp_${this.depth}`;
    if (this.depth === 0) this.durable = false;
    this.db.send(this.depth === 0 ? 'BEGIN' : `SAVEPOINT ${sp}`);
    this.depth++;
    let out: T;
    try {
      out = fn();
      if (out instanceof Promise) throw new TypeError('MonitorStore.transaction needs a synchronous function');
    } catch (e) {
      this.depth--;
      this.clearStates();
      // A check row inserted inside the rolled-back transaction is gone: forget cached ids too.
      this.cids.clear();
      this.cidsLoaded = false;
      try {
        this.q(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${sp}`);
      } catch {
        /* the connection is gone: the server rolled back */
      }
      throw e;
    }
    this.depth--;
    if (this.depth > 0) this.db.send(`RELEASE SAVEPOINT ${sp}`);
    else if (this.durable) this.q('SET LOCAL synchronous_commit TO on; COMMIT');
    else this.db.send('COMMIT');
    return out;
  }

  /** A waited-for call; any failure (this one or a queued write's) also drops the state cache. */
  private q<R = Record<string, unknown>>(sql: string, args: unknown[] = []): SyncResult<R> {
    try {
      return this.db.query<R>(sql, args);
    } catch (e) {
      this.clearStates();
      throw e;
    }
  }

  getMeta(key: string): string | null {
    return this.q<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]).rows[0]?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.durably(() => {
      this.q('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
    });
  }

  /** Bytes used by the monitor's tables and indexes in its schema, for the size budget. */
  sizeBytes(): number {
    const r = this.q<{ bytes: number | null }>(
      `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname IN ('checks','results','rollups','check_state','incidents','outbox','trail','meta')`,
    );
    return r.rows[0]?.bytes ?? 0;
  }

  close(): void {
    this.db.close();
  }
}
