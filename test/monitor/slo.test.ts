/** SLO compliance, error budget and multi-window multi-burn-rate alerts over a real (in-memory) store. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/monitor/clock.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { burnRate, evaluateSlo } from '../../src/monitor/slo.js';
import { SqliteStore } from '../../src/monitor/sqlite.js';
import type { AlertMessage } from '../../src/monitor/types.js';
import type { Net } from '../../src/net/types.js';
import { config } from './helpers.js';

const MIN = 60_000;
const NOW = Date.parse('2026-06-30T00:00:00Z');

/** `minutes` of history at one run per minute ending at NOW; `bad(i)` (i minutes ago) marks failures, `ms(i)` durations. */
function history(minutes: number, bad: (i: number) => boolean, ms: (i: number) => number = () => 50) {
  const s = new SqliteStore(':memory:');
  s.transaction(() => {
    for (let i = minutes; i >= 1; i--) s.recordRun({ checkId: 'api', at: NOW - i * MIN + 1, ok: !bad(i), durationMs: ms(i), conditions: [] });
  });
  return s;
}
const slo = (o: Record<string, unknown>) => config({ monitor: { checks: [{ id: 'api', kind: 'tcp', host: 'h', port: 1 }], slos: [{ name: 'api', checks: ['api'], ...o }] } }).monitor!.slos[0]!;

describe('burn-rate alerts', () => {
  it.each([
    ['one failed probe in the last hour', (i: number) => i === 3, false],
    ['sustained outage over the last 10 minutes', (i: number) => i <= 10, true],
    ['an outage that ended 40 minutes ago (both short windows recovered)', (i: number) => i > 40 && i <= 70, false],
    ['an outage that ended 20 minutes ago still pages through the 6 h / 30 min pair', (i: number) => i > 20 && i <= 50, true],
    ['sparse failures over 6 hours, none in the last 30 minutes', (i: number) => i <= 360 && i % 50 === 0, false],
    ['a 6-hour burn still failing in the last 30 minutes', (i: number) => i <= 360 && (i % 50 === 0 || i % 13 === 0), true],
  ])('%s', (_n, bad, firing) => {
    const s = history(24 * 60, bad);
    const [st] = evaluateSlo(s, slo({ availability: 99.9, window: '30d' }), NOW);
    expect(st!.firing).toBe(firing);
    s.close();
  });

  it('needs a minimum of events before judging a window', () => {
    expect(burnRate({ total: 3, bad: 3 }, 0.999)).toBeNull();
    expect(burnRate({ total: 60, bad: 1 }, 0.999)).toBe(0);
    expect(burnRate({ total: 60, bad: 6 }, 0.999)).toBeCloseTo(100);
  });
});

describe('error budget', () => {
  it('availability: 0.05% failures over the window leaves half of a 99.9% budget', () => {
    const s = history(2000 * 3, (i) => i % 2000 === 0);
    const [st] = evaluateSlo(s, slo({ availability: 99.9, window: '30d' }), NOW);
    expect(st!.window.total).toBe(6000);
    expect(st!.window.bad).toBe(3);
    expect(st!.budgetRemaining).toBeCloseTo(0.5);
    s.close();
  });
  it('latency: 10% of runs slower than 300ms overspends a p95 objective', () => {
    const s = history(600, () => false, (i) => (i % 10 === 0 ? 900 : 80));
    const [st] = evaluateSlo(s, slo({ latency: { percentile: 95, below: '300ms' }, window: '1d' }), NOW);
    expect(st!.kind).toBe('latency');
    expect(st!.window.compliance).toBeCloseTo(0.9);
    expect(st!.budgetRemaining).toBeCloseTo(-1);
    s.close();
  });
});

describe('burn-rate incident through the monitor', () => {
  it('opens an slo:<name> incident and notifies, then resolves', async () => {
    const s = history(120, (i) => i <= 10);
    const cfg = config({
      monitor: {
        checks: [{ id: 'api', kind: 'tcp', host: '127.0.0.1', port: 1, interval: '1h' }],
        channels: { hook: { type: 'webhook', url: 'http://127.0.0.1:9/x' } },
        slos: [{ name: 'api', checks: ['api'], availability: 99.9 }],
      },
    }).monitor!;
    const sent: AlertMessage[] = [];
    const clock = new ManualClock(NOW);
    const mon = new Monitor({ config: cfg, net: {} as Net, store: s, clock, send: async (_n, _c, m) => void sent.push(m) });
    const st = mon.evaluateSlos(NOW);
    expect(st[0]!.firing).toBe(true);
    await mon.alerter.deliver(NOW);
    expect(sent.map((m) => [m.kind, m.checkId])).toEqual([['open', 'slo:api']]);
    expect(sent[0]!.summary[0]).toMatch(/^availability burn rate \(\d+\.\dx long, \d+\.\dx short\) > 14.4x$/);
    // An hour of clean runs later the burn stops.
    s.transaction(() => {
      for (let i = 0; i < 60; i++) s.recordRun({ checkId: 'api', at: NOW + i * MIN, ok: true, durationMs: 5, conditions: [] });
    });
    mon.evaluateSlos(NOW + 61 * MIN);
    await mon.alerter.deliver(NOW + 61 * MIN);
    expect(sent.map((m) => m.kind)).toEqual(['open', 'resolved']);
    s.close();
  });
});
