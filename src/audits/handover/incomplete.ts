/**
 * handover/incomplete: a section of the pack that neither the config nor the audits can fill.
 * Publishes the whole handover summary as report.metrics.handover (the pack is written from it).
 * Rollback and incident gaps have their own rules (deploy/no-rollback-path,
 * handover/no-incident-owner) and are not reported twice.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { buildSummary } from '../../handover/summary.js';
import { SECTION_IDS, SECTION_TITLES, type SectionId } from '../../handover/types.js';

const OWN_RULE: ReadonlySet<SectionId> = new Set(['rollback', 'incident']);

export default defineAudit({
  meta: {
    id: 'handover-incomplete',
    emits: ['handover/incomplete'],
    requiredArtifacts: ['handover'],
    description: 'Every section of the handover pack has content',
  },
  audit({ handover }, { config }) {
    const summary = buildSummary(handover, config);
    const findings: FindingDraft[] = [];
    for (const id of SECTION_IDS) {
      const s = summary.sections[id];
      if (s.filled || OWN_RULE.has(id)) continue;
      findings.push({ rule: 'handover/incomplete', target: `handover: ${SECTION_TITLES[id].toLowerCase()}`, evidence: { section: id, missing: s.gap } });
    }
    return { findings, targets: SECTION_IDS.filter((id) => !OWN_RULE.has(id)).map((id) => `handover: ${SECTION_TITLES[id].toLowerCase()}`), metrics: { handover: summary } };
  },
});
