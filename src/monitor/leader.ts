/**
 * Leader election for monitor instances sharing one PostgreSQL store: the instance holding a
 * session-level advisory lock (`pg_try_advisory_lock`) moves the alert state and sends the alerts
 * (and, with `shareChecks: false`, runs every check); the others run their share of the checks (or
 * none), serve their dashboards and try to take the lock every `monitor.standbyPoll`.
 *
 * The lock lives on its own connection. PostgreSQL releases it when that session ends: the leader
 * process dies, its host vanishes (TCP keepalive), or its backend is terminated. The leader learns
 * of a lost connection from the client's 'error'/'end' event at once, and in any case from the
 * heartbeat `SELECT 1` on every poll, and then stops sending before anything else can run.
 * A demoted leader waits `3 × poll` before contending again, so a standby takes over.
 *
 * Bound on takeover: a standby acquires within one `standbyPoll` after the lock is released.
 *
 * Shared checks (`monitor.shareChecks`, default on): every instance also upserts a heartbeat row in
 * `instances` on each poll (at most a second apart, timestamps from the database's clock so hosts'
 * clocks do not matter) and reads the live set (heartbeat within `monitor.instanceLease`). A check
 * runs on the live instance with the highest rendezvous score hash(instance, check), so an instance
 * joining or leaving moves only its own share. An instance that stops heartbeating (dead, stalled,
 * cut off) drops out of the others' live set once its lease has passed, and stops running checks
 * itself when its own last successful heartbeat is older than the lease; a clean shutdown deletes
 * its row so the others take over at their next poll. Only the leader moves alert state and sends.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { maskUrl } from './mask.js';
import { parseStoreUrl } from './postgres.js';

/** Advisory lock namespace (first key of the two-int form): "LR" + 2. */
const LOCK_CLASS = 0x4c520002;

/** What the monitor loop asks of an election (a single instance on SQLite is always leader). */
export interface Leadership {
  /** Current belief, synchronous: checked before every send. */
  isLeader(): boolean;
  /** Heartbeat when leading, try to acquire when standing by; returns isLeader(). */
  poll(now: number): Promise<boolean>;
  close(): Promise<void>;
  /**
   * Shared checks: whether this instance runs `checkId` now. Absent: the leader runs every check
   * and the others run none.
   */
  owns?(checkId: string): boolean;
}

/** 32-bit FNV-1a with a murmur3 finaliser: the rendezvous score of (instance, check). */
export function rendezvousScore(instance: string, checkId: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(`${instance}\u0000${checkId}`)) {
    h ^= ch;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The live instance that runs `checkId`: highest score, ties broken by id (every instance agrees). */
export function ownerOf(checkId: string, instances: readonly string[]): string | null {
  let best: string | null = null;
  let bestScore = -1;
  for (const i of instances) {
    const sc = rendezvousScore(i, checkId);
    if (sc > bestScore || (sc === bestScore && best !== null && i < best)) {
      best = i;
      bestScore = sc;
    }
  }
  return best;
}

/** 32-bit FNV-1a of the schema name: one election per schema (per deployment or test). */
function lockKey(schema: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(schema)) {
    h ^= ch;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** The advisory lock (two-int form) instances on `storeUrl` contend for; one per schema. */
export function leaderLockKey(storeUrl: string): [number, number] {
  return [LOCK_CLASS, lockKey(parseStoreUrl(storeUrl).schema ?? 'public')];
}

export interface PgLeaderOptions {
  pollMs: number;
  log?: (line: string) => void;
  queryTimeoutMs?: number;
  /** Shared checks: heartbeat in `instances` and own a rendezvous share (monitor.shareChecks). */
  share?: boolean;
  /** Heartbeat age after which an instance counts as gone (monitor.instanceLease); default 10 s. */
  leaseMs?: number;
  /** Instance id (default host-pid-random). */
  instanceId?: string;
  /** False leaves the heartbeat row on close, as a crash does (tests). Default true. */
  deregisterOnClose?: boolean;
}

export class PgLeader implements Leadership {
  private client: pg.Client | null = null;
  private leading = false;
  private retryAt = 0;
  private lastTry = -Infinity;
  /** Live instances as of the last heartbeat (sorted), and when (local clock) it succeeded. */
  private members: string[] = [];
  private beatOkAt = -Infinity;
  private owned = new Map<string, boolean>();
  readonly url: string;
  readonly key: [number, number];
  readonly instanceId: string;
  readonly leaseMs: number;
  private readonly table: string;

  constructor(storeUrl: string, private readonly o: PgLeaderOptions) {
    const p = parseStoreUrl(storeUrl);
    this.url = p.url;
    this.key = leaderLockKey(storeUrl);
    this.instanceId = o.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.leaseMs = o.leaseMs ?? 10_000;
    this.table = `"${(p.schema ?? 'public').replace(/"/g, '""')}".instances`;
  }

  /** Live instances as last seen (shared checks). */
  liveInstances(): string[] {
    return [...this.members];
  }

  owns(checkId: string): boolean {
    if (!this.o.share) return this.leading;
    // Our own heartbeat lapsed: the others may already run our share.
    if (Date.now() - this.beatOkAt > this.leaseMs || this.members.length === 0) return false;
    let v = this.owned.get(checkId);
    if (v === undefined) {
      v = ownerOf(checkId, this.members) === this.instanceId;
      this.owned.set(checkId, v);
    }
    return v;
  }

  /** Upserts this instance's heartbeat and reads the live set, both on the database clock. */
  private async heartbeat(): Promise<void> {
    const r = await this.client!.query<{ id: string }>(
      `WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms),
        up AS (INSERT INTO ${this.table} (id, heartbeat_at, started_at) SELECT $1, ms, ms FROM clock
               ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at RETURNING id),
        gone AS (DELETE FROM ${this.table} WHERE heartbeat_at < (SELECT ms FROM clock) - 86400000)
       SELECT id FROM ${this.table}, clock WHERE heartbeat_at >= clock.ms - $2::bigint AND id <> $1 UNION SELECT id FROM up`,
      [this.instanceId, this.leaseMs],
    );
    const next = r.rows.map((x) => x.id).sort();
    this.beatOkAt = Date.now();
    if (next.join('\n') !== this.members.join('\n')) {
      this.members = next;
      this.owned.clear();
      this.o.log?.(`instances: ${next.length} live (${next.join(', ')}); this one is ${this.instanceId}`);
    }
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Backend pid of the lock connection (tests terminate it to simulate a dead leader). */
  pid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  private drop(reason: string, now: number): void {
    const c = this.client;
    this.client = null;
    if (this.leading) {
      this.leading = false;
      this.retryAt = now + 3 * this.o.pollMs;
      this.o.log?.(`leadership lost (${reason}); standing by`);
    }
    if (c) void c.end().catch(() => undefined);
  }

  async poll(now: number): Promise<boolean> {
    try {
      if (this.leading) {
        await (this.o.share ? this.heartbeat() : this.client!.query('SELECT 1'));
        return this.leading;
      }
      // Without shared checks a standby needs no connection until it may contend again.
      if (!this.o.share && now < this.retryAt) return false;
      if (!this.client) {
        const timeout = this.o.queryTimeoutMs ?? 5_000;
        const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: timeout, query_timeout: timeout, keepAlive: true });
        // A terminated backend or a broken socket demotes at once, not at the next heartbeat.
        c.on('error', (e) => {
          if (this.client === c) this.drop(e.message, Date.now());
        });
        c.on('end', () => {
          if (this.client === c) this.drop('connection closed', Date.now());
        });
        this.client = c;
        await c.connect();
      }
      if (this.o.share) await this.heartbeat();
      // With shared checks poll() runs up to once a second; the lock is still tried every standbyPoll.
      if (now < this.retryAt || now - this.lastTry < this.o.pollMs) return false;
      this.lastTry = now;
      const r = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', this.key);
      if (r.rows[0]?.ok && this.client) {
        this.leading = true;
        this.o.log?.('leader: this instance evaluates incidents and sends alerts' + (this.o.share ? '' : ' (and runs the checks)'));
      }
    } catch (e) {
      const msg = `${maskUrl(this.url)}: ${(e as Error).message}`;
      if (this.leading) this.drop(msg, now);
      else {
        this.drop(msg, now);
        this.retryAt = now + this.o.pollMs;
      }
    }
    return this.leading;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.leading = false;
    this.members = [];
    this.owned.clear();
    // Leaving cleanly: the others take this instance's share at their next heartbeat.
    if (c && this.o.share && this.o.deregisterOnClose !== false) await c.query(`DELETE FROM ${this.table} WHERE id = $1`, [this.instanceId]).catch(() => undefined);
    // Ending the session releases the lock: a standby takes over within one poll.
    if (c) await c.end().catch(() => undefined);
  }
}
