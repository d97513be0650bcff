/**
 * The pack as one printable, self-contained HTML page (no script, no external request): a table
 * of contents, every section, gaps highlighted, print CSS with a page break per section so the
 * same page prints to PDF (`--pdf`).
 */
import { escapeHtml as h, escapeHtmlKeepCode as hc } from '../report/shared.js';
import type { Block, Pack } from './pack.js';
import { packGaps } from './pack.js';

function block(b: Block): string {
  switch (b.kind) {
    case 'h':
      return `<h3>${h(b.text)}</h3>`;
    case 'p':
      return `<p>${hc(b.text)}</p>`;
    case 'gap':
      return `<p class="gap"><strong>Gap:</strong> ${hc(b.text)}</p>`;
    case 'list': {
      const tag = b.ordered ? 'ol' : 'ul';
      return `<${tag}>${b.items.map((i) => `<li>${hc(i)}</li>`).join('')}</${tag}>`;
    }
    case 'code':
      return `<pre>${h(b.text)}</pre>`;
    case 'table': {
      const head = b.head.every((x) => x === '') ? '' : `<thead><tr>${b.head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead>`;
      return `<table>${head}<tbody>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${h(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
    }
  }
}

export function renderPackHtml(pack: Pack): string {
  const gaps = packGaps(pack);
  const toc = pack.sections
    .map((s, i) => `<li><a href="#${s.id}">${h(s.title)}</a>${s.gaps.length ? ` <span class="gapcount">${s.gaps.length} gap${s.gaps.length > 1 ? 's' : ''}</span>` : ''}</li>`)
    .join('');
  const sections = pack.sections
    .map((s, i) => `<section id="${s.id}" data-gaps="${s.gaps.length}"><h2>${i + 1}. ${h(s.title)}</h2>${s.blocks.map(block).join('\n')}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${h(pack.title)}</title>
<style>${CSS}</style></head>
<body>
<header><h1>${h(pack.title)}</h1>
<p class="meta">Written ${h(pack.generatedAt)} by ${h(pack.report.tool)} from the audit of ${h(pack.report.startedAt)}: verdict <strong class="verdict ${h(pack.report.verdict)}">${h(pack.report.verdict)}</strong>, score ${pack.report.score}/100.</p>
<nav><h2>Contents</h2><ol>${toc}</ol></nav>
<div id="gaps"><h2>Gaps</h2>${gaps.length ? `<ul>${gaps.map((g) => `<li><strong>${h(g.section)}:</strong> ${h(g.gap)}</li>`).join('')}</ul>` : '<p>None: every section has content.</p>'}</div>
</header>
<main>
${sections}
</main>
</body></html>
`;
}

const CSS = `
:root{--fg:#1a1a1a;--muted:#5c5c5c;--line:#d9d9d9;--gap:#fff4d6;--gapline:#e0a800}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:20px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px} h3{font-size:15px;margin:18px 0 6px}
.meta{color:var(--muted)} .verdict.not-ready{color:#b00020} .verdict.ready-with-risks{color:#a06000} .verdict.ready{color:#1b7f3b}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px} th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f4f4f4;white-space:nowrap}
.gap{background:var(--gap);border-left:4px solid var(--gapline);padding:6px 10px}
.gapcount{color:#a06000;font-size:12px}
pre{background:#f6f6f6;padding:8px;overflow-x:auto} code{font-family:ui-monospace,monospace;font-size:12px;background:#f3f3f3;padding:0 3px}
@media print{body{max-width:none;padding:0;font-size:11px} section{break-before:page} nav a{color:inherit;text-decoration:none} table{font-size:10px}}
`;
