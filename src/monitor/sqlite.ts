/**
 * SQLite implementation of MonitorStore (better-sqlite3, WAL). One file, default
 * `.launchready/monitor.db` next to the config.
 *
 * Size: raw results are one row per run in a WITHOUT ROWID table keyed (check, time) with the
 * failure detail only on failed runs; rollups are upserted per minute, hour and day. Measured bytes
 * per check per day are in docs/monitor.md (test/monitor/store.test.ts measures them).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type SeriesRow, type CheckState, type MonitorStore, type OutboxItem, type RetentionDays, type Rollup, type RollupBucket, type TrailEntry } from './store.js';
import type { CheckRun, Incident, IncidentState, MessageKind } from './types.js';
import { ROLLUP_BUCKETS, runRow, toIncident, toOutbox, type IncidentRow, type OutboxRow } from './rows.js';

const DAY = 86_400_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checks (cid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS results (
  cid INTEGER NOT NULL, at INTEGER NOT NULL, ok INTEGER NOT NULL, ms INTEGER NOT NULL,
  detail TEXT, -- JSON {conditions, error, context}; NULL for a passing run
  PRIMARY KEY (cid, at)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollups (
  cid INTEGER NOT NULL, bucket TEXT NOT NULL, start INTEGER NOT NULL,
  total INTEGER NOT NULL, ok INTEGER NOT NULL, sum_ms INTEGER NOT NULL, max_ms INTEGER NOT NULL,
  PRIMARY KEY (cid, bucket, start)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS check_state (
  check_id TEXT PRIMARY KEY, failures INTEGER NOT NULL, successes INTEGER NOT NULL,
  last_ok INTEGER, last_at INTEGER, incident_id INTEGER);
CREATE TABLE IF NOT EXISTS incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT, check_id TEXT NOT NULL, state TEXT NOT NULL,
  opened_at INTEGER NOT NULL, acked_at INTEGER, acked_by TEXT, resolved_at INTEGER,
  next_step INTEGER NOT NULL DEFAULT 0, next_at INTEGER, repeats INTEGER NOT NULL DEFAULT 0,
  summary TEXT NOT NULL, context TEXT);
CREATE INDEX IF NOT EXISTS incidents_state ON incidents (state, check_id);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, incident_id INTEGER, channel TEXT NOT NULL, kind TEXT NOT NULL,
  message TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL, last_error TEXT, delivered_at INTEGER);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (delivered_at, next_attempt_at);
CREATE TABLE IF NOT EXISTS trail (
  id INTEGER PRIMARY KEY AUTOINCREMENT, incident_id INTEGER, channel TEXT NOT NULL, kind TEXT NOT NULL,
  at INTEGER NOT NULL, ok INTEGER NOT NULL, error TEXT);
CREATE INDEX IF NOT EXISTS trail_incident ON trail (incident_id, id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;


export class SqliteStore implements MonitorStore {
  readonly db: Database.Database;
  private cids = new Map<string, number>();

  /** `path` ':memory:' for tests; a file is created with its directory. */
  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commit).
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.txn = this.db.transaction((fn: () => unknown) => fn());
  }

  /**
   * One transaction wrapper for every caller: better-sqlite3 builds a new one per
   * `db.transaction(fn)` call, which cost more than the writes themselves (bench/monitor.ts).
   * Nested calls become savepoints, as before.
   */
  private readonly txn: (fn: () => unknown) => unknown;
  /** Prepared statements by SQL text: compiling dominated a run's cost before (bench/monitor.ts). */
  private stmts = new Map<string, Database.Statement>();
  private st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private cid(checkId: string): number {
    let c = this.cids.get(checkId);
    if (c === undefined) {
      this.st('INSERT OR IGNORE INTO checks (id) VALUES (?)').run(checkId);
      c = (this.st('SELECT cid FROM checks WHERE id = ?').get(checkId) as { cid: number }).cid;
      this.cids.set(checkId, c);
    }
    return c;
  }

  recordRun(run: CheckRun): void {
    const cid = this.cid(run.checkId);
    const { ms, detail, starts } = runRow(run);
    const up = this.st(
      `INSERT INTO rollups (cid, bucket, start, total, ok, sum_ms, max_ms) VALUES (?, ?, ?, 1, ?, ?, ?)
       ON CONFLICT (cid, bucket, start) DO UPDATE SET total = total + 1, ok = ok + excluded.ok,
         sum_ms = sum_ms + excluded.sum_ms, max_ms = max(max_ms, excluded.max_ms)`,
    );
    const write = () => {
      this.st('INSERT OR REPLACE INTO results (cid, at, ok, ms, detail) VALUES (?, ?, ?, ?, ?)').run(cid, run.at, run.ok ? 1 : 0, ms, detail);
      ROLLUP_BUCKETS.forEach((b, i) => up.run(cid, b, starts[i], run.ok ? 1 : 0, ms, ms));
    };
    // Inside the alerter's transaction the write is already atomic: no savepoint per run.
    if (this.db.inTransaction) write();
    else this.txn(write);
  }

  runs(checkId: string, since: number, limit = 1000): CheckRun[] {
    const rows = this.st('SELECT at, ok, ms, detail FROM results WHERE cid = ? AND at >= ? ORDER BY at DESC LIMIT ?').all(this.cid(checkId), since, limit) as { at: number; ok: number; ms: number; detail: string | null }[];
    return rows.map((r) => {
      const d = r.detail ? (JSON.parse(r.detail) as { conditions: string[]; error?: string; context?: CheckRun['context'] }) : null;
      const run: CheckRun = { checkId, at: r.at, ok: r.ok === 1, durationMs: r.ms, conditions: (d?.conditions ?? []).map((c) => ({ condition: c, display: c, success: false })) };
      if (d?.error) run.error = d.error;
      if (d?.context) run.context = d.context;
      return run;
    });
  }

  rollups(checkId: string, bucket: RollupBucket, since: number): Rollup[] {
    const rows = this.st('SELECT start, total, ok, sum_ms, max_ms FROM rollups WHERE cid = ? AND bucket = ? AND start >= ? ORDER BY start').all(this.cid(checkId), bucket, since) as { start: number; total: number; ok: number; sum_ms: number; max_ms: number }[];
    return rows.map((r) => ({ checkId, bucket, start: r.start, total: r.total, ok: r.ok, sumMs: r.sum_ms, maxMs: r.max_ms }));
  }

  series(checkIds: string[], since: number, bucketMs: number): SeriesRow[] {
    if (checkIds.length === 0) return [];
    const rows = this.st(
      `SELECT c.id AS id, CAST((r.start - ?) / ? AS INTEGER) AS b, sum(r.total) AS total, sum(r.ok) AS ok, sum(r.sum_ms) AS sum_ms, max(r.max_ms) AS max_ms
       FROM checks c JOIN rollups r ON r.cid = c.cid AND r.bucket = 'minute' AND r.start >= ?
       WHERE c.id IN (${checkIds.map(() => '?').join(',')}) GROUP BY c.id, b ORDER BY c.id, b`,
    ).all(since, bucketMs, since, ...checkIds) as { id: string; b: number; total: number; ok: number; sum_ms: number; max_ms: number }[];
    return rows.map((r) => ({ checkId: r.id, bucket: r.b, total: r.total, ok: r.ok, sumMs: r.sum_ms, maxMs: r.max_ms }));
  }

  prune(now: number, keep: RetentionDays): number {
    let n = 0;
    this.txn(() => {
      n += this.st('DELETE FROM results WHERE at < ?').run(now - keep.rawDays * DAY).changes;
      for (const [b, days] of [['minute', keep.minuteDays], ['hour', keep.hourDays], ['day', keep.dayDays]] as const) {
        n += this.st('DELETE FROM rollups WHERE bucket = ? AND start < ?').run(b, now - days * DAY).changes;
      }
    });
    return n;
  }

  getCheckState(checkId: string): CheckState {
    const r = this.st('SELECT * FROM check_state WHERE check_id = ?').get(checkId) as { failures: number; successes: number; last_ok: number | null; last_at: number | null; incident_id: number | null } | undefined;
    if (!r) return { checkId, consecutiveFailures: 0, consecutiveSuccesses: 0, lastOk: null, lastAt: null, incidentId: null };
    return { checkId, consecutiveFailures: r.failures, consecutiveSuccesses: r.successes, lastOk: r.last_ok === null ? null : r.last_ok === 1, lastAt: r.last_at, incidentId: r.incident_id };
  }

  putCheckState(s: CheckState): void {
    this.st('INSERT OR REPLACE INTO check_state (check_id, failures, successes, last_ok, last_at, incident_id) VALUES (?, ?, ?, ?, ?, ?)')
      .run(s.checkId, s.consecutiveFailures, s.consecutiveSuccesses, s.lastOk === null ? null : s.lastOk ? 1 : 0, s.lastAt, s.incidentId);
  }

  openIncident(i: { checkId: string; openedAt: number; nextAt: number | null; summary: string[]; context?: Incident['context'] }): Incident {
    const r = this.st("INSERT INTO incidents (check_id, state, opened_at, next_step, next_at, summary, context) VALUES (?, 'open', ?, 0, ?, ?, ?)")
      .run(i.checkId, i.openedAt, i.nextAt, JSON.stringify(i.summary), i.context ? JSON.stringify(i.context) : null);
    return this.getIncident(Number(r.lastInsertRowid))!;
  }

  getIncident(id: number): Incident | null {
    const r = this.st('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
    return r ? toIncident(r) : null;
  }

  listIncidents(filter: { states?: IncidentState[]; checkId?: string; limit?: number } = {}): Incident[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.states?.length) {
      where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
      args.push(...filter.states);
    }
    if (filter.checkId) {
      where.push('check_id = ?');
      args.push(filter.checkId);
    }
    const sql = `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.st(sql).all(...args, filter.limit ?? 1000) as IncidentRow[]).map(toIncident);
  }

  updateIncident(id: number, patch: Partial<Omit<Incident, 'id' | 'checkId' | 'openedAt'>>): void {
    const cols: Record<string, string> = { state: 'state', ackedAt: 'acked_at', ackedBy: 'acked_by', resolvedAt: 'resolved_at', nextStep: 'next_step', nextAt: 'next_at', repeats: 'repeats', summary: 'summary', context: 'context' };
    const sets: string[] = [];
    const args: unknown[] = [];
    for (const [k, v] of Object.entries(patch)) {
      const col = cols[k];
      if (!col) continue;
      sets.push(`${col} = ?`);
      args.push(k === 'summary' || k === 'context' ? JSON.stringify(v) : v === undefined ? null : v);
    }
    if (sets.length) this.st(`UPDATE incidents SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
  }

  enqueue(items: { incidentId: number | null; channel: string; kind: MessageKind; message: string; at: number }[]): void {
    const st = this.st('INSERT INTO outbox (incident_id, channel, kind, message, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const i of items) st.run(i.incidentId, i.channel, i.kind, i.message, i.at, i.at);
  }

  dueOutbox(now: number, limit = 100): OutboxItem[] {
    return (this.st('SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?').all(now, limit) as OutboxRow[]).map(toOutbox);
  }

  pendingOutbox(): OutboxItem[] {
    return (this.st('SELECT * FROM outbox WHERE delivered_at IS NULL ORDER BY id').all() as OutboxRow[]).map(toOutbox);
  }

  markDelivered(id: number, at: number): void {
    this.txn(() => {
      const r = this.st('UPDATE outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ? RETURNING incident_id, channel, kind').get(at, id) as { incident_id: number | null; channel: string; kind: string };
      this.st('INSERT INTO trail (incident_id, channel, kind, at, ok) VALUES (?, ?, ?, ?, 1)').run(r.incident_id, r.channel, r.kind, at);
    });
  }

  markFailed(id: number, at: number, error: string, nextAttemptAt: number): void {
    this.txn(() => {
      const r = this.st('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? RETURNING incident_id, channel, kind').get(error, nextAttemptAt, id) as { incident_id: number | null; channel: string; kind: string };
      this.st('INSERT INTO trail (incident_id, channel, kind, at, ok, error) VALUES (?, ?, ?, ?, 0, ?)').run(r.incident_id, r.channel, r.kind, at, error);
    });
  }

  trail(incidentId: number | null, limit = 200): TrailEntry[] {
    const rows = (incidentId === null
      ? this.st('SELECT * FROM trail ORDER BY id DESC LIMIT ?').all(limit)
      : this.st('SELECT * FROM trail WHERE incident_id = ? ORDER BY id LIMIT ?').all(incidentId, limit)) as { id: number; incident_id: number | null; channel: string; kind: MessageKind; at: number; ok: number; error: string | null }[];
    return rows.map((r) => ({ id: r.id, incidentId: r.incident_id, channel: r.channel, kind: r.kind, at: r.at, ok: r.ok === 1, ...(r.error ? { error: r.error } : {}) }));
  }

  trailChannels(incidentId: number): string[] {
    return (this.st("SELECT DISTINCT channel FROM outbox WHERE incident_id = ? AND kind != 'resolved' ORDER BY channel").all(incidentId) as { channel: string }[]).map((r) => r.channel);
  }

  latestRuns(checkIds?: string[]): { checkId: string; at: number; ok: boolean; durationMs: number }[] {
    // The (cid, at) primary key makes "last row per check" one index seek per check.
    const only = checkIds ? `WHERE c.id IN (${checkIds.map(() => '?').join(',') || 'NULL'})` : '';
    const rows = this.st(`SELECT c.id AS id, r.at AS at, r.ok AS ok, r.ms AS ms FROM checks c JOIN results r ON r.cid = c.cid AND r.at = (SELECT max(at) FROM results WHERE cid = c.cid) ${only} ORDER BY c.id`)
      .all(...(checkIds ?? [])) as { id: string; at: number; ok: number; ms: number }[];
    return rows.map((r) => ({ checkId: r.id, at: r.at, ok: r.ok === 1, durationMs: r.ms }));
  }

  runCounts(): { checkId: string; total: number; ok: number }[] {
    const rows = this.st("SELECT c.id AS id, sum(r.total) AS total, sum(r.ok) AS ok FROM rollups r JOIN checks c ON c.cid = r.cid WHERE r.bucket = 'day' GROUP BY c.id ORDER BY c.id").all() as { id: string; total: number; ok: number }[];
    return rows.map((r) => ({ checkId: r.id, total: Number(r.total), ok: Number(r.ok) }));
  }

  latencyHistogram(since: number, bounds: number[]): { checkId: string; buckets: number[]; count: number; sumMs: number }[] {
    const cases = bounds.map((b, i) => `sum(CASE WHEN r.ms <= ${Number(b)} THEN 1 ELSE 0 END) AS b${i}`).join(', ');
    const rows = this.st(`SELECT c.id AS id, count(*) AS n, sum(r.ms) AS total${cases ? `, ${cases}` : ''} FROM results r JOIN checks c ON c.cid = r.cid WHERE r.at >= ? GROUP BY c.id ORDER BY c.id`).all(since) as Record<string, number | string>[];
    return rows.map((r) => ({ checkId: String(r.id), count: Number(r.n), sumMs: Number(r.total), buckets: bounds.map((_b, i) => Number(r[`b${i}`])) }));
  }

  transaction<T>(fn: () => T): T {
    try {
      return this.txn(fn) as T;
    } catch (e) {
      // A check row inserted inside the rolled-back transaction is gone: forget cached ids.
      this.cids.clear();
      throw e;
    }
  }

  getMeta(key: string): string | null {
    return (this.st('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.st('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  /** Bytes used by the database file (pages in use), for the size budget. */
  sizeBytes(): number {
    const pc = this.db.pragma('page_count', { simple: true }) as number;
    const fl = this.db.pragma('freelist_count', { simple: true }) as number;
    const ps = this.db.pragma('page_size', { simple: true }) as number;
    return (pc - fl) * ps;
  }

  close(): void {
    this.db.close();
  }
}
