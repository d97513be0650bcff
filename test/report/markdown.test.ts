import { describe, expect, it } from 'vitest';
import { render } from '../../src/report/index.js';
import { emptyReport, sampleReport, sampleRules } from '../helpers/sample-report.js';

const md = (r = sampleReport()): string => render('md', r, { color: false, failOn: 'blocker', rules: sampleRules() });
/** Pipes that split a GFM table cell (an escaped `\|` does not). */
const cellPipes = (row: string): number => (row.match(/(?<!\\)\|/g) ?? []).length;

describe('markdown reporter', () => {
  it('has headings for scores, launch sequence and each severity', () => {
    const out = md();
    expect(out).toMatch(/^# .*NOT READY/m);
    expect(out).toContain('## Scores by stage');
    expect(out).toContain('## Launch sequence');
    expect(out).toContain('### blocker (2)');
    expect(out).toContain('### info (1)');
  });

  it('keeps every findings-table row at 7 cell separators even with | in target text', () => {
    const rows = md().split('\n').filter((l) => l.startsWith('| ') && /\[\w+\\?\//.test(l));
    expect(rows).toHaveLength(sampleReport().findings.length);
    for (const row of rows) expect(cellPipes(row)).toBe(7);
    expect(md()).toContain('q=&lt;x>\\|y');
  });

  it('never lets target text become HTML', () => {
    const out = md();
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;script>alert(1)&lt;/script>');
    expect(out).not.toContain('\u001b');
  });

  it('shows since-last-run, baseline, skipped and errors', () => {
    const out = md();
    expect(out).toContain('2 fixed, 1 new, p95 of feed 410 -> 180 ms');
    expect(out).toContain('## Baseline: baseline.json');
    expect(out).toContain('## Skipped (2 checks)');
    expect(out).toContain('## Audit errors (1)');
  });

  it('says so when there is nothing to fix', () => {
    const out = md(emptyReport());
    expect(out).toContain('READY');
    expect(out).toContain('No findings.');
    expect(out).not.toContain('### blocker');
  });
});
