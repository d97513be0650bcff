/**
 * DMARCbis (draft-ietf-dmarc-dmarcbis, published as RFC 9989) where it differs from RFC 7489, and
 * the comparison of the two readings of one domain's DMARC posture. Pure: the gatherer does the
 * queries (`walkNames`), these functions read the answers.
 *
 * Differences modelled:
 * - Policy discovery: RFC 7489 6.6.3 looks at the domain, then at its organisational domain from
 *   the public suffix list (tldts). DMARCbis 4.10 walks the DNS tree: the domain, then each parent
 *   (with a shortcut to 7 labels for names of 8 or more), up to the TLD, and takes the first record.
 * - Organisational domain: from the public suffix list (7489 3.2), or from the walk (bis 4.10.2):
 *   a record with psd=n marks it, psd=y marks the label below, else the found record with the
 *   fewest labels, else the domain itself. It decides relaxed alignment.
 * - Tags: pct, rf and ri are gone in bis (pct=50 means "on half the mail" to 7489 and nothing to
 *   bis); t=y (testing) and np (non-existent subdomains) are bis-only.
 */
import type { DmarcPolicy, DmarcRecord } from './parse.js';
import { isDmarcRecord, parseDmarc } from './parse.js';

/** DMARCbis 4.10: names of this many labels or more jump straight to BIS_KEEP labels. */
const BIS_SHORTCUT = 8;
const BIS_KEEP = 7;

/** Domains whose `_dmarc` TXT the DMARCbis tree walk queries, in order (the domain first, the TLD last). */
export function walkNames(domain: string): string[] {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.').filter(Boolean);
  const out: string[] = [];
  let cur = labels;
  while (cur.length >= 1) {
    out.push(cur.join('.'));
    if (cur.length === 1) break;
    cur = cur.length >= BIS_SHORTCUT ? cur.slice(cur.length - BIS_KEEP) : cur.slice(1);
  }
  return out;
}

export interface WalkStep {
  /** The domain (without `_dmarc.`). */
  domain: string;
  rcode: string;
  /** DMARC-looking TXT values at `_dmarc.<domain>`. */
  records: string[];
}

export interface DmarcReading {
  /** Domain whose record applies (undefined: no policy). */
  policyDomain?: string;
  orgDomain: string;
  /** Policy applied to mail from the audited domain (p at the domain itself, else sp, else p). */
  policy?: DmarcPolicy;
  /** Share of failing mail the policy applies to (7489 pct; always 100 under bis). */
  pct: number;
  /** DMARCbis t=y: the policy is applied one step softer. */
  testing: boolean;
}

/** One valid record at a step, or undefined (none, several, or unparseable are all discarded). */
function recordAt(step: WalkStep | undefined): DmarcRecord | undefined {
  const recs = step?.records.filter(isDmarcRecord) ?? [];
  if (recs.length !== 1) return undefined;
  const p = parseDmarc(recs[0]!);
  return p.ok ? p.record : undefined;
}

function effective(domain: string, policyDomain: string | undefined, rec: DmarcRecord | undefined): DmarcPolicy | undefined {
  if (!rec || !policyDomain) return undefined;
  return policyDomain === domain ? rec.p : (rec.sp ?? rec.p);
}

/** The RFC 7489 reading: the record at the domain, else at the PSL organisational domain. */
export function rfc7489Reading(domain: string, orgDomain: string, policyDomain: string | undefined, rec: DmarcRecord | undefined): DmarcReading {
  return { ...(rec && policyDomain ? { policyDomain } : {}), orgDomain, policy: effective(domain, policyDomain, rec), pct: rec?.pct ?? 100, testing: false };
}

/** The DMARCbis reading from the walk's answers (steps in walk order). */
export function bisReading(domain: string, steps: WalkStep[]): DmarcReading {
  const found = steps.map((s) => ({ domain: s.domain, rec: recordAt(s) })).filter((x) => x.rec) as { domain: string; rec: DmarcRecord }[];
  const first = found[0];
  let orgDomain = domain;
  const psd = found.find((f) => f.rec.psd === 'y' || f.rec.psd === 'n');
  if (psd?.rec.psd === 'n') orgDomain = psd.domain;
  else if (psd?.rec.psd === 'y' && psd.domain !== domain) {
    const labels = domain.split('.');
    orgDomain = labels.slice(labels.length - psd.domain.split('.').length - 1).join('.');
  } else if (found.length) orgDomain = found.reduce((a, b) => (b.domain.split('.').length < a.domain.split('.').length ? b : a)).domain;
  return {
    ...(first ? { policyDomain: first.domain } : {}),
    orgDomain,
    policy: effective(domain, first?.domain, first?.rec),
    pct: 100,
    testing: first?.rec.t === 'y',
  };
}

export type ReadingAspect = 'policy-domain' | 'org-domain' | 'policy' | 'pct' | 'testing';

/** Aspects on which receivers following RFC 7489 and DMARCbis would act differently. */
export function compareReadings(a: DmarcReading, b: DmarcReading): ReadingAspect[] {
  const out: ReadingAspect[] = [];
  if (a.policyDomain !== b.policyDomain) out.push('policy-domain');
  if (a.orgDomain !== b.orgDomain) out.push('org-domain');
  if (a.policy !== b.policy) out.push('policy');
  if (a.policy && b.policy && a.pct !== b.pct) out.push('pct');
  if (b.policy && a.testing !== b.testing) out.push('testing');
  return out;
}
