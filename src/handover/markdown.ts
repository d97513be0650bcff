/**
 * The pack as Markdown: one file per section plus README.md (the index, with every gap listed).
 * Text from the report and the config is escaped (escapeMd) so it stays text on GitHub.
 */
import { escapeMd, escapeMdKeepCode } from '../report/shared.js';
import type { Block, Pack, PackSection } from './pack.js';
import { packGaps } from './pack.js';

const cell = (s: string) => escapeMd(s).replace(/\r?\n/g, ' ');

function block(b: Block): string {
  switch (b.kind) {
    case 'h':
      return `### ${escapeMd(b.text)}\n`;
    case 'p':
      return `${escapeMdKeepCode(b.text)}\n`;
    case 'gap':
      return `> **Gap:** ${escapeMdKeepCode(b.text)}\n`;
    case 'list':
      return b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : '-'} ${escapeMdKeepCode(it)}`).join('\n') + '\n';
    case 'code':
      return '```\n' + b.text.replace(/```/g, '`\u200b``') + '\n```\n';
    case 'table': {
      const head = b.head.every((h) => h === '') ? b.head.map((_, i) => (i === 0 ? ' ' : ' ')) : b.head;
      return [`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n') + '\n';
    }
  }
}

export function sectionMarkdown(pack: Pack, s: PackSection, n: number): string {
  return [`# ${n}. ${escapeMd(s.title)}`, '', `*${escapeMd(pack.product)} — handover pack, from the audit of ${pack.report.startedAt}. [Index](README.md)*`, '', ...s.blocks.map(block).flatMap((b) => [b])].join('\n');
}

export function indexMarkdown(pack: Pack): string {
  const gaps = packGaps(pack);
  const lines = [
    `# ${escapeMd(pack.title)}`,
    '',
    `Written ${pack.generatedAt} by ${escapeMd(pack.report.tool)} from the audit of ${pack.report.startedAt}: verdict **${pack.report.verdict}**, score ${pack.report.score}/100.`,
    '',
    '## Sections',
    '',
    ...pack.sections.map((s, i) => `${i + 1}. [${escapeMd(s.title)}](${s.file})${s.gaps.length ? ` — ${s.gaps.length} gap${s.gaps.length > 1 ? 's' : ''}` : ''}`),
    '',
    '## Gaps',
    '',
    ...(gaps.length ? gaps.map((g) => `- **${escapeMd(g.section)}:** ${escapeMdKeepCode(g.gap)}`) : ['None: every section has content.']),
    '',
    'Re-run `launchready audit` after filling a gap, then `launchready handover` again.',
    '',
  ];
  return lines.join('\n');
}

/** File name -> content for the whole pack. */
export function renderPackMarkdown(pack: Pack): Map<string, string> {
  const files = new Map<string, string>();
  files.set('README.md', indexMarkdown(pack));
  pack.sections.forEach((s, i) => files.set(s.file, sectionMarkdown(pack, s, i + 1)));
  return files;
}
