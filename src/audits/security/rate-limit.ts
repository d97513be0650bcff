/**
 * security/no-rate-limit: a bounded burst against each login, signup, reset and search endpoint
 * (security.endpoints and flow steps with a role). With security.lockout, two more bursts on one
 * login endpoint (one account, then rotating accounts) tell a per-account lockout from a per-IP
 * limit; `lockoutVerdict` reads them for this audit and for security/no-account-lockout (lockout.ts):
 *
 * | one account | rotating accounts        | verdict                          | finding                    |
 * |-------------|--------------------------|----------------------------------|----------------------------|
 * | limited     | limited after request 1  | both                             | none                       |
 * | limited     | limited at request 1     | per IP (per account unknown: the | no-account-lockout (info)  |
 * |             |                          | first burst spent the IP budget) |                            |
 * | not limited | limited                  | per IP only                      | no-account-lockout (info)  |
 * | limited     | not limited              | per account only                 | no-rate-limit (medium)     |
 * | not limited | not limited              | neither                          | no-rate-limit (high)       |
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { BurstResult, LockoutProbe } from '../../probe/types.js';
import { skippedReason } from './shared.js';

/** A burst cut short by the window still counts once it sent this many requests unanswered by a limit. */
const MIN_CONCLUSIVE = 10;

/** True when the burst says something: it reached the endpoint, and was limited or ran long enough. */
function conclusive(b: BurstResult): boolean {
  if (b.stoppedBy === 'error' || b.stoppedBy === 'aborted' || b.sent === 0) return false;
  if (b.limitedAt !== undefined) return true;
  return !(b.stoppedBy === 'time' && b.sent < Math.min(b.burst, MIN_CONCLUSIVE));
}

export type LockoutVerdict =
  | { kind: 'both' | 'per-account-only' | 'per-ip-only' | 'neither'; perAccount: boolean | 'unknown'; perIp: boolean }
  | { kind: 'inconclusive'; reason: string };

/** The table above, as a function of the two bursts. */
export function lockoutVerdict(l: LockoutProbe): LockoutVerdict {
  const { oneAccount: a, rotating: r } = l;
  if (!conclusive(a)) return { kind: 'inconclusive', reason: `one-account burst stopped by ${a.stoppedBy} after ${a.sent} requests` };
  if (!conclusive(r)) return { kind: 'inconclusive', reason: `rotating-accounts burst stopped by ${r.stoppedBy} after ${r.sent} requests` };
  const aLimited = a.limitedAt !== undefined;
  const perIp = r.limitedAt !== undefined;
  const perAccount: boolean | 'unknown' = !aLimited ? false : r.limitedAt === 1 ? 'unknown' : true;
  const kind = perIp ? (perAccount === true ? 'both' : 'per-ip-only') : aLimited ? 'per-account-only' : 'neither';
  return { kind, perAccount, perIp };
}

function burstEvidence(b: BurstResult): Record<string, unknown> {
  return { sent: b.sent, statuses: b.statuses, ...(b.limitedAt !== undefined ? { limitedAt: b.limitedAt, signal: b.signal } : {}) };
}

/** What both lockout rules show as evidence. */
export function lockoutEvidence(l: LockoutProbe, v: Exclude<LockoutVerdict, { kind: 'inconclusive' }>): Record<string, unknown> {
  return { limits: v.kind, perAccount: v.perAccount, perIp: v.perIp, account: l.account, oneAccount: burstEvidence(l.oneAccount), rotatingAccounts: burstEvidence(l.rotating) };
}

export default defineAudit({
  meta: {
    id: 'security-rate-limit',
    emits: ['security/no-rate-limit'],
    requiredArtifacts: ['security'],
    description: 'Login, signup, password-reset and search endpoints limit bursts (and login limits a client trying many accounts)',
  },
  audit({ security: a }) {
    const done = a.bursts.filter((b) => b.stoppedBy !== 'error' && b.stoppedBy !== 'aborted' && b.sent > 0);
    const verdict = a.lockout ? lockoutVerdict(a.lockout) : undefined;
    const lockoutDone = verdict && verdict.kind !== 'inconclusive';
    if (!done.length && !lockoutDone) {
      return {
        findings: [],
        notApplicable:
          skippedReason(a, 'rate-limit') ??
          (verdict?.kind === 'inconclusive' ? `lockout: ${verdict.reason}` : a.bursts.length ? 'every burst failed to reach its endpoint' : 'no login, signup, reset or search endpoints in security.endpoints or flows'),
      };
    }
    const findings: FindingDraft[] = [];
    for (const b of done) {
      if (b.limitedAt !== undefined) continue;
      if (b.stoppedBy === 'time' && b.sent < Math.min(b.burst, MIN_CONCLUSIVE)) continue;
      findings.push({
        rule: 'security/no-rate-limit',
        target: b.url,
        evidence: { role: b.role, method: b.method, sent: b.sent, statuses: b.statuses, windowMs: b.windowMs, elapsedMs: b.elapsedMs, ...(b.source ? { source: b.source } : {}) },
        ...(b.role === 'search' ? { severity: 'medium' as const } : {}),
        key: `security/no-rate-limit ${b.role} ${b.url}`,
      });
    }
    const targets = done.map((b) => b.url);
    if (a.lockout && verdict && verdict.kind !== 'inconclusive') {
      const l = a.lockout;
      targets.push(l.url);
      const lockout = lockoutEvidence(l, verdict);
      // One finding per endpoint: the lockout evidence joins the plain burst's finding when there is one.
      const existing = findings.find((f) => f.target === l.url);
      if (existing) existing.evidence = { ...existing.evidence, lockout };
      if (verdict.kind === 'neither' && !existing) {
        findings.push({ rule: 'security/no-rate-limit', target: l.url, evidence: { role: 'login', method: l.method, lockout }, key: `security/no-rate-limit login ${l.url}` });
      } else if (verdict.kind === 'per-account-only' && !existing) {
        findings.push({
          rule: 'security/no-rate-limit',
          target: l.url,
          severity: 'medium',
          evidence: { role: 'login', method: l.method, lockout },
          remediation: 'The login locks one account but lets one client try many accounts (credential stuffing): add a per-IP limit (429 with Retry-After) in front of it.',
          key: `security/no-rate-limit login ${l.url}`,
        });
      }
    }
    return { findings, targets: [...new Set(targets)] };
  },
});
