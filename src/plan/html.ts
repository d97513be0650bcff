/** The launch plan as one self-contained HTML page with tickable checkboxes (no script). */
import { escapeHtml as h, escapeHtmlKeepCode as hc } from '../report/shared.js';
import type { LaunchPlan } from './build.js';
import { effortText } from './build.js';

export function renderPlanHtml(plan: LaunchPlan): string {
  const blocks = plan.blocks
    .map((b) => {
      const items = b.items
        .map(
          (i) =>
            `<li class="item sev-${i.severity}" id="item-${i.n}" data-rule="${h(i.rule)}"><label><input type="checkbox"> <strong>#${i.n} ${h(i.title)}</strong></label>` +
            ` <span class="meta">${h(i.severity)} · ${h(effortText(i.effortMin))}${i.after.length ? ` · after ${i.after.map((a) => `<a href="#item-${a}">#${a}</a>`).join(', ')}` : ''}</span>` +
            `<div class="rule">${h(i.rule)} on ${h(i.targets.slice(0, 5).join(', '))}${i.targets.length > 5 ? ` and ${i.targets.length - 5} more` : ''}</div><div class="fix">${hc(i.fix)}</div></li>`,
        )
        .join('');
      const deliverables = b.def.deliverables.map((d) => `<li class="deliverable"><label><input type="checkbox"> ${hc(d)}</label></li>`).join('');
      return `<section class="block" id="block-${b.def.id}"><h2>Hours ${h(b.def.hours)}: ${h(b.def.title)}</h2><p class="meta">${b.items.length} fixes, ${h(effortText(b.effortMin))}${b.over ? ` <span class="over">more than the block's ${b.def.length} h</span>` : ''}</p><ul>${deliverables}${items}</ul></section>`;
    })
    .join('\n');
  const deferred = plan.deferred.length
    ? `<ul>${plan.deferred.map((d) => `<li>${h(d.rule)} on ${h(d.target)} (${h(d.severity)}): ${h(d.reason)}${d.by ? ` — ${h(d.by)}` : ''}${d.until ? `, until ${h(d.until)}` : ''}</li>`).join('')}</ul>`
    : '<p>None.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Launch plan${plan.report.product ? `: ${h(plan.report.product)}` : ''}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;max-width:1000px;margin:0 auto;padding:24px;color:#1a1a1a}
h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}
ul{list-style:none;padding-left:0} li{margin:8px 0} .meta{color:#5c5c5c;font-size:12px} .rule{font-family:ui-monospace,monospace;font-size:12px;color:#5c5c5c}
.fix{margin-left:22px} code{font-family:ui-monospace,monospace;font-size:12px;background:#f3f3f3;padding:0 3px} .over{color:#b00020} .sev-blocker strong{color:#b00020} .sev-high strong{color:#a04000}
@media print{input{zoom:1.2} section{break-inside:avoid-page}}
</style></head><body>
<h1>Launch plan${plan.report.product ? `: ${h(plan.report.product)}` : ''}</h1>
<p class="meta">From the audit of ${h(plan.report.startedAt)}: verdict <strong>${h(plan.report.verdict)}</strong>, score ${plan.report.score}/100; ${h(effortText(plan.totalMin))} of work. Written ${h(plan.generatedAt)}.</p>
${blocks}
<section id="deferred"><h2>Accepted risks (not planned)</h2>${deferred}</section>
</body></html>
`;
}
