/**
 * Artifacts of stage 4 (src/gather/perf.ts and src/gather/lists.ts): plain data, no functions.
 */
import type { LoadResult } from '../../load/types.js';

/** One route loaded by the engine. */
export interface PerfRouteRun {
  name: string;
  method: string;
  url: string;
  kind: 'read' | 'write';
  critical: boolean;
  /** Thresholds the run is judged against (k6 spelling). */
  thresholds: string[];
  load: LoadResult;
}

/** A route not loaded, and why; `wouldSend` lists the exact requests it would have sent. */
export interface PerfSkip {
  name: string;
  url: string;
  reason: string;
  code: 'NOT_ACTIVE' | 'OFF_SCOPE' | 'AUTH_UNAVAILABLE' | 'BAD_ROUTE' | 'UNRESOLVED' | 'ABORTED';
  wouldSend?: { method: string; url: string; body?: string; rate: number; durationMs: number; warmupMs: number; requests: number };
}

export interface PerfArtifact {
  runs: PerfRouteRun[];
  skipped: PerfSkip[];
  /** Routes with `sideEffects`, loaded twice against launchready's own sinks (src/load/side-effects.ts). */
  sideEffects?: SideEffectProbe[];
}

/** One pass of a side-effect probe: requests one at a time, and what reached the sink meanwhile. */
export interface SideEffectPass {
  requests: number;
  errors: number;
  p50: number;
  /** Messages the sink received during the pass (plus a short grace for queued delivery). */
  received: number;
}

/** A write route's side effect (email, webhook) probed with and without a delayed sink. */
export interface SideEffectProbe {
  name: string;
  method: string;
  url: string;
  effect: 'email' | 'webhook';
  /** The sink's address (host:port). */
  sink: string | null;
  /** How long the sink delayed acceptance in the second pass, ms. */
  delayMs: number;
  fast?: SideEffectPass;
  delayed?: SideEffectPass;
  /** Why the probe did not run (no sink configured, route not loadable...). */
  skipped?: string;
}

/** The facts of one exchange the probe rules need (never the body). */
export interface ProbeExchange {
  url: string;
  status: number;
  /** Lower-case names: content-type, content-encoding, cache-control, etag, last-modified, expires, vary, link. */
  headers: Record<string, string>;
  bodyBytes: number;
  truncated: boolean;
  /** Items in the JSON body (array, or data/items/results/... envelope); null when not a list. */
  items: number | null;
  /** Where a next-page pointer was found (`link header`, `next field`, `cursor field`...), null if none. */
  pagination: string | null;
  /** Whether the request offered `Accept-Encoding: gzip, br`. */
  acceptEncoding: boolean;
  error?: string;
}

/** The list response's size (the no-limit request), before or after seeding. */
export interface ListSize {
  status: number;
  items: number | null;
  bytes: number;
  pagination: string | null;
  error?: string;
}

/**
 * The data-size probe of a list route with `seed: <flow>`: the list measured, the seed flow run
 * `requested` times (each creating one row; its cleanup steps deferred until after the second
 * measurement), the list measured again.
 */
export interface SeedProbe {
  flow: string;
  requested: number;
  /** Seed runs that passed. */
  seeded: number;
  before?: ListSize;
  after?: ListSize;
  /** The first failing run's reason. */
  seedError?: string;
  /** Cleanup runs that failed (rows possibly left behind). */
  cleanupFailed: number;
  /** Why the probe did not run (flow missing, not loopback without active...). */
  skipped?: string;
}

export interface RouteProbe {
  name: string;
  url: string;
  method: string;
  kind: 'read' | 'write';
  public: boolean;
  list: boolean;
  /** A GET offering gzip/br (read routes only). */
  plain?: ProbeExchange;
  /** List routes: no limit, limit=1, a large page (all without Accept-Encoding, so sizes compare). */
  listProbes?: { unlimited: ProbeExchange; limitOne: ProbeExchange; large: ProbeExchange; limitParam: string; largePage: number };
  /** List routes with `seed`: does the response grow with the data set? */
  seedProbe?: SeedProbe;
}

export interface RouteProbesArtifact {
  probes: RouteProbe[];
  skipped: { name: string; reason: string }[];
}
