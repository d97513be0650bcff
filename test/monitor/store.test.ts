/** SqliteStore: rollups, retention and the size budget (bytes per check per day, documented in docs/monitor.md). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/monitor/sqlite.js';
import type { CheckRun } from '../../src/monitor/types.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'lr-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (checkId: string, at: number, ok = true, ms = 40): CheckRun => ({
  checkId, at, ok, durationMs: ms,
  conditions: ok ? [] : [{ condition: '[STATUS] == 200', display: '[STATUS] (500) == 200', success: false }],
  ...(ok ? {} : { context: { status: 500 } }),
});

describe('SqliteStore', () => {
  it('rolls results up per minute, hour and day', () => {
    const s = new SqliteStore(':memory:');
    for (let i = 0; i < 120; i++) s.recordRun(run('a', T0 + i * 30_000, i % 10 !== 0, 10 + i));
    const hours = s.rollups('a', 'hour', 0);
    expect(hours).toEqual([{ checkId: 'a', bucket: 'hour', start: T0, total: 120, ok: 108, sumMs: 120 * 10 + (119 * 120) / 2, maxMs: 129 }]);
    expect(s.rollups('a', 'minute', 0)).toHaveLength(60);
    expect(s.rollups('a', 'day', 0)[0]!.total).toBe(120);
    const failed = s.runs('a', 0).filter((r) => !r.ok);
    expect(failed).toHaveLength(12);
    expect(failed[0]!.conditions[0]!.display).toBe('[STATUS] (500) == 200');
    s.close();
  });

  it('prunes raw results and rollups past their retention', () => {
    const s = new SqliteStore(':memory:');
    for (let d = 0; d < 10; d++) s.recordRun(run('a', T0 + d * DAY));
    s.prune(T0 + 10 * DAY, { rawDays: 3, minuteDays: 1, hourDays: 5, dayDays: 800 });
    expect(s.runs('a', 0)).toHaveLength(3);
    expect(s.rollups('a', 'minute', 0)).toHaveLength(1);
    expect(s.rollups('a', 'hour', 0)).toHaveLength(5);
    expect(s.rollups('a', 'day', 0)).toHaveLength(10);
    s.close();
  });

  it('stays within the documented size per check per day (60 s interval, 1% failures)', () => {
    const s = new SqliteStore(join(dir, 'size.db'));
    const checks = 20;
    const before = s.sizeBytes();
    s.transaction(() => {
      for (let c = 0; c < checks; c++) for (let i = 0; i < 1440; i++) s.recordRun(run(`check-${c}`, T0 + i * 60_000, i % 100 !== 0));
    });
    const perCheckDay = (s.sizeBytes() - before) / checks;
    // Documented bound in docs/monitor.md: under 100 KB per check per day of raw results + rollups.
    expect(perCheckDay).toBeLessThan(100 * 1024);
    expect(perCheckDay).toBeGreaterThan(10 * 1024); // sanity: the measurement measures something
    console.log(`monitor store: ${Math.round(perCheckDay)} bytes per check per day`);
    s.close();
  });

  it('persists state across reopen (WAL file on disk)', () => {
    const p = join(dir, 'reopen.db');
    let s = new SqliteStore(p);
    s.putCheckState({ checkId: 'a', consecutiveFailures: 2, consecutiveSuccesses: 0, lastOk: false, lastAt: T0, incidentId: 1 });
    s.enqueue([{ incidentId: 1, channel: 'slack', kind: 'open', message: '{}', at: T0 }]);
    s.close();
    s = new SqliteStore(p);
    expect(s.getCheckState('a')).toMatchObject({ consecutiveFailures: 2, lastOk: false, incidentId: 1 });
    expect(s.pendingOutbox()).toHaveLength(1);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    s.close();
  });
});
