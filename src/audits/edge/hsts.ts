/**
 * edge/hsts-missing and edge/hsts-weak: Strict-Transport-Security on the final HTTPS response,
 * parsed per RFC 6797 section 6.1 (directives case-insensitive, max-age required and once,
 * a header sent twice is processed as the first only -> we flag it as malformed).
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';

export const ONE_YEAR = 31_536_000;

export interface HstsPolicy {
  maxAge: number | null;
  includeSubDomains: boolean;
  preload: boolean;
  problems: string[];
}

/** Parses one or more Strict-Transport-Security values. */
export function parseHsts(value: string | string[]): HstsPolicy {
  const values = Array.isArray(value) ? value : [value];
  const problems: string[] = [];
  if (values.length > 1) problems.push('header sent more than once');
  const seen = new Set<string>();
  let maxAge: number | null = null;
  let includeSubDomains = false;
  let preload = false;
  for (const raw of (values[0] ?? '').split(';')) {
    const d = raw.trim();
    if (!d) continue;
    const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*(?:=\s*("?)([^"]*)\2)?$/.exec(d);
    if (!m) {
      problems.push(`malformed directive "${d.slice(0, 40)}"`);
      continue;
    }
    const name = m[1]!.toLowerCase();
    if (seen.has(name)) problems.push(`directive ${name} repeated`);
    seen.add(name);
    if (name === 'max-age') {
      if (!/^\d+$/.test(m[3] ?? '')) problems.push('max-age is not a number');
      else maxAge = Number(m[3]);
    } else if (name === 'includesubdomains') includeSubDomains = true;
    else if (name === 'preload') preload = true;
  }
  if (maxAge === null && !problems.some((p) => p.startsWith('max-age'))) problems.push('max-age missing');
  return { maxAge, includeSubDomains, preload, problems };
}

export default defineAudit({
  meta: {
    id: 'edge-hsts',
    emits: ['edge/hsts-missing', 'edge/hsts-weak'],
    requiredArtifacts: ['edge'],
    description: 'HTTPS responses carry a strong Strict-Transport-Security header',
  },
  audit({ edge }) {
    const findings: FindingDraft[] = [];
    const targets: string[] = [];
    for (const e of edge) {
      const x = e.https;
      // apex and www often end at the same canonical URL: judge each final URL once
      if (x.error || x.status === 0 || !x.finalUrl.startsWith('https:') || targets.includes(x.finalUrl)) continue;
      targets.push(x.finalUrl);
      const h = x.headers['strict-transport-security'];
      if (h === undefined) {
        findings.push({ rule: 'edge/hsts-missing', target: x.finalUrl, evidence: { status: x.status } });
        continue;
      }
      const p = parseHsts(h);
      if (p.problems.length || (p.maxAge ?? 0) < ONE_YEAR) {
        findings.push({
          rule: 'edge/hsts-weak',
          target: x.finalUrl,
          evidence: { header: Array.isArray(h) ? h.join(' | ') : h, maxAge: p.maxAge, ...(p.problems.length ? { problems: p.problems } : {}) },
        });
      }
    }
    return { findings, targets };
  },
});
