/**
 * edge/hsts-missing and edge/hsts-weak: Strict-Transport-Security on the final HTTPS response,
 * parsed per RFC 6797 section 6.1 (directives case-insensitive, max-age required and once,
 * a header sent twice is processed as the first only -> we flag it as malformed).
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { EdgeProbe } from '../../gather/artifacts.js';

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

/**
 * The apex against the HSTS preload list's submission requirements (hstspreload.org): an HSTS
 * header with max-age >= one year, includeSubDomains and preload on the apex's HTTPS answer, on
 * the apex's HTTPS redirect too when it redirects, and http:// redirecting to https:// on the
 * same host first. Reported as a metric (and on the apex's HSTS findings), not as a rule: preload
 * is a choice, not a launch requirement.
 */
export function preloadReadiness(apex: EdgeProbe) {
  const first = apex.httpsFirstHop ?? (apex.https.status > 0 && !apex.https.redirects.length ? { status: apex.https.status, headers: apex.https.headers } : null);
  const raw = first?.headers['strict-transport-security'];
  const p = raw === undefined ? null : parseHsts(raw);
  const hop = apex.http.redirects[0];
  let httpUpgradesSameHost: boolean | null = null;
  if (apex.http.status > 0 || hop) {
    try {
      const to = hop?.location ? new URL(hop.location, hop.url) : null;
      httpUpgradesSameHost = to !== null && to.protocol === 'https:' && to.hostname === apex.name;
    } catch {
      httpUpgradesSameHost = false;
    }
  }
  const checks = {
    header: p !== null && p.problems.length === 0,
    maxAge: (p?.maxAge ?? 0) >= ONE_YEAR,
    includeSubDomains: p?.includeSubDomains ?? false,
    preload: p?.preload ?? false,
    /** null: the apex's https:// does not redirect, so there is no redirect to carry the header. */
    onRedirect: apex.httpsFirstHop ? raw !== undefined : null,
    httpUpgradesSameHost,
  };
  const meets = Object.values(checks).every((v) => v !== false) && first !== null;
  return { apex: apex.name, meetsRequirements: meets, checks, header: raw === undefined ? null : Array.isArray(raw) ? raw.join(' | ') : raw };
}

export default defineAudit({
  meta: {
    id: 'edge-hsts',
    emits: ['edge/hsts-missing', 'edge/hsts-weak'],
    requiredArtifacts: ['edge', 'targets'],
    description: 'HTTPS responses carry a strong Strict-Transport-Security header',
  },
  audit({ edge, targets: names }) {
    const apexProbe = edge.find((e) => e.name === names.apex);
    const preload = apexProbe ? preloadReadiness(apexProbe) : null;
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
    return { findings, targets, ...(preload ? { metrics: { hstsPreload: preload } } : {}) };
  },
});
