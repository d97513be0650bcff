/**
 * Admin-authorization helpers: common admin paths, and whether a 2xx answer is a login page
 * (a pass) or a catch-all page identical to what an unknown path returns (not admin content).
 */
import { createHash } from 'node:crypto';

/** Paths tried on each API host when security.discoverAdmin is on. */
export const COMMON_ADMIN_PATHS = ['/admin', '/admin/users', '/api/admin', '/dashboard', '/_admin'] as const;

/** A path no application serves, to learn what "not found" looks like on an origin. */
export const NOT_FOUND_PATH = '/launchready-probe-0c1d2e-not-found';

export function bodyHash(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

/** A page asking for credentials: a password input, or a form posting to a login/session route. */
export function isLoginPage(body: string): boolean {
  if (/<input\b[^>]*\btype\s*=\s*["']?password\b/i.test(body)) return true;
  if (/<form\b[^>]*\baction\s*=\s*["']?[^"'>]*(?:log-?in|sign-?in|session|auth)/i.test(body)) return true;
  return false;
}

/** The response is the same page an unknown path gets (a single-page app's catch-all route). */
export function looksLikeNotFound(
  x: { status: number; bodyBytes: number },
  hash: string,
  nf: { status: number; bodyBytes: number; bodyHash: string } | undefined,
): boolean {
  if (!nf || nf.status < 200 || nf.status >= 300) return false;
  if (nf.bodyHash === hash) return true;
  // Pages that embed a request id or nonce differ slightly; same size within 2 % is the same page.
  return Math.abs(nf.bodyBytes - x.bodyBytes) <= Math.max(16, nf.bodyBytes * 0.02);
}
