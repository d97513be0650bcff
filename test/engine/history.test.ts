import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/engine/history.js';
import type { Report } from '../../src/core/types.js';

const dir = mkdtempSync(join(tmpdir(), 'lr-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function report(fps: string[], p95: number): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'launchready', version: '0' },
    startedAt: '2026-06-01T00:00:00.000Z',
    durationMs: 5,
    config: { path: null },
    verdict: 'ready-with-risks',
    score: { overall: 70, stages: { 1: null, 2: 70, 3: null, 4: null, 5: null, 6: null, 7: null } },
    findings: fps.map((fp) => ({ id: 'edge/hsts-missing', stage: 2, severity: 'high', title: 't', target: fp, evidence: {}, remediation: 'r', docs: 'd', fingerprint: fp })),
    passed: [],
    skipped: [],
    launchSequence: [],
    metrics: { feed: { kind: 'latency', name: 'feed', p95 } },
  };
}

describe('history store (real SQLite file, WAL)', () => {
  it('says what changed since the previous run of the same config', () => {
    const file = join(dir, '.launchready/history.db');
    const s = new HistoryStore(file);
    expect(s.sinceLastRun('cfg', report(['a'], 410))).toBeUndefined();
    s.record('cfg', report(['a', 'b', 'c'], 410));
    s.record('other', report([], 1));
    const since = s.sinceLastRun('cfg', report(['c', 'd'], 180))!;
    expect(since).toMatchObject({ newFindings: 1, fixedFindings: 2 });
    expect(since.deltas).toEqual([{ name: 'p95 of feed', before: 410, after: 180, unit: 'ms' }]);
    s.close();
    const again = new HistoryStore(file);
    expect(again.list('cfg')).toHaveLength(1);
    expect(again.list()).toHaveLength(2);
    const id = again.list('cfg')[0]!.id;
    expect(again.report(id)!.findings).toHaveLength(3);
    again.close();
  });
});
