/**
 * A synchronous PostgreSQL connection: the queries run on a `pg.Client` in a worker thread, and the
 * calling thread blocks on `Atomics.wait` until the answer arrives.
 *
 * Why: MonitorStore is synchronous (better-sqlite3 is), and the alerter relies on that: a state
 * change and the outbox rows it causes are one `transaction(fn)` with no other code interleaving.
 * Blocking on a loopback or LAN round trip (~0.2–0.5 ms) keeps exactly that contract for
 * PostgreSQL, so the alerter, SLOs and dashboard run unchanged on either store.
 *
 * The worker is plain JavaScript (evaluated from a string) so it runs the same from `src/` under
 * tsx/vitest and from `dist/`; it loads `pg` from the path this module resolves.
 */
import { createRequire } from 'node:module';
import { LaunchreadyError } from '../core/errors.js';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** A call that takes longer than this fails (the database is gone or a lock is stuck). */
const CALL_TIMEOUT_MS = 30_000;

/** The PostgreSQL store failed (unreachable, refused, a query error). Exit 2: the message names the cause. */
export class PgStoreError extends LaunchreadyError {
  override name = 'PgStoreError';
  override readonly exitCode = 2;
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

/**
 * The worker: one pg.Client, reconnected lazily after a lost connection (outside a transaction).
 * int8 and numeric come back as JS numbers: every stored number is ms or a count, far below 2^53.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number);
const { port, sab, url, schema } = workerData;
const flag = new Int32Array(sab);
let client = null;
let connecting = null;
async function connection() {
  if (client) return client;
  if (!connecting) {
    connecting = (async () => {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10000 });
      c.on('error', () => { if (client === c) client = null; });
      await c.connect();
      if (schema) {
        const q = '"' + schema.replace(/"/g, '""') + '"';
        await c.query('CREATE SCHEMA IF NOT EXISTS ' + q);
        await c.query('SET search_path TO ' + q);
      }
      if (workerData.asyncCommit) await c.query('SET synchronous_commit TO off');
      client = c;
      return c;
    })().finally(() => { connecting = null; });
  }
  return connecting;
}
// A write sent without waiting (m.async) that fails is reported by the next call that waits.
let pendingError = null;
// One message at a time, in arrival order: pg deprecates (and pg 9 refuses) a query issued while
// another is running on the same client, which un-awaited writes would otherwise do.
let chain = Promise.resolve();
port.on('message', (m) => {
  chain = chain.then(() => handle(m));
});
async function handle(m) {
  if (m.async) {
    try {
      const c = await connection();
      await c.query(m.sql, m.args);
    } catch (e) {
      if (!pendingError) pendingError = { error: 'earlier write failed: ' + String(e && e.message || e), code: e && e.code };
    }
    return;
  }
  let out;
  try {
    if (m.op === 'close') {
      // Queued writes run first (one connection, in order), then the session ends.
      if (client) await client.query('SELECT 1').catch(() => undefined);
      if (client) await client.end().catch(() => undefined);
      client = null;
      out = { rows: [], rowCount: 0 };
    } else {
      const c = await connection();
      const r = await c.query(m.sql, m.args);
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      out = { rows: last ? last.rows : [], rowCount: last ? last.rowCount : 0 };
    }
  } catch (e) {
    out = { error: String(e && e.message || e), code: e && e.code };
  }
  if (pendingError && !out.error) out = pendingError;
  pendingError = null;
  port.postMessage(out);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
`;

export interface SyncResult<R> {
  rows: R[];
  rowCount: number;
}

export class SyncPg {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private closed = false;

  /** `schema`: created if missing and put on the search_path (one schema per deployment or test). */
  constructor(url: string, schema?: string, opts: { asyncCommit?: boolean } = {}) {
    const require = createRequire(import.meta.url);
    const sab = new SharedArrayBuffer(4);
    this.flag = new Int32Array(sab);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pgPath: require.resolve('pg'), url, schema, asyncCommit: !!opts.asyncCommit, port: port2, sab }, transferList: [port2] });
    // The worker never keeps the process alive on its own; callers block on it while they need it.
    this.worker.unref();
  }

  private call<R>(msg: { op: 'query' | 'close'; sql?: string; args?: unknown[] }): SyncResult<R> {
    if (this.closed) throw new PgStoreError('the PostgreSQL store is closed');
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(msg);
    if (Atomics.wait(this.flag, 0, 0, CALL_TIMEOUT_MS) === 'timed-out') throw new PgStoreError(`PostgreSQL did not answer within ${CALL_TIMEOUT_MS} ms`);
    const got = receiveMessageOnPort(this.port)?.message as (SyncResult<R> & { error?: string; code?: string }) | undefined;
    if (!got) throw new PgStoreError('PostgreSQL worker returned no answer');
    if (got.error !== undefined) throw new PgStoreError(got.error, got.code);
    return got;
  }

  /**
   * Queue a statement without waiting for it: the worker runs messages in order on one
   * connection, so a later `query` sees its effect; a failure is thrown by the next `query`.
   */
  send(sql: string, args: unknown[] = []): void {
    if (this.closed) throw new PgStoreError('the PostgreSQL store is closed');
    this.port.postMessage({ op: 'query', sql, args, async: true });
  }

  /** One statement with $n parameters (or several statements without parameters). */
  query<R = Record<string, unknown>>(sql: string, args: unknown[] = []): SyncResult<R> {
    return this.call<R>({ op: 'query', sql, args });
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call({ op: 'close' });
    } finally {
      this.closed = true;
      void this.worker.terminate();
    }
  }
}
