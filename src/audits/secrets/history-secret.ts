/**
 * secrets/history-secret: a credential anywhere in git history. A secret still present in the
 * working tree is already reported as committed-secret, so only secrets gone from the tree (or
 * living on another branch) are reported here, once per secret with the commit that added it.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { HistoryHit } from '../../secrets/types.js';
import { graded, hitEvidence, rotateRemediation } from './shared.js';
import { isFixturePath } from '../../secrets/scan.js';

export default defineAudit({
  meta: {
    id: 'history-secret',
    emits: ['secrets/history-secret'],
    requiredArtifacts: ['secrets'],
    description: 'No credential in git history (any branch), even deleted since',
  },
  audit({ secrets }) {
    if (!secrets.history) return { findings: [], notApplicable: secrets.isGitRepo ? 'history scan is off' : 'not a git repository' };
    const inTree = new Set(secrets.worktree.hits.map((h) => `${h.rule}:${h.secretHash}`));
    const groups = new Map<string, HistoryHit[]>();
    for (const h of secrets.history.hits) {
      const k = `${h.rule}:${h.secretHash}`;
      if (inTree.has(k)) continue;
      const list = groups.get(k) ?? [];
      list.push(h);
      groups.set(k, list);
    }
    const findings: FindingDraft[] = [];
    for (const hits of groups.values()) {
      // The oldest dated occurrence is where the secret entered history.
      const first = [...hits].sort((a, b) => (a.date ?? '9').localeCompare(b.date ?? '9'))[0]!;
      const fixture = hits.every((h) => isFixturePath(h.file));
      findings.push({
        rule: 'secrets/history-secret',
        target: first.file,
        location: { file: first.file, line: first.line, column: first.column },
        evidence: {
          ...hitEvidence(first),
          commit: first.commit,
          author: first.author,
          date: first.date,
          blob: first.blob,
          occurrences: hits.length,
          paths: [...new Set(hits.map((h) => h.file))].slice(0, 10),
        },
        severity: graded('blocker', { ...first, fixture }),
        remediation: rotateRemediation(first, 'deleting it from the files does not remove it from existing clones.'),
        key: first.fingerprint,
      });
    }
    return { findings, targets: [secrets.root] };
  },
});
