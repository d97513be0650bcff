/**
 * Set-Cookie parsing (RFC 6265 section 5.2, attributes only; the value is measured, never kept)
 * and the "session-like" heuristic used by security/insecure-cookie.
 */
import type { CookieSeen } from './types.js';

/** Names that usually carry a session or credential. */
const SESSION_NAME = /(?:^|[_.-])(?:sess(?:ion)?(?:id)?|sid|auth|token|jwt|remember(?:_me)?|login|connect\.sid)(?:$|[_.-])|^(?:PHPSESSID|JSESSIONID|ASP\.NET_SessionId|laravel_session|_session_id|sessionid|__Host-|__Secure-)/i;

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** Parses one Set-Cookie header value; the cookie's value is reduced to its length and randomness. */
export function parseSetCookie(header: string, url: string): CookieSeen | null {
  const [pair, ...attrs] = header.split(';');
  const eq = pair!.indexOf('=');
  if (eq <= 0) return null;
  const name = pair!.slice(0, eq).trim();
  const value = pair!.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  const c: CookieSeen = {
    url,
    name,
    valueBytes: Buffer.byteLength(value),
    valueRandom: value.length >= 16 && entropy(value) >= 3.5,
    secure: false,
    httpOnly: false,
    sameSite: null,
    path: null,
    domain: null,
  };
  for (const a of attrs) {
    const [k, ...rest] = a.split('=');
    const key = k!.trim().toLowerCase();
    const v = rest.join('=').trim();
    if (key === 'secure') c.secure = true;
    else if (key === 'httponly') c.httpOnly = true;
    else if (key === 'samesite') c.sameSite = v || null;
    else if (key === 'path') c.path = v || null;
    else if (key === 'domain') c.domain = v || null;
  }
  return c;
}

/** A cookie worth protecting: its name says so, or it is an HttpOnly / random-looking token. */
export function isSessionLike(c: CookieSeen): boolean {
  // CSRF tokens are meant to be read by the page's script (double-submit), so HttpOnly would break them.
  if (/csrf|xsrf/i.test(c.name)) return false;
  if (SESSION_NAME.test(c.name)) return true;
  // Deleting a cookie (empty value) sets nothing worth protecting.
  if (c.valueBytes === 0) return false;
  return c.httpOnly || c.valueRandom;
}

/** Attributes a session cookie lacks. SameSite=None without Secure counts as missing Secure. */
export function missingFlags(c: CookieSeen): string[] {
  const missing: string[] = [];
  if (!c.secure) missing.push('Secure');
  if (!c.httpOnly) missing.push('HttpOnly');
  if (!c.sameSite || !/^(lax|strict|none)$/i.test(c.sameSite)) missing.push('SameSite');
  return missing;
}

/** The `__Host-` name to suggest (host-only, Path=/, Secure), or null when it already has a prefix. */
export function hostPrefixSuggestion(c: CookieSeen): string | null {
  if (/^__(Host|Secure)-/.test(c.name)) return null;
  return `__Host-${c.name}`;
}

/** A Set-Cookie value with the cookie's value replaced, safe to store in an artifact. */
export function redactSetCookie(header: string): string {
  return header.replace(/^([^=;]*=)[^;]*/, '$1<redacted>');
}
