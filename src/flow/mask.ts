/**
 * Secrets never leave a flow report whole: credentials in variables, captured tokens and cookie
 * values are replaced by their first 4 characters and a sha256 prefix wherever they appear.
 */
import { createHash } from 'node:crypto';

/** Variable names whose values are treated as secrets. */
export const SECRET_NAME = /pass|secret|token|key|auth|session|cookie|credential|otp|code/i;
export const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token', 'x-csrf-token']);

export function maskValue(v: string): string {
  const fp = createHash('sha256').update(v).digest('hex').slice(0, 8);
  return `${v.slice(0, Math.min(4, Math.floor(v.length / 3)))}…(sha256:${fp})`;
}

/** Replaces every occurrence of each secret (4+ characters; shorter ones would mask ordinary text). */
export function maskText(text: string, secrets: Iterable<string>): string {
  let out = text;
  const list = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const s of list) if (out.includes(s)) out = out.split(s).join(maskValue(s));
  return out;
}

/** Headers for a report: sensitive ones masked, every value run through maskText. */
export function maskHeaders(h: Record<string, string | string[]>, secrets: Iterable<string>, keep?: Set<string>): Record<string, string> {
  const list = [...secrets];
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(h)) {
    if (keep && !keep.has(k)) continue;
    const v = Array.isArray(raw) ? raw.join(' | ') : raw;
    out[k] = SECRET_HEADERS.has(k) ? v.split(' | ').map((x) => x.replace(/=([^;]+)/, (_m, val: string) => `=${maskValue(val)}`)).join(' | ') : maskText(v, list);
    if (SECRET_HEADERS.has(k) && !v.includes('=')) out[k] = maskValue(v);
  }
  return out;
}
