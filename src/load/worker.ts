/**
 * One load-generating worker thread. It owns keep-alive connections to one origin (src/load/h1.ts,
 * or undici's Pool when asked for), schedules requests by the open or closed model, records
 * latencies into its own HDR histogram and reports a tally to the main thread (src/load/engine.ts
 * merges them).
 *
 * Sockets are opened here rather than through src/net's HttpClient because that client does one
 * exchange at a time with full bookkeeping (redirects, capped bodies), far too slow for load; the
 * connection target (after --connect-to and DNS) is resolved on the main thread with src/net and
 * passed in, so SNI, Host and certificate checks still follow the original name.
 *
 * Open model timing: request k has an intended start `startAt + offset + k * interval`. Its latency
 * is `completion - intended start` (or `completion - actual send` when it left up to LEAD_MS
 * early), so when the server stalls (or the pool is saturated), the waiting time is measured
 * instead of silently delaying the schedule (no coordinated omission).
 */
import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { Client, Dispatcher, buildConnector } from 'undici';
import { compileTemplate, isStatic, renderTemplate } from './template.js';
import { encodeHistogram, newHistogram } from './histogram.js';
import { H1Connection, H1Pool, type H1Handler, type SocketFactory } from './h1.js';
import type { MainMessage, WorkerJob, WorkerMessage, WorkerTally } from './types.js';

/** Status class keys, built once instead of per response. */
const STATUS_CLASS = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/** High-resolution epoch milliseconds, comparable across threads. */
const TIME_ORIGIN = performance.timeOrigin; // fixed for the thread's life; the getter is not free per request
const clock = (): number => TIME_ORIGIN + performance.now();

function connector(job: WorkerJob): buildConnector.connector {
  const { host, port } = job.connect;
  return (_opts, callback) => {
    let done = false;
    const finish = (err: Error | null, sock: net.Socket | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        sock?.destroy();
        callback(err, null);
      } else callback(null, sock!);
    };
    const sock: net.Socket = job.tls
      ? tls.connect({
          host,
          port,
          servername: job.tls.servername,
          ca: job.tls.caPem ? [...tls.rootCertificates, job.tls.caPem] : undefined,
          ALPNProtocols: ['http/1.1'],
        })
      : net.connect({ host, port });
    sock.setNoDelay(true);
    const timer = setTimeout(() => {
      const e = new Error(`connect to ${host}:${port} timed out after ${job.timeoutMs} ms`) as NodeJS.ErrnoException;
      e.code = 'UND_ERR_CONNECT_TIMEOUT';
      finish(e, sock);
    }, job.timeoutMs);
    sock.once('error', (e) => finish(e, sock));
    sock.once(job.tls ? 'secureConnect' : 'connect', () => {
      sock.removeAllListeners('error');
      finish(null, sock);
    });
  };
}

/**
 * Calls `fn` at `at` or just after, never before. Node timers with a fractional delay fire up to
 * ~1.5 ms early (libuv keeps whole milliseconds; measured: most of them early): a virtual user
 * started that way sent a first request before the measured window, neither counted nor bounded
 * by maxRequests. An early wake-up just waits again.
 */
function notBefore(at: number, fn: () => void): void {
  const wait = at - clock();
  if (wait <= 0) fn();
  else setTimeout(() => notBefore(at, fn), wait);
}

/** Failure kind of a request that got no response. */
function errorKind(err: unknown): string {
  const code = String((err as NodeJS.ErrnoException)?.code ?? '');
  if (code === 'ECONNREFUSED') return 'refused';
  if (code.includes('TIMEOUT') || code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return 'reset';
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO/.test(code)) return 'tls';
  return 'other';
}

/** `host: ...` and the job's headers as HTTP/1.1 header lines; refuses CR/LF (header injection). */
function h1HeaderLines(job: WorkerJob): string {
  const host = new URL(job.origin).host;
  let out = `host: ${host}\r\n`;
  for (const [k, v] of Object.entries(job.headers)) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) throw new Error(`invalid header ${JSON.stringify(k)}`);
    out += `${k}: ${v}\r\n`;
  }
  return out;
}

function run(job: WorkerJob, undici: typeof import('undici') | null): void {
  const port = parentPort!;
  const post = (m: WorkerMessage) => port.postMessage(m);
  const clientOptions = {
    pipelining: 1,
    keepAliveTimeout: 10_000,
    headersTimeout: job.timeoutMs,
    bodyTimeout: job.timeoutMs,
    connect: connector(job),
  };
  // Open model: one keep-alive Pool shared by all arrivals. Closed model: one Client (one
  // connection) per virtual user, which is what a VU is, and saves the Pool's search for a free
  // connection on every request.
  const useH1 = job.client === 'h1';
  const pool = useH1 ? null : new undici!.Pool(job.origin, { ...clientOptions, connections: job.connections });
  const vuClients: Client[] = [];
  // h1 client: sockets opened directly, requests written pre-built (see src/load/h1.ts).
  // Plain TCP reads land in one reused buffer (`onread`): no Buffer and no stream machinery per
  // read. The parser copies what it keeps, and reads are handled synchronously, so one buffer
  // serves every socket of this thread.
  const readBuffer = Buffer.allocUnsafe(64 * 1024);
  const openSocket: SocketFactory = (onData) => {
    const { host, port } = job.connect;
    let sock: net.Socket;
    if (job.tls) {
      sock = tls.connect({ host, port, servername: job.tls.servername, ca: job.tls.caPem ? [...tls.rootCertificates, job.tls.caPem] : undefined, ALPNProtocols: ['http/1.1'] });
      sock.on('data', (d: Buffer) => onData(d, d.length));
    } else {
      sock = net.connect({
        host,
        port,
        onread: {
          buffer: readBuffer,
          callback: (n: number, buf: Buffer) => {
            onData(buf, n);
            return true;
          },
        },
      });
    }
    sock.setNoDelay(true);
    return sock;
  };
  const h1Pool = useH1 ? new H1Pool(openSocket, job.connections, clock) : null;
  const vuConns: H1Connection[] = [];
  const isHead = job.method === 'HEAD';
  const idempotent = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'].includes(job.method);
  const headerLines = h1HeaderLines(job);
  const bodyExpected = job.method === 'POST' || job.method === 'PUT' || job.method === 'PATCH';
  const buildRequest = (path: string, body: string | undefined): string =>
    `${job.method} ${path} HTTP/1.1\r\n${headerLines}${body !== undefined ? `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}` : bodyExpected ? 'content-length: 0\r\n\r\n' : '\r\n'}`;
  const pathParts = compileTemplate(job.path);
  const bodyParts = job.body === null ? null : compileTemplate(job.body);
  const staticPath = isStatic(pathParts) ? job.path : null;
  const staticBody = bodyParts && isStatic(bodyParts) ? job.body : null;
  const headers = job.headers;
  // The same bytes every time when nothing in the request varies: built once, written as is.
  const staticRequest = useH1 && staticPath !== null && (bodyParts === null || staticBody !== null) ? Buffer.from(buildRequest(staticPath, staticBody ?? undefined)) : null;

  const hist = newHistogram();
  const t: Omit<WorkerTally, 'histogram'> = {
    count: 0, errors: 0, statusClasses: {}, errorKinds: {}, errorSamples: {}, bytes: 0, warmupCount: 0, firstAt: null, lastAt: null,
  };
  const tally = (): WorkerTally => ({ ...t, statusClasses: { ...t.statusClasses }, errorKinds: { ...t.errorKinds }, errorSamples: { ...t.errorSamples }, histogram: encodeHistogram(hist) });

  let startAt = 0;
  let measureFrom = 0;
  let endAt = 0;
  let stopped = false;
  let stopReason: 'completed' | 'count' | 'aborted' = 'completed';
  let inFlight = 0;
  let seq = 0;
  let sentMeasured = 0;
  let schedulingDone = false;
  let finished = false;
  let onIdle: (() => void) | null = null;

  const fail = (kind: string, message: string) => {
    t.errors++;
    t.errorKinds[kind] = (t.errorKinds[kind] ?? 0) + 1;
    t.errorSamples[kind] ??= message.slice(0, 200);
  };

  /**
   * Sends one request; `origin` is the time latency counts from (in the open model the intended
   * start, or the actual send when that is earlier; the actual send in the closed one) and `slot`
   * the intended start (warm-up or measured). Calls `after` when it completes, with whether it
   * got a response.
   */
  const send = (origin: number, vu: number, after: (responded: boolean) => void, via?: Dispatcher | H1Connection, slot = origin): void => {
    const n = seq++ * job.count + job.index;
    const measured = slot >= measureFrom;
    if (measured) sentMeasured++;
    let status = 0;
    let bytes = 0;
    let settled = false;
    inFlight++;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      inFlight--;
      const now = clock();
      if (stopped && stopReason === 'aborted') {
        // Measurement ended: this request's timing would be cut by the abort, leave it out.
      } else if (!measured) {
        t.warmupCount++;
      } else {
        t.count++;
        t.firstAt ??= now;
        t.lastAt = now;
        if (err && status === 0) fail(errorKind(err), `${(err as NodeJS.ErrnoException).code ?? err.name}: ${err.message}`);
        else {
          hist.recordValue(Math.max(1, Math.round((now - origin) * 1000)));
          const cls = STATUS_CLASS[Math.floor(status / 100)] ?? `${Math.floor(status / 100)}xx`;
          t.statusClasses[cls] = (t.statusClasses[cls] ?? 0) + 1;
          t.bytes += bytes;
          if (err) fail(errorKind(err), `${(err as NodeJS.ErrnoException).code ?? err.name}: ${err.message}`);
          else if (status >= 400) t.errors++;
        }
      }
      after(status > 0 && !err);
      if (inFlight === 0 && onIdle) onIdle();
    };
    if (useH1) {
      const h: H1Handler = {
        onHeaders(statusCode) {
          status = statusCode;
        },
        onBody(n) {
          bytes += n;
        },
        onComplete() {
          settle(null);
        },
        onError(err) {
          settle(err);
        },
      };
      try {
        const data = staticRequest ?? buildRequest(staticPath ?? renderTemplate(pathParts, { seq: n, vu }), bodyParts ? (staticBody ?? renderTemplate(bodyParts, { seq: n, vu })) : undefined);
        // A virtual user's connection (closed model): `origin` is the send time, just read.
        if (via instanceof H1Connection) via.request(data, isHead, h, origin, idempotent);
        else h1Pool!.request(data, isHead, h, idempotent);
      } catch (err) {
        settle(err as Error);
      }
      return;
    }
    const path = staticPath ?? renderTemplate(pathParts, { seq: n, vu });
    const body = bodyParts ? (staticBody ?? renderTemplate(bodyParts, { seq: n, vu })) : undefined;
    // undici's callback handler (the form Pool.dispatch accepts directly): no stream, no promise
    // per request, which is what lets one thread generate tens of thousands of requests per second.
    const handler: Dispatcher.DispatchHandler = {
      onConnect() {},
      onHeaders(statusCode) {
        status = statusCode;
        return true;
      },
      onData(chunk) {
        bytes += chunk.length;
        return true;
      },
      onComplete() {
        settle(null);
      },
      onError(err) {
        settle(err);
      },
    };
    try {
      ((via as Dispatcher | undefined) ?? pool!).dispatch({ origin: job.origin, path, method: job.method as Dispatcher.HttpMethod, headers, body }, handler);
    } catch (err) {
      settle(err as Error);
    }
  };

  const countReached = () => job.maxRequests !== null && sentMeasured >= job.maxRequests;

  const finish = () => {
    if (finished) return;
    finished = true;
    if (progressTimer) clearInterval(progressTimer);
    if (sweepTimer) clearInterval(sweepTimer);
    post({ type: 'done', tally: tally(), stopped: stopReason });
    pool?.destroy().catch(() => {});
    for (const c of vuClients) c.destroy().catch(() => {});
    h1Pool?.close();
    for (const c of vuConns) c.close();
  };

  /** After the last request is scheduled: wait for in-flight ones, bounded by the request timeout. */
  const drain = () => {
    if (schedulingDone) return;
    schedulingDone = true;
    if (inFlight === 0) return finish();
    onIdle = finish;
    const grace = stopReason === 'aborted' ? 200 : job.timeoutMs + 1_000;
    setTimeout(() => {
      // Still unanswered past the deadline: undici's own timeouts should have fired; count them.
      if (!finished && stopReason !== 'aborted') for (let i = 0; i < inFlight; i++) fail('timeout', `no response within ${job.timeoutMs} ms`);
      finish();
    }, grace).unref();
  };

  // ---------------------------------------------------------------- open model
  /**
   * Timers fire up to ~1.5 ms off, early or late (libuv keeps time in whole milliseconds; early
   * wake-ups just sleep again), and a request that leaves late has that lateness added to its latency (latency counts from the intended start,
   * so a late send is never hidden, but it is the generator's delay, not the target's). Spinning
   * through setImmediate until the exact moment is precise but, at high rates, never ends (we
   * measured one core per worker busy at 1,000 req/s, taken from a target on the same machine).
   * So a request may leave up to LEAD_MS before its slot, and its latency then counts from the
   * moment it actually left: the worker sleeps with a timer aimed LEAD_MS early, and each
   * completion also sends what has come due. A request that still leaves late (a busy machine)
   * counts from its slot, as before. The arrival rate is unchanged; arrivals are bunched by at
   * most LEAD_MS, as with wrk2's millisecond timers.
   */
  const LEAD_MS = 2;
  const runOpen = (rate: number, offsetMs: number) => {
    const interval = 1000 / rate;
    let k = 0;
    let nextDue = startAt + offsetMs;
    let over = false;
    /** Sends every request whose slot is within LEAD_MS of `now`; false once scheduling is over. */
    const pump = (now: number): boolean => {
      if (over) return false;
      if (stopped) {
        over = true;
        drain();
        return false;
      }
      for (;;) {
        const due = startAt + offsetMs + k * interval;
        if (due >= endAt || countReached()) {
          if (countReached()) stopReason = 'count';
          over = true;
          drain();
          return false;
        }
        if (due > now + LEAD_MS) {
          nextDue = due;
          return true;
        }
        k++;
        if (inFlight >= job.maxInFlight) {
          // The target holds more requests than we allow outstanding: k6's "dropped iteration".
          if (due >= measureFrom) {
            t.count++;
            sentMeasured++;
            fail('dropped', `more than ${job.maxInFlight} requests outstanding`);
          }
          continue;
        }
        send(Math.min(due, now), job.index, afterResponse, undefined, due);
      }
    };
    const afterResponse = () => {
      if (over) return;
      const now = clock();
      if (now + LEAD_MS >= nextDue) pump(now);
    };
    const tick = () => {
      if (!pump(clock())) return;
      setTimeout(tick, Math.max(1, nextDue - LEAD_MS - clock()));
    };
    tick();
  };

  // ---------------------------------------------------------------- closed model
  const runClosed = (vus: number, thinkMs: number, vuBase: number) => {
    let active = vus;
    const vuDone = () => {
      if (--active === 0) drain();
    };
    for (let v = 0; v < vus; v++) {
      const vu = vuBase + v;
      let client: Client | H1Connection;
      if (useH1) vuConns.push((client = new H1Connection(openSocket)));
      else vuClients.push((client = new undici!.Client(job.origin, clientOptions)));
      const loop = () => {
        if (stopped || clock() >= endAt) return vuDone();
        if (countReached()) {
          stopReason = 'count';
          return vuDone();
        }
        const begin = clock();
        send(begin, vu, (responded) => {
          // A refused connection answers in microseconds; back off so a dead target is not a busy loop.
          const pause = responded ? thinkMs : Math.max(thinkMs, 10);
          // No think time: send the next request straight from the completion callback (a
          // setImmediate hop per request costs a third of the throughput); dispatch is asynchronous,
          // so this never recurses.
          if (pause > 0) setTimeout(loop, pause);
          else loop();
        }, client);
      };
      // Before the start time, wait (VUs start together).
      notBefore(startAt, loop);
    }
  };

  let progressTimer: NodeJS.Timeout | null = null;
  // h1: one coarse timer enforces the request deadline for every connection (no timer per request).
  let sweepTimer: NodeJS.Timeout | null = null;
  if (useH1) {
    sweepTimer = setInterval(() => {
      const now = clock();
      h1Pool!.sweep(now, job.timeoutMs);
      for (const c of vuConns) {
        if (c.busy && now - c.sentAt > job.timeoutMs) {
          const e = new Error(`no response within ${job.timeoutMs} ms`) as NodeJS.ErrnoException;
          e.code = 'UND_ERR_HEADERS_TIMEOUT';
          c.abort(e);
        }
      }
    }, Math.min(250, Math.max(20, job.timeoutMs / 4)));
    sweepTimer.unref();
  }
  port.on('message', (m: MainMessage) => {
    if (m.type === 'start') {
      startAt = m.startAt;
      measureFrom = startAt + job.warmupMs;
      endAt = measureFrom + job.durationMs;
      if (job.progressMs) progressTimer = setInterval(() => post({ type: 'progress', tally: tally() }), job.progressMs);
      notBefore(startAt, () => {
        if (job.model.kind === 'open') runOpen(job.model.rate, job.model.offsetMs);
        else runClosed(job.model.vus, job.model.thinkMs, job.model.vuBase);
      });
    } else if (m.type === 'stop') {
      stopped = true;
      stopReason = 'aborted';
      // In-flight requests are abandoned: the caller asked to stop within a second.
      if (schedulingDone || inFlight === 0) finish();
      else {
        drain();
        setTimeout(finish, 200).unref();
      }
    }
  });
  post({ type: 'ready' });
}

try {
  const job = workerData as WorkerJob;
  // undici only when asked for: the default h1 client does not need it (start-up time and memory).
  run(job, job.client === 'undici' ? await import('undici') : null);
} catch (err) {
  parentPort?.postMessage({ type: 'fatal', message: String((err as Error)?.message ?? err) } satisfies WorkerMessage);
}
