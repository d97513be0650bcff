/**
 * edge/mixed-content: https:// pages (canonical, each name's root, domains.pages) that load or
 * submit to http:// URLs, as found by parse5 in src/gather/pages.ts: scripts, stylesheets, images
 * (src and srcset), frames, form actions, media, objects, and url() in inline CSS. Links (<a href>)
 * are navigation, not mixed content. A page whose CSP says upgrade-insecure-requests has its
 * requests upgraded by the browser, so it is not flagged.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { headerValues } from './http-headers.js';

/** Items listed in evidence per page (the count is always complete). */
const MAX_ITEMS = 10;

export default defineAudit({
  meta: {
    id: 'edge-mixed-content',
    emits: ['edge/mixed-content'],
    requiredArtifacts: ['pages'],
    description: 'HTTPS pages load every subresource over HTTPS',
  },
  audit({ pages }) {
    const findings: FindingDraft[] = [];
    const checked: string[] = [];
    for (const p of pages.pages) {
      if (!p.html || !p.finalUrl.startsWith('https:')) continue;
      checked.push(p.finalUrl);
      const policies = [...headerValues(p.headers, 'content-security-policy'), ...p.meta.csp];
      if (policies.some((c) => /(^|;)\s*upgrade-insecure-requests\s*(;|$)/i.test(c))) continue;
      const items = p.resources.filter((r) => r.url.startsWith('http:'));
      if (!items.length) continue;
      findings.push({
        rule: 'edge/mixed-content',
        target: p.finalUrl,
        evidence: {
          count: items.length,
          items: items.slice(0, MAX_ITEMS).map((r) => ({ element: r.element, url: r.url, ...(r.line ? { line: r.line } : {}) })),
          ...(p.truncated ? { truncated: true } : {}),
        },
      });
    }
    return { findings, targets: checked };
  },
});
