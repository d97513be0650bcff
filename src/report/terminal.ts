/**
 * Terminal reporter: what `launchready audit` prints. Plain text that reads well with colour
 * off (CI logs, `--no-color`, pipes), coloured through picocolors when `opts.color` is set.
 * Every string that can come from a target passes through `clean()` so a hostile server
 * header cannot inject terminal escape sequences.
 */
import pc from 'picocolors';
import { STAGES, STAGE_NAMES, type Report, type Severity, type Verdict } from '../core/types.js';
import type { RenderOptions } from './index.js';
import {
  clean,
  countsText,
  deltaText,
  evidenceLine,
  formatDuration,
  groupBySeverityThenStage,
  scoreText,
  sinceLastRunText,
  targetLabel,
  verdictLabel,
} from './shared.js';

type Colors = ReturnType<typeof pc.createColors>;

/** Width of the stage-name column in the score table (longest name is 21 chars). */
const STAGE_COL = 24;

export function renderTerminal(report: Report, opts: RenderOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];
  const heading = (text: string): void => {
    out.push('', c.bold(text));
  };

  // Header and verdict.
  out.push(
    c.dim(
      `${clean(report.tool.name)} ${clean(report.tool.version)} · ${clean(report.config.path ?? 'no config file')} · ` +
        `${clean(report.startedAt)} · ${formatDuration(report.durationMs)}`,
    ),
  );
  out.push('', `${verdictBadge(report.verdict, c)}  ${countsText(report.findings)} · fail-on ${opts.failOn}`);

  // Scores.
  out.push('', `${c.bold('SCORE')} ${c.bold(scoreText(report.score.overall))}/100`);
  for (const stage of STAGES) {
    const score = report.score.stages[`${stage}`];
    const label = `${stage} ${STAGE_NAMES[stage]}`.padEnd(STAGE_COL);
    out.push(`  ${label}${scoreColor(score, c)(scoreText(score).padStart(3))}`);
  }

  if (report.sinceLastRun) {
    out.push('', `${c.bold('Since last run')} (#${report.sinceLastRun.runId}, ${clean(report.sinceLastRun.at)}): ${sinceLastRunText(report.sinceLastRun)}`);
  }

  if (report.baseline) {
    const b = report.baseline;
    heading(`BASELINE ${clean(b.path)}`);
    out.push(`  ${b.newFindings.length} new, ${b.fixedFindings.length} fixed, ${b.unchanged} unchanged`);
    for (const id of b.newFindings) out.push(`  ${c.red('+')} ${clean(id)}`);
    for (const f of b.fixedFindings) out.push(`  ${c.green('-')} ${clean(f.id)} ${clean(f.target)} (${f.severity})`);
    for (const d of b.metricDeltas) out.push(`  ${deltaText(d)}`);
  }

  // Risk list.
  heading(`RISKS (${report.findings.length})`);
  if (report.findings.length === 0) out.push('  No findings.');
  for (const group of groupBySeverityThenStage(report.findings)) {
    out.push('', `${severityColor(group.severity, c)(c.bold(group.severity.toUpperCase()))} (${group.count})`);
    for (const { stage, findings } of group.stages) {
      out.push(c.dim(`  stage ${stage} · ${STAGE_NAMES[stage]}`));
      for (const f of findings) {
        out.push(`  ${severityColor(f.severity, c)(MARK[f.severity])} ${c.bold(clean(f.id))}  ${clean(f.title)}${f.deferred ? c.dim(' (deferred)') : ''}`);
        out.push(`      target:   ${targetLabel(f)}`);
        if (Object.keys(f.evidence).length) out.push(`      evidence: ${evidenceLine(f.evidence)}`);
        out.push(`      fix:      ${clean(f.remediation)}`);
        if (f.deferred) {
          const by = f.deferred.by ? ` by ${clean(f.deferred.by)}` : '';
          const until = f.deferred.until ? ` until ${clean(f.deferred.until)}` : '';
          out.push(c.dim(`      deferred${by}${until}: ${clean(f.deferred.reason)}`));
        }
      }
    }
  }

  // Launch sequence.
  heading('LAUNCH SEQUENCE');
  if (report.launchSequence.length === 0) out.push('  Nothing to do before launch.');
  for (const step of report.launchSequence) {
    out.push(
      `  ${String(step.order).padStart(2)}. ${severityColor(step.severity, c)(`[stage ${step.stage}]`)} ${clean(step.summary)}`,
    );
    if (step.findingIds.length) out.push(c.dim(`      ${step.findingIds.map(clean).join(', ')}`));
  }

  if (report.skipped.length) {
    heading(`SKIPPED (${report.skipped.length} checks)`);
    for (const s of report.skipped) out.push(`  - ${clean(s.id)}: ${clean(s.reason)}`);
  }

  if (report.errors?.length) {
    heading(`AUDIT ERRORS (${report.errors.length})`);
    for (const e of report.errors) out.push(`  ${c.red('!')} ${clean(e.audit)}: ${clean(e.message)}`);
  }

  out.push('', c.dim(`${report.passed.length} checks passed.`));
  return `${out.join('\n')}\n`;
}

/** One-character marker per severity, readable without colour. */
const MARK: Record<Severity, string> = { blocker: 'x', high: '!', medium: '~', low: '-', info: 'i' };

function severityColor(s: Severity, c: Colors): (text: string) => string {
  switch (s) {
    case 'blocker':
      return c.red;
    case 'high':
      return c.magenta;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.cyan;
    case 'info':
      return c.dim;
    default: {
      const never: never = s;
      throw new Error(`unknown severity ${String(never)}`);
    }
  }
}

function verdictBadge(v: Verdict, c: Colors): string {
  const text = ` ${verdictLabel(v)} `;
  switch (v) {
    case 'not-ready':
      return c.bold(c.bgRed(c.white(text)));
    case 'ready-with-risks':
      return c.bold(c.bgYellow(c.black(text)));
    case 'ready':
      return c.bold(c.bgGreen(c.black(text)));
    default: {
      const never: never = v;
      throw new Error(`unknown verdict ${String(never)}`);
    }
  }
}

function scoreColor(score: number | null, c: Colors): (text: string) => string {
  if (score === null) return c.dim;
  return score >= 90 ? c.green : score >= 50 ? c.yellow : c.red;
}
