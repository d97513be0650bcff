/**
 * Markdown reporter: the terminal report's content as GitHub-flavoured Markdown (for PR
 * comments, issues and the handover pack). All target text goes through `escapeMd`, so a
 * `|` cannot break a table and `<script>` cannot become HTML.
 */
import { renderDomainMapMarkdown, type EdgeMap } from './domain-map.js';
import type { DomainMap } from '../audits/dns/domain-map.js';
import { STAGES, STAGE_NAMES, type Report } from '../core/types.js';
import type { RenderOptions } from './index.js';
import {
  countsText,
  deltaText,
  docsUrl,
  escapeMd,
  evidenceLine,
  formatDuration,
  groupBySeverityThenStage,
  scoreText,
  sinceLastRunText,
  targetLabel,
  verdictLabel,
} from './shared.js';

const VERDICT_ICON: Record<Report['verdict'], string> = {
  'not-ready': '🛑',
  'ready-with-risks': '⚠️',
  ready: '✅',
};

export function renderMarkdown(report: Report, opts: RenderOptions): string {
  const md = escapeMd;
  const out: string[] = [];

  out.push(`# ${VERDICT_ICON[report.verdict]} ${verdictLabel(report.verdict)}: launch readiness report`, '');
  out.push(
    `**Score ${scoreText(report.score.overall)}/100** · ${countsText(report.findings)} · fail-on \`${opts.failOn}\``,
    '',
    `${md(report.tool.name)} ${md(report.tool.version)} · config ${report.config.path ? md(report.config.path) : 'none'} · ` +
      `started ${md(report.startedAt)} · took ${formatDuration(report.durationMs)}`,
  );

  out.push('', '## Scores by stage', '', '| # | stage | score |', '|---:|---|---:|');
  for (const stage of STAGES) {
    out.push(`| ${stage} | ${STAGE_NAMES[stage]} | ${scoreText(report.score.stages[`${stage}`])} |`);
  }

  if (report.sinceLastRun) {
    const s = report.sinceLastRun;
    out.push('', `**Since last run** (#${s.runId}, ${md(s.at)}): ${md(sinceLastRunText(s))}`);
  }

  if (report.baseline) {
    const b = report.baseline;
    out.push('', `## Baseline: ${md(b.path)}`, '', `${b.newFindings.length} new, ${b.fixedFindings.length} fixed, ${b.unchanged} unchanged.`);
    if (b.newFindings.length) out.push('', `- **New:** ${b.newFindings.map((id) => md(id)).join(', ')}`);
    for (const f of b.fixedFindings) out.push(`- **Fixed:** ${md(f.id)} on ${md(f.target)} (${f.severity})`);
    for (const d of b.metricDeltas) out.push(`- ${md(deltaText(d))}`);
  }

  out.push('', '## Launch sequence', '');
  if (report.launchSequence.length === 0) out.push('Nothing to do before launch.');
  for (const step of report.launchSequence) {
    const ids = step.findingIds.length ? ` (${step.findingIds.map((id) => md(id)).join(', ')})` : '';
    out.push(`${step.order}. **stage ${step.stage} · ${STAGE_NAMES[step.stage]}** [${step.severity}]: ${md(step.summary)}${ids}`);
  }

  out.push('', `## Risks (${report.findings.length})`);
  if (report.findings.length === 0) out.push('', 'No findings.');
  for (const group of groupBySeverityThenStage(report.findings)) {
    out.push('', `### ${group.severity} (${group.count})`, '');
    out.push('| stage | rule | finding | target | evidence | fix |', '|---|---|---|---|---|---|');
    for (const { findings } of group.stages) {
      for (const f of findings) {
        const deferred = f.deferred ? `<br>*deferred: ${md(f.deferred.reason)}*` : '';
        out.push(
          `| ${f.stage} ${STAGE_NAMES[f.stage]} | [${md(f.id)}](${docsUrl(f.docs).replace(/\(/g, '%28').replace(/\)/g, '%29')}) | ${md(f.title)}${deferred} | ${md(targetLabel(f))} | ` +
            `${md(evidenceLine(f.evidence))} | ${md(f.remediation)} |`,
        );
      }
    }
  }

  const map = report.metrics?.domainMap as DomainMap | undefined;
  if (map && Array.isArray(map.names)) {
    out.push('', '## Domain map', '', renderDomainMapMarkdown(map, (report.metrics.edgeMap ?? {}) as EdgeMap).replace(/^### Domain map[^\n]*\n\n/, '').trimEnd());
  }

  if (report.skipped.length) {
    out.push('', `## Skipped (${report.skipped.length} checks)`, '');
    for (const s of report.skipped) out.push(`- ${md(s.id)}: ${md(s.reason)}`);
  }

  if (report.errors?.length) {
    out.push('', `## Audit errors (${report.errors.length})`, '');
    for (const e of report.errors) out.push(`- ${md(e.audit)}: ${md(e.message)}`);
  }

  if (report.passed.length) {
    out.push('', `<details><summary>${report.passed.length} checks passed</summary>`, '');
    for (const id of report.passed) out.push(`- ${md(id)}`);
    out.push('', '</details>');
  }

  return `${out.join('\n')}\n`;
}
