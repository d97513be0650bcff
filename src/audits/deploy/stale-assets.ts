/**
 * deploy/stale-assets: a script or stylesheet referenced by the canonical page does not load: an
 * error, a non-2xx status, or HTML served in its place (the SPA fallback answering for an asset the
 * new release no longer has, the classic sign of cached HTML pointing at an old build).
 *
 * Against the previous release (history; see src/gather/assets.ts), two more signals, graded high:
 *  - previous-release-gone: within `deploy.previousAssetsHours` of the last run that saw the old
 *    release, its assets no longer load; tabs opened before the deploy and HTML cached by browsers
 *    or a CDN still request them and break.
 *  - old-content-new-name: the page references a new versioned name of an asset (app-9f8e7d.js in
 *    place of app-1a2b3c.js) but the bytes served for it are exactly the old release's bytes: a CDN
 *    or proxy cache (or a rewrite) is answering with stale content.
 * The audit also publishes this run's manifest as metrics['deploy.assetManifest'] for the history.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { AssetCheck, AssetsArtifact } from './artifact.js';

const HOUR = 3_600_000;

/** Why an asset counts as broken, or null when it loaded. */
export function assetProblem(a: AssetCheck): string | null {
  if (a.error) return a.error;
  if (a.status < 200 || a.status > 299) return `status ${a.status}`;
  if (/^text\/html\b/i.test(a.contentType ?? '')) return 'served as text/html (fallback page instead of the asset)';
  return null;
}

/** Path without query, with a build hash in the file name removed: /assets/app-1a2b3c4d.js -> /assets/app.js. */
export function assetStem(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split('?')[0]!;
  }
  // A hash token holds at least one digit (so "vendors" or "styles" are kept as names).
  return path.replace(/[.-](?=[A-Za-z0-9_]*\d)[A-Za-z0-9_]{6,}(?=(\.[a-z0-9]+)+$)/i, '');
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.split('?')[0]!;
  }
}

/** The previous-release findings (pure; `now` is the run's time). */
export function previousReleaseFindings(assets: AssetsArtifact, now: number, windowHours: number): FindingDraft[] {
  const prev = assets.previous;
  if (!prev) return [];
  const findings: FindingDraft[] = [];
  const sinceMs = now - Date.parse(prev.lastSeenAt);
  if (windowHours > 0 && sinceMs >= 0 && sinceMs < windowHours * HOUR) {
    const gone = prev.rechecked.flatMap((a) => {
      const p = assetProblem(a);
      return p ? [{ url: a.url, kind: a.kind, problem: p }] : [];
    });
    if (gone.length) {
      findings.push({
        rule: 'deploy/stale-assets',
        target: assets.finalUrl,
        severity: 'high',
        key: `stale-assets:previous-release-gone:${assets.finalUrl}`,
        evidence: {
          problem: 'previous-release-gone',
          previousRunId: prev.runId,
          previousSeenAt: prev.lastSeenAt,
          hoursSince: Math.round((sinceMs / HOUR) * 10) / 10,
          gone: gone.slice(0, 10),
          goneCount: gone.length,
          rechecked: prev.rechecked.length,
        },
        remediation: `Keep the previous release's assets deployed for at least ${windowHours} h after a release (upload new assets next to the old ones; prune old builds later): pages opened before the deploy still request them.`,
      });
    }
  }
  const prevPaths = new Set(prev.assets.map((a) => pathOf(a.url)));
  const nowPaths = new Set(assets.assets.map((a) => pathOf(a.url)));
  const stale = assets.assets.flatMap((a) => {
    if (!a.digest || assetProblem(a) || prevPaths.has(pathOf(a.url))) return [];
    const old = prev.assets.find((p) => p.digest === a.digest && !nowPaths.has(pathOf(p.url)) && assetStem(p.url) === assetStem(a.url));
    return old ? [{ url: a.url, sameBytesAs: old.url, digest: a.digest }] : [];
  });
  if (stale.length) {
    findings.push({
      rule: 'deploy/stale-assets',
      target: assets.finalUrl,
      severity: 'high',
      key: `stale-assets:old-content-new-name:${assets.finalUrl}`,
      evidence: { problem: 'old-content-new-name', previousRunId: prev.runId, stale: stale.slice(0, 10), staleCount: stale.length },
      remediation: 'The new asset names serve the previous release\'s bytes: purge the CDN (or proxy) cache for the asset paths on every release, and check that the build uploaded the new files and no rewrite maps new names to old files.',
    });
  }
  return findings;
}

export default defineAudit({
  meta: {
    id: 'deploy-stale-assets',
    emits: ['deploy/stale-assets'],
    requiredArtifacts: ['assets'],
    description: 'Every script and stylesheet the canonical page references loads; the previous release\'s assets keep loading after a deploy',
  },
  audit({ assets }, { config, now }) {
    if (assets.pageError || assets.pageStatus < 200 || assets.pageStatus > 299) {
      return { findings: [], notApplicable: `canonical page did not load (${assets.pageError ?? `status ${assets.pageStatus}`})` };
    }
    const broken = assets.assets.flatMap((a) => {
      const p = assetProblem(a);
      return p ? [{ url: a.url, kind: a.kind, problem: p }] : [];
    });
    const findings: FindingDraft[] = broken.length
      ? [{ rule: 'deploy/stale-assets', target: assets.finalUrl, evidence: { broken: broken.slice(0, 10), brokenCount: broken.length, checked: assets.assets.length } }]
      : [];
    findings.push(...previousReleaseFindings(assets, now, config.deploy?.previousAssetsHours ?? 24));
    return {
      findings,
      targets: [assets.finalUrl],
      metrics: {
        'deploy.assetManifest': {
          page: assets.finalUrl,
          assets: assets.assets.filter((a) => !assetProblem(a)).map((a) => ({ url: a.url, kind: a.kind, ...(a.digest ? { digest: a.digest } : {}) })),
        },
      },
    };
  },
});
