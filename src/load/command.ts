/**
 * Loading the configured routes one after another (so routes do not skew each other), with every
 * safety check on the way; shared by the `perf` gatherer (audit) and `launchready perf`.
 */
import type { LaunchreadyConfig } from '../config/schema.js';
import type { FindingDraft } from '../core/types.js';
import type { Net, ScopeGuard } from '../net/types.js';
import { createSession, loadFlows, runFlow } from '../flow/index.js';
import type { PerfArtifact, PerfSkip } from '../audits/perf/artifact.js';
import { budgetFindings } from '../audits/perf/budgets.js';
import { latencyMetric } from '../audits/perf/metrics.js';
import blockingSideEffect, { judgeSideEffect } from '../audits/perf/blocking-side-effect.js';
import { runLoad } from './engine.js';
import { probeSideEffects } from './side-effects.js';
import { loadScope, perfConfig, perfSettings, resolveRoutes, resolveTarget, wouldSend, type ResolvedRoute } from './routes.js';
import type { LoadModel, LoadProgress, LoadResult } from './types.js';
import { isArtifactError, type ArtifactError } from '../core/audit.js';
import type { ProfileSample, QueryProfileArtifact } from '../db/types.js';
import { profileRoutes } from '../gather/query-profile.js';
import nPlusOneAudit from '../audits/perf/n-plus-one.js';
import tooManyQueriesAudit from '../audits/perf/too-many-queries.js';

export interface RouteLoadOptions {
  /** Route names to run (default: all). */
  routes?: string[];
  /** Overrides of perf.rate / perf.vus / perf.duration (still capped by maxRate / maxDuration). */
  rate?: number;
  vus?: number;
  durationMs?: number;
  /** `--active`: allow non-loopback targets even without `active: true` in config. */
  active?: boolean;
  signal?: AbortSignal;
  onProgress?: (route: string, p: LoadProgress) => void;
  /** Directory of the config file (flowFiles resolve from it). Default: the current directory. */
  baseDir?: string;
}

/**
 * Runs the route's auth flow once (src/flow) and returns the session's headers (cookies) for the
 * route's URL, or the reason it could not. Every request of the load then reuses that session.
 */
async function authHeaders(flowName: string, routeUrl: string, config: LaunchreadyConfig, net: Net, baseDir: string, scope: ScopeGuard, signal?: AbortSignal): Promise<Record<string, string> | string> {
  try {
    const flow = (await loadFlows(config, baseDir)).find((f) => f.name === flowName);
    if (!flow) return `auth flow "${flowName}" is not defined in flows`;
    const session = createSession();
    const r = await runFlow(flow, { http: net.http, baseUrl: flow.baseUrl ?? config.domains?.canonical ?? new URL(routeUrl).origin, session, scope, signal });
    if (!r.ok) return `auth flow "${flowName}" failed${r.failedStep ? ` at step "${r.failedStep}"` : ''}${r.error ? `: ${r.error.message}` : ''}`;
    return session.headersFor(routeUrl);
  } catch (err) {
    return `auth flow "${flowName}" could not run: ${(err as Error).message}`;
  }
}

/** A route that passed every safety check, ready to load: connection target and headers (auth included). */
export interface PreparedRoute {
  route: ResolvedRoute;
  connect: { host: string; port: number };
  headers: Record<string, string>;
}

/**
 * The safety checks every load goes through (scope lock, loopback or --active, the auth flow),
 * once per route: returns the prepared route, or the skip entry with its reason.
 */
export async function prepareRoute(r: ResolvedRoute, config: LaunchreadyConfig, net: Net, o: Pick<RouteLoadOptions, 'active' | 'signal' | 'baseDir'>, scope = loadScope(config)): Promise<PreparedRoute | PerfSkip> {
  const s = perfSettings(config);
  const skip = (code: PerfSkip['code'], reason: string, withRequests = false): PerfSkip => ({ name: r.name, url: r.url, code, reason, ...(withRequests ? { wouldSend: wouldSend(r, s) } : {}) });
  if (o.signal?.aborted) return skip('ABORTED', 'stopped before this route ran');
  let url: URL;
  try {
    url = new URL(r.url.replace(/\{\{[^}]*\}\}/g, 'x'));
  } catch {
    return skip('BAD_ROUTE', `url "${r.url}" is not an absolute URL`);
  }
  if (!scope(url)) return skip('OFF_SCOPE', `${url.host} is not one of the configured hosts (domains, perf.hosts); not loaded`, true);
  let target;
  try {
    target = await resolveTarget(r.url, net);
  } catch (err) {
    return skip('UNRESOLVED', `cannot resolve ${url.hostname}: ${(err as Error).message}`);
  }
  if (!target.loopback && !config.active && !o.active) {
    return skip('NOT_ACTIVE', `${url.host} (${target.connect.host}) is not on loopback: load needs --active or active: true`, true);
  }
  const headers = { ...r.headers };
  if (r.auth) {
    const h = await authHeaders(r.auth, r.url.replace(/\{\{[^}]*\}\}/g, 'x'), config, net, o.baseDir ?? process.cwd(), scope, o.signal);
    if (typeof h === 'string') return skip('AUTH_UNAVAILABLE', h, true);
    Object.assign(headers, h);
  }
  return { route: r, connect: target.connect, headers };
}

export function isSkip(p: PreparedRoute | PerfSkip): p is PerfSkip {
  return 'code' in p;
}

/**
 * One load run of a prepared route with the perf settings (warm-up, timeout), its connect target
 * and auth headers, the extra CA and progress under the route's name: `perf` and each step of
 * `perf --capacity`.
 */
export function loadRoute(r: ResolvedRoute, p: PreparedRoute, config: LaunchreadyConfig, net: Net, o: Pick<RouteLoadOptions, 'signal' | 'onProgress'>, model: LoadModel, durationMs: number): Promise<LoadResult> {
  const s = perfSettings(config);
  return runLoad({
    request: { method: r.method, url: r.url, headers: p.headers, body: r.body },
    model,
    durationMs,
    warmupMs: s.warmupMs,
    connect: p.connect,
    caPem: net.options.extraCaPem,
    timeoutMs: s.timeoutMs,
    signal: o.signal,
    onProgress: o.onProgress ? (pr) => o.onProgress!(r.name, pr) : undefined,
  });
}

export async function runRouteLoads(config: LaunchreadyConfig, net: Net, o: RouteLoadOptions = {}): Promise<PerfArtifact> {
  const s = perfSettings(config);
  const routes = resolveRoutes(config, o.routes);
  const scope = loadScope(config);
  const out: PerfArtifact = { runs: [], skipped: [] };
  for (const r0 of routes) {
    const r: ResolvedRoute = {
      ...r0,
      rate: Math.min(o.rate ?? r0.rate, s.maxRate),
      durationMs: Math.min(o.durationMs ?? r0.durationMs, s.maxDurationMs),
    };
    const p = await prepareRoute(r, config, net, o, scope);
    if (isSkip(p)) {
      out.skipped.push(p);
      continue;
    }
    const model: LoadModel = s.model === 'closed' ? { kind: 'closed', vus: o.vus ?? s.vus, thinkMs: s.thinkMs } : { kind: 'open', rate: r.rate };
    try {
      const load = await loadRoute(r, p, config, net, o, model, r.durationMs);
      out.runs.push({ name: r.name, method: r.method, url: r.url, kind: r.kind, critical: r.critical, thresholds: r.thresholds, load });
    } catch (err) {
      out.skipped.push({ name: r.name, url: r.url, code: 'BAD_ROUTE', reason: (err as Error).message });
    }
  }
  return out;
}

export interface PerfCommandResult {
  artifact: PerfArtifact;
  /** Budget findings (perf/read-over-budget, perf/write-over-budget, perf/error-rate-over-budget), and perf/blocking-side-effect. */
  findings: FindingDraft[];
  /** Rules judged besides the budgets (perf/blocking-side-effect when a side-effect probe could judge a route). */
  judged: string[];
  /** Report metrics, one latency histogram per route (`perf.<route>`). */
  metrics: Record<string, unknown>;
  /** The per-route table for the terminal. */
  table: string;
}

/** `launchready perf [route...]`: load, judge against thresholds, format. The CLI prints and exits. */
export async function perfCommandCore(
  config: LaunchreadyConfig,
  net: Net,
  o: { routes?: string[]; rate?: number; vus?: number; duration?: number; active?: boolean; baseDir?: string; signal: AbortSignal; onProgress?: (route: string, p: LoadProgress) => void },
): Promise<PerfCommandResult> {
  const artifact = await runRouteLoads(config, net, { routes: o.routes, rate: o.rate, vus: o.vus, durationMs: o.duration, active: o.active, baseDir: o.baseDir, signal: o.signal, onProgress: o.onProgress });
  const findings = artifact.runs.flatMap((run) => budgetFindings(run).findings);
  const metrics: Record<string, unknown> = {};
  for (const run of artifact.runs) metrics[`perf.${run.name}`] = latencyMetric(run);
  const judged: string[] = [];
  // perf/blocking-side-effect, as in audit: routes declaring sideEffects, when launchready's own
  // receivers are configured (perf.sinks), loaded again with the receiver answering at once, then late.
  const wanted = o.routes?.length ? new Set(o.routes) : null;
  if (perfConfig(config).sinks && config.routes.some((r) => r.sideEffects?.length && (!wanted || wanted.has(r.name))) && !o.signal.aborted) {
    artifact.sideEffects = await probeSideEffects(config, net, { active: o.active, baseDir: o.baseDir, signal: o.signal, routes: o.routes });
    const res = blockingSideEffect.audit({ perf: artifact }, { config, now: Date.now() });
    findings.push(...res.findings);
    if (res.targets?.length) judged.push('perf/blocking-side-effect');
    metrics['perf.sideEffects'] = artifact.sideEffects;
  }
  return { artifact, findings, judged, metrics, table: formatPerfTable(artifact) };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** Plain-text table: requests, throughput, percentiles, errors by class, bytes, verdict per route. */
export function formatPerfTable(a: PerfArtifact): string {
  const head = ['route', 'reqs', 'req/s', 'p50', 'p90', 'p95', 'p99', 'max', 'errors', 'bytes', 'result'];
  const rows = a.runs.map((run) => {
    const l = run.load;
    const { failed } = budgetFindings(run);
    const errs = [...Object.entries(l.statusClasses).filter(([k]) => k === '4xx' || k === '5xx'), ...Object.entries(l.errorKinds)]
      .map(([k, v]) => `${k}:${v}`)
      .join(' ');
    return [
      run.name, String(l.count), l.rps.toFixed(1), ms(l.latency.p50), ms(l.latency.p90), ms(l.latency.p95), ms(l.latency.p99), ms(l.latency.max),
      `${(l.errorRate * 100).toFixed(2)}%${errs ? ` (${errs})` : ''}`, String(l.bytes), failed.length === 0 ? 'pass' : `FAIL ${failed.join('; ')}`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 || i >= 8 ? pad(c, widths[i]!) : lpad(c, widths[i]!))).join('  ').trimEnd();
  const out = [line(head), ...rows.map(line)];
  for (const sk of a.skipped) out.push(`${sk.name}: skipped (${sk.reason})`);
  for (const p of a.sideEffects ?? []) {
    const j = judgeSideEffect(p);
    const head = `${p.name} ${p.effect}:`;
    if ('unjudged' in j) out.push(`${head} not judged (${j.unjudged})`);
    else {
      const f = p.fast!, d = p.delayed!;
      out.push(`${head} p50 ${ms(f.p50)} -> ${ms(d.p50)} with the receiver delaying ${p.delayMs} ms (${f.received + d.received} received): ${j.verdict === 'blocking' ? 'WAITS for delivery' : 'queued (ok)'}`);
    }
  }
  return out.join('\n');
}

function ms(v: number): string {
  return v < 10 ? `${v.toFixed(1)}ms` : `${Math.round(v)}ms`;
}

// ---------------------------------------------------------------- perf --profile-queries

export interface QueryProfileResult {
  artifact: QueryProfileArtifact;
  /** perf/n-plus-one and perf/too-many-queries, judged by the same audits as `audit`. */
  findings: FindingDraft[];
  /** Per route: queries per request and the repeated shapes. */
  table: string;
}

/**
 * `launchready perf --profile-queries`: the query profile of the selected GET routes (the same
 * code as the audit's queryProfile gatherer, src/gather/query-profile.ts), judged by the
 * perf/n-plus-one and perf/too-many-queries audits. An ArtifactError when it cannot start
 * (no database.url / database.otlp, pg_stat_statements missing...): the message says how to fix it.
 */
export async function profileQueriesCore(
  config: LaunchreadyConfig,
  net: Net,
  o: { routes?: string[]; signal: AbortSignal; now: number; onRoute?: (route: string) => void },
): Promise<QueryProfileResult | ArtifactError> {
  const artifact = await profileRoutes(config, { http: net.http, signal: o.signal, ...(o.onRoute ? { progress: o.onRoute } : {}) }, o.routes);
  if (isArtifactError(artifact)) return artifact;
  const ctx = { config, now: o.now };
  const findings = [...nPlusOneAudit.audit({ queryProfile: artifact }, ctx).findings, ...tooManyQueriesAudit.audit({ queryProfile: artifact }, ctx).findings];
  return { artifact, findings, table: formatQueryProfile(artifact, config.database?.profileRequests ?? 3) };
}

/** Shapes run at least this many times per request are listed as repeated. */
const REPEATED = 2;

/** Plain text: queries per request and repeated shapes per route (list routes: also at limit=2 and =20). */
export function formatQueryProfile(a: QueryProfileArtifact, requests: number): string {
  const shapes = (s: ProfileSample) =>
    s.statements
      .filter((x) => x.perRequest >= REPEATED)
      .map((x) => `${x.perRequest}x ${x.query}${x.overlapping ? ' (parallel)' : ''}`)
      .join('; ') || '-';
  const rows: string[][] = [];
  for (const p of a.routes) {
    const bad = p.base.statuses.some((c) => c < 200 || c >= 300) ? ` (HTTP ${p.base.statuses.join(',')})` : '';
    rows.push([p.name, `${p.base.queriesPerRequest}${bad}`, shapes(p.base)]);
    if (p.scaling) {
      for (const s of [p.scaling.small, p.scaling.large]) rows.push([`  ${p.scaling.limitParam}=${new URL(s.url).searchParams.get(p.scaling.limitParam)}${s.items !== null ? ` (${s.items} items)` : ''}`, String(s.queriesPerRequest), shapes(s)]);
    }
  }
  const head = ['route', 'queries/req', 'repeated shapes (calls per request)'];
  const w = [0, 1].map((i) => Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `${pad(r[0]!, w[0]!)}  ${lpad(r[1]!, w[1]!)}  ${r[2]}`.trimEnd();
  const out = [`query profile: ${a.source} ${a.target}, ${requests} requests per sample`, line(head), ...rows.map(line)];
  for (const sk of a.skipped) out.push(`${sk.name}: not profiled (${sk.reason})`);
  if (a.hiddenTexts) out.push('some statement texts are hidden (<insufficient privilege>): give the stats role pg_read_all_stats (database.statsUrl)');
  return out.join('\n');
}
