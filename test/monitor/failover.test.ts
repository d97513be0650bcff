/**
 * Two real monitor instances (runMonitor, real timers) on one PostgreSQL store in a throwaway
 * schema: the first becomes leader, the second a hot standby. A loopback target goes down, the
 * leader alerts a real webhook sink; then the leader's lock connection is terminated in
 * PostgreSQL. The standby takes over within the bound, continues the escalation, sends the
 * resolution, and no alert reaches the sink twice.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderLockKey } from '../../src/monitor/leader.js';
import { runMonitor } from '../../src/monitor/monitor.js';
import { PgStore } from '../../src/monitor/postgres.js';
import type { Net } from '../../src/net/types.js';
import { config, loopbackNet, PG_BASE, pgSchema, startReceiver, startTarget, type Receiver, type Target } from './helpers.js';

const STANDBY_POLL_MS = 200;

let target: Target;
let rx: Receiver;
let net: Net;
let admin: pg.Client;
let db: Awaited<ReturnType<typeof pgSchema>>;

beforeAll(async () => {
  [target, rx, db] = await Promise.all([startTarget(), startReceiver(), pgSchema('lr_failover')]);
  net = loopbackNet();
  admin = new pg.Client({ connectionString: PG_BASE });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
  await db.drop();
  await Promise.all([target.close(), rx.close(), net.close()]);
});

async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

const events = (path: string) => rx.on(path).map((g) => `${String(g.json.event)}#${String(g.json.incident)}`);

describe('PostgreSQL store: leader election and failover', () => {
  it('runs checks on one instance only, and the standby takes over without sending an alert twice', async () => {
    const cfg = config({
      monitor: {
        store: db.url,
        standbyPoll: `${STANDBY_POLL_MS}ms`,
        ackSecret: 'failover-secret',
        shareChecks: false, // leader-only mode (shared checks: sharing.test.ts)
        defaults: { interval: '250ms', timeout: '1s', failureThreshold: 1, successThreshold: 1 },
        checks: [{ id: 'api', kind: 'http', url: `${target.url}/healthz`, conditions: ['[STATUS] == 200'] }],
        channels: { first: { type: 'webhook', url: `${rx.url}/first` }, second: { type: 'webhook', url: `${rx.url}/second` } },
        escalation: { steps: [{ after: '0s', notify: ['first'] }, { after: '3s', notify: ['second'] }] },
      },
    });
    const logs = { a: [] as string[], b: [] as string[] };
    const acA = new AbortController();
    const acB = new AbortController();
    const start = (name: 'a' | 'b', signal: AbortSignal) => runMonitor(cfg, { signal, net, baseDir: '/nonexistent', log: (l) => logs[name].push(l) });
    const leads = (name: 'a' | 'b') => logs[name].some((l) => l.startsWith('leader'));

    const runA = start('a', acA.signal);
    await until('A leads', () => leads('a'));
    const runB = start('b', acB.signal);
    try {
      // Both run; only A checks. B stays standby through several polls.
      await new Promise((r) => setTimeout(r, 5 * STANDBY_POLL_MS));
      expect(leads('b')).toBe(false);

      target.status = 500;
      await until('open alert on the first channel', () => rx.on('/first').length >= 1);
      expect(events('/first')).toEqual(['open#1']);

      // The leader's lock session dies (as when its process or host does).
      const [k1, k2] = leaderLockKey(db.url);
      const lockers = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = $2 AND objsubid = 2",
        [k1 >>> 0, k2 >>> 0],
      );
      expect(lockers.rows).toHaveLength(1);
      const killedAt = Date.now();
      await admin.query('SELECT pg_terminate_backend($1)', [lockers.rows[0]!.pid]);

      await until('B takes over', () => leads('b'));
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThan(STANDBY_POLL_MS + 1_500);
      expect(logs.a.some((l) => l.startsWith('leadership lost'))).toBe(true);

      // B continues the escalation of A's incident (step 2, 3 s after it opened), then resolves it.
      await until('escalation on the second channel', () => rx.on('/second').length >= 1);
      target.status = 200;
      await until('resolved on both channels', () => events('/first').includes('resolved#1') && events('/second').includes('resolved#1'));
      await new Promise((r) => setTimeout(r, 1_000)); // anything duplicated would arrive now
      expect(events('/first')).toEqual(['open#1', 'resolved#1']);
      expect(events('/second')).toEqual(['escalation#1', 'resolved#1']);

      // Exactly one leader holds the lock, and the store saw one incident with a clean outbox.
      const holders = await admin.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = $2", [k1 >>> 0, k2 >>> 0]);
      expect(holders.rows).toHaveLength(1);
      const store = new PgStore(db.url);
      try {
        expect(store.listIncidents().map((i) => [i.id, i.state])).toEqual([[1, 'resolved']]);
        expect(store.pendingOutbox()).toEqual([]);
        expect(store.trail(1).map((t) => `${t.channel}:${t.kind}`)).toEqual(['first:open', 'second:escalation', 'first:resolved', 'second:resolved']);
      } finally {
        store.close();
      }
      console.log(`failover: standby took over ${takeoverMs} ms after the leader's connection was killed`);
    } finally {
      acA.abort();
      acB.abort();
      await Promise.all([runA, runB]);
    }
  }, 30_000);
});
