/**
 * `launchready perf --baseline`: the pure comparison (tolerance and absolute floors), and the
 * command end to end against a real loopback server whose latency we change between runs: the
 * history store's "previous", a saved JSON report, the exit code, and the HTML before/after table.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePerf, formatBaselineTable, parseTolerance, perfPoints, type RoutePerfPoint } from '../../src/load/baseline.js';
import { HistoryStore } from '../../src/engine/history.js';
import { renderHtml } from '../../src/report/html.js';
import { cli } from '../helpers/cli.js';

const pt = (p: Partial<RoutePerfPoint>): RoutePerfPoint => ({ p50: 2, p95: 3, p99: 4, rps: 20, errorRate: 0, count: 200, ...p });
const cmp = (before: RoutePerfPoint, after: RoutePerfPoint, tolerance = 0.1, floorMs = 5) =>
  comparePerf(new Map([['feed', before]]), new Map([['feed', after]]), { source: 'base.json', tolerance, floorMs }).routes[0]!;

describe('comparePerf', () => {
  it('a 2 ms route that becomes 2.8 ms (+40%) is noise under the 5 ms floor', () => {
    const row = cmp(pt({ p95: 2 }), pt({ p95: 2.8 }));
    expect(row.regressions).toEqual([]);
  });

  it('p95 40 -> 60 ms regresses; 40 -> 43 ms (+7.5%) does not', () => {
    expect(cmp(pt({ p95: 40 }), pt({ p95: 60 })).regressions).toEqual(['p95 40 ms -> 60 ms (+50%)']);
    expect(cmp(pt({ p95: 40 }), pt({ p95: 43 })).regressions).toEqual([]);
    expect(cmp(pt({ p95: 40 }), pt({ p95: 60 }), 0.6).regressions).toEqual([]);
  });

  it('throughput drops and new errors regress; faster is an improvement', () => {
    const row = cmp(pt({ rps: 100, errorRate: 0 }), pt({ rps: 70, errorRate: 0.03, p50: 1 }));
    expect(row.regressions).toEqual(['rps 100.0 req/s -> 70.0 req/s (-30%)', 'errors 0.00% -> 3.00% (new)']);
    const better = cmp(pt({ p99: 300 }), pt({ p99: 100 }));
    expect(better.regressions).toEqual([]);
    expect(better.improvements).toEqual(['p99 300 ms -> 100 ms (-67%)']);
  });

  it('routes only on one side are listed, never a regression', () => {
    const m = comparePerf(new Map([['old', pt({})]]), new Map([['new', pt({})]]), { source: 'x', tolerance: 0.1, floorMs: 5 });
    expect(m.routes.map((r) => [r.name, !!r.before, !!r.after])).toEqual([['new', false, true], ['old', true, false]]);
    expect(m.regressed).toBe(false);
    expect(formatBaselineTable(m)).toMatch(/new\s+–.*new route/);
  });

  it('parses tolerances and reads perf points from report metrics', () => {
    expect(parseTolerance('10%')).toBe(0.1);
    expect(parseTolerance('0.25')).toBe(0.25);
    expect(parseTolerance('15')).toBe(0.15);
    expect(() => parseTolerance('ten')).toThrow(/--tolerance must look like 10% or 0.1 \(got "ten"\)/);
    const pts = perfPoints({ 'perf.feed': { kind: 'latency', name: 'feed', p50: 1, p95: 2, p99: 3, rps: 10, errors: 5, count: 100 }, 'tls.x': { kind: 'latency', name: 'x', p50: 1, p95: 1, p99: 1 } });
    expect([...pts.entries()]).toEqual([['feed', { p50: 1, p95: 2, p99: 3, rps: 10, errorRate: 0.05, count: 100 }]]);
  });
});

describe('perf --baseline end to end', () => {
  let server: http.Server;
  let delayMs = 20;
  let dir = '';
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      const t0 = performance.now();
      const finish = () => (performance.now() - t0 >= delayMs ? res.end('[]') : setImmediate(finish));
      setTimeout(finish, Math.max(0, delayMs - 2));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'lr-perf-baseline-'));
    writeFileSync(
      join(dir, 'launchready.config.json'),
      JSON.stringify({ routes: [{ name: 'feed', url: `${base}/api/feed` }], perf: { rate: 25, duration: '1s', warmup: '100ms' } }),
    );
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('stores every run, compares with the previous one and exits 1 on a regression', { timeout: 60_000 }, async () => {
    const first = await cli(['perf', '--baseline', 'previous', '--quiet'], { cwd: dir });
    expect(first.stderr).toMatch(/no previous perf run .*this run becomes the baseline/);
    expect(first.code).toBe(0);

    const saved = await cli(['perf', '--format', 'json', '--quiet'], { cwd: dir });
    expect(saved.code).toBe(0);
    writeFileSync(join(dir, 'base.json'), saved.stdout);
    const json = JSON.parse(saved.stdout);
    expect(json).toMatchObject({ schemaVersion: 1, metrics: { 'perf.feed': { kind: 'latency', name: 'feed' } } });

    const store = new HistoryStore(join(dir, '.launchready/history.db'));
    expect(store.list().length).toBe(2);
    // An audit of the same config does not compare itself with perf runs.
    expect(store.sinceLastRun(store.list()[0]!.configKey, json)).toBeUndefined();
    store.close();

    delayMs = 40; // the "deploy" that made the feed slow
    const slow = await cli(['perf', '--baseline', 'previous', '--quiet'], { cwd: dir });
    expect(slow.code).toBe(1);
    expect(slow.stdout).toMatch(/before\/after vs previous \(run 2, /);
    expect(slow.stdout).toMatch(/feed .*REGRESSED p50 \d+(\.\d)? ms -> 4\d ms/);

    // Against the saved file too, and a tolerance wide enough to accept it.
    const vsFile = await cli(['perf', '--baseline', 'base.json', '--tolerance', '900%', '--quiet', '--no-history'], { cwd: dir });
    expect(vsFile.stdout).toMatch(/before\/after vs base\.json \(tolerance 900%, floor 5 ms\)/);
    expect(vsFile.code).toBe(0);

    // Back to fast: compared with the slow run, an improvement; the HTML report shows the table.
    delayMs = 20;
    const fixed = await cli(['perf', '--baseline', 'previous', '--format', 'html', '--out', join(dir, 'out'), '--quiet'], { cwd: dir });
    expect(fixed.code).toBe(0);
    const html = readFileSync(join(dir, 'out', readdirSync(join(dir, 'out')).find((f) => f.endsWith('.html'))!), 'utf8');
    expect(html).toContain('id="perf-baseline"');
    expect(html).toMatch(/<b>feed<\/b><\/td><td>4\d(\.\d)? → <b>\d+(\.\d)?<\/b>/);
    expect(html).toContain('class="delta-fixed">improved');
  });

  it('refuses a baseline file without perf results, naming it', async () => {
    writeFileSync(join(dir, 'empty.json'), JSON.stringify({ schemaVersion: 1, metrics: {} }));
    const r = await cli(['perf', '--baseline', 'empty.json', '--no-history'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/baseline empty\.json holds no perf results/);
  });
});

describe('HTML before/after table', () => {
  it('escapes route names and is absent without perf.baseline', () => {
    const base = { schemaVersion: 1 as const, tool: { name: 'launchready', version: '0' }, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, config: { path: null }, verdict: 'ready' as const, score: { overall: 100, stages: { '1': null, '2': null, '3': null, '4': 100, '5': null, '6': null, '7': null } }, findings: [], passed: [], skipped: [], launchSequence: [] };
    expect(renderHtml({ ...base, metrics: {} }, { color: false, failOn: 'blocker', rules: [] } as never)).not.toContain('perf-baseline');
    const m = comparePerf(new Map([['<x>', pt({ p95: 10 })]]), new Map([['<x>', pt({ p95: 30 })]]), { source: 'b.json', tolerance: 0.1, floorMs: 5 });
    const html = renderHtml({ ...base, metrics: { 'perf.baseline': m } }, { color: false, failOn: 'blocker', rules: [] } as never);
    expect(html).toContain('<b>&lt;x&gt;</b>');
    expect(html).toContain('class="delta-new">regressed</span> p95 10 ms -&gt; 30 ms (+200%)');
  });
});
