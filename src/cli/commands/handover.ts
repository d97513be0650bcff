/**
 * `launchready handover`, `launchready plan` and `launchready accept`: stage 7. Handover and plan
 * start from a report (`--from report.json`, else the newest audit recorded in
 * .launchready/history.db for this config) and write files; accept edits .launchready/accepted.json.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { CliContext } from '../context.js';
import type { Report } from '../../core/types.js';
import { UsageError } from '../../core/errors.js';
import { loadConfig } from '../../config/loader.js';
import { HistoryStore } from '../../engine/history.js';
import { registry } from '../../engine/registry.js';
import { readReport } from './audit.js';
import { writeAtomic } from '../output.js';
import { buildPack, packGaps } from '../../handover/pack.js';
import { renderPackMarkdown } from '../../handover/markdown.js';
import { renderPackHtml } from '../../handover/html.js';
import { printPdf } from '../../handover/pdf.js';
import { buildPlan, effortText } from '../../plan/build.js';
import { renderPlanMarkdown } from '../../plan/markdown.js';
import { renderPlanHtml } from '../../plan/html.js';
import { ACCEPTED_FILE, isExpired, matches, readAcceptances, writeAcceptances, type Acceptance } from '../../handover/accept.js';

interface SourceOptions {
  from?: string;
  config?: string;
}

/** The report to work from, and the project directory (where .launchready/ lives). */
export async function sourceReport(ctx: CliContext, opts: SourceOptions): Promise<{ report: Report; baseDir: string; source: string }> {
  const loaded = await loadConfig({ path: opts.config, cwd: ctx.cwd, env: ctx.env, required: false });
  if (opts.from) return { report: readReport(opts.from, ctx.cwd), baseDir: loaded.baseDir, source: opts.from };
  const db = resolve(loaded.baseDir, '.launchready/history.db');
  const none = new UsageError(
    `no report to work from: pass --from report.json (write one with launchready audit --format json --out DIR), or run launchready audit first (it records runs in ${db})`,
  );
  if (!existsSync(db)) throw none;
  const store = new HistoryStore(db);
  try {
    const latest = store.latestAudit(loaded.path ?? ctx.cwd);
    if (!latest) throw none;
    return { report: latest.report, baseDir: loaded.baseDir, source: `run ${latest.id} of ${db}` };
  } finally {
    store.close();
  }
}

const isoNow = (ctx: CliContext) => new Date(ctx.now()).toISOString();

/** Writes the pack into `dir`; returns the files written. Used by `handover` and `demo`. */
export async function writePack(report: Report, dir: string, now: string, opts: { pdf?: boolean; env: NodeJS.ProcessEnv }): Promise<{ files: string[]; gaps: number }> {
  const pack = buildPack(report, now);
  const files: string[] = [];
  for (const [name, text] of renderPackMarkdown(pack)) {
    const p = join(dir, name);
    writeAtomic(p, text);
    files.push(p);
  }
  const html = join(dir, 'handover.html');
  writeAtomic(html, renderPackHtml(pack));
  files.push(html);
  if (opts.pdf) {
    const pdf = join(dir, 'handover.pdf');
    await printPdf(html, pdf, opts.env);
    files.push(pdf);
  }
  return { files, gaps: packGaps(pack).length };
}

export async function handoverCommand(ctx: CliContext, opts: SourceOptions & { out: string; pdf?: boolean; quiet?: boolean }): Promise<number> {
  const { report, source } = await sourceReport(ctx, opts);
  const dir = resolve(ctx.cwd, opts.out);
  const { files, gaps } = await writePack(report, dir, isoNow(ctx), { ...(opts.pdf ? { pdf: true } : {}), env: ctx.env });
  if (!opts.quiet) {
    ctx.stdout.write(`handover pack from ${source}: ${files.length} files in ${dir}\n`);
    ctx.stdout.write(`  index: ${join(dir, 'README.md')}\n  printable: ${join(dir, 'handover.html')}${opts.pdf ? `\n  pdf: ${join(dir, 'handover.pdf')}` : ''}\n`);
    ctx.stdout.write(gaps ? `  ${gaps} gap${gaps > 1 ? 's' : ''} listed in README.md: fill them in the config's handover section and audit again\n` : '  no gaps\n');
  }
  return 0;
}

/** Writes the plan as Markdown and HTML into `dir`; returns the paths. Used by `plan` and `demo`. */
export function writePlan(report: Report, dir: string, now: string): { md: string; html: string; items: number; totalMin: number } {
  const plan = buildPlan(report, now);
  const md = join(dir, 'launch-plan.md');
  const html = join(dir, 'launch-plan.html');
  writeAtomic(md, renderPlanMarkdown(plan));
  writeAtomic(html, renderPlanHtml(plan));
  return { md, html, items: plan.blocks.reduce((s, b) => s + b.items.length, 0), totalMin: plan.totalMin };
}

export async function planCommand(ctx: CliContext, opts: SourceOptions & { out?: string; format?: string; quiet?: boolean }): Promise<number> {
  const { report, source } = await sourceReport(ctx, opts);
  const format = (opts.format ?? 'md').toLowerCase();
  if (!['md', 'markdown', 'html', 'json'].includes(format)) throw new UsageError(`--format must be md, html or json for plan (got "${opts.format}")`);
  if (opts.out) {
    const dir = resolve(ctx.cwd, opts.out);
    const w = writePlan(report, dir, isoNow(ctx));
    if (!opts.quiet) ctx.stdout.write(`launch plan from ${source}: ${w.items ? `${w.items} fix${w.items === 1 ? '' : 'es'}, ${effortText(w.totalMin)}` : 'nothing to fix'}\n  ${w.md}\n  ${w.html}\n`);
    return 0;
  }
  const plan = buildPlan(report, isoNow(ctx));
  ctx.stdout.write(format === 'html' ? renderPlanHtml(plan) : format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanMarkdown(plan));
  return 0;
}

function whoAmI(ctx: CliContext): string {
  try {
    const name = execFileSync('git', ['config', 'user.name'], { cwd: ctx.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const email = execFileSync('git', ['config', 'user.email'], { cwd: ctx.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (name) return email ? `${name} <${email}>` : name;
  } catch {
    /* not a git checkout, or no identity */
  }
  return ctx.env.USER ?? ctx.env.USERNAME ?? 'unknown';
}

/**
 * `launchready accept <finding> --reason "..."`: <finding> is a rule id (every target), `rule@target`
 * (one target) or a finding fingerprint (one finding, from the JSON report). Checked against the
 * newest report when there is one, so a typo does not accept nothing.
 */
export async function acceptCommand(
  ctx: CliContext,
  finding: string | undefined,
  opts: SourceOptions & { reason?: string; until?: string; by?: string; list?: boolean; remove?: boolean },
): Promise<number> {
  const loaded = await loadConfig({ path: opts.config, cwd: ctx.cwd, env: ctx.env, required: false });
  const current = readAcceptances(loaded.baseDir);
  const now = ctx.now();
  if (opts.list) {
    if (!current.length) ctx.stdout.write(`no accepted risks (${join(loaded.baseDir, ACCEPTED_FILE)})\n`);
    for (const a of current) {
      ctx.stdout.write(
        `${a.rule}${a.target ? ` @ ${a.target}` : ''}${a.fingerprint ? ` [${a.fingerprint}]` : ''}: ${a.reason} — ${a.by}, ${a.at.slice(0, 10)}${a.until ? `, until ${a.until}` : ''}${isExpired(a, now) ? ' (EXPIRED: counts again)' : ''}\n`,
      );
    }
    return 0;
  }
  if (!finding) throw new UsageError('name the finding to accept: a rule id (dns/caa-missing), rule@target, or a fingerprint from the JSON report');

  let report: Report | null = null;
  try {
    report = (await sourceReport(ctx, opts)).report;
  } catch (e) {
    if (opts.from) throw e; // an explicit report that cannot be read is an error; no report at all is fine
  }
  const spec = parseSpec(finding, report);

  if (opts.remove) {
    const keep = current.filter((a) => !(a.rule === spec.rule && (a.target ?? null) === (spec.target ?? null) && (a.fingerprint ?? null) === (spec.fingerprint ?? null)));
    if (keep.length === current.length) throw new UsageError(`no acceptance of ${finding} in ${join(loaded.baseDir, ACCEPTED_FILE)} (see launchready accept --list)`);
    const file = writeAcceptances(loaded.baseDir, keep);
    ctx.stdout.write(`removed the acceptance of ${finding} from ${file}\n`);
    return 0;
  }

  if (!opts.reason?.trim()) throw new UsageError('--reason is required: say why this risk can wait (it is shown in every report and in the handover pack)');
  if (opts.until !== undefined) {
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(opts.until) ? Date.parse(`${opts.until}T23:59:59.999Z`) : NaN;
    if (Number.isNaN(ms)) throw new UsageError(`--until must be a date such as 2027-01-31 (got "${opts.until}")`);
    if (ms < now) throw new UsageError(`--until ${opts.until} is in the past`);
  }
  const entry: Acceptance = {
    rule: spec.rule,
    ...(spec.target ? { target: spec.target } : {}),
    ...(spec.fingerprint ? { fingerprint: spec.fingerprint } : {}),
    reason: opts.reason.trim(),
    by: opts.by ?? whoAmI(ctx),
    at: new Date(now).toISOString(),
    ...(opts.until ? { until: opts.until } : {}),
  };
  const next = current.filter((a) => !(a.rule === entry.rule && a.target === entry.target && a.fingerprint === entry.fingerprint));
  next.push(entry);
  const file = writeAcceptances(loaded.baseDir, next);
  const covered = report ? report.findings.filter((f) => matches(entry, f)) : [];
  const blockers = covered.filter((f) => f.severity === 'blocker').length;
  ctx.stdout.write(
    `accepted ${finding}${report ? ` (${covered.length} finding${covered.length === 1 ? '' : 's'} of the newest report)` : ''}${entry.until ? ` until ${entry.until}` : ''}: recorded in ${file}\n` +
      (blockers ? `warning: this accepts ${blockers} blocker${blockers > 1 ? 's' : ''}; the verdict no longer counts ${blockers > 1 ? 'them' : 'it'}, and the handover pack lists ${blockers > 1 ? 'them' : 'it'} as deferred\n` : '') +
      'It applies from the next launchready audit; commit the file so the team sees who accepted what.\n',
  );
  return 0;
}

function parseSpec(s: string, report: Report | null): { rule: string; target?: string; fingerprint?: string } {
  const rules = registry().rules;
  if (/^[0-9a-f]{8,64}$/.test(s)) {
    if (!report) throw new UsageError(`${s} looks like a finding fingerprint, but there is no report to look it up in: pass --from report.json`);
    const f = report.findings.find((x) => x.fingerprint.startsWith(s));
    if (!f) throw new UsageError(`no finding with fingerprint ${s} in the report`);
    return { rule: f.id, fingerprint: f.fingerprint, target: f.target };
  }
  const at = s.indexOf('@');
  const rule = at === -1 ? s : s.slice(0, at);
  const target = at === -1 ? undefined : s.slice(at + 1);
  if (!rules.has(rule)) {
    const near = [...rules.keys()].filter((r) => r.startsWith(rule.split('/')[0] + '/')).slice(0, 8);
    throw new UsageError(`unknown rule "${rule}"${near.length ? `; rules of that family: ${near.join(', ')}` : ' (see docs/rules.md)'}`);
  }
  if (report && target !== undefined && !report.findings.some((f) => f.id === rule && f.target === target)) {
    const targets = report.findings.filter((f) => f.id === rule).map((f) => f.target);
    throw new UsageError(`the newest report has no ${rule} finding on "${target}"${targets.length ? `; its targets: ${targets.slice(0, 8).join(', ')}` : ''}`);
  }
  return { rule, ...(target !== undefined ? { target } : {}) };
}
