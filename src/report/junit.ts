/**
 * JUnit XML reporter, for CI systems that chart test results (GitLab, Jenkins, CircleCI...).
 * One <testsuite> per stage, one <testcase> per (rule, target) checked. A finding at or above
 * `--fail-on` is a <failure>; one below it passes, with the finding in <system-out>; skipped
 * checks are <skipped>, audit errors <error>. Reports without `checked` (older versions) fall back to findings plus
 * passed rule ids. XML is hand-built: the shape is tiny and fixed, and `escapeXml` also drops
 * the characters XML 1.0 forbids (which a generic builder would emit and break the parse).
 */
import { STAGES, STAGE_NAMES, meetsThreshold, type Finding, type Report, type Stage } from '../core/types.js';
import type { RenderOptions } from './index.js';
import { cmp, escapeXml as x, evidenceLine, ruleFamily, ruleIndex, sortFindings, targetLabel } from './shared.js';

interface Case {
  rule: string;
  target: string;
  stage: Stage | null;
  findings: Finding[];
  skipped?: string;
}

export function renderJunit(report: Report, opts: RenderOptions): string {
  const catalog = ruleIndex(opts.rules);
  const stageOf = (rule: string): Stage | null => catalog.get(rule)?.stage ?? null;
  const key = (rule: string, target: string): string => `${rule}\u0000${target}`;

  const cases = new Map<string, Case>();
  const add = (rule: string, target: string, stage: Stage | null): Case => {
    const k = key(rule, target);
    let c = cases.get(k);
    if (!c) {
      c = { rule, target, stage, findings: [] };
      cases.set(k, c);
    }
    return c;
  };

  if (report.checked) {
    for (const ch of report.checked) add(ch.rule, ch.target, stageOf(ch.rule));
  } else {
    for (const id of report.passed) add(id, '', stageOf(id));
  }
  // Every finding gets a testcase, even when `checked` forgot its pair.
  for (const f of sortFindings(report.findings)) {
    const c = add(f.id, f.target, f.stage);
    c.stage = f.stage;
    c.findings.push(f);
  }
  for (const s of report.skipped) add(s.id, '', stageOf(s.id)).skipped = s.reason;

  const suites: { name: string; id: string; cases: Case[] }[] = STAGES.map((stage) => ({
    name: `stage ${stage}: ${STAGE_NAMES[stage]}`,
    id: `stage-${stage}`,
    cases: [] as Case[],
  }));
  const other = { name: 'other', id: 'other', cases: [] as Case[] };
  for (const c of cases.values()) (c.stage ? suites[c.stage - 1]! : other).cases.push(c);
  if (other.cases.length) suites.push(other);

  const isFailure = (c: Case): boolean => c.findings.some((f) => meetsThreshold(f.severity, opts.failOn));
  const all = suites.flatMap((s) => s.cases);
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(
    `<testsuites name="${x(report.tool.name)}" tests="${all.length + (report.errors?.length ?? 0)}" failures="${all.filter(isFailure).length}" ` +
      `errors="${report.errors?.length ?? 0}" skipped="${all.filter((c) => c.skipped !== undefined && !isFailure(c)).length}" ` +
      `time="${(report.durationMs / 1000).toFixed(3)}" timestamp="${x(report.startedAt)}">`,
  );

  for (const suite of suites) {
    const sorted = [...suite.cases].sort((a, b) => cmp(a.rule, b.rule) || cmp(a.target, b.target));
    const failures = sorted.filter(isFailure).length;
    const skipped = sorted.filter((c) => c.skipped !== undefined && !isFailure(c)).length;
    lines.push(
      `  <testsuite name="${x(suite.name)}" id="${suite.id}" tests="${sorted.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    );
    for (const c of sorted) {
      const name = c.target ? `${c.rule} [${c.target}]` : c.rule;
      const classname = `launchready.${suite.id}.${ruleFamily(c.rule)}`;
      const open = `    <testcase name="${x(name)}" classname="${x(classname)}"`;
      const failing = c.findings.filter((f) => meetsThreshold(f.severity, opts.failOn));
      const passing = c.findings.filter((f) => !meetsThreshold(f.severity, opts.failOn));
      if (failing.length === 0 && passing.length === 0 && c.skipped === undefined) {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(`${open}>`);
      if (failing.length) {
        const worst = failing[0]!;
        lines.push(
          `      <failure message="${x(`${worst.severity}: ${worst.title}`)}" type="${worst.severity}">` +
            `${failing.map((f) => x(findingText(f))).join('&#10;&#10;')}</failure>`,
        );
      } else if (c.skipped !== undefined) {
        lines.push(`      <skipped message="${x(c.skipped)}"/>`);
      }
      if (passing.length) {
        lines.push(
          `      <system-out>${passing
            .map((f) => x(`${f.severity} (below --fail-on ${opts.failOn}): ${findingText(f)}`))
            .join('&#10;&#10;')}</system-out>`,
        );
      }
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  // Audit errors (the run went on without them) are <error> testcases in their own suite.
  const errors = report.errors ?? [];
  if (errors.length) {
    lines.push(`  <testsuite name="audit errors" id="errors" tests="${errors.length}" failures="0" errors="${errors.length}" skipped="0">`);
    for (const e of errors) {
      lines.push(
        `    <testcase name="${x(e.audit)}" classname="launchready.errors.${x(ruleFamily(e.audit))}">` +
          `<error message="${x(e.message)}" type="audit-error"/></testcase>`,
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** Body of a failure: what, where, evidence and the fix. Newlines are added as &#10; by the caller. */
function findingText(f: Finding): string {
  const evidence = Object.keys(f.evidence).length ? ` | evidence: ${evidenceLine(f.evidence)}` : '';
  return `${f.title} | target: ${targetLabel(f)}${evidence} | fix: ${f.remediation}`;
}
