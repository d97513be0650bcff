/**
 * Leader election for monitor instances sharing one PostgreSQL store: the instance holding a
 * session-level advisory lock (`pg_try_advisory_lock`) runs the checks and sends the alerts; the
 * others are hot standbys (dashboard, acknowledgements) that try to take the lock every
 * `monitor.standbyPoll`.
 *
 * The lock lives on its own connection. PostgreSQL releases it when that session ends: the leader
 * process dies, its host vanishes (TCP keepalive), or its backend is terminated. The leader learns
 * of a lost connection from the client's 'error'/'end' event at once, and in any case from the
 * heartbeat `SELECT 1` on every poll, and then stops sending before anything else can run.
 * A demoted leader waits `3 × poll` before contending again, so a standby takes over.
 *
 * Bound on takeover: a standby acquires within one `standbyPoll` after the lock is released.
 */
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

export class PgLeader implements Leadership {
  private client: pg.Client | null = null;
  private leading = false;
  private retryAt = 0;
  readonly url: string;
  readonly key: [number, number];

  constructor(storeUrl: string, private readonly o: { pollMs: number; log?: (line: string) => void; queryTimeoutMs?: number }) {
    const p = parseStoreUrl(storeUrl);
    this.url = p.url;
    this.key = leaderLockKey(storeUrl);
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
        await this.client!.query('SELECT 1');
        return this.leading;
      }
      if (now < this.retryAt) return false;
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
      const r = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', this.key);
      if (r.rows[0]?.ok && this.client) {
        this.leading = true;
        this.o.log?.('leader: this instance runs the checks and sends alerts');
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
    // Ending the session releases the lock: a standby takes over within one poll.
    if (c) await c.end().catch(() => undefined);
  }
}
