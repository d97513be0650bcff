/**
 * `launchready perf [route...]` (routes from config) and `launchready perf <url> [--method M]
 * [--header 'K: V'] [--body JSON] [--rate N | --vus N] [--duration 10s] [--threshold 'p(95)<300']
 * [--kind read|write]` (one ad-hoc route, no config needed); `--export-k6 out.js` writes a k6 script;
 * `--baseline <report.json|previous> [--tolerance 10%]` compares with an earlier run and exits 1 on
 * a regression; `--capacity` steps the arrival rate up to find each route's sustainable rate;
 * `--profile-queries` first profiles the queries of each GET route (queries per request, repeated
 * shapes; perf/n-plus-one, perf/too-many-queries) from pg_stat_statements or OTLP traces.
 * Every run is recorded in .launchready/history.db (unless --no-history).
 */
import type { CliContext } from '../context.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { configSchema, type LaunchreadyConfig } from '../../config/schema.js';
import { loadConfig } from '../../config/loader.js';
import { createNet } from '../../net/index.js';
import { perfCommandCore, profileQueriesCore } from '../../load/command.js';
import type { LoadProgress } from '../../load/types.js';
import { exportK6FromConfig } from '../../load/k6-export.js';
import { parseFormats, writeAtomic } from '../output.js';
import { netOptionsFor, exitCodeFor, parseFailOn, emitReport, type CommonOptions } from './audit.js';
import { toFinding } from '../../engine/run.js';
import { registry } from '../../engine/registry.js';
import { scoreReport } from '../../engine/score.js';
import { launchSequence } from '../../engine/sequence.js';
import { HistoryStore } from '../../engine/history.js';
import type { Finding, Report } from '../../core/types.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { comparePerf, formatBaselineTable, parseTolerance, perfPoints, type RoutePerfPoint } from '../../load/baseline.js';
import { formatCapacity, runCapacity } from '../../load/capacity.js';
import { perfConfig, perfSettings } from '../../load/routes.js';
import { HARD_CAPS } from '../../load/engine.js';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

export interface PerfOptions extends CommonOptions {
  method?: string;
  header?: string[];
  body?: string;
  rate?: string;
  vus?: string;
  duration?: string;
  threshold?: string[];
  kind?: string;
  active?: boolean;
  exportK6?: string;
  /** A saved JSON report, or `previous` (the last perf run in the history store). */
  baseline?: string;
  /** `10%` or `0.1`; default perf.regressionTolerance. */
  tolerance?: string;
  capacity?: boolean;
  history?: boolean;
  /** Profile the queries of each selected GET route before the load (database.url or database.otlp). */
  profileQueries?: boolean;
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.replace(/\/s$/, ''));
  if (!(n > 0)) throw new UsageError(`--${name} must be a positive number (got "${v}")`);
  return n;
}

/** "10s", "1500ms", "2m" -> ms. */
function durationMs(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new UsageError(`--duration must look like 10s, 1500ms or 2m (got "${v}")`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1_000);
}

function adHocConfig(url: string, o: PerfOptions): LaunchreadyConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`not a URL: "${url}"`);
  }
  const headers: Record<string, string> = {};
  for (const h of o.header ?? []) {
    const i = h.indexOf(':');
    if (i < 1) throw new UsageError(`--header must look like 'Name: value' (got "${h}")`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  let body: unknown;
  if (o.body !== undefined) {
    try {
      body = JSON.parse(o.body);
    } catch {
      body = o.body;
    }
  }
  try {
    return configSchema.parse({
      domains: { apex: u.hostname },
      routes: [
        {
          name: 'adhoc',
          method: (o.method ?? 'GET').toUpperCase(),
          url,
          headers,
          ...(body !== undefined ? { body } : {}),
          ...(o.kind ? { kind: o.kind } : {}),
          ...(o.threshold?.length ? { thresholds: o.threshold } : {}),
        },
      ],
    });
  } catch (err) {
    throw new UsageError(`bad perf arguments: ${(err as Error).message}`);
  }
}

/** The `Report` of a perf run: stored in history (so `--baseline previous` finds it) and renderable by every reporter. */
function perfReport(ctx: CliContext, findings: Finding[], checked: boolean, metrics: Record<string, unknown>, started: number, configPath: string | null, moreRules: string[] = [], budgetsChecked = checked): Report {
  const { overall, stages, verdict } = scoreReport(findings, new Set(checked ? [4 as const] : []));
  const fired = new Set(findings.map((f) => f.id));
  return {
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    startedAt: new Date(started).toISOString(),
    durationMs: Math.max(0, Math.round(ctx.now() - started)),
    config: { path: configPath },
    verdict,
    score: { overall, stages },
    findings,
    passed: checked ? [...(budgetsChecked ? BUDGET_RULES : []), ...moreRules].filter((id) => !fired.has(id)) : [],
    skipped: [],
    launchSequence: launchSequence(findings),
    metrics,
  };
}

const BUDGET_RULES = ['perf/error-rate-over-budget', 'perf/read-over-budget', 'perf/write-over-budget'];
const PROFILE_RULES = ['perf/n-plus-one', 'perf/too-many-queries'];
const hasPerf = (r: Report) => perfPoints(r.metrics).size > 0;

/** `--baseline FILE`: a saved JSON report (audit, perf --format json) with perf results. */
function readBaselineFile(file: string, cwd: string): { source: string; points: Map<string, RoutePerfPoint> } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(resolve(cwd, file), 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read baseline ${file}: ${(err as Error).message}`);
  }
  const points = perfPoints((data as { metrics?: Record<string, unknown> } | null)?.metrics);
  if (points.size === 0) throw new UsageError(`baseline ${file} holds no perf results (metrics perf.<route>): save one with  launchready perf --format json > ${file}`);
  return { source: file, points };
}

export async function perfCommand(ctx: CliContext, args: string[], o: PerfOptions): Promise<number> {
  const started = ctx.now();
  const failOn = parseFailOn(o.failOn);
  const formats = parseFormats(o.format);
  const adHoc = args.length === 1 && /^https?:\/\//i.test(args[0]!);
  const loaded = adHoc
    ? { config: adHocConfig(args[0]!, o), baseDir: ctx.cwd, path: null }
    : await loadConfig({ path: o.config, cwd: ctx.cwd, env: ctx.env, required: true });
  if (o.exportK6) {
    const script = exportK6FromConfig(loaded.config, adHoc ? undefined : args.length ? args : undefined);
    writeAtomic(resolve(ctx.cwd, o.exportK6), script);
    ctx.stdout.write(`wrote k6 script ${o.exportK6}: run it with  k6 run ${o.exportK6}\n`);
    return 0;
  }
  if (!loaded.config.routes.length) throw new ConfigError(null, [{ path: 'routes', message: 'no routes to load-test: add routes to the config or give a URL' }]);
  if (o.capacity && o.baseline) throw new UsageError('--capacity and --baseline cannot be combined: run them separately');
  if (o.capacity && o.profileQueries) throw new UsageError('--capacity and --profile-queries cannot be combined: run them separately');
  const settings = perfConfig(loaded.config);
  const tolerance = o.tolerance !== undefined ? parseTolerance(o.tolerance) : settings.regressionTolerance;
  const historyKey = loaded.path ?? (adHoc ? `perf ${args[0]}` : ctx.cwd);
  const historyFile = resolve(loaded.baseDir, '.launchready/history.db');

  // The baseline is read before any load, so a bad file stops the run at once.
  let baseline: { source: string; points: Map<string, RoutePerfPoint> } | null = null;
  if (o.baseline === 'previous') {
    const store = new HistoryStore(historyFile);
    try {
      const prev = store.latest(historyKey, hasPerf);
      if (prev) baseline = { source: `previous (run ${prev.id}, ${prev.startedAt})`, points: perfPoints(prev.report.metrics) };
      else ctx.stderr.write(`no previous perf run in ${historyFile}: this run becomes the baseline\n`);
    } finally {
      store.close();
    }
  } else if (o.baseline) baseline = readBaselineFile(o.baseline, ctx.cwd);

  const net = createNet(
    await netOptionsFor(ctx, loaded.config, loaded.baseDir, o),
  );
  const progress = o.quiet
    ? undefined
    : (route: string, p: LoadProgress) =>
        ctx.stderr.write(`\r${route} ${p.phase}: ${p.count} req, ${p.currentRps.toFixed(0)} req/s, p95 ${p.p95 === null ? '–' : `${p.p95.toFixed(1)} ms`}, ${p.errors} errors   `);
  const reg = registry();
  let report: Report;
  let text: string;
  let runs: unknown;
  let gate = 0;
  try {
    if (o.capacity) {
      const cap = await runCapacity(loaded.config, net, {
        ...(adHoc ? {} : args.length ? { routes: args } : {}),
        active: !!o.active || loaded.config.active,
        baseDir: loaded.baseDir,
        signal: ctx.signal,
        ...(progress ? { onProgress: progress } : {}),
      });
      if (progress) ctx.stderr.write('\n');
      report = perfReport(ctx, [], false, { 'perf.capacity': cap }, started, loaded.path);
      text = formatCapacity(cap);
      runs = cap.routes;
      // "What breaks if traffic doubles tomorrow?": a route that cannot hold 2x the expected peak fails the run.
      if (cap.routes.some((r) => r.verdict === 'short')) gate = 1;
    } else {
      // The query profile runs first and alone: the load's own queries must not reach its counts.
      let profile: { findings: Finding[]; table: string; metric: unknown; profiled: boolean } | null = null;
      if (o.profileQueries) {
        const p = await profileQueriesCore(loaded.config, net, {
          ...(adHoc ? {} : args.length ? { routes: args } : {}),
          signal: ctx.signal,
          now: ctx.now(),
          ...(o.quiet ? {} : { onRoute: (r: string) => ctx.stderr.write(`profiling the queries of ${r}\n`) }),
        });
        if ('error' in p) throw new UsageError(`--profile-queries: ${p.error.message}`);
        profile = {
          findings: p.findings.map((d) => toFinding(d, { registry: reg, config: loaded.config })).filter((f): f is Finding => f !== null),
          table: p.table,
          metric: p.artifact,
          profiled: p.artifact.routes.length > 0,
        };
      }
      const rate = num('rate', o.rate);
      const vus = num('vus', o.vus);
      const duration = durationMs(o.duration);
      // The caps are safety limits (a typo must not become a denial of service): say when they
      // bind instead of silently running a smaller test than asked for.
      const caps = perfSettings(loaded.config);
      const where = adHoc || !loaded.path ? 'in a config file (launchready init)' : `in ${relative(ctx.cwd, loaded.path)}`;
      if (rate && rate > caps.maxRate) ctx.stderr.write(`--rate ${rate}/s is above perf.maxRate: running at ${caps.maxRate}/s (raise perf.maxRate ${where}; at most ${HARD_CAPS.maxRate})\n`);
      if (duration && duration > caps.maxDurationMs) ctx.stderr.write(`--duration ${o.duration} is above perf.maxDuration: running ${caps.maxDurationMs / 1000} s per route (raise perf.maxDuration ${where})\n`);
      const out = await perfCommandCore(loaded.config, net, {
        ...(adHoc ? {} : args.length ? { routes: args } : {}),
        ...(rate ? { rate } : {}),
        ...(vus ? { vus } : {}),
        ...(duration ? { duration } : {}),
        active: !!o.active || loaded.config.active,
        baseDir: loaded.baseDir,
        signal: ctx.signal,
        ...(progress ? { onProgress: progress } : {}),
      });
      if (progress) ctx.stderr.write('\n');
      const findings = out.findings.map((d) => toFinding(d, { registry: reg, config: loaded.config })).filter((f): f is Finding => f !== null);
      const metrics: Record<string, unknown> = { ...out.metrics };
      if (out.artifact.skipped.length) metrics['perf.skipped'] = out.artifact.skipped;
      text = out.table;
      if (profile) {
        findings.push(...profile.findings);
        metrics['perf.queryProfile'] = profile.metric;
        text += `\n\n${profile.table}`;
      }
      if (baseline) {
        const cmp = comparePerf(baseline.points, perfPoints(out.metrics), { source: baseline.source, tolerance, floorMs: settings.regressionFloorMs });
        metrics['perf.baseline'] = cmp;
        text += `\n\n${formatBaselineTable(cmp)}`;
        if (cmp.regressed) gate = 1;
      }
      report = perfReport(ctx, findings, out.artifact.runs.length > 0 || !!profile?.profiled, metrics, started, loaded.path, [...(profile?.profiled ? PROFILE_RULES : []), ...out.judged], out.artifact.runs.length > 0);
      runs = out.artifact.runs;
    }
  } finally {
    await net.close();
  }

  if (o.history !== false) {
    const store = new HistoryStore(historyFile);
    try {
      store.record(historyKey, report, o.capacity ? 'perf --capacity' : 'perf');
    } finally {
      store.close();
    }
  }
  if (o.out || !formats.includes('terminal') && !(formats.length === 1 && formats[0] === 'json')) {
    emitReport(ctx, report, formats, { ...o, failOn }, reg);
  } else if (formats[0] === 'json') {
    ctx.stdout.write(`${JSON.stringify({ ...report, runs }, null, 2)}\n`);
  } else {
    ctx.stdout.write(`${text}\n`);
    for (const f of report.findings) ctx.stdout.write(`${f.severity.toUpperCase()} ${f.id} ${f.target} ${JSON.stringify(f.evidence)}\n`);
  }
  return Math.max(exitCodeFor(report, failOn), gate);
}
