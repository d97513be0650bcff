import { describe, expect, it } from 'vitest';
import { scoreReport, BLOCKER_CAP, HIGH_CAP } from '../../src/engine/score.js';
import { launchSequence } from '../../src/engine/sequence.js';
import type { Finding, Severity, Stage } from '../../src/core/types.js';

let n = 0;
function finding(id: string, stage: Stage, severity: Severity, target = `t${++n}`, extra: Partial<Finding> = {}): Finding {
  return { id, stage, severity, title: id, target, evidence: {}, remediation: 'fix it', docs: '', fingerprint: `${id}:${target}`, ...extra };
}

describe('scoring and verdict', () => {
  it('is ready with 100 when checked stages have no findings', () => {
    const s = scoreReport([], new Set([2, 3]));
    expect(s).toMatchObject({ overall: 100, verdict: 'ready' });
    expect(s.stages['2']).toBe(100);
    expect(s.stages['5']).toBeNull();
  });
  it('caps the overall score and says not-ready on any blocker', () => {
    const s = scoreReport([finding('tls/expired', 2, 'blocker')], new Set([1, 2, 3, 4, 5, 6, 7]));
    expect(s.verdict).toBe('not-ready');
    expect(s.overall).toBeLessThanOrEqual(BLOCKER_CAP);
    expect(s.stages['2']).toBe(60);
  });
  it('caps at 79 and says ready-with-risks on a high', () => {
    const s = scoreReport([finding('edge/hsts-missing', 2, 'high')], new Set([1, 2, 3, 4, 5, 6, 7]));
    expect(s).toMatchObject({ verdict: 'ready-with-risks' });
    expect(s.overall).toBeLessThanOrEqual(HIGH_CAP);
  });
  it('stays ready with only low findings', () => {
    expect(scoreReport([finding('dns/caa-missing', 2, 'low')], new Set([2])).verdict).toBe('ready');
  });
  it('charges one rule on many targets less than many rules', () => {
    const same = scoreReport([1, 2, 3, 4].map((i) => finding('edge/hsts-weak', 2, 'medium', `h${i}`)), new Set([2]));
    const different = scoreReport(['a', 'b', 'c', 'd'].map((r) => finding(`edge/${r}`, 2, 'medium')), new Set([2]));
    expect(same.stages['2']!).toBeGreaterThan(different.stages['2']!);
  });
  it('ignores deferred findings', () => {
    const s = scoreReport([finding('tls/expired', 2, 'blocker', 'x', { deferred: { reason: 'accepted' } })], new Set([2]));
    expect(s.verdict).toBe('ready');
  });
});

describe('launch sequence', () => {
  it('puts blockers first, then stage 1 -> 7 within a severity, one step per rule', () => {
    const steps = launchSequence([
      finding('monitor/no-slo', 6, 'low'),
      finding('deploy/smoke-failed', 5, 'blocker'),
      finding('edge/hsts-missing', 2, 'high', 'a'),
      finding('edge/hsts-missing', 2, 'high', 'b'),
      finding('secrets/history-secret', 1, 'blocker'),
      finding('dns/unresolved', 2, 'blocker'),
      finding('x/info', 2, 'info'),
    ]);
    expect(steps.map((s) => s.findingIds[0])).toEqual([
      'secrets/history-secret',
      'dns/unresolved',
      'deploy/smoke-failed',
      'edge/hsts-missing',
      'monitor/no-slo',
    ]);
    expect(steps.map((s) => s.order)).toEqual([1, 2, 3, 4, 5]);
    expect(steps[3]!.fingerprints).toHaveLength(2);
    expect(steps[3]!.summary).toContain('a, b');
  });
});
