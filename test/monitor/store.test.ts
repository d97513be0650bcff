/**
 * The MonitorStore contract, run against both implementations: SqliteStore (a file per test) and
 * PgStore on the local PostgreSQL (a throwaway schema per test, dropped after). Rollups, retention,
 * incidents, the outbox and trail, transactions, reopen, and the size budget (bytes per check per
 * day, documented in docs/monitor.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PgStore } from '../../src/monitor/postgres.js';
import { SqliteStore } from '../../src/monitor/sqlite.js';
import type { MonitorStore } from '../../src/monitor/store.js';
import type { CheckRun } from '../../src/monitor/types.js';
import { pgSchema } from './helpers.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'lr-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (checkId: string, at: number, ok = true, ms = 40): CheckRun => ({
  checkId, at, ok, durationMs: ms,
  conditions: ok ? [] : [{ condition: '[STATUS] == 200', display: '[STATUS] (500) == 200', success: false }],
  ...(ok ? {} : { context: { status: 500 } }),
});

type Sized = MonitorStore & { sizeBytes(): number };

/** A backend: `location()` is fresh per test; `open(location)` opens (or reopens) a store there. */
interface Backend {
  name: string;
  setup(): Promise<string>;
  open(location: string): Sized;
  teardown(location: string): Promise<void>;
}

let n = 0;
const backends: Backend[] = [
  {
    name: 'SqliteStore',
    setup: async () => join(dir, `s${n++}.db`),
    open: (p) => new SqliteStore(p),
    teardown: async () => undefined,
  },
  {
    name: 'PgStore',
    setup: async () => {
      const s = await pgSchema('lr_store');
      drops.set(s.url, s.drop);
      return s.url;
    },
    open: (url) => new PgStore(url),
    teardown: async (url) => drops.get(url)?.(),
  },
];
const drops = new Map<string, () => Promise<void>>();

describe.each(backends)('$name (MonitorStore contract)', (b) => {
  let loc: string;
  const opened: Sized[] = [];
  const open = () => {
    const s = b.open(loc);
    opened.push(s);
    return s;
  };
  beforeEach(async () => {
    loc = await b.setup();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) {
      try {
        s.close();
      } catch {
        /* closed by the test */
      }
    }
    await b.teardown(loc);
  });

  it('rolls results up per minute, hour and day', () => {
    const s = open();
    s.transaction(() => {
      for (let i = 0; i < 120; i++) s.recordRun(run('a', T0 + i * 30_000, i % 10 !== 0, 10 + i));
    });
    const hours = s.rollups('a', 'hour', 0);
    expect(hours).toEqual([{ checkId: 'a', bucket: 'hour', start: T0, total: 120, ok: 108, sumMs: 120 * 10 + (119 * 120) / 2, maxMs: 129 }]);
    expect(s.rollups('a', 'minute', 0)).toHaveLength(60);
    expect(s.rollups('a', 'day', 0)[0]!.total).toBe(120);
    const failed = s.runs('a', 0).filter((r) => !r.ok);
    expect(failed).toHaveLength(12);
    expect(failed[0]!.conditions[0]!.display).toBe('[STATUS] (500) == 200');
    expect(failed[0]!.context).toEqual({ status: 500 });
    expect(s.runs('a', T0 + 119 * 30_000)).toEqual([{ checkId: 'a', at: T0 + 119 * 30_000, ok: true, durationMs: 129, conditions: [] }]);
  });

  it('prunes raw results and rollups past their retention', () => {
    const s = open();
    for (let d = 0; d < 10; d++) s.recordRun(run('a', T0 + d * DAY));
    const deleted = s.prune(T0 + 10 * DAY, { rawDays: 3, minuteDays: 1, hourDays: 5, dayDays: 800 });
    expect(deleted).toBe(7 + 9 + 5);
    expect(s.runs('a', 0)).toHaveLength(3);
    expect(s.rollups('a', 'minute', 0)).toHaveLength(1);
    expect(s.rollups('a', 'hour', 0)).toHaveLength(5);
    expect(s.rollups('a', 'day', 0)).toHaveLength(10);
  });

  it('keeps check state, incidents and their updates', () => {
    const s = open();
    expect(s.getCheckState('x')).toEqual({ checkId: 'x', consecutiveFailures: 0, consecutiveSuccesses: 0, lastOk: null, lastAt: null, incidentId: null });
    const inc = s.openIncident({ checkId: 'x', openedAt: T0, nextAt: T0, summary: ['[STATUS] (500) == 200'], context: { status: 500, bodyExcerpt: 'down' } });
    expect(inc).toEqual({ id: inc.id, checkId: 'x', state: 'open', openedAt: T0, nextStep: 0, nextAt: T0, repeats: 0, summary: ['[STATUS] (500) == 200'], context: { status: 500, bodyExcerpt: 'down' } });
    s.putCheckState({ checkId: 'x', consecutiveFailures: 3, consecutiveSuccesses: 0, lastOk: false, lastAt: T0, incidentId: inc.id });
    s.putCheckState({ checkId: 'x', consecutiveFailures: 4, consecutiveSuccesses: 0, lastOk: false, lastAt: T0 + 1, incidentId: inc.id });
    expect(s.getCheckState('x')).toEqual({ checkId: 'x', consecutiveFailures: 4, consecutiveSuccesses: 0, lastOk: false, lastAt: T0 + 1, incidentId: inc.id });
    s.updateIncident(inc.id, { state: 'acknowledged', ackedAt: T0 + 5, ackedBy: 'ana', nextAt: null, nextStep: 1 });
    expect(s.getIncident(inc.id)).toMatchObject({ state: 'acknowledged', ackedAt: T0 + 5, ackedBy: 'ana', nextAt: null, nextStep: 1 });
    const other = s.openIncident({ checkId: 'y', openedAt: T0 + 10, nextAt: null, summary: [] });
    expect(s.listIncidents({ states: ['open'] }).map((i) => i.id)).toEqual([other.id]);
    expect(s.listIncidents().map((i) => i.id)).toEqual([other.id, inc.id]);
    expect(s.listIncidents({ checkId: 'x', states: ['open', 'acknowledged'] }).map((i) => i.id)).toEqual([inc.id]);
    expect(s.listIncidents({ limit: 1 })).toHaveLength(1);
    expect(s.getIncident(999_999)).toBeNull();
  });

  it('queues, delivers and retries outbox rows, writing the trail', () => {
    const s = open();
    s.enqueue([
      { incidentId: 1, channel: 'slack', kind: 'open', message: '{"a":1}', at: T0 },
      { incidentId: 1, channel: 'mail', kind: 'open', message: '{"a":1}', at: T0 },
      { incidentId: null, channel: 'slack', kind: 'test', message: '{}', at: T0 + 10 },
    ]);
    s.enqueue([]);
    const due = s.dueOutbox(T0);
    expect(due.map((o) => [o.channel, o.kind, o.attempts])).toEqual([['slack', 'open', 0], ['mail', 'open', 0]]);
    s.markDelivered(due[0]!.id, T0 + 1);
    s.markFailed(due[1]!.id, T0 + 1, 'ECONNREFUSED', T0 + 30_000);
    expect(s.dueOutbox(T0 + 20).map((o) => o.kind)).toEqual(['test']);
    const pending = s.pendingOutbox();
    expect(pending.map((o) => [o.channel, o.attempts, o.lastError ?? null, o.nextAttemptAt])).toEqual([['mail', 1, 'ECONNREFUSED', T0 + 30_000], ['slack', 0, null, T0 + 10]]);
    expect(s.trail(1).map((e) => [e.channel, e.kind, e.ok, e.error ?? null])).toEqual([['slack', 'open', true, null], ['mail', 'open', false, 'ECONNREFUSED']]);
    expect(s.trail(null, 1)).toHaveLength(1);
    expect(s.trailChannels(1)).toEqual(['mail', 'slack']);
  });

  it('rolls a transaction back when it throws, nested ones to their savepoint', () => {
    const s = open();
    expect(() =>
      s.transaction(() => {
        s.setMeta('k', 'inside');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.getMeta('k')).toBeNull();
    s.transaction(() => {
      s.setMeta('k', 'outer');
      try {
        s.transaction(() => {
          s.setMeta('k2', 'inner');
          throw new Error('inner');
        });
      } catch {
        /* the inner part alone is undone */
      }
    });
    expect([s.getMeta('k'), s.getMeta('k2')]).toEqual(['outer', null]);
    s.setMeta('k', 'again');
    expect(s.getMeta('k')).toBe('again');
  });

  it('registers a check again when it was first seen inside a rolled-back transaction', () => {
    const s = open();
    expect(() =>
      s.transaction(() => {
        s.recordRun(run('fresh', T0));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    s.recordRun(run('fresh', T0 + 1));
    expect(s.latestRuns(['fresh']).map((r) => r.at)).toEqual([T0 + 1]); // joined through the checks row
  });

  it('reports the latest run per check and latency histograms', () => {
    const s = open();
    s.recordRun(run('b', T0, true, 80));
    s.recordRun(run('a', T0, true, 30));
    s.recordRun(run('a', T0 + 60_000, false, 700));
    expect(s.latestRuns()).toEqual([
      { checkId: 'a', at: T0 + 60_000, ok: false, durationMs: 700 },
      { checkId: 'b', at: T0, ok: true, durationMs: 80 },
    ]);
    expect(s.latencyHistogram(T0, [50, 100, 1000])).toEqual([
      { checkId: 'a', count: 2, sumMs: 730, buckets: [1, 1, 2] },
      { checkId: 'b', count: 1, sumMs: 80, buckets: [0, 1, 1] },
    ]);
  });

  it('sums minute rollups into chart buckets for the requested checks only', () => {
    const s = open();
    const B = 16 * 60_000;
    s.recordRun(run('a', T0 + 60_000, true, 100));
    s.recordRun(run('a', T0 + 120_000, false, 300));
    s.recordRun(run('a', T0 + B + 60_000, true, 50));
    s.recordRun(run('a', T0 - 60_000, true, 999)); // before `since`
    s.recordRun(run('b', T0 + 60_000, true, 10));
    s.recordRun(run('c', T0 + 60_000, true, 10));
    expect(s.series(['a', 'b'], T0, B)).toEqual([
      { checkId: 'a', bucket: 0, total: 2, ok: 1, sumMs: 400, maxMs: 300 },
      { checkId: 'a', bucket: 1, total: 1, ok: 1, sumMs: 50, maxMs: 50 },
      { checkId: 'b', bucket: 0, total: 1, ok: 1, sumMs: 10, maxMs: 10 },
    ]);
    expect(s.series([], T0, B)).toEqual([]);
  });

  it('persists state across reopen', () => {
    let s = open();
    s.putCheckState({ checkId: 'a', consecutiveFailures: 2, consecutiveSuccesses: 0, lastOk: false, lastAt: T0, incidentId: 1 });
    s.enqueue([{ incidentId: 1, channel: 'slack', kind: 'open', message: '{}', at: T0 }]);
    s.close();
    s = open();
    expect(s.getCheckState('a')).toMatchObject({ consecutiveFailures: 2, lastOk: false, incidentId: 1 });
    expect(s.pendingOutbox()).toHaveLength(1);
    if (s instanceof SqliteStore) expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('stays within the documented size per check per day (60 s interval, 1% failures)', () => {
    const s = open();
    const checks = 4;
    const before = s.sizeBytes();
    // One commit per run, as the monitor does (PostgreSQL prunes dead rollup versions between commits).
    for (let c = 0; c < checks; c++) for (let i = 0; i < 1440; i++) s.recordRun(run(`check-${c}`, T0 + i * 60_000, i % 100 !== 0));
    const perCheckDay = (s.sizeBytes() - before) / checks;
    // Documented bounds in docs/monitor.md: SQLite under 100 KB, PostgreSQL under 600 KB per check per day
    // (row headers and rollup row versions that autovacuum reclaims later).
    expect(perCheckDay).toBeLessThan((s instanceof SqliteStore ? 100 : 600) * 1024);
    expect(perCheckDay).toBeGreaterThan(10 * 1024); // sanity: the measurement measures something
    console.log(`monitor store (${b.name}): ${Math.round(perCheckDay)} bytes per check per day`);
  });
});

describe('PgStore queued writes and the check-state cache', () => {
  let db: Awaited<ReturnType<typeof pgSchema>>;
  beforeEach(async () => {
    db = await pgSchema('lr_store_q');
  });
  afterEach(async () => db.drop());

  it('reports a failed queued write at the next call, then carries on', () => {
    const s = new PgStore(db.url);
    try {
      s.recordRun(run('a', T0, true, Number.NaN)); // NaN is not an integer: the INSERT fails in the worker
      expect(() => s.getMeta('x')).toThrow(/earlier write failed: .*NaN/);
      expect(s.getMeta('x')).toBeNull();
      s.recordRun(run('a', T0 + 1));
      expect(s.runs('a', 0)).toHaveLength(1);
    } finally {
      s.close();
    }
  });

  it('serves check states from its cache until invalidated (another instance wrote meanwhile)', () => {
    const a = new PgStore(db.url);
    const b = new PgStore(db.url);
    try {
      expect(a.getCheckState('x').consecutiveFailures).toBe(0);
      b.putCheckState({ checkId: 'x', consecutiveFailures: 5, consecutiveSuccesses: 0, lastOk: false, lastAt: T0, incidentId: null });
      b.getMeta('flush'); // wait for b's queued write
      expect(a.getCheckState('x').consecutiveFailures).toBe(0);
      a.invalidateCaches();
      expect(a.getCheckState('x').consecutiveFailures).toBe(5);
    } finally {
      a.close();
      b.close();
    }
  });
  it('reads every check state at the first miss and registers configured checks in one go', () => {
    const a = new PgStore(db.url);
    try {
      a.putCheckState({ checkId: 'known', consecutiveFailures: 2, consecutiveSuccesses: 0, lastOk: false, lastAt: T0, incidentId: null });
      a.getMeta('flush');
      const b = new PgStore(db.url);
      try {
        b.prepareChecks(['c1', 'c2', 'c3']);
        expect(b.db.query<{ n: number }>('SELECT count(*)::int AS n FROM checks').rows[0]!.n).toBe(3);
        // The first miss reads the whole table: both the stored row and "no row yet" are answered from it.
        expect(b.getCheckState('known').consecutiveFailures).toBe(2);
        a.putCheckState({ checkId: 'later', consecutiveFailures: 7, consecutiveSuccesses: 0, lastOk: false, lastAt: T0, incidentId: null });
        a.getMeta('flush');
        expect(b.getCheckState('later').consecutiveFailures).toBe(0); // a row written after the read: not seen until invalidated
        b.invalidateCaches();
        expect(b.getCheckState('later').consecutiveFailures).toBe(7);
      } finally {
        b.close();
      }
    } finally {
      a.close();
    }
  });
});

describe('PgStore errors', () => {
  it('names the (masked) store URL when PostgreSQL refuses', () => {
    expect(() => new PgStore('postgres://postgres:s3cretpw@127.0.0.1:5432/no_such_db_lr')).toThrow(/monitor\.store postgres:\/\/postgres:\*+@127\.0\.0\.1:5432\/no_such_db_lr: .*no_such_db_lr/);
  });
});
