/**
 * `launchready perf --capacity` against a real loopback Fastify app whose latency rises with
 * concurrency: every request waits in one queue for a 25 ms "worker" (a single database connection,
 * say), so it serves at most 40 req/s and beyond that the queue, and p95, grow without bound. The
 * service time is long and the steps far apart so a busy shared machine cannot blur the boundary.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import { runCapacity, summarizeCapacity, type CapacityStep } from '../../src/load/capacity.js';
import { cli } from '../helpers/cli.js';

const SERVICE_MS = 25;
let app: FastifyInstance;
let base = '';
beforeAll(async () => {
  app = Fastify();
  const queue: (() => void)[] = [];
  let busy = false;
  const next = () => {
    const job = queue.shift();
    if (!job) return void (busy = false);
    busy = true;
    // 25 ms of service, precisely: a timer for most of it, then a short spin (timers fire late).
    const t0 = performance.now();
    const done = () => {
      if (performance.now() - t0 < SERVICE_MS) return void setImmediate(done);
      job();
      next();
    };
    setTimeout(done, SERVICE_MS - 2);
  };
  app.get('/api/feed', () => new Promise((resolve) => {
    queue.push(() => resolve({ items: [] }));
    if (!busy) next();
  }));
  app.get('/api/fast', async () => ({ ok: true }));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

describe('runCapacity', () => {
  it('steps x4 until p95 breaks: holds 16 req/s, breaks at 64; 2x a 5 req/s peak is OK', { timeout: 30_000, retry: 1 }, async () => {
    const config = configSchema.parse({
      routes: [{ name: 'feed', url: `${base}/api/feed`, thresholds: ['p(95)<300'] }],
      perf: { warmup: '200ms', expectedPeak: 5, capacity: { factor: 4, step: '1s', startRate: 4 } },
    });
    const net = createNet(defaultNetOptions());
    const seen: number[] = [];
    try {
      const m = await runCapacity(config, net, { onStep: (_r, s) => seen.push(s.rate) });
      const r = m.routes[0]!;
      expect(r.steps.map((s) => [s.rate, s.ok])).toEqual([[4, true], [16, true], [64, false]]);
      expect(seen).toEqual([4, 16, 64]);
      expect(r.steps[2]!.failed.join(' ')).toMatch(/p\(95\) \(\d+(\.\d+)?ms\) < 300/);
      expect(r.steps[2]!.p95).toBeGreaterThan(400); // the queue grows: not a timer hiccup
      expect(r.steps[1]!.p95).toBeLessThan(300);
      expect(r).toMatchObject({ sustainable: 16, stoppedBy: 'broke', verdict: 'ok', expectedPeak: 5 });
      expect(r.summary).toMatch(/^feed holds 16 req\/s at p95 \d+(\.\d)? ms \(breaks at 64 req\/s: p\(95\).*\); 2x your peak is 10 req\/s: OK$/);
    } finally {
      await net.close();
    }
  });
});

describe('summarizeCapacity', () => {
  const step = (rate: number, ok: boolean, failed: string[] = []): CapacityStep => ({ rate, rps: rate, p50: 2, p95: 280, p99: 300, errorRate: 0, count: 100, ok, failed });
  it('says how far short of 2x peak a route is', () => {
    const s = summarizeCapacity('feed', [step(45, true), step(67.5, false, ['errors'])], 'broke', 40);
    expect(s.summary).toBe('feed holds 45 req/s at p95 280 ms (breaks at 67.5 req/s: errors); 2x your peak is 80 req/s: SHORT by 35 req/s');
    expect(s.verdict).toBe('short');
  });
  it('a first step that breaks has no sustainable rate; no peak means no verdict', () => {
    const s = summarizeCapacity('feed', [step(20, false, ['no response: refused 40'])], 'broke', null);
    expect(s).toMatchObject({ sustainable: null, verdict: 'unknown' });
    expect(s.summary).toBe('feed breaks already at 20 req/s: no response: refused 40; set perf.expectedPeak to judge the headroom');
  });
  it('a cap reached says "at least"', () => {
    expect(summarizeCapacity('x', [step(100, true)], 'timeCap', 10).summary).toBe('x holds at least 100 req/s at p95 280 ms (perf.capacity.maxTime reached); 2x your peak is 20 req/s: OK');
  });
});

describe('perf --capacity (CLI)', () => {
  it('stops at perf.maxRate, exits 1 when 2x the peak is out of reach, and charts the steps in HTML', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr-perf-capacity-'));
    writeFileSync(
      join(dir, 'launchready.config.json'),
      JSON.stringify({
        routes: [{ name: 'fast', url: `${base}/api/fast` }],
        perf: { warmup: '100ms', maxRate: 90, expectedPeak: 60, capacity: { factor: 2, step: '700ms', startRate: 30 } },
      }),
    );
    const r = await cli(['perf', '--capacity', '--quiet'], { cwd: dir });
    expect(r.stdout).toMatch(/capacity of fast \(x2 per 0.7s step, cap 90 req\/s\)/);
    expect(r.stdout).toMatch(/fast holds at least 90 req\/s at p95 .* \(perf\.maxRate reached\); 2x your peak is 120 req\/s: SHORT by 30 req\/s/);
    expect(r.code).toBe(1);

    const h = await cli(['perf', '--capacity', '--quiet', '--format', 'html', '--out', join(dir, 'out')], { cwd: dir });
    expect(h.code).toBe(1);
    const html = readFileSync(join(dir, 'out', readdirSync(join(dir, 'out')).find((f) => f.endsWith('.html'))!), 'utf8');
    expect(html).toContain('id="capacity-0"');
    expect(html).toContain('2x peak 120 req/s');
    const chart = html.slice(html.indexOf('id="capacity-0"'));
    expect((chart.slice(0, chart.indexOf('</svg>')).match(/<circle /g) ?? []).length).toBe(3); // 30, 60, 90
  });
});

describe('perf (CLI): the safety caps', () => {
  it('says when --rate or --duration is above perf.maxRate / perf.maxDuration, and runs at the cap', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr-perf-caps-'));
    writeFileSync(join(dir, 'launchready.config.json'), JSON.stringify({ routes: [{ name: 'fast', url: `${base}/api/fast` }], perf: { warmup: '0ms', maxRate: 40, maxDuration: '1s' } }));
    const r = await cli(['perf', '--rate', '400', '--duration', '20s', '--quiet', '--no-history', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toContain('--rate 400/s is above perf.maxRate: running at 40/s (raise perf.maxRate in launchready.config.json; at most 20000)');
    expect(r.stderr).toContain('--duration 20s is above perf.maxDuration: running 1 s per route (raise perf.maxDuration in launchready.config.json)');
    const load = (JSON.parse(r.stdout) as { metrics: Record<string, { count: number }> }).metrics['perf.fast']!;
    expect(load.count).toBeGreaterThanOrEqual(36);
    expect(load.count).toBeLessThanOrEqual(41);
    // Within the caps: nothing to say.
    const quiet = await cli(['perf', '--rate', '20', '--duration', '500ms', '--quiet', '--no-history'], { cwd: dir });
    expect(quiet.stderr).not.toMatch(/above perf\./);
  });
});
