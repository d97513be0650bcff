/**
 * Shared checks: three real monitor instances (runMonitor, real timers) in one process on one
 * PostgreSQL store in a throwaway schema. Every instance heartbeats in `instances` and runs the
 * checks rendezvous hashing gives it; only the advisory-lock leader moves alert state and sends.
 *
 * - steady state: every check runs on exactly one instance, once per interval (no double runs,
 *   no interval without a run);
 * - a failing check owned by an instance that does not lead: the leader opens the incident from
 *   the queued runs and a real loopback webhook sink receives the alert once;
 * - that instance stops without deregistering (as a crash leaves it): once its lease has passed,
 *   its checks run on the others, the incident resolves, and nothing reaches the sink twice.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type ServerHandle } from '../../src/harness/http-servers.js';
import { ownerOf, PgLeader, rendezvousScore } from '../../src/monitor/leader.js';
import { runMonitor } from '../../src/monitor/monitor.js';
import { PgStore } from '../../src/monitor/postgres.js';
import type { Net } from '../../src/net/types.js';
import { config, loopbackNet, PG_BASE, pgSchema, startReceiver, type Receiver } from './helpers.js';

const INTERVAL_MS = 1_000;
const POLL_MS = 200;
const LEASE_MS = 2_000;
const CHECKS = Array.from({ length: 12 }, (_, i) => `c${i}`);
const NAMES = ['a', 'b', 'c'] as const;
type Name = (typeof NAMES)[number];
const ID: Record<Name, string> = { a: 'inst-a', b: 'inst-b', c: 'inst-c' };

let target: ServerHandle;
/** Paths answered with 500 (the rest get 200). */
const failing = new Set<string>();
let rx: Receiver;
let net: Net;
let db: Awaited<ReturnType<typeof pgSchema>>;

beforeAll(async () => {
  target = await startHttpServer({
    handler: (req, res) => {
      res.writeHead(failing.has(req.url ?? '') ? 500 : 200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    },
  });
  [rx, db] = await Promise.all([startReceiver(), pgSchema('lr_share')]);
  net = loopbackNet();
});
afterAll(async () => {
  await db.drop();
  await Promise.all([target.close(), rx.close(), net.close()]);
});

async function until(what: string, fn: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!fn()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunSeen {
  inst: Name;
  check: string;
  t: number;
}

/**
 * Runs of [from, to): each check ran only on `owner(check)`, and consecutive starts are at least
 * one interval minus a little apart (no double run) and less than two apart (no missed interval),
 * the first less than two intervals after `from` and the last less than two before `to`.
 */
function assertExactlyOnce(runs: RunSeen[], from: number, to: number, live: Name[]): void {
  const owners = live.map((n) => ID[n]);
  for (const check of CHECKS) {
    const mine = runs.filter((r) => r.check === check && r.t >= from && r.t < to);
    const owner = ownerOf(check, owners);
    expect(new Set(mine.map((r) => ID[r.inst])), `${check} ran on`).toEqual(new Set([owner]));
    const ts = [from, ...mine.map((r) => r.t), to];
    for (let i = 1; i < ts.length; i++) {
      const gap = ts[i]! - ts[i - 1]!;
      expect(gap, `${check}: gap ${i} between runs`).toBeLessThan(2 * INTERVAL_MS);
      if (i > 1 && i < ts.length - 1) expect(gap, `${check}: gap ${i} between runs`).toBeGreaterThanOrEqual(INTERVAL_MS - 50);
    }
  }
}

describe('PostgreSQL store: instances share the checks, the leader alone alerts', () => {
  it('runs each check once per interval on one instance, moves a stopped instance’s share, alerts once', async () => {
    const cfg = config({
      monitor: {
        store: db.url,
        standbyPoll: `${POLL_MS}ms`,
        instanceLease: `${LEASE_MS}ms`,
        ackSecret: 'share-secret',
        defaults: { interval: `${INTERVAL_MS}ms`, jitter: '0s', timeout: '1s', failureThreshold: 1, successThreshold: 1 },
        checks: CHECKS.map((id) => ({ id, kind: 'http' as const, url: `${target.url}/c/${id}`, conditions: ['[STATUS] == 200'] })),
        channels: { hook: { type: 'webhook', url: `${rx.url}/hook` } },
      },
    });
    // Precondition of the scenario: the hash gives every instance a share.
    for (const n of NAMES) expect(CHECKS.filter((c) => ownerOf(c, Object.values(ID)) === ID[n]).length).toBeGreaterThan(0);

    const runs: RunSeen[] = [];
    const logs: Record<Name, string[]> = { a: [], b: [], c: [] };
    const ac: Record<Name, AbortController> = { a: new AbortController(), b: new AbortController(), c: new AbortController() };
    const done: Partial<Record<Name, Promise<void>>> = {};
    const start = (n: Name) => {
      const log = (l: string) => logs[n].push(l);
      // c leaves its heartbeat row behind when it stops, as a crashed process does.
      const leadership = new PgLeader(db.url, { pollMs: POLL_MS, share: true, leaseMs: LEASE_MS, instanceId: ID[n], deregisterOnClose: n !== 'c', log });
      done[n] = runMonitor(cfg, { signal: ac[n].signal, net, baseDir: '/nonexistent', log, leadership, onStart: (check) => runs.push({ inst: n, check, t: Date.now() }) });
    };
    const sees = (n: Name, k: number) => logs[n].some((l) => l.startsWith(`instances: ${k} live`));
    const all = () => rx.on('/hook').map((g) => `${String(g.json.event)}#${String(g.json.incident)}:${String((g.json.check as { id?: string } | undefined)?.id)}`);
    let f = '';
    let seen = 0;
    // Alerts about f since it started failing (on a loaded machine a check may also time out once,
    // e.g. while the instances start, and have an incident of its own: checked at the end).
    const events = () => all().slice(seen).filter((e) => e.endsWith(`:${f}`));

    start('a');
    await until('a leads', () => logs.a.some((l) => l.startsWith('leader')));
    start('b');
    start('c');
    try {
      await until('every instance sees three', () => NAMES.every((n) => sees(n, 3)));
      expect(logs.b.some((l) => l.startsWith('leader')) || logs.c.some((l) => l.startsWith('leader'))).toBe(false);
      await sleep(2 * INTERVAL_MS); // the last schedule moves settle

      // 1. Steady state with three instances.
      const w1 = Date.now();
      await sleep(4 * INTERVAL_MS);
      assertExactlyOnce(runs, w1, Date.now(), ['a', 'b', 'c']);
      for (const n of NAMES) expect(runs.some((r) => r.inst === n && r.t >= w1), `${n} ran checks`).toBe(true);

      // 2. A check owned by c (which does not lead) fails: the leader alerts from c's queued runs.
      const cShare = CHECKS.filter((x) => ownerOf(x, Object.values(ID)) === ID.c);
      f = cShare[0]!;
      seen = all().length;
      failing.add(`/c/${f}`);
      await until('open alert', () => events().length >= 1);
      expect(events()).toEqual([expect.stringMatching(new RegExp(`^open#\\d+:${f}$`))]);
      expect(logs.a.some((l) => l.includes(`${f}: incident opened`))).toBe(true);
      expect(logs.c.some((l) => l.includes('incident'))).toBe(false);

      // 3. c stops and leaves its heartbeat row: a and b take its share once its lease has passed.
      ac.c.abort();
      await done.c;
      const stoppedAt = Date.now();
      await until('c’s checks run elsewhere', () => cShare.every((x) => runs.some((r) => r.check === x && r.t > stoppedAt && r.inst !== 'c')));
      const takeoverMs = Math.max(...cShare.map((x) => runs.find((r) => r.check === x && r.t > stoppedAt)!.t)) - stoppedAt;
      expect(runs.filter((r) => r.inst === 'c' && r.t > stoppedAt)).toEqual([]);
      // Bound: the lease, one heartbeat to notice, and at most one interval to the check's next slot.
      expect(takeoverMs).toBeLessThan(LEASE_MS + POLL_MS + INTERVAL_MS + 1_000);
      expect(takeoverMs).toBeGreaterThan(LEASE_MS - 2 * POLL_MS - 300); // not before the lease lapsed
      await until('a and b see two', () => logs.a.at(-1) !== undefined && sees('a', 2) && sees('b', 2));

      failing.delete(`/c/${f}`);
      await until('resolved', () => events().some((e) => e.startsWith('resolved#')));
      await sleep(2 * INTERVAL_MS); // the settling also gives a duplicate time to arrive

      // 4. Steady state with two instances.
      const w2 = Date.now();
      await sleep(3 * INTERVAL_MS);
      assertExactlyOnce(runs, w2, Date.now(), ['a', 'b']);
      const fid = events()[0]!.slice('open#'.length).split(':')[0];
      expect(events()).toEqual([`open#${fid}:${f}`, `resolved#${fid}:${f}`]);
      console.log(`sharing: c's ${cShare.length} checks ran elsewhere ${takeoverMs} ms after it stopped (lease ${LEASE_MS} ms)`);
    } catch (e) {
      for (const n of NAMES) console.log(`--- ${n}\n${logs[n].join('\n')}`);
      throw e;
    } finally {
      for (const n of NAMES) ac[n].abort();
      await Promise.all(Object.values(done));
    }

    // Every run was recorded once by whichever instance ran it; one incident, nothing left to send.
    const store = new PgStore(db.url);
    try {
      for (const check of CHECKS) expect(store.runs(check, 0, 10_000).length, `${check} results`).toBe(runs.filter((r) => r.check === check).length);
      const incidents = store.listIncidents();
      expect(incidents.some((i) => i.checkId === f)).toBe(true);
      // Every incident was alerted once and resolved once, whichever instance ran its check.
      for (const i of incidents) {
        expect(i.state).toBe('resolved');
        expect(all().filter((e) => e.split(':')[0]!.endsWith(`#${i.id}`)).sort()).toEqual([`open#${i.id}:${i.checkId}`, `resolved#${i.id}:${i.checkId}`]);
      }
      expect(store.pendingOutbox()).toEqual([]);
    } finally {
      store.close();
    }
    const admin = new pg.Client({ connectionString: PG_BASE });
    await admin.connect();
    try {
      // a and b deregistered on their way out; c's row stays until it ages out.
      expect((await admin.query(`SELECT id FROM "${db.schema}".instances ORDER BY id`)).rows.map((r) => r.id)).toEqual([ID.c]);
    } finally {
      await admin.end();
    }
  }, 60_000);
});

describe('rendezvous assignment and the run queue', () => {
  it('spreads checks evenly and moves only the leaving instance’s share', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `check-${i}`);
    const three = ['x', 'y', 'z'];
    const before = new Map(ids.map((c) => [c, ownerOf(c, three)]));
    for (const i of three) expect(ids.filter((c) => before.get(c) === i).length).toBeGreaterThan(850); // ~1000 each
    // Order of the live list does not matter: every instance computes the same owner.
    expect(ids.every((c) => ownerOf(c, ['z', 'x', 'y']) === before.get(c))).toBe(true);
    const after = new Map(ids.map((c) => [c, ownerOf(c, ['x', 'y'])]));
    for (const c of ids) if (before.get(c) !== 'z') expect(after.get(c)).toBe(before.get(c));
    expect(ownerOf('a', [])).toBeNull();
    expect(rendezvousScore('x', 'a')).not.toBe(rendezvousScore('y', 'a'));
  });

  it('queued runs come back oldest first, once, and a rollback puts them back', async () => {
    const s = await pgSchema('lr_queue');
    const store = new PgStore(s.url);
    try {
      const run = (at: number) => ({ checkId: 'q', at, ok: at === 2000, durationMs: 5, conditions: [] });
      for (const at of [3000, 1000, 2000]) store.queueRun(run(at));
      expect(store.runs('q', 0).map((r) => r.at)).toEqual([3000, 2000, 1000]); // recorded as well
      expect(() =>
        store.transaction(() => {
          expect(store.takeQueuedRuns(10)).toHaveLength(3);
          throw new Error('applying failed');
        }),
      ).toThrow('applying failed');
      expect(store.transaction(() => store.takeQueuedRuns(10)).map((r) => [r.at, r.ok])).toEqual([[1000, false], [2000, true], [3000, false]]);
      expect(store.takeQueuedRuns(10)).toEqual([]);
    } finally {
      store.close();
      await s.drop();
    }
  });
});
