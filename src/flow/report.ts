/**
 * Plain-text rendering of flow results for `launchready smoke` (the audit report shows the same
 * facts through deploy/smoke-failed evidence). No colours here: the CLI decorates.
 */
import type { FlowResult, StepResult } from './types.js';

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
