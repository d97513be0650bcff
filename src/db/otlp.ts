/**
 * A minimal OTLP/HTTP trace receiver for the query profile (config `database.otlp`): the second
 * source beside pg_stat_statements / performance_schema, so any OpenTelemetry-instrumented app on
 * any database can be profiled. launchready starts it for the profile only.
 *
 * - `POST /v1/traces` with `Content-Type: application/json` (OTLP/HTTP JSON encoding: ids are hex,
 *   times are uint64 nanoseconds as strings or numbers), optionally `Content-Encoding: gzip`.
 *   Protobuf (`application/x-protobuf`) is not decoded: 415 with the exporter setting to change.
 * - Each profiled request carries a W3C `traceparent` with a fresh trace id (newTrace); only spans
 *   of those traces are kept, others are counted and dropped (bounded memory).
 * - A request's trace is complete once the app's entry span (a child of our traceparent span, or
 *   any SERVER span of the trace) arrived and no span of the trace came for QUIET_MS: batch
 *   exporters send a span after every span that ended before it, so the database spans are in.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** Largest accepted request body (after gzip). */
const MAX_BODY = 16 * 1024 * 1024;
/** Spans kept over all traces (a runaway exporter cannot exhaust memory). */
const MAX_SPANS = 200_000;
/** A trace is complete when no span of it arrived for this long after its entry span. */
const QUIET_MS = 150;

/** One received span, reduced to what the profile reads. Times are Unix nanoseconds. */
export interface TraceSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer (0 unspecified). */
  kind: number;
  start: bigint;
  end: bigint;
  /** db.query.text (semantic conventions 1.26+) or db.statement; null when neither. */
  statement: string | null;
  /** db.system.name or db.system; null when neither. */
  system: string | null;
}

/** The receiver cannot listen (address in use, bad host...). */
export class OtlpListenError extends Error {
  override name = 'OtlpListenError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TraceContext {
  traceId: string;
  spanId: string;
  /** W3C traceparent header value: `00-<traceId>-<spanId>-01` (sampled). */
  traceparent: string;
}

export interface OtlpReceiver {
  /** host:port actually bound. */
  address: string;
  /** http://host:port/v1/traces */
  endpoint: string;
  /** A fresh trace for one profiled request; spans of this trace id are kept from now on. */
  newTrace(): TraceContext;
  /** Spans received so far for one of our traces. */
  spans(traceId: string): TraceSpan[];
  /** Waits until each trace is complete (see above) or `timeoutMs` passed; returns the trace ids still incomplete. */
  waitFor(traces: TraceContext[], timeoutMs: number, signal?: AbortSignal): Promise<string[]>;
  /** Counters for messages: export requests accepted, spans kept, spans of other traces dropped, requests refused. */
  stats(): { exports: number; spans: number; foreignSpans: number; refused: number };
  close(): Promise<void>;
}

/** `host:port` -> listen arguments; `[::1]:4318` for IPv6. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(listen.trim());
  const port = Number(m?.[3]);
  if (!m || !(port >= 0 && port <= 65535)) throw new OtlpListenError('BAD_LISTEN', `"${listen}" is not host:port (e.g. 127.0.0.1:4318)`);
  return { host: m[1] ?? m[2]!, port };
}

const HEX = /^[0-9a-f]+$/i;

/** OTLP/JSON ids are hex; some exporters send the protobuf JSON mapping's base64 instead. */
export function normaliseId(v: unknown, bytes: number): string {
  if (typeof v !== 'string' || v === '') return '';
  if (v.length === bytes * 2 && HEX.test(v)) return v.toLowerCase();
  const b = Buffer.from(v, 'base64');
  return b.length === bytes ? b.toString('hex') : '';
}

function nanos(v: unknown): bigint {
  try {
    if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.round(v));
  } catch {
    /* fall through */
  }
  return 0n;
}

const KINDS: Record<string, number> = { SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5 };

interface KeyValue {
  key?: unknown;
  value?: { stringValue?: unknown } | null;
}

function attr(attrs: unknown, ...keys: string[]): string | null {
  if (!Array.isArray(attrs)) return null;
  for (const k of keys) {
    const kv = (attrs as KeyValue[]).find((a) => a?.key === k);
    const v = kv?.value?.stringValue;
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return null;
}

/** Every span of one ExportTraceServiceRequest (OTLP JSON), reduced. Exported for tests. */
export function spansOf(body: unknown): TraceSpan[] {
  const out: TraceSpan[] = [];
  const rs = (body as { resourceSpans?: unknown })?.resourceSpans;
  if (!Array.isArray(rs)) return out;
  for (const r of rs) {
    const scopes = (r as { scopeSpans?: unknown; instrumentationLibrarySpans?: unknown })?.scopeSpans ?? (r as { instrumentationLibrarySpans?: unknown })?.instrumentationLibrarySpans;
    if (!Array.isArray(scopes)) continue;
    for (const sc of scopes) {
      const spans = (sc as { spans?: unknown })?.spans;
      if (!Array.isArray(spans)) continue;
      for (const s of spans as Record<string, unknown>[]) {
        const traceId = normaliseId(s?.traceId, 16);
        const spanId = normaliseId(s?.spanId, 8);
        if (!traceId || !spanId) continue;
        const kind = typeof s.kind === 'number' ? s.kind : (KINDS[String(s.kind)] ?? 0);
        out.push({
          traceId,
          spanId,
          parentSpanId: normaliseId(s.parentSpanId, 8),
          name: typeof s.name === 'string' ? s.name : '',
          kind,
          start: nanos(s.startTimeUnixNano),
          end: nanos(s.endTimeUnixNano),
          statement: attr(s.attributes, 'db.query.text', 'db.statement'),
          system: attr(s.attributes, 'db.system.name', 'db.system'),
        });
      }
    }
  }
  return out;
}

/**
 * The queries of one request's trace: spans with a statement text. A database span whose parent is
 * a database span too (an ORM span around the driver's span) is the same query: only the outer one counts.
 */
export function queriesOf(spans: TraceSpan[]): TraceSpan[] {
  const db = new Map(spans.filter((s) => s.statement !== null).map((s) => [s.spanId, s]));
  return [...db.values()].filter((s) => !db.has(s.parentSpanId));
}

const PROTOBUF_HINT =
  "launchready's OTLP receiver reads OTLP/HTTP JSON only (Content-Type: application/json); set OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json (or OTEL_EXPORTER_OTLP_PROTOCOL) in the app, or use @opentelemetry/exporter-trace-otlp-http";

/** Starts the receiver on `listen` (host:port; port 0 picks a free one). Throws OtlpListenError. */
export async function startOtlpReceiver(listen: string): Promise<OtlpReceiver> {
  const { host, port } = parseListen(listen);
  const traces = new Map<string, { spans: TraceSpan[]; last: number }>();
  const counters = { exports: 0, spans: 0, foreignSpans: 0, refused: 0 };

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    if (status >= 400) counters.refused++;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/v1/traces') return reply(res, 404, { message: `only POST /v1/traces is served here (got ${path}); launchready receives traces, not metrics or logs` });
    if (req.method !== 'POST') return reply(res, 405, { message: 'POST OTLP/HTTP JSON to /v1/traces' });
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      req.resume();
      return reply(res, 415, { message: `unsupported Content-Type "${type || 'none'}": ${PROTOBUF_HINT}` });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) return reply(res, 413, { message: `request body over ${MAX_BODY} bytes` });
      let body: unknown;
      try {
        let raw = Buffer.concat(chunks);
        if (/gzip/i.test(String(req.headers['content-encoding'] ?? ''))) raw = gunzipSync(raw, { maxOutputLength: MAX_BODY });
        body = JSON.parse(raw.toString('utf8'));
      } catch (e) {
        return reply(res, 400, { message: `not an OTLP JSON ExportTraceServiceRequest: ${(e as Error).message}` });
      }
      counters.exports++;
      const now = Date.now();
      for (const s of spansOf(body)) {
        const t = traces.get(s.traceId);
        if (!t || counters.spans >= MAX_SPANS) {
          counters.foreignSpans++;
          continue;
        }
        t.spans.push(s);
        t.last = now;
        counters.spans++;
      }
      reply(res, 200, {});
    });
    req.on('error', () => {});
  };

  const server = createServer(handle);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new OtlpListenError(
          e.code ?? 'LISTEN_FAILED',
          e.code === 'EADDRINUSE'
            ? `cannot listen on ${listen} for OTLP traces: the address is in use (a collector already running?); stop it or set database.otlp.listen to a free port and point the app's exporter there`
            : `cannot listen on ${listen} for OTLP traces: ${e.message}`,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as { port: number };
  const address = `${host.includes(':') ? `[${host}]` : host}:${bound.port}`;

  return {
    address,
    endpoint: `http://${address}/v1/traces`,
    newTrace() {
      const traceId = randomBytes(16).toString('hex');
      const spanId = randomBytes(8).toString('hex');
      traces.set(traceId, { spans: [], last: 0 });
      return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
    },
    spans: (traceId) => traces.get(traceId)?.spans ?? [],
    async waitFor(list, timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      const incomplete = () =>
        list.filter((tc) => {
          const t = traces.get(tc.traceId);
          if (!t) return true;
          const entry = t.spans.some((s) => s.parentSpanId === tc.spanId || s.kind === 2);
          return !entry || Date.now() - t.last < QUIET_MS;
        });
      let left = incomplete();
      while (left.length && Date.now() < deadline && !signal?.aborted) {
        await new Promise((r) => setTimeout(r, 25));
        left = incomplete();
      }
      return left.map((t) => t.traceId);
    },
    stats: () => ({ ...counters }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
