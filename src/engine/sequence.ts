/**
 * The launch sequence: findings ordered into numbered steps the way a launch engineer fixes them.
 * Pure.
 *
 * Order: blockers first, then high, medium, low, info; within a severity, stage 1 -> 7 (DNS and
 * secrets come before deploys and monitors); within a stage, by rule id. One step per rule: the
 * same fix applied to every target it names. Deferred findings are left out (they are accepted).
 */
import type { Finding, LaunchStep } from '../core/types.js';
import { severityRank } from '../core/types.js';

export function launchSequence(findings: Finding[]): LaunchStep[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.deferred || f.severity === 'info') continue;
    const k = `${severityRank(f.severity)}|${f.stage}|${f.id}`;
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  const keys = [...groups.keys()].sort((a, b) => {
    const [sa, ta, ia] = a.split('|');
    const [sb, tb, ib] = b.split('|');
    return Number(sa) - Number(sb) || Number(ta) - Number(tb) || ia!.localeCompare(ib!);
  });
  return keys.map((k, i) => {
    const g = groups.get(k)!;
    const first = g[0]!;
    const targets = [...new Set(g.map((f) => (f.location ? `${f.location.file}${f.location.line ? `:${f.location.line}` : ''}` : f.target)))];
    const where = targets.length <= 3 ? targets.join(', ') : `${targets.slice(0, 3).join(', ')} and ${targets.length - 3} more`;
    return {
      order: i + 1,
      stage: first.stage,
      severity: first.severity,
      findingIds: [first.id],
      fingerprints: g.map((f) => f.fingerprint),
      summary: `${first.title}: ${where}. ${first.remediation}`,
    };
  });
}
