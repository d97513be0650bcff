/**
 * Rate-limit bursts: one endpoint, requests one after another (never concurrent within a burst),
 * stopping at the first sign of a limit, at `burst` requests, or when the window is spent.
 */
import type { BurstResult, LimitSignal, ProbeExchange } from './types.js';
import type { ProbeRequest, Sender } from './request.js';
import { MARK } from './payloads.js';

export const MAX_BURST = 200;
export const MAX_WINDOW_MS = 10_000;

function header(x: ProbeExchange, name: string): string | undefined {
  const v = x.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The sign of a limit in one response, if any. */
export function limitSignal(x: ProbeExchange): LimitSignal | null {
  if (x.status === 429) return 'status-429';
  // 423 Locked (RFC 4918): what some login handlers answer for a locked account.
  if (x.status === 423) return 'status-423';
  if (x.status >= 400 && header(x, 'retry-after') !== undefined) return 'retry-after';
  const remaining = header(x, 'ratelimit-remaining') ?? header(x, 'x-ratelimit-remaining');
  if (remaining !== undefined && Number(remaining) === 0) return 'ratelimit-header';
  if (header(x, 'cf-mitigated') === 'challenge' || /captcha|turnstile|challenge-platform|cf-chl-/i.test(x.body)) return 'challenge';
  if (x.status >= 400 && /too many (?:requests|attempts)|rate.?limit|account (?:is )?locked|locked out|try again (?:later|in)|temporarily blocked/i.test(x.body)) {
    return 'lockout-message';
  }
  return null;
}

/** Default body templates per role (JSON). */
export function defaultBody(role: BurstResult['role']): string {
  if (role === 'reset') return '{"email":"{{email}}"}';
  if (role === 'search') return '{"q":"{{query}}"}';
  return '{"email":"{{email}}","password":"{{password}}"}';
}

/**
 * Which account a burst request names: `undefined` keeps the role's default (login and reset reuse
 * one throwaway account, so a per-account lockout shows up as well as a per-IP limit; signup needs
 * fresh ones), a string names one account for every request, `rotate` a fresh throwaway per request.
 */
export type BurstAccount = string | { rotate: true } | undefined;

/** Fills a template with marked throwaway values (see BurstAccount for {{email}}). */
export function fillTemplate(t: string, role: BurstResult['role'], n: number, json: boolean, account?: BurstAccount): string {
  const who = role === 'signup' ? String(n) : role;
  const email = typeof account === 'string' ? account : account?.rotate ? `${MARK}+acct-${n}@example.invalid` : `${MARK}+${who}@example.invalid`;
  const values: Record<string, string> = {
    email,
    password: `${MARK}-wrong-${n}`,
    n: String(n),
    query: `${MARK} ${n}`,
  };
  return t.replace(/\{\{(email|password|n|query)\}\}/g, (_m, k: string) => {
    const v = values[k]!;
    return json ? JSON.stringify(v).slice(1, -1) : encodeURIComponent(v);
  });
}

export interface BurstSpec {
  role: BurstResult['role'];
  method: string;
  url: string;
  body?: string;
  contentType: string;
  burst: number;
  windowMs: number;
  account?: BurstAccount;
  /** Recorded in the result (flow steps). */
  source?: string;
}

/** The n-th request of a burst (1-based). */
export function burstRequest(s: BurstSpec, n: number): ProbeRequest {
  const json = /json/i.test(s.contentType);
  const hasBody = !/^(GET|HEAD|DELETE)$/i.test(s.method);
  return {
    method: s.method.toUpperCase(),
    url: fillTemplate(s.url, s.role, n, false, s.account),
    ...(hasBody ? { headers: { 'content-type': s.contentType }, body: fillTemplate(s.body ?? defaultBody(s.role), s.role, n, json, s.account) } : {}),
  };
}

export async function runBurst(sender: Sender, s: BurstSpec, clock: () => number, signal: AbortSignal, timeoutMs: number): Promise<BurstResult> {
  const burst = Math.min(Math.max(1, s.burst), MAX_BURST);
  const windowMs = Math.min(Math.max(1, s.windowMs), MAX_WINDOW_MS);
  const r: BurstResult = { role: s.role, url: s.url, method: s.method.toUpperCase(), sent: 0, burst, windowMs, statuses: {}, stoppedBy: 'count', elapsedMs: 0, ...(s.source ? { source: s.source } : {}) };
  const t0 = clock();
  let errorsInRow = 0;
  for (let n = 1; n <= burst; n++) {
    if (signal.aborted) {
      r.stoppedBy = 'aborted';
      break;
    }
    const left = windowMs - (clock() - t0);
    if (left <= 0) {
      r.stoppedBy = 'time';
      break;
    }
    const { x } = await sender.send({ ...burstRequest(s, n), timeoutMs: Math.max(1, Math.min(timeoutMs, left)) });
    r.sent++;
    r.statuses[String(x.status)] = (r.statuses[String(x.status)] ?? 0) + 1;
    r.last = x;
    const sig = limitSignal(x);
    if (sig) {
      r.limitedAt = n;
      r.signal = sig;
      r.stoppedBy = 'limited';
      break;
    }
    errorsInRow = x.status === 0 ? errorsInRow + 1 : 0;
    if (errorsInRow >= 3) {
      r.stoppedBy = 'error';
      break;
    }
  }
  r.elapsedMs = Math.round(clock() - t0);
  return r;
}
