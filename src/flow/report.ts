/**
 * Plain-text rendering of flow results for `launchready smoke` (the audit report shows the same
 * facts through deploy/smoke-failed evidence). No colours here: the CLI decorates.
 */
import type { FlowResult, StepResult } from './types.js';
import { escapeXml } from '../report/shared.js';

const MARK: Record<StepResult['outcome'], string> = { passed: 'ok  ', failed: 'FAIL', error: 'ERR ', skipped: 'skip' };

export function formatStep(s: StepResult): string[] {
  const lines = [`  ${MARK[s.outcome]} ${s.phase === 'cleanup' ? '(cleanup) ' : ''}${s.name}  ${s.method} ${s.url}  ${s.status || '-'} ${s.durationMs} ms`];
  if (s.outcome === 'passed') return lines;
  if (s.reason) lines.push(`       ${s.reason}`);
  for (const e of s.expectations.filter((x) => !x.pass)) lines.push(`       expected ${e.expectation}  got ${e.text}`);
  if (s.got) {
    const h = Object.entries(s.got.headers).map(([k, v]) => `${k}: ${v}`).join('; ');
    if (h) lines.push(`       headers: ${h}`);
    if (s.got.body) lines.push(`       body: ${s.got.body.replace(/\s+/g, ' ')}${s.got.bodyTruncated ? ' …' : ''}`);
  }
  return lines;
}

/** One block per flow run; rollback steps appended after a failure. */
export function formatSmoke(results: FlowResult[], rollback: string[] = []): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.ok ? 'PASS' : 'FAIL'} ${r.flow} (${r.durationMs} ms)${r.error ? ` — ${r.error.message}` : ''}`);
    for (const s of [...r.steps, ...r.cleanup]) out.push(...formatStep(s));
  }
  const failed = results.filter((r) => !r.ok).length;
  out.push(`${results.length - failed}/${results.length} flow runs passed`);
  if (failed && rollback.length) {
    out.push('', 'Rollback steps (handover.rollback):');
    rollback.forEach((s, i) => out.push(`  ${i + 1}. ${s}`));
  }
  return out.join('\n');
}

/**
 * JUnit XML of flow runs for CI (`launchready smoke --format junit --out smoke/`): one testsuite
 * per flow run, one testcase per step (cleanup steps included); a failed or errored step carries
 * the reason and what came back (already masked), a skipped one <skipped/>.
 */
export function formatSmokeJunit(results: FlowResult[]): string {
  const suites = results.map((r, i) => {
    const steps = [...r.steps, ...r.cleanup];
    const failures = steps.filter((s) => s.outcome === 'failed').length;
    const errors = steps.filter((s) => s.outcome === 'error').length + (r.error && !r.failedStep ? 1 : 0);
    const cases = steps.map((s) => {
      const name = `${s.phase === 'cleanup' ? 'cleanup: ' : ''}${s.name}`;
      const open = `    <testcase classname="smoke.${escapeXml(r.flow)}" name="${escapeXml(name)}" time="${(s.durationMs / 1000).toFixed(3)}"`;
      if (s.outcome === 'passed') return `${open}/>`;
      if (s.outcome === 'skipped') return `${open}><skipped message="${escapeXml(s.reason ?? '')}"/></testcase>`;
      const detail = formatStep(s).slice(1).map((l) => l.trim()).join('\n');
      const tag = s.outcome === 'failed' ? 'failure' : 'error';
      return `${open}><${tag} message="${escapeXml(s.reason ?? s.outcome)}">${escapeXml(`${s.method} ${s.url} -> ${s.status || '-'}\n${detail}`)}</${tag}></testcase>`;
    });
    if (r.error && !r.failedStep) cases.push(`    <testcase classname="smoke.${escapeXml(r.flow)}" name="flow"><error message="${escapeXml(r.error.message)}"/></testcase>`);
    const tests = cases.length;
    return [
      `  <testsuite name="smoke ${escapeXml(r.flow)}${results.filter((x) => x.flow === r.flow).length > 1 ? ` #${i + 1}` : ''}" tests="${tests}" failures="${failures}" errors="${errors}" timestamp="${escapeXml(r.startedAt)}" time="${(r.durationMs / 1000).toFixed(3)}">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="launchready smoke">\n${suites.join('\n')}\n</testsuites>\n`;
}
