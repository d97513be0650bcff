/**
 * Security headers on every successful HTML response (canonical page, each name's root,
 * domains.pages): headers/csp-missing, headers/csp-weak, headers/nosniff-missing,
 * headers/frame-protection-missing, headers/referrer-policy-missing.
 *
 * Policies a document may deliver itself count too: `<meta http-equiv=Content-Security-Policy>`
 * (except frame-ancestors, which browsers ignore in meta) and `<meta name=referrer>`.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { PageFetch } from '../../gather/pages.js';
import { headerList, headerValues } from '../edge/http-headers.js';
import { cspDirectives, highSeverityCspProblems } from './csp.js';

const REFERRER_TOKENS = new Set([
  'no-referrer', 'no-referrer-when-downgrade', 'same-origin', 'origin', 'strict-origin',
  'origin-when-cross-origin', 'strict-origin-when-cross-origin', 'unsafe-url',
]);
/** Policies that send the full URL (path and query, tokens included) to other sites. */
const LEAKY_REFERRER = new Set(['unsafe-url', 'no-referrer-when-downgrade']);

/** The policy in effect: the last recognised token (W3C Referrer Policy section 11.1). */
export function effectiveReferrerPolicy(values: string[]): string | null {
  let policy: string | null = null;
  for (const v of values) for (const t of v.split(',')) if (REFERRER_TOKENS.has(t.trim().toLowerCase())) policy = t.trim().toLowerCase();
  return policy;
}

function checkPage(p: PageFetch): FindingDraft[] {
  const out: FindingDraft[] = [];
  const target = p.finalUrl;
  const headerCsp = headerValues(p.headers, 'content-security-policy').filter((v) => v.trim());
  const enforced = [...headerCsp, ...p.meta.csp.filter((v) => v.trim())];
  if (!enforced.length) {
    const reportOnly = headerValues(p.headers, 'content-security-policy-report-only').length > 0;
    out.push({ rule: 'headers/csp-missing', target, evidence: { reportOnly } });
  } else {
    // Several policies are all enforced, so the page is as strong as its strongest one: it is weak
    // only when every policy has high-severity problems.
    const problems = enforced.map(highSeverityCspProblems);
    if (problems.every((x) => x.length > 0)) {
      out.push({ rule: 'headers/csp-weak', target, evidence: { policy: enforced[0]!.slice(0, 300), problems: problems[0]!.slice(0, 8) } });
    }
  }

  const nosniff = headerList(p.headers, 'x-content-type-options');
  if (nosniff?.trim().toLowerCase() !== 'nosniff') out.push({ rule: 'headers/nosniff-missing', target, evidence: { value: nosniff ?? null } });

  const frameAncestors = headerCsp.some((c) => cspDirectives(c).has('frame-ancestors'));
  const xfo = headerList(p.headers, 'x-frame-options');
  const xfoOk = xfo !== undefined && /^(deny|sameorigin)$/i.test(xfo.trim());
  if (!frameAncestors && !xfoOk) {
    out.push({
      rule: 'headers/frame-protection-missing',
      target,
      evidence: { xFrameOptions: xfo ?? null, ...(p.meta.csp.some((c) => cspDirectives(c).has('frame-ancestors')) ? { note: 'frame-ancestors in a meta tag is ignored' } : {}) },
    });
  }

  const refValues = [...headerValues(p.headers, 'referrer-policy'), ...p.meta.referrer];
  const policy = effectiveReferrerPolicy(refValues);
  if (policy === null || LEAKY_REFERRER.has(policy)) {
    out.push({ rule: 'headers/referrer-policy-missing', target, evidence: { value: refValues.length ? refValues.join(', ').slice(0, 120) : null } });
  }
  return out;
}

export default defineAudit({
  meta: {
    id: 'headers-security',
    emits: ['headers/csp-missing', 'headers/csp-weak', 'headers/nosniff-missing', 'headers/frame-protection-missing', 'headers/referrer-policy-missing'],
    requiredArtifacts: ['pages'],
    description: 'HTML responses carry CSP, nosniff, frame protection and a Referrer-Policy',
  },
  audit({ pages }) {
    const html = pages.pages.filter((p) => p.html && p.status >= 200 && p.status < 300);
    if (!html.length) return { findings: [], notApplicable: 'no HTML page answered with 2xx' };
    return { findings: html.flatMap(checkPage), targets: html.map((p) => p.finalUrl) };
  },
});
