/**
 * The launch plan as Markdown: a GitHub task list per block (paste it into an issue and tick the
 * boxes), each item with its fix, rough effort and what must be done first.
 */
import { escapeMd, escapeMdKeepCode } from '../report/shared.js';
import type { LaunchPlan } from './build.js';
import { effortText } from './build.js';

const MAX_TARGETS = 5;

export function renderPlanMarkdown(plan: LaunchPlan): string {
  const out: string[] = [];
  out.push(`# Launch plan${plan.report.product ? `: ${escapeMd(plan.report.product)}` : ''}`, '');
  out.push(
    `From the audit of ${plan.report.startedAt}: verdict **${plan.report.verdict}**, score ${plan.report.score}/100. ` +
      `${plan.blocks.reduce((s, b) => s + b.items.length, 0)} fixes, ${effortText(plan.totalMin)} of work in all. Written ${plan.generatedAt}.`,
    '',
  );
  for (const b of plan.blocks) {
    out.push(`## Hours ${b.def.hours}: ${escapeMd(b.def.title)}`, '');
    out.push(`${b.items.length} fix${b.items.length === 1 ? '' : 'es'}, ${effortText(b.effortMin)}${b.over ? ` — more than the block's ${b.def.length} h: add hands, or accept what can wait (\`launchready accept\`)` : ''}.`, '');
    for (const d of b.def.deliverables) out.push(`- [ ] ${escapeMdKeepCode(d)}`);
    for (const i of b.items) {
      const targets = i.targets.slice(0, MAX_TARGETS).map((t) => `\`${t.replace(/`/g, "'")}\``).join(', ') + (i.targets.length > MAX_TARGETS ? ` and ${i.targets.length - MAX_TARGETS} more` : '');
      out.push(
        `- [ ] **#${i.n} ${escapeMd(i.title)}** (${i.severity}, ${effortText(i.effortMin)}${i.after.length ? `, after ${i.after.map((a) => `#${a}`).join(', ')}` : ''}) — \`${i.rule}\` on ${targets}`,
        `  ${escapeMdKeepCode(i.fix)}`,
      );
    }
    out.push('');
  }
  out.push('## Accepted risks (not planned)', '');
  if (plan.deferred.length) {
    for (const d of plan.deferred) out.push(`- \`${d.rule}\` on ${escapeMd(d.target)} (${d.severity}): ${escapeMd(d.reason)}${d.by ? ` — ${escapeMd(d.by)}` : ''}${d.until ? `, until ${d.until}` : ''}`);
  } else out.push('None.');
  out.push('');
  return out.join('\n');
}
