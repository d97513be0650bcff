/**
 * The monitor at scale: 10,000 http checks against loopback servers through the real scheduler
 * (runMonitor / Monitor), the alerter and a store, SQLite and PostgreSQL, next to a plain undici
 * loop doing the same requests (no uptime monitor that runs here installs from npm: Uptime Kuma and
 * Gatus ship as applications, not packages, so the baseline is the floor any monitor pays).
 *
 *   npm run bench:monitor                       # 10,000 checks, 15 s steady window per store
 *   npm run bench:monitor -- --checks 2000 --window 10
 *
 * Per store, two phases, each in its own child process (so RSS and CPU are that phase's own):
 * - burst:  every check due at once, one round, 64 at a time -> max checks/s, DB size.
 * - steady: 60 s interval with 60 s jitter, i.e. the issue's target load (10,000 checks a minute,
 *           ~167/s) for `--window` seconds through runMonitor -> checks/s, scheduler lag p99
 *           (start time minus due time), CPU % of one core, peak RSS.
 * - dashboard: the store holding a run of every check (and 24 h of runs for the first page's 100
 *           checks, so its charts are full), the dashboard server on 127.0.0.1: time to the full
 *           first page (`GET /` with the bearer token) next to a static page of the same size served
 *           by the same fastify server, sequential requests -> p50/p95 and the ratio (target: first
 *           page under 200 ms with 10,000 checks).
 *   npm run bench:monitor -- --phases dashboard   # only that phase (also: burst, steady)
 * The targets run in a separate process (4 ports, JSON 200), so they do not count toward CPU/RSS.
 * Everything listens on 127.0.0.1. PostgreSQL: 127.0.0.1:5432, a throwaway schema, dropped after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Agent, request } from 'undici';
import { configSchema } from '../src/config/schema.js';
import { Monitor, runMonitor } from '../src/monitor/monitor.js';
import { PgStore } from '../src/monitor/postgres.js';
import { SqliteStore } from '../src/monitor/sqlite.js';
import type { MonitorStore } from '../src/monitor/store.js';
import { createNet, defaultNetOptions } from '../src/net/index.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const CHECKS = Number(arg('checks', '10000'));
const WINDOW_S = Number(arg('window', '15'));
const CONCURRENCY = 64;
const PHASES = arg('phases', 'burst,steady,dashboard').split(',');
const PAGE_REQUESTS = 40;
const PG_BASE = 'postgres://postgres@127.0.0.1:5432/test';

interface PhaseResult {
  phase: string;
  store: string;
  runs: number;
  seconds: number;
  checksPerSec: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  cpuPct: number;
  rssPeakMb: number;
  dbBytes: number | null;
}

function pct(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** Samples RSS every 100 ms and measures CPU over the phase. */
function meter() {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  return () => {
    clearInterval(timer);
    const c = process.cpuUsage(cpu0);
    const wall = performance.now() - t0;
    return { cpuPct: ((c.user + c.system) / 1000 / wall) * 100, rssPeakMb: Math.max(peak, process.memoryUsage.rss()) / 1048576 };
  };
}

// ------------------------------------------------------------------ targets (own process)

const TARGET_JS = `
const http = require('node:http');
const body = JSON.stringify({ status: 'ok' });
Promise.all([0, 1, 2, 3].map(() => new Promise((res) => {
  const s = http.createServer((req, rsp) => { rsp.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); rsp.end(body); });
  s.keepAliveTimeout = 10000;
  s.listen(0, '127.0.0.1', () => res(s.address().port));
}))).then((ports) => process.stdout.write(JSON.stringify(ports) + '\\n'));
`;

async function startTargets(): Promise<{ ports: number[]; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', TARGET_JS], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ports = await new Promise<number[]>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as number[]));
    child.once('exit', (code) => reject(new Error(`target process exited (${code})`)));
  });
  return { ports, child };
}

const urls = (ports: number[]) => Array.from({ length: CHECKS }, (_, i) => `http://127.0.0.1:${ports[i % ports.length]}/c/${i}`);

function monitorConfig(ports: number[], store: string, interval: string, jitter: string) {
  return configSchema.parse({
    monitor: {
      store,
      defaults: { interval, jitter, timeout: '10s' },
      checks: urls(ports).map((url, i) => ({ id: `c${i}`, kind: 'http', url, conditions: ['[STATUS] == 200', '[BODY].status == ok'] })),
    },
  });
}

// ------------------------------------------------------------------ phases (child processes)

function openStore(kind: string, location: string): MonitorStore & { sizeBytes(): number } {
  return kind === 'postgres' ? new PgStore(location) : new SqliteStore(location);
}

async function phaseMonitor(kind: string, phase: 'burst' | 'steady', location: string, ports: number[]): Promise<PhaseResult> {
  const net = createNet({ ...defaultNetOptions(), timeoutMs: 10_000 });
  const store = openStore(kind, location);
  const lags: number[] = [];
  let runs = 0;
  const onStart = (_id: string, lag: number) => {
    lags.push(lag);
    runs++;
  };
  const stop = meter();
  const t0 = performance.now();
  if (phase === 'burst') {
    const cfg = monitorConfig(ports, location, '1h', '0s');
    const mon = new Monitor({ config: cfg.monitor!, net, store, concurrency: CONCURRENCY, onStart });
    await mon.tick({ wait: true });
  } else {
    const cfg = monitorConfig(ports, location, '60s', '60s');
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), WINDOW_S * 1000);
    await runMonitor(cfg, { signal: ac.signal, net, baseDir: tmpdir(), store, leadership: null, onStart });
    clearTimeout(timer);
  }
  const seconds = (performance.now() - t0) / 1000;
  const m = stop();
  const dbBytes = store.sizeBytes();
  store.close();
  await net.close();
  return { phase, store: kind, runs, seconds, checksPerSec: runs / seconds, lagP50Ms: pct(lags, 50), lagP99Ms: pct(lags, 99), ...m, dbBytes };
}

async function phaseBaseline(phase: 'burst' | 'steady', ports: number[]): Promise<PhaseResult> {
  // The same requests with the same connection settings as src/net/http.ts, and nothing else.
  const agent = new Agent({ connections: 16, keepAliveTimeout: 4_000 });
  const list = urls(ports);
  const lags: number[] = [];
  let runs = 0;
  const get = async (url: string) => {
    const r = await request(url, { dispatcher: agent });
    const body = await r.body.text();
    if (r.statusCode !== 200 || (JSON.parse(body) as { status: string }).status !== 'ok') throw new Error(`unexpected ${r.statusCode}`);
    runs++;
  };
  const stop = meter();
  const t0 = performance.now();
  if (phase === 'burst') {
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < list.length) {
        const u = list[next++]!;
        lags.push(performance.now() - t0);
        await get(u);
      }
    }));
  } else {
    // Each URL once at a random point of the minute, as the monitor's jitter spreads them.
    const pending: Promise<void>[] = [];
    const timers = list.map((u) => {
      const due = Math.random() * 60_000;
      return setTimeout(() => {
        lags.push(performance.now() - t0 - due);
        pending.push(get(u));
      }, due);
    });
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
    timers.forEach(clearTimeout);
    await Promise.all(pending);
  }
  const seconds = (performance.now() - t0) / 1000;
  const m = stop();
  await agent.close();
  return { phase, store: 'none (undici loop)', runs, seconds, checksPerSec: runs / seconds, lagP50Ms: phase === 'steady' ? pct(lags, 50) : null, lagP99Ms: phase === 'steady' ? pct(lags, 99) : null, ...m, dbBytes: null };
}

// ------------------------------------------------------------------ dashboard (child process)

interface DashboardResult {
  phase: 'dashboard';
  store: string;
  checks: number;
  pageBytes: number;
  coldMs: number;
  pageP50Ms: number;
  pageP95Ms: number;
  staticP50Ms: number;
  staticP95Ms: number;
}

async function phaseDashboard(kind: string, location: string, ports: number[]): Promise<DashboardResult> {
  const { createDashboard } = await import('../src/monitor/dashboard.js');
  const store = openStore(kind, location);
  const cfg = monitorConfig(ports, location, '60s', '60s').monitor!;
  const now = Date.now();
  // A run of every check in the last minute; 24 h of runs every 16 min for the first page's checks.
  store.transaction(() => {
    cfg.checks.forEach((c, i) => {
      const first = i < 100;
      for (let k = first ? 89 : 0; k >= 0; k--) store.recordRun({ checkId: c.id, at: now - 30_000 - k * 16 * 60_000 - (i % 1000), ok: i % 97 !== 0, durationMs: 5 + (i % 50), conditions: [] });
    });
  });
  store.getMeta('ack_secret'); // waits for the queued writes (PostgreSQL)
  const token = 'bench-token';
  const app = createDashboard({ config: cfg, store, token });
  let staticBody = '';
  app.get('/bench-static', async (_req, reply) => reply.type('text/html').send(staticBody));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const agent = new Agent({ connections: 1 });
  const get = async (path: string) => {
    const t0 = performance.now();
    const r = await request(`${url}${path}`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
    const body = await r.body.text();
    if (r.statusCode !== 200) throw new Error(`GET ${path}: ${r.statusCode}`);
    return { ms: performance.now() - t0, body };
  };
  const cold = await get('/');
  if (!cold.body.includes(`Checks (${CHECKS})`)) throw new Error('first page does not list the checks');
  staticBody = cold.body;
  const page: number[] = [];
  const stat: number[] = [];
  for (let i = 0; i < PAGE_REQUESTS; i++) {
    page.push((await get('/')).ms);
    stat.push((await get('/bench-static')).ms);
  }
  await app.close();
  await agent.close();
  store.close();
  return { phase: 'dashboard', store: kind, checks: CHECKS, pageBytes: Buffer.byteLength(cold.body), coldMs: cold.ms, pageP50Ms: pct(page, 50)!, pageP95Ms: pct(page, 95)!, staticP50Ms: pct(stat, 50)!, staticP95Ms: pct(stat, 95)! };
}

// ------------------------------------------------------------------ driver

async function child(): Promise<void> {
  const [kind, phase, location, portsJson] = [arg('store', ''), arg('phase', '') as 'burst' | 'steady', arg('location', ''), arg('ports', '[]')];
  const ports = JSON.parse(portsJson) as number[];
  const r = (phase as string) === 'dashboard' ? await phaseDashboard(kind, location, ports) : kind === 'baseline' ? await phaseBaseline(phase, ports) : await phaseMonitor(kind, phase, location, ports);
  process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
  process.exit(0);
}

function runChild<R = PhaseResult>(args: string[]): Promise<R> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', ...args, '--checks', String(CHECKS), '--window', String(WINDOW_S)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    c.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)) as R);
      else reject(new Error(`bench phase ${args.join(' ')} failed (exit ${code}): ${out.slice(-500)}`));
    });
  });
}

async function main(): Promise<void> {
  const { ports, child: targets } = await startTargets();
  const dir = mkdtempSync(join(tmpdir(), 'lr-bench-monitor-'));
  const schema = `lr_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_BASE });
  const results: PhaseResult[] = [];
  const pages: DashboardResult[] = [];
  try {
    await admin.connect();
    const common = ['--ports', JSON.stringify(ports)];
    for (const phase of (['burst', 'steady'] as const).filter((p) => PHASES.includes(p))) {
      results.push(await runChild(['--store', 'baseline', '--phase', phase, ...common]));
      // A fresh store per phase (the burst one is kept for its size).
      results.push(await runChild(['--store', 'sqlite', '--phase', phase, '--location', join(dir, `${phase}.db`), ...common]));
      results.push(await runChild(['--store', 'postgres', '--phase', phase, '--location', `${PG_BASE}?schema=${schema}_${phase}`, ...common]));
    }
    if (PHASES.includes('dashboard')) {
      pages.push(await runChild<DashboardResult>(['--store', 'sqlite', '--phase', 'dashboard', '--location', join(dir, 'dashboard.db'), ...common]));
      pages.push(await runChild<DashboardResult>(['--store', 'postgres', '--phase', 'dashboard', '--location', `${PG_BASE}?schema=${schema}_dashboard`, ...common]));
    }
  } finally {
    for (const phase of ['burst', 'steady', 'dashboard']) await admin.query(`DROP SCHEMA IF EXISTS ${schema}_${phase} CASCADE`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    targets.kill();
    rmSync(dir, { recursive: true, force: true });
  }

  const f = (x: number | null, d = 0) => (x === null ? '–' : x.toFixed(d));
  console.log(`\nlaunchready monitor bench: ${CHECKS} http checks, 4 loopback targets in another process, ${CONCURRENCY} in flight, steady window ${WINDOW_S} s`);
  console.log('peer: none runs here (no uptime monitor installs from npm); baseline = plain undici loop, same requests');
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end (other work on the machine skews every figure)\n`);
  if (results.length) console.log('| phase | store | runs | checks/s | vs baseline | lag p50 ms | lag p99 ms | CPU % of a core | CPU ms per check | vs baseline | RSS peak MB | DB size |');
  if (results.length) console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const cpuPerRun = (r: PhaseResult) => (r.cpuPct / 100) * r.seconds * 1000 / Math.max(1, r.runs);
  for (const r of results) {
    const base = results.find((b) => b.phase === r.phase && b.store.startsWith('none'))!;
    const size = r.dbBytes === null ? '–' : `${(r.dbBytes / 1048576).toFixed(1)} MB (${Math.round(r.dbBytes / Math.max(1, r.runs))} B/run)`;
    console.log(`| ${r.phase} | ${r.store} | ${r.runs} | ${f(r.checksPerSec)} | ${(r.checksPerSec / base.checksPerSec).toFixed(2)}x | ${f(r.lagP50Ms, 1)} | ${f(r.lagP99Ms, 1)} | ${f(r.cpuPct)} | ${cpuPerRun(r).toFixed(2)} | ${(cpuPerRun(r) / cpuPerRun(base)).toFixed(1)}x | ${f(r.rssPeakMb)} | ${size} |`);
  }
  const steady = results.filter((r) => r.phase === 'steady' && !r.store.startsWith('none'));
  const fails = steady.filter((r) => (r.lagP99Ms ?? 0) > 1000 || r.cpuPct > 50 || r.rssPeakMb > 300);
  if (steady.length) console.log(`\ntargets (issue 10, steady load): lag p99 < 1000 ms, CPU < 50% of one core, RSS < 300 MB: ${fails.length ? `MISSED by ${fails.map((r) => r.store).join(', ')}` : 'met'}`);
  if (pages.length) {
    console.log(`\ndashboard first page with ${CHECKS} checks (100 per page, 24 h charts), ${PAGE_REQUESTS} sequential requests each, next to a static page of the same size from the same server:\n`);
    console.log('| store | page KB | first request ms | page p50 ms | page p95 ms | static p50 ms | static p95 ms | page / static (p50) |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const d of pages) console.log(`| ${d.store} | ${(d.pageBytes / 1024).toFixed(0)} | ${d.coldMs.toFixed(1)} | ${d.pageP50Ms.toFixed(1)} | ${d.pageP95Ms.toFixed(1)} | ${d.staticP50Ms.toFixed(1)} | ${d.staticP95Ms.toFixed(1)} | ${(d.pageP50Ms / d.staticP50Ms).toFixed(1)}x |`);
    const slow = pages.filter((d) => d.pageP95Ms >= 200);
    console.log(`\ntarget (issue 10): first page under 200 ms (p95) with ${CHECKS} checks: ${slow.length ? `MISSED by ${slow.map((d) => d.store).join(', ')}` : 'met'}`);
  }
}

if (process.argv.includes('--child')) await child();
else await main();
