/**
 * Routes and perf settings from config, resolved once (defaults applied, durations in ms, caps
 * enforced), plus the safety decisions every load run goes through: scope lock, loopback-or-active,
 * and the exact requests a skipped run would have sent.
 */
import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import { perfSchema, type LaunchreadyConfig } from '../config/schema.js';
import { mapConnect } from '../net/connect-to.js';
import { createScopeGuard, isLoopback } from '../net/scope.js';
import type { Net } from '../net/types.js';
import { parseDuration } from './duration.js';
import { parseThreshold, thresholdKey } from './threshold.js';
import { splitUrl } from './engine.js';

export type PerfConfig = ReturnType<typeof perfSchema.parse>;
export type RouteConfig = LaunchreadyConfig['routes'][number];

export interface PerfSettings {
  model: 'open' | 'closed';
  rate: number;
  vus: number;
  thinkMs: number;
  durationMs: number;
  maxDurationMs: number;
  warmupMs: number;
  maxRate: number;
  timeoutMs: number;
  budgets: PerfConfig['budgets'];
  thresholds: string[];
  expectedPeak?: number;
  listCeiling: number;
  largePage: number;
  seedRows: number;
  compressionMinBytes: number;
  hosts: string[];
}

export interface ResolvedRoute {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  kind: 'read' | 'write';
  critical: boolean;
  list: boolean;
  limitParam: string;
  public: boolean;
  auth?: string;
  /** List routes: a flow that creates one row (the data-size probe of perf/unbounded-list). */
  seed?: string;
  /** Effective thresholds (defaults, then global, then the route's; same aggregation replaces). */
  thresholds: string[];
  rate: number;
  durationMs: number;
}

export function perfConfig(config: Pick<LaunchreadyConfig, 'perf'>): PerfConfig {
  return config.perf ?? perfSchema.parse({});
}

export function perfSettings(config: Pick<LaunchreadyConfig, 'perf'>): PerfSettings {
  const p = perfConfig(config);
  const maxDurationMs = parseDuration(p.maxDuration, 'perf.maxDuration');
  return {
    model: p.model,
    rate: Math.min(p.rate, p.maxRate),
    vus: p.vus,
    thinkMs: parseDuration(p.thinkTime, 'perf.thinkTime'),
    durationMs: Math.min(parseDuration(p.duration, 'perf.duration'), maxDurationMs),
    maxDurationMs,
    warmupMs: parseDuration(p.warmup, 'perf.warmup'),
    maxRate: p.maxRate,
    timeoutMs: parseDuration(p.timeout, 'perf.timeout'),
    budgets: p.budgets,
    thresholds: p.thresholds,
    expectedPeak: p.expectedPeak,
    listCeiling: p.listCeiling,
    largePage: p.largePage,
    seedRows: p.seedRows,
    compressionMinBytes: p.compressionMinBytes,
    hosts: p.hosts,
  };
}

/** Defaults from budgets, then global thresholds, then the route's: a later one replaces an earlier one of the same aggregation. */
export function effectiveThresholds(kind: 'read' | 'write', settings: Pick<PerfSettings, 'budgets' | 'thresholds'>, own: string[] = []): string[] {
  const byKey = new Map<string, string>();
  const p95 = kind === 'read' ? settings.budgets.readP95Ms : settings.budgets.writeP95Ms;
  for (const t of [`p(95)<${p95}`, `rate<${settings.budgets.errorRate}`, ...settings.thresholds, ...own]) {
    byKey.set(thresholdKey(parseThreshold(t)), t);
  }
  return [...byKey.values()];
}

export function resolveRoutes(config: Pick<LaunchreadyConfig, 'routes' | 'perf'>, names?: string[]): ResolvedRoute[] {
  const s = perfSettings(config);
  const wanted = names && names.length > 0 ? new Set(names) : null;
  return config.routes
    .filter((r) => !wanted || wanted.has(r.name))
    .map((r) => {
      const kind = r.kind ?? (r.method === 'GET' || r.method === 'HEAD' ? 'read' : 'write');
      return {
        name: r.name,
        method: r.method,
        url: r.url,
        headers: r.headers,
        body: r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
        kind,
        critical: r.critical,
        list: r.list,
        limitParam: r.limitParam,
        public: r.public ?? (kind === 'read' && !r.auth),
        auth: r.auth,
        ...(r.seed ? { seed: r.seed } : {}),
        thresholds: effectiveThresholds(kind, s, r.thresholds),
        rate: Math.min(r.rate ?? s.rate, s.maxRate),
        durationMs: Math.min(r.duration === undefined ? s.durationMs : parseDuration(r.duration, `routes.${r.name}.duration`), s.maxDurationMs),
      };
    });
}

/**
 * Hosts load may target: the configured production names (apex, its subdomains, canonical,
 * staging) and perf.hosts. With no domains configured, the routes' own hosts are the scope (the
 * config names them explicitly, e.g. the single-URL `perf` command).
 */
export function loadScope(config: Pick<LaunchreadyConfig, 'domains' | 'routes' | 'perf'>): (url: URL) => boolean {
  const d = config.domains;
  const s = perfSettings(config);
  const allowed = [...s.hosts];
  if (d) {
    allowed.push(d.apex, `*.${d.apex}`, ...d.subdomains, ...d.staging);
    if (d.canonical) allowed.push(d.canonical);
  } else {
    for (const r of config.routes) {
      try {
        allowed.push(new URL(splitUrl(r.url).origin).host);
      } catch {
        /* reported when the route runs */
      }
    }
  }
  return createScopeGuard(allowed);
}

export interface LoadTarget {
  origin: string;
  /** Where sockets go (after --connect-to and DNS). */
  connect: { host: string; port: number };
  loopback: boolean;
}

/** Resolves a route's connection target through the same connect-to rules and DNS servers as src/net. */
export async function resolveTarget(url: string, net: Pick<Net, 'options' | 'dns'>): Promise<LoadTarget> {
  const t = splitUrl(url);
  const mapped = mapConnect(net.options.connectTo, t.hostname, t.port);
  let address = mapped.host;
  if (!isIP(address)) {
    if (address === 'localhost' || address.endsWith('.localhost')) address = '127.0.0.1';
    else if (net.options.resolvers.length > 0) {
      const a = await net.dns.lookup(address);
      if (a.length === 0) throw new Error(`cannot resolve ${address}`);
      address = a[0]!.address;
    } else address = (await dnsPromises.lookup(address)).address;
  }
  return { origin: t.origin, connect: { host: address, port: mapped.port }, loopback: isLoopback(address) };
}

/** What a skipped run would have sent (so the user can judge before passing --active). */
export function wouldSend(r: ResolvedRoute, s: PerfSettings): { method: string; url: string; body?: string; rate: number; durationMs: number; warmupMs: number; requests: number } {
  return {
    method: r.method,
    url: r.url,
    ...(r.body !== undefined ? { body: r.body.slice(0, 200) } : {}),
    rate: r.rate,
    durationMs: r.durationMs,
    warmupMs: s.warmupMs,
    requests: Math.ceil((r.rate * (r.durationMs + s.warmupMs)) / 1000),
  };
}
