/**
 * The load engine against real loopback servers: accuracy (no coordinated omission, the 50 ms
 * server), failures as data, bounds, abort. Rates and durations are small to keep the file fast.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultWorkers, isLoopbackHost, runLoad } from '../../src/load/engine.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const servers: http.Server[] = [];
async function serve(handler: Handler): Promise<string> {
  const s = http.createServer(handler);
  s.keepAliveTimeout = 20_000;
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Answers after exactly `ms` from arrival: a timer for most of it, then a short spin for the rest. */
function holdFor(ms: number): Handler {
  return (_req, res) => {
    const t0 = performance.now();
    const finish = () => (performance.now() - t0 >= ms ? res.end('ok') : setImmediate(finish));
    setTimeout(finish, ms - 2);
  };
}

describe('accuracy: a server that stalls 300 ms every 1.5 s (the 1 s / 5 s case, scaled)', () => {
  let base = '';
  beforeAll(async () => {
    const t0 = performance.now();
    const pending: (() => void)[] = [];
    // During a stall window every answer waits until the window ends, like a stop-the-world pause.
    setInterval(() => {
      const inStall = (performance.now() - t0) % 1500 < 300;
      if (!inStall) while (pending.length) pending.shift()!();
    }, 2).unref();
    base = await serve((_req, res) => {
      const inStall = (performance.now() - t0) % 1500 < 300;
      if (inStall) pending.push(() => res.end('ok'));
      else res.end('ok');
    });
  });

  it('the open model shows the stall in p99; a closed loop hides it', { retry: 1, timeout: 15_000 }, async () => {
    const [open, closed] = await Promise.all([
      runLoad({ request: { method: 'GET', url: `${base}/` }, model: { kind: 'open', rate: 100 }, durationMs: 3000, workers: 1 }),
      runLoad({ request: { method: 'GET', url: `${base}/` }, model: { kind: 'closed', vus: 2 }, durationMs: 3000, workers: 1 }),
    ]);
    expect(open.errors).toBe(0);
    expect(open.count).toBeGreaterThanOrEqual(280);
    // ~20% of arrivals fall in a stall and wait up to 300 ms: p99 is near the stall length.
    expect(open.latency.p99).toBeGreaterThan(200);
    expect(open.latency.p90).toBeGreaterThan(50);
    // Two users each see one slow answer per stall among thousands of fast ones.
    expect(closed.count).toBeGreaterThan(open.count);
    expect(closed.latency.p99).toBeLessThan(50);
    expect(closed.latency.max).toBeGreaterThan(200); // the stall happened, the percentiles just hide it
  });
});

describe('accuracy: a server that always takes 50 ms, at 20 req/s', () => {
  // Timing on a shared 2-core machine: retried, since a neighbour's CPU burst delays the server itself.
  it('reports p50 and min within 5% of 50 ms (autocannon reports ~27 ms and 1 ms here)', { retry: 2 }, async () => {
    const base = await serve(holdFor(50));
    const r = await runLoad({ request: { method: 'GET', url: `${base}/` }, model: { kind: 'open', rate: 20 }, durationMs: 2000, warmupMs: 200 });
    expect(r.count).toBeGreaterThanOrEqual(38);
    expect(r.warmupCount).toBeGreaterThanOrEqual(3);
    expect(r.latency.p50).toBeGreaterThanOrEqual(47.5);
    expect(r.latency.p50).toBeLessThanOrEqual(52.5);
    // Never below the server's hold (histogram resolution at 50 ms: 32 us): a request may leave up
    // to 2 ms before its slot, and then its latency counts from when it actually left.
    expect(r.latency.min).toBeGreaterThanOrEqual(49.9);
    expect(r.latency.min).toBeLessThanOrEqual(52.5);
    expect(r.rps).toBeGreaterThan(18);
    expect(r.rps).toBeLessThan(22);
    expect(r.buckets.reduce((s, b) => s + b.count, 0)).toBe(r.count);
  });
});

describe('failures, bounds and stopping', () => {
  it('a refused target becomes errors, not a crash', async () => {
    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const r = await runLoad({ request: { method: 'GET', url: `http://127.0.0.1:${port}/` }, model: { kind: 'open', rate: 50 }, durationMs: 400 });
    expect(r.count).toBeGreaterThan(10);
    expect(r.errorRate).toBe(1);
    expect(r.errorKinds.refused).toBe(r.count);
    expect(r.errorSamples.refused).toMatch(/ECONNREFUSED/);
  });

  it('a target slower than the timeout gives timeout errors', async () => {
    const base = await serve(() => {}); // never answers
    const r = await runLoad({ request: { method: 'GET', url: `${base}/` }, model: { kind: 'open', rate: 20 }, durationMs: 300, timeoutMs: 300 });
    expect(r.count).toBeGreaterThan(3);
    expect(r.errorKinds.timeout).toBe(r.count);
  });

  it('counts 4xx/5xx as errors by status class and renders unique data per request', async () => {
    const seen = new Set<string>();
    const base = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.add(body);
        res.statusCode = seen.size % 4 === 0 ? 500 : 201;
        res.end();
      });
    });
    const r = await runLoad({
      request: { method: 'POST', url: `${base}/signup`, body: '{"email":"u{{seq}}-{{rand}}@x.test"}' },
      model: { kind: 'closed', vus: 2 },
      durationMs: 5_000,
      maxRequests: 40,
    });
    expect(r.count).toBe(40);
    expect(r.stopped).toBe('count');
    expect(seen.size).toBe(40);
    expect(r.statusClasses['5xx']).toBe(10);
    expect(r.errors).toBe(10);
  });

  it('a closed-model run bounded by maxRequests sends exactly that many, run after run', { timeout: 60_000 }, async () => {
    // Node timers fire up to ~1.5 ms early; a virtual user that started before the measured window
    // sent a request that was neither counted nor bounded (about one run in twenty did, before).
    let seen = 0;
    const base = await serve((_q, res) => {
      seen++;
      res.end('ok');
    });
    const mismatches: string[] = [];
    for (let i = 0; i < 20; i++) {
      seen = 0;
      const r = await runLoad({ request: { method: 'GET', url: `${base}/` }, model: { kind: 'closed', vus: 4 }, durationMs: 5_000, maxRequests: 8 });
      if (r.count !== 8 || seen !== 8) mismatches.push(`run ${i}: counted ${r.count}, server saw ${seen}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('stops within a second of an abort and returns what was measured, with progress on the way', { retry: 2 }, async () => {
    const base = await serve(holdFor(5));
    const ac = new AbortController();
    const progress: number[] = [];
    // Abort 500 ms after the first measured progress report, so a slow worker start-up (tsx from
    // sources on a busy machine) cannot eat the measured window.
    let abortAt = 0;
    const r = await runLoad({
      request: { method: 'GET', url: `${base}/` },
      model: { kind: 'open', rate: 100 },
      durationMs: 20_000,
      signal: ac.signal,
      progressMs: 200,
      onProgress: (p) => {
        progress.push(p.count);
        if (!abortAt && p.count > 0) {
          abortAt = Date.now() + 500;
          setTimeout(() => ac.abort(), 500);
        }
      },
    });
    expect(abortAt).toBeGreaterThan(0);
    expect(Date.now() - abortAt).toBeLessThan(1000);
    expect(r.stopped).toBe('aborted');
    expect(r.count).toBeGreaterThan(5);
    expect(progress.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses rates and durations beyond the hard caps', async () => {
    await expect(runLoad({ request: { method: 'GET', url: 'http://127.0.0.1:1/' }, model: { kind: 'open', rate: 1e9 }, durationMs: 100 })).rejects.toThrow(/rate/);
    await expect(runLoad({ request: { method: 'GET', url: 'http://127.0.0.1:1/' }, model: { kind: 'open', rate: 1 }, durationMs: 1e9 })).rejects.toThrow(/duration/);
  });

  it('by default keeps a core for a target on loopback and uses every core for a remote one', () => {
    const heavy = { request: { method: 'GET', url: 'http://x.test/' }, model: { kind: 'closed' as const, vus: 64 }, durationMs: 1000 };
    expect(defaultWorkers(heavy, '127.0.0.1', 2)).toBe(1);
    expect(defaultWorkers(heavy, '::1', 8)).toBe(7);
    expect(defaultWorkers(heavy, 'localhost', 1)).toBe(1);
    expect(defaultWorkers(heavy, '203.0.113.7', 2)).toBe(2);
    expect(defaultWorkers(heavy, '128.0.0.1', 4)).toBe(4);
    // Light loads stay on one worker wherever the target is.
    expect(defaultWorkers({ ...heavy, model: { kind: 'open', rate: 50 } }, '203.0.113.7', 8)).toBe(1);
    expect(isLoopbackHost('[::ffff:127.0.0.2]')).toBe(true);
    expect(isLoopbackHost('app.localhost')).toBe(true);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
  });

  it('spreads heavy load over two worker threads and merges their histograms', async () => {
    const base = await serve((_q, res) => res.end('ok'));
    const r = await runLoad({ request: { method: 'GET', url: `${base}/` }, model: { kind: 'open', rate: 400 }, durationMs: 500, workers: 2 });
    expect(r.workers).toBe(2);
    expect(r.count).toBeGreaterThanOrEqual(190);
    expect(r.count).toBeLessThanOrEqual(202);
    expect(r.buckets.reduce((s, b) => s + b.count, 0)).toBe(r.count);
  });
});
