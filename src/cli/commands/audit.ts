/**
 * `launchready audit` and the single-topic commands built on it (dns, tls, edge): read config,
 * run the engine, compare with baseline and history, write the reports, pick the exit code.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Gatherer } from '../../core/audit.js';
import type { NetOptions } from '../../net/types.js';
import type { FailOn, Report } from '../../core/types.js';
import { meetsThreshold } from '../../core/types.js';
import { UsageError } from '../../core/errors.js';
import type { LaunchreadyConfig } from '../../config/schema.js';
import { configSchema } from '../../config/schema.js';
import { loadConfig } from '../../config/loader.js';
import { toNetOptions } from '../../config/net-options.js';
import { createNet } from '../../net/index.js';
import { runAudit } from '../../engine/run.js';
import { buildRegistry, registry as defaultRegistry, type Registry } from '../../engine/registry.js';
import { diffReports } from '../../engine/baseline.js';
import { HistoryStore } from '../../engine/history.js';
import { readAcceptances } from '../../handover/accept.js';
import { render, type Format } from '../../report/index.js';
import type { CliContext } from '../context.js';
import { createProgress, progressMode } from '../progress.js';
import { outputPaths, parseFormats, writeAtomic } from '../output.js';

/** Options every command takes (ARCHITECTURE.md "CLI"). */
export interface CommonOptions {
  config?: string;
  format?: string;
  out?: string;
  failOn?: string;
  color?: boolean;
  quiet?: boolean;
  resolver?: string[];
  connectTo?: string[];
  ca?: string;
  timeout?: string;
}

export interface AuditOptions extends CommonOptions {
  only?: string;
  skip?: string;
  baseline?: string;
  history?: boolean;
  active?: boolean;
}

export const FAIL_ON: FailOn[] = ['blocker', 'high', 'medium', 'low', 'never'];

export function parseFailOn(s: string | undefined): FailOn {
  const v = (s ?? 'blocker').toLowerCase() as FailOn;
  if (!FAIL_ON.includes(v)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')} (got "${s}")`);
  return v;
}

function list(s: string | undefined): string[] | undefined {
  const l = s?.split(',').map((x) => x.trim()).filter(Boolean);
  return l?.length ? l : undefined;
}

export function readReport(file: string, cwd: string): Report {
  const abs = resolve(cwd, file);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(abs, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read report ${file}: ${(err as Error).message}`);
  }
  const r = data as Partial<Report>;
  if (!r || r.schemaVersion !== 1 || !Array.isArray(r.findings) || !r.score) {
    throw new UsageError(`${file} is not a launchready JSON report (schemaVersion 1); write one with --format json`);
  }
  return r as Report;
}

export interface AuditInvocation {
  opts: AuditOptions;
  /** Config to use instead of loading one (single-topic commands build it from arguments). */
  config?: LaunchreadyConfig;
  /** Where relative paths of `config` resolve from (default: the working directory). */
  baseDir?: string;
  /** Families to run (single-topic commands). */
  only?: string[];
  /** Replace gatherers (e.g. `tls host:port` checks exactly one name). */
  gatherers?: Gatherer[];
  /** Record the run in history (audit only). */
  recordHistory?: boolean;
  /** Receives the finished report (the demo writes the plan and the pack from it). */
  onReport?: (report: Report) => void;
}

/** Runs an audit and prints/writes the report. Returns the exit code. */
export async function auditCommand(ctx: CliContext, inv: AuditInvocation): Promise<number> {
  const { opts } = inv;
  const formats = parseFormats(opts.format);
  const failOn = parseFailOn(opts.failOn);
  if (!opts.out && formats.length > 1) throw new UsageError('several formats need --out DIR (one file per format)');
  const loaded = inv.config
    ? { config: inv.config, path: null, baseDir: inv.baseDir ?? ctx.cwd }
    : await loadConfig({ path: opts.config, cwd: ctx.cwd, env: ctx.env, required: true });
  if (opts.active) loaded.config.active = true;
  const netOptions = await netOptionsFor(ctx, loaded.config, loaded.baseDir, opts);
  let reg: Registry = defaultRegistry();
  if (inv.gatherers) {
    const replaced = new Map([...reg.gatherers].map(([k, v]) => [k, v as Gatherer]));
    for (const g of inv.gatherers) replaced.set(g.id, g);
    reg = buildRegistry(reg.families, [...replaced.values()]);
  }
  const net = createNet(netOptions);
  const progress = createProgress(progressMode(ctx.stderr, ctx.env, !!opts.quiet), ctx.stderr, ctx.now);
  let report: Report;
  try {
    ({ report } = await runAudit({
      config: loaded.config,
      configPath: loaded.path,
      baseDir: loaded.baseDir,
      net,
      registry: reg,
      signal: ctx.signal,
      onProgress: (e) => progress.on(e),
      now: ctx.now,
      accepted: readAcceptances(loaded.baseDir),
      ...(inv.only ? { only: inv.only } : list(opts.only) ? { only: list(opts.only)! } : {}),
      ...(list(opts.skip) ? { skip: list(opts.skip)! } : {}),
    }));
  } finally {
    progress.done();
    await net.close();
  }

  if (opts.baseline) report.baseline = diffReports(readReport(opts.baseline, ctx.cwd), report, opts.baseline);
  if (inv.recordHistory && opts.history !== false) {
    const store = new HistoryStore(resolve(loaded.baseDir, '.launchready/history.db'));
    try {
      const key = loaded.path ?? ctx.cwd;
      const since = store.sinceLastRun(key, report);
      if (since) report.sinceLastRun = since;
      store.record(key, report);
    } finally {
      store.close();
    }
  }
  emitReport(ctx, report, formats, { ...opts, failOn }, reg);
  inv.onReport?.(report);
  return exitCodeFor(report, failOn);
}

/** Network options from config plus the command line's --resolver/--connect-to/--ca/--timeout. */
export async function netOptionsFor(
  ctx: CliContext,
  config: LaunchreadyConfig,
  baseDir: string,
  opts: { resolver?: string[]; connectTo?: string[]; ca?: string; timeout?: string },
): Promise<NetOptions> {
  const timeoutMs = opts.timeout ? Number(opts.timeout) : undefined;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError(`--timeout must be a number of milliseconds (got "${opts.timeout}")`);
  return toNetOptions(config, baseDir, {
    ...(opts.resolver ? { resolver: opts.resolver } : {}),
    ...(opts.connectTo ? { connectTo: opts.connectTo } : {}),
    ...(opts.ca ? { ca: opts.ca } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
    cwd: ctx.cwd,
  });
}

export function exitCodeFor(report: Pick<Report, 'findings'>, failOn: FailOn): number {
  return report.findings.some((f) => !f.deferred && meetsThreshold(f.severity, failOn)) ? 1 : 0;
}

/** Prints or writes a report in every asked format. */
export function emitReport(
  ctx: CliContext,
  report: Report,
  formats: Format[],
  opts: { out?: string; color?: boolean; quiet?: boolean; failOn: FailOn },
  reg: Registry = defaultRegistry(),
): void {
  const rules = [...reg.rules.values()];
  const color = opts.color !== false && !!ctx.stdout.isTTY && !ctx.env.NO_COLOR;
  if (!opts.out) {
    ctx.stdout.write(render(formats[0]!, report, { color, failOn: opts.failOn, rules }));
    return;
  }
  const paths = outputPaths(formats, opts.out, ctx.cwd);
  for (const [f, p] of paths) writeAtomic(p, render(f, report, { color: false, failOn: opts.failOn, rules }));
  if (!opts.quiet) {
    ctx.stdout.write(render('terminal', report, { color, failOn: opts.failOn, rules }));
    for (const [f, p] of paths) ctx.stdout.write(`wrote ${f} report: ${p}\n`);
  }
}

/** Default config for single-topic commands that take their inputs from arguments. */
export function configFrom(input: Record<string, unknown>): LaunchreadyConfig {
  return configSchema.parse(input);
}
