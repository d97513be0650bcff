/**
 * MTA-STS (RFC 8461) and TLS-RPT (RFC 8460):
 * - email/mta-sts-missing: no `v=STSv1` TXT at _mta-sts.<domain> (3.1);
 * - email/mta-sts-invalid: the TXT is announced but senders cannot use the policy: several or
 *   malformed TXT records, the policy file unreachable / not 200 / not text/plain / malformed (3.2,
 *   3.3), or MX hosts the policy's mx patterns do not cover (4.1; high in enforce mode, where
 *   senders refuse to deliver to those hosts);
 * - email/mta-sts-testing (info): the policy is valid but in testing or none mode;
 * - email/tls-rpt-missing (info): no valid `v=TLSRPTv1` TXT at _smtp._tls.<domain>.
 * BIMI presence is reported as a metric. All quiet for a null-MX domain (nothing to receive).
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { EmailPosture } from './artifact.js';
import { mxMatches, parseBimi, parseStsTxt, parseTlsRpt } from './mta-sts/policy.js';

const OK_RCODES = new Set(['NOERROR', 'NXDOMAIN']);

export interface StsProblem {
  problem: 'txt-multiple' | 'txt-syntax' | 'fetch' | 'status' | 'content-type' | 'too-large' | 'policy-syntax' | 'mx-mismatch';
  message?: string;
  pos?: number;
  line?: number;
}

/** Pure: what makes the announced policy unusable, and the MX hosts it leaves uncovered. */
export function stsProblems(email: EmailPosture): { problems: StsProblem[]; uncoveredMx: string[] } {
  const sts = email.mtaSts;
  const problems: StsProblem[] = [];
  const records = sts.records ?? (sts.record ? [sts.record] : []);
  if (records.length > 1) problems.push({ problem: 'txt-multiple', message: `${records.length} STSv1 records` });
  else if (records[0]) {
    const t = parseStsTxt(records[0]);
    if (!t.ok) problems.push({ problem: 'txt-syntax', message: t.error.message, pos: t.error.pos });
  }
  const pol = sts.policy;
  let uncoveredMx: string[] = [];
  if (!pol) return { problems, uncoveredMx };
  if (pol.error) problems.push({ problem: 'fetch', message: `${pol.error.code}: ${pol.error.message}` });
  else if (pol.status !== 200) problems.push({ problem: 'status', message: `HTTP ${pol.status} (redirects are not followed, RFC 8461 3.3)` });
  else {
    if (!/^text\/plain\s*(;|$)/i.test(pol.contentType ?? '')) problems.push({ problem: 'content-type', message: pol.contentType ?? '(none)' });
    if (pol.truncated) problems.push({ problem: 'too-large', message: `over ${pol.bytes} bytes` });
    for (const e of pol.policy?.errors ?? []) problems.push({ problem: 'policy-syntax', message: e.message, line: e.line });
    const patterns = pol.policy?.mx ?? [];
    if (pol.policy?.mode && pol.policy.mode !== 'none' && patterns.length) {
      uncoveredMx = email.mx.hosts.map((h) => h.exchange.toLowerCase().replace(/\.$/, '')).filter((h) => h && !patterns.some((p) => mxMatches(p, h)));
      if (uncoveredMx.length) problems.push({ problem: 'mx-mismatch', message: uncoveredMx.join(', ') });
    }
  }
  return { problems, uncoveredMx };
}

export default defineAudit({
  meta: {
    id: 'email-mta-sts',
    emits: ['email/mta-sts-missing', 'email/mta-sts-invalid', 'email/mta-sts-testing', 'email/tls-rpt-missing'],
    requiredArtifacts: ['email'],
    description: 'An MTA-STS policy is announced, served and covers the MX hosts; TLS-RPT is set up',
  },
  audit({ email }) {
    const { rcode, record } = email.mtaSts;
    const target = `_mta-sts.${email.domain}`;
    const bimiRec = email.bimi?.record ? parseBimi(email.bimi.record) : undefined;
    const metrics = {
      emailTransport: {
        mtaSts: email.mtaSts.policy?.policy?.mode ?? (record ? 'announced' : 'none'),
        maxAge: email.mtaSts.policy?.policy?.maxAge,
        tlsRpt: email.tlsRpt.record !== null,
        bimi: bimiRec?.ok ?? false,
        ...(bimiRec?.logo ? { bimiLogo: bimiRec.logo } : {}),
      },
    };
    if (!OK_RCODES.has(rcode)) return { findings: [], notApplicable: `TXT query for ${target} failed: ${rcode}`, metrics };
    // A domain that never receives mail (null MX) has nothing for MTA-STS to protect.
    if (email.mx.nullMx) return { findings: [], notApplicable: `${email.domain} publishes a null MX`, metrics };
    const findings: FindingDraft[] = [];
    if (!record) {
      findings.push({ rule: 'email/mta-sts-missing', target, evidence: { rcode, tlsRpt: email.tlsRpt.record !== null } });
    } else {
      const { problems, uncoveredMx } = stsProblems(email);
      const policy = email.mtaSts.policy?.policy;
      if (problems.length) {
        const enforceBreaks = policy?.mode === 'enforce' && uncoveredMx.length > 0;
        findings.push({
          rule: 'email/mta-sts-invalid', target: email.mtaSts.policy?.url ?? target,
          ...(enforceBreaks ? { severity: 'high' as const } : {}),
          evidence: {
            problems, ...(policy?.mode ? { mode: policy.mode } : {}), ...(policy ? { mxPatterns: policy.mx } : {}),
            mxHosts: email.mx.hosts.map((h) => h.exchange), ...(uncoveredMx.length ? { uncoveredMx } : {}),
          },
        });
      } else if (policy && policy.mode !== 'enforce') {
        findings.push({ rule: 'email/mta-sts-testing', target: email.mtaSts.policy!.url, evidence: { mode: policy.mode, maxAge: policy.maxAge, mx: policy.mx } });
      }
    }
    const rpt = email.tlsRpt;
    if (OK_RCODES.has(rpt.rcode) && email.mx.hosts.length) {
      const parsed = rpt.record ? parseTlsRpt(rpt.record) : undefined;
      if (!parsed || !parsed.ok) {
        findings.push({
          rule: 'email/tls-rpt-missing', target: `_smtp._tls.${email.domain}`,
          evidence: { rcode: rpt.rcode, ...(parsed && !parsed.ok ? { record: rpt.record, message: parsed.error.message, pos: parsed.error.pos } : {}) },
        });
      }
    }
    return { findings, targets: [target], metrics };
  },
});
