/**
 * deploy/stale-assets: a script or stylesheet referenced by the canonical page does not load: an
 * error, a non-2xx status, or HTML served in its place (the SPA fallback answering for an asset the
 * new release no longer has, the classic sign of cached HTML pointing at an old build).
 */
import { defineAudit } from '../../core/audit.js';
import type { AssetCheck } from './artifact.js';

/** Why an asset counts as broken, or null when it loaded. */
export function assetProblem(a: AssetCheck): string | null {
  if (a.error) return a.error;
  if (a.status < 200 || a.status > 299) return `status ${a.status}`;
  if (/^text\/html\b/i.test(a.contentType ?? '')) return 'served as text/html (fallback page instead of the asset)';
  return null;
}

export default defineAudit({
  meta: {
    id: 'deploy-stale-assets',
    emits: ['deploy/stale-assets'],
    requiredArtifacts: ['assets'],
    description: 'Every script and stylesheet the canonical page references loads',
  },
  audit({ assets }) {
    if (assets.pageError || assets.pageStatus < 200 || assets.pageStatus > 299) {
      return { findings: [], notApplicable: `canonical page did not load (${assets.pageError ?? `status ${assets.pageStatus}`})` };
    }
    const broken = assets.assets.flatMap((a) => {
      const p = assetProblem(a);
      return p ? [{ url: a.url, kind: a.kind, problem: p }] : [];
    });
    const findings = broken.length
      ? [{ rule: 'deploy/stale-assets', target: assets.finalUrl, evidence: { broken: broken.slice(0, 10), brokenCount: broken.length, checked: assets.assets.length } }]
      : [];
    return { findings, targets: [assets.finalUrl] };
  },
});
