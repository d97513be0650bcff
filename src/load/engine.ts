/**
 * The load engine: splits a run over worker threads (src/load/worker.ts), starts them together,
 * merges their HDR histograms, reports live progress, and stops within a second on abort while
 * still returning what was measured.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/errors.js';
import { encodeHistogram, mergeHistograms, summarize, toBuckets } from './histogram.js';
import type { LoadOptions, LoadProgress, LoadResult, MainMessage, WorkerJob, WorkerMessage, WorkerTally } from './types.js';

/** Hard caps, whatever the caller asks (safety: a typo must not become a denial of service). */
export const HARD_CAPS = { maxRate: 20_000, maxVus: 2_000, maxDurationMs: 10 * 60_000, maxWorkers: 16 };

/** Splits an absolute URL into a literal origin and a path template. */
export function splitUrl(url: string): { origin: string; path: string; protocol: 'http:' | 'https:'; hostname: string; port: number } {
  const m = /^(https?):\/\/([^/?#]+)(.*)$/i.exec(url);
  if (!m) throw new UsageError(`load URL "${url}" must be absolute http:// or https://`);
  if (/\{\{/.test(m[2]!)) throw new UsageError(`load URL "${url}": the host cannot hold a {{placeholder}}`);
  const u = new URL(`${m[1]}://${m[2]}/`);
  const protocol = u.protocol as 'http:' | 'https:';
  return {
    origin: u.origin,
    path: m[3] && m[3].startsWith('/') ? m[3] : `/${m[3] ?? ''}`,
    protocol,
    hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(u.port) || (protocol === 'https:' ? 443 : 80),
  };
}

/**
 * How to start a worker. From the compiled package it is `worker.js` beside this file; from the
 * TypeScript sources (tests, `bin/launchready.js` without dist/) the worker is started through tsx's
 * API, because worker threads do not inherit the parent's module loader hooks.
 */
function spawnWorker(job: WorkerJob): Worker {
  const here = import.meta.url;
  // tsImport adds a query (?tsx-namespace=...) to module URLs: look at the path only.
  if (new URL(here).pathname.endsWith('.ts')) {
    const require = createRequire(here);
    const tsxApi = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
    const workerUrl = new URL('./worker.ts', here).href;
    const code = `import(${JSON.stringify(tsxApi)}).then((m) => m.tsImport(${JSON.stringify(workerUrl)}, ${JSON.stringify(here)}))`;
    return new Worker(code, { eval: true, workerData: job });
  }
  return new Worker(new URL('./worker.js', here), { workerData: job });
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost: a target that shares this machine's cores. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * One worker for light loads; for heavy ones, one per core, except that a target on this machine
 * (loopback) keeps a core for itself: on 2 cores against nginx on loopback, one worker made 146k
 * req/s and two 120k (bench/load.ts), because the second worker takes CPU from the target.
 */
export function defaultWorkers(o: LoadOptions, connectHost: string, cores = availableParallelism()): number {
  const heavy = o.model.kind === 'open' ? o.model.rate >= 1_000 : o.model.vus >= 16 && !(o.model.thinkMs && o.model.thinkMs > 0);
  if (!heavy) return 1;
  return Math.max(1, Math.min(isLoopbackHost(connectHost) ? cores - 1 : cores, HARD_CAPS.maxWorkers));
}

function validate(o: LoadOptions): void {
  if (o.model.kind === 'open' && !(o.model.rate > 0 && o.model.rate <= HARD_CAPS.maxRate)) {
    throw new UsageError(`rate ${o.model.rate}/s is outside 0 < rate <= ${HARD_CAPS.maxRate}`);
  }
  if (o.model.kind === 'closed' && !(Number.isInteger(o.model.vus) && o.model.vus >= 1 && o.model.vus <= HARD_CAPS.maxVus)) {
    throw new UsageError(`vus ${o.model.vus} is outside 1..${HARD_CAPS.maxVus}`);
  }
  if (!(o.durationMs > 0 && o.durationMs <= HARD_CAPS.maxDurationMs)) {
    throw new UsageError(`duration ${o.durationMs} ms is outside 0 < duration <= ${HARD_CAPS.maxDurationMs} ms`);
  }
}

/** Sums worker tallies (histograms merged). */
function mergeTallies(ts: WorkerTally[]) {
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  const statusClasses: Record<string, number> = {};
  const errorKinds: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  let count = 0, errors = 0, bytes = 0, warmupCount = 0;
  let firstAt: number | null = null, lastAt: number | null = null;
  for (const t of ts) {
    count += t.count;
    errors += t.errors;
    bytes += t.bytes;
    warmupCount += t.warmupCount;
    add(statusClasses, t.statusClasses);
    add(errorKinds, t.errorKinds);
    for (const [k, v] of Object.entries(t.errorSamples)) errorSamples[k] ??= v;
    if (t.firstAt !== null) firstAt = firstAt === null ? t.firstAt : Math.min(firstAt, t.firstAt);
    if (t.lastAt !== null) lastAt = lastAt === null ? t.lastAt : Math.max(lastAt, t.lastAt);
  }
  return { count, errors, bytes, warmupCount, statusClasses, errorKinds, errorSamples, firstAt, lastAt, hist: mergeHistograms(ts.map((t) => t.histogram)) };
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  validate(o);
  const target = splitUrl(o.request.url);
  const n = Math.max(1, Math.min(o.workers ?? defaultWorkers(o, o.connect?.host ?? target.hostname), HARD_CAPS.maxWorkers, o.model.kind === 'closed' ? o.model.vus : Infinity));
  const timeoutMs = o.timeoutMs ?? 10_000;
  const warmupMs = o.warmupMs ?? 0;
  const headers: Record<string, string> = { 'user-agent': 'launchready-load', ...lower(o.request.headers ?? {}) };
  if (o.request.body !== undefined && !headers['content-type'] && /^\s*[[{]/.test(o.request.body)) headers['content-type'] = 'application/json';
  delete headers.host;

  const jobs: WorkerJob[] = [];
  for (let i = 0; i < n; i++) {
    const share = (total: number) => Math.floor(total / n) + (i < total % n ? 1 : 0);
    const model: WorkerJob['model'] =
      o.model.kind === 'open'
        ? { kind: 'open', rate: o.model.rate / n, offsetMs: (i * 1000) / o.model.rate }
        : { kind: 'closed', vus: share(o.model.vus), thinkMs: o.model.thinkMs ?? 0, vuBase: jobs.reduce((s, j) => s + (j.model.kind === 'closed' ? j.model.vus : 0), 0) + 1 };
    const vus = model.kind === 'closed' ? model.vus : 0;
    jobs.push({
      index: i,
      count: n,
      origin: target.origin,
      connect: o.connect ?? { host: target.hostname, port: target.port },
      tls: target.protocol === 'https:' ? { servername: isIpLiteral(target.hostname) ? undefined : target.hostname, caPem: o.caPem } : null,
      method: o.request.method.toUpperCase(),
      path: target.path,
      headers,
      body: o.request.body ?? null,
      model,
      warmupMs,
      durationMs: o.durationMs,
      maxRequests: o.maxRequests === undefined ? null : share(o.maxRequests),
      timeoutMs,
      connections: o.connections ?? (model.kind === 'closed' ? Math.max(1, vus) : 64),
      maxInFlight: 10_000,
      progressMs: o.onProgress ? (o.progressMs ?? 500) : null,
      client: o.client ?? 'h1',
    });
  }

  const workers = jobs.map(spawnWorker);
  const latest: (WorkerTally | null)[] = jobs.map(() => null);
  const finals: (WorkerTally | null)[] = jobs.map(() => null);
  let stopped: LoadResult['stopped'] = 'completed';
  let startAt = 0;
  let lastProgress = { at: 0, count: 0 };

  const send = (w: Worker, m: MainMessage) => {
    try {
      w.postMessage(m);
    } catch {
      /* worker already gone */
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      let ready = 0;
      let done = 0;
      let killTimer: NodeJS.Timeout | null = null;
      const settleAll = () => {
        if (killTimer) clearTimeout(killTimer);
        o.signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        stopped = 'aborted';
        for (const w of workers) send(w, { type: 'stop' });
        // A worker that does not answer within a second is terminated; its last progress tally is used.
        killTimer = setTimeout(() => {
          workers.forEach((w, i) => {
            if (!finals[i]) {
              finals[i] = latest[i];
              void w.terminate();
            }
          });
          settleAll();
        }, 900);
      };
      workers.forEach((w, i) => {
        w.on('message', (m: WorkerMessage) => {
          if (m.type === 'ready') {
            if (++ready === n) {
              startAt = performance.timeOrigin + performance.now() + 20;
              for (const x of workers) send(x, { type: 'start', startAt });
            }
          } else if (m.type === 'progress') {
            latest[i] = m.tally;
            if (o.onProgress && i === 0) emitProgress();
          } else if (m.type === 'done') {
            finals[i] = m.tally;
            latest[i] = m.tally;
            if (m.stopped === 'count' && stopped === 'completed') stopped = 'count';
            if (++done === n) settleAll();
          } else if (m.type === 'fatal') {
            reject(new Error(`load worker ${i} failed: ${m.message}`));
          }
        });
        w.on('error', (e) => reject(e));
      });
      if (o.signal?.aborted) onAbort();
      else o.signal?.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  }

  function emitProgress(): void {
    const have = latest.filter((t): t is WorkerTally => t !== null);
    const m = mergeTallies(have);
    const now = performance.timeOrigin + performance.now();
    const elapsedMs = Math.max(0, now - startAt);
    const done = m.count + m.warmupCount;
    const currentRps = lastProgress.at ? ((done - lastProgress.count) * 1000) / Math.max(1, now - lastProgress.at) : 0;
    lastProgress = { at: now, count: done };
    const p: LoadProgress = {
      elapsedMs,
      count: m.count,
      errors: m.errors,
      currentRps: Math.round(currentRps * 10) / 10,
      p95: m.hist.totalCount > 0 ? Math.round(m.hist.getValueAtPercentile(95)) / 1000 : null,
      phase: elapsedMs < warmupMs ? 'warmup' : elapsedMs < warmupMs + o.durationMs ? 'measuring' : 'draining',
    };
    o.onProgress!(p);
  }

  const m = mergeTallies(finals.filter((t): t is WorkerTally => t !== null));
  const measureFrom = startAt + warmupMs;
  // The window runs from the end of warm-up to the last completion, never longer than asked
  // (in-flight requests completing after the window do not stretch it).
  const durationMs = m.lastAt === null ? 0 : Math.min(o.durationMs, Math.max(1, m.lastAt - measureFrom));
  return {
    model: o.model,
    durationMs: Math.round(durationMs),
    count: m.count,
    errors: m.errors,
    errorRate: m.count === 0 ? 0 : m.errors / m.count,
    statusClasses: m.statusClasses,
    errorKinds: m.errorKinds,
    errorSamples: m.errorSamples,
    bytes: m.bytes,
    rps: durationMs > 0 ? Math.round((m.count * 1000 * 10) / durationMs) / 10 : 0,
    warmupCount: m.warmupCount,
    latency: summarize(m.hist),
    histogram: encodeHistogram(m.hist),
    buckets: toBuckets(m.hist),
    stopped,
    workers: n,
  };
}

function lower(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function isIpLiteral(h: string): boolean {
  return /^[\d.]+$/.test(h) || h.includes(':');
}
