/**
 * Shapes shared by the load engine, its workers and its callers. All plain data (they cross the
 * worker_threads boundary by structured clone).
 */

export type LoadModel =
  /** Open model: a constant arrival rate; latency counts from each request's intended start. */
  | { kind: 'open'; rate: number }
  /** Closed model: N virtual users, each sending, waiting for the answer, thinking, repeating. */
  | { kind: 'closed'; vus: number; thinkMs?: number };

export interface LoadRequest {
  method: string;
  /** Absolute URL; the origin must be literal, path and query may hold {{placeholders}}. */
  url: string;
  headers?: Record<string, string>;
  /** Body template ({{seq}}, {{uuid}}...), sent as-is after substitution. */
  body?: string;
}

export interface LoadOptions {
  request: LoadRequest;
  model: LoadModel;
  /** Measured window, after warm-up. */
  durationMs: number;
  /** Requests sent before the measured window and left out of the results. Default 0. */
  warmupMs?: number;
  /** Stop after this many measured requests (warm-up excluded). */
  maxRequests?: number;
  /** Where to open TCP connections (after --connect-to and DNS); default: the URL's host and port. */
  connect?: { host: string; port: number };
  /** Extra trusted CA certificates (PEM) for https targets. */
  caPem?: string;
  /** Per-request deadline (connect + headers + body). Default 10 s. */
  timeoutMs?: number;
  /** Worker threads generating load. Default: 1 for light loads, every core for heavy ones (one core fewer when the target is on loopback: it needs a core too). */
  workers?: number;
  /** Connections per worker (undici Pool size). Default 64 (open) or the worker's VUs (closed). */
  connections?: number;
  /**
   * HTTP client of the workers: `h1` (default), launchready's minimal keep-alive HTTP/1.1 client
   * (src/load/h1.ts), or `undici` (the general client; kept for comparison in bench/load.ts).
   */
  client?: 'h1' | 'undici';
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  /** Progress interval. Default 500 ms. */
  progressMs?: number;
}

export interface LoadProgress {
  elapsedMs: number;
  /** Measured requests so far (warm-up excluded). */
  count: number;
  errors: number;
  /** Completed requests per second over the last interval. */
  currentRps: number;
  /** p95 latency so far, ms (null before the first sample). */
  p95: number | null;
  phase: 'warmup' | 'measuring' | 'draining';
}

export interface LatencySummary {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LoadResult {
  model: LoadModel;
  /** Measured wall time of the window, ms (shorter than asked when stopped early). */
  durationMs: number;
  /** Requests measured (completed or failed), warm-up excluded. */
  count: number;
  /** Failed requests: HTTP status >= 400, network errors, timeouts, dropped. */
  errors: number;
  errorRate: number;
  /** Responses by status class: `2xx`, `3xx`, `4xx`, `5xx`. */
  statusClasses: Record<string, number>;
  /** Failures without a response: `refused`, `timeout`, `reset`, `tls`, `dropped`, `other`. */
  errorKinds: Record<string, number>;
  /** First message of each failure kind (for evidence). */
  errorSamples: Record<string, string>;
  /** Response body bytes received. */
  bytes: number;
  /** Measured requests per second (count / duration). */
  rps: number;
  warmupCount: number;
  /** Latencies in ms, from the merged HDR histogram (responses only). */
  latency: LatencySummary;
  /** Merged HDR histogram (microseconds), compressed base64: re-decodable for baselines. */
  histogram: string;
  /** Per-bucket counts, `le` in ms (the report's latency chart). */
  buckets: { le: number; count: number }[];
  stopped: 'completed' | 'count' | 'aborted';
  workers: number;
}

// ----------------------------------------------------------- worker protocol

export interface WorkerJob {
  index: number;
  count: number;
  origin: string;
  connect: { host: string; port: number };
  tls: { servername?: string; caPem?: string } | null;
  method: string;
  /** Path template (compiled in the worker). */
  path: string;
  headers: Record<string, string>;
  body: string | null;
  model: { kind: 'open'; rate: number; offsetMs: number } | { kind: 'closed'; vus: number; thinkMs: number; vuBase: number };
  warmupMs: number;
  durationMs: number;
  maxRequests: number | null;
  timeoutMs: number;
  connections: number;
  maxInFlight: number;
  progressMs: number | null;
  client: 'h1' | 'undici';
}

export interface WorkerTally {
  count: number;
  errors: number;
  statusClasses: Record<string, number>;
  errorKinds: Record<string, number>;
  errorSamples: Record<string, string>;
  bytes: number;
  warmupCount: number;
  histogram: string;
  /** Epoch ms (high resolution) of the first and last measured completion. */
  firstAt: number | null;
  lastAt: number | null;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; tally: WorkerTally }
  | { type: 'done'; tally: WorkerTally; stopped: LoadResult['stopped'] }
  | { type: 'fatal'; message: string };

export type MainMessage = { type: 'start'; startAt: number } | { type: 'stop' };
