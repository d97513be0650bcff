/**
 * Per-account lockout versus per-IP limit on a login endpoint (security.lockout): two bounded
 * bursts, one after the other, never concurrent with anything else on that endpoint.
 *
 * 1. one account: every request names `security.lockout.account` with a wrong password;
 * 2. rotating accounts: every request names a fresh throwaway account.
 * The one-account burst goes first: a per-account lockout (usually a handful of failures) shows
 * there without using up a per-IP budget, and a per-IP limit still shows in the second burst (at
 * its first request when the first burst already spent the budget). The audit reads the verdict.
 */
import type { BurstSpec } from './ratelimit.js';
import { runBurst } from './ratelimit.js';
import type { Sender } from './request.js';
import type { LockoutProbe } from './types.js';

export interface LockoutSpec {
  url: string;
  method: string;
  body?: string;
  contentType: string;
  account: string;
  attempts: number;
  windowMs: number;
}

/** `qa…@example.com`: enough to recognise the test account, not a full address in every report. */
export function maskAccount(a: string): string {
  const at = a.lastIndexOf('@');
  const local = at > 0 ? a.slice(0, at) : a;
  return `${local.slice(0, 2)}…${at > 0 ? a.slice(at) : ''}`;
}

/** The two bursts as BurstSpecs (also used to list them when active probes are not allowed). */
export function lockoutSpecs(s: LockoutSpec): [BurstSpec, BurstSpec] {
  const base = { role: 'login' as const, method: s.method, url: s.url, ...(s.body ? { body: s.body } : {}), contentType: s.contentType, burst: s.attempts, windowMs: s.windowMs };
  return [
    { ...base, account: s.account, source: 'lockout: one account' },
    { ...base, account: { rotate: true }, source: 'lockout: rotating accounts' },
  ];
}

export async function runLockout(sender: Sender, s: LockoutSpec, clock: () => number, signal: AbortSignal, timeoutMs: number): Promise<LockoutProbe> {
  const [one, rotating] = lockoutSpecs(s);
  const oneAccount = await runBurst(sender, one, clock, signal, timeoutMs);
  const rot = await runBurst(sender, rotating, clock, signal, timeoutMs);
  return { url: s.url, method: s.method.toUpperCase(), account: maskAccount(s.account), attempts: s.attempts, oneAccount, rotating: rot };
}
