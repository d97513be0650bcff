/**
 * edge/static-assets-uncached and edge/dynamic-page-cached, plus the caching table (metric
 * `caching`): for every page and static asset, how long a shared cache (CDN) and the browser may
 * reuse it, and whether it stays dynamic.
 *
 * - A fingerprinted asset (content hash in its name, so it never changes) needs a public lifetime
 *   of at least one year, or `immutable` with at least a week.
 * - A response that sets a cookie or varies on Cookie/Authorization must not be reusable by a
 *   shared cache at all; other HTML must not be for more than an hour.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { cacheLifetimes, headerList, headerValues, type HeaderMap } from './http-headers.js';
import { ONE_YEAR } from './hsts.js';

const WEEK = 7 * 86_400;
/** Longest shared lifetime (s) accepted for HTML that sets no cookie (a news page cached for a minute is fine). */
export const HTML_SHARED_TTL_LIMIT = 3_600;
const MAX_LISTED = 10;

/** True for a hash-like segment: hex with letters and digits (6+), or base64url-ish with mixed case and digits (8+). */
export function isHashLike(s: string): boolean {
  if (/^[0-9a-f]{6,64}$/i.test(s) && /\d/.test(s) && /[a-f]/i.test(s)) return true;
  return /^[A-Za-z0-9_]{8,32}$/.test(s) && /\d/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s);
}

/**
 * A fingerprinted asset URL: a hash-like segment in the file name (app.3f9a1c.css,
 * index-BxK3a9Qz.js, chunk.5e1b2c3d4f.js) or a hash-like version parameter (?v=3f9a1c).
 */
export function isFingerprinted(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const file = u.pathname.split('/').pop() ?? '';
  const stem = file.replace(/\.[A-Za-z0-9]+$/, '');
  if (stem.split(/[.-]/).some(isHashLike)) return true;
  return [...u.searchParams.values()].some(isHashLike);
}

/** Why a response is personal or dynamic ([] when it is not). */
function dynamicReasons(h: HeaderMap, html: boolean): string[] {
  const reasons: string[] = [];
  if (headerValues(h, 'set-cookie').length) reasons.push('set-cookie');
  const vary = (headerList(h, 'vary') ?? '').toLowerCase().split(/\s*,\s*/);
  if (vary.includes('cookie')) reasons.push('vary: cookie');
  if (vary.includes('authorization')) reasons.push('vary: authorization');
  if (vary.includes('*')) reasons.push('vary: *');
  if (html) reasons.push('html');
  return reasons;
}

export interface CachingRow {
  url: string;
  type: 'page' | 'asset';
  cacheControl: string | null;
  /** Seconds a CDN may reuse it (null: no explicit policy, heuristic caching). */
  sharedTtl: number | null;
  browserTtl: number | null;
  /** cached: reused without asking the origin; dynamic: fetched every time; heuristic: no explicit policy. */
  status: 'cached' | 'dynamic' | 'heuristic';
  fingerprinted?: boolean;
}

export default defineAudit({
  meta: {
    id: 'edge-caching',
    emits: ['edge/static-assets-uncached', 'edge/dynamic-page-cached'],
    requiredArtifacts: ['pages'],
    description: 'Fingerprinted assets cached for a year; personal and HTML responses not shared-cached',
  },
  audit({ pages }) {
    const findings: FindingDraft[] = [];
    const checked: string[] = [];
    const rows: CachingRow[] = [];
    const row = (url: string, type: CachingRow['type'], h: HeaderMap, fingerprinted?: boolean): ReturnType<typeof cacheLifetimes> => {
      const l = cacheLifetimes(h);
      const status = l.shared === null && l.browser === null ? 'heuristic' : (l.shared ?? 0) > 0 || (l.browser ?? 0) > 0 ? 'cached' : 'dynamic';
      rows.push({ url, type, cacheControl: l.cacheControl, sharedTtl: l.shared, browserTtl: l.browser, status, ...(fingerprinted !== undefined ? { fingerprinted } : {}) });
      return l;
    };

    const dynamicCached = (url: string, h: HeaderMap, html: boolean, l: ReturnType<typeof cacheLifetimes>): void => {
      const reasons = dynamicReasons(h, html);
      if (!reasons.length || l.shared === null) return;
      const personal = reasons.some((r) => r !== 'html');
      if (personal ? l.shared > 0 : l.shared > HTML_SHARED_TTL_LIMIT) {
        findings.push({ rule: 'edge/dynamic-page-cached', target: url, evidence: { cacheControl: l.cacheControl, sharedTtl: l.shared, reasons } });
      }
    };

    for (const p of pages.pages) {
      if (p.status < 200 || p.status >= 300) continue;
      checked.push(p.finalUrl);
      dynamicCached(p.finalUrl, p.headers, p.html, row(p.finalUrl, 'page', p.headers));
    }

    const uncached = new Map<string, { url: string; cacheControl: string | null }[]>();
    for (const a of pages.assets) {
      if (a.error || a.status < 200 || a.status >= 300) continue;
      const fp = isFingerprinted(a.finalUrl);
      const l = row(a.finalUrl, 'asset', a.headers, fp);
      dynamicCached(a.finalUrl, a.headers, false, l);
      if (!fp) continue;
      const o = new URL(a.finalUrl).origin;
      if (!checked.includes(o)) checked.push(o);
      const life = l.cc.private ? 0 : (l.browser ?? 0);
      if (!(life >= ONE_YEAR || (l.cc.immutable && life >= WEEK))) {
        const list = uncached.get(o) ?? [];
        list.push({ url: a.finalUrl, cacheControl: l.cacheControl });
        uncached.set(o, list);
      }
    }
    for (const [o, list] of uncached) {
      findings.push({ rule: 'edge/static-assets-uncached', target: o, evidence: { count: list.length, assets: list.slice(0, MAX_LISTED) } });
    }
    return { findings, targets: checked, metrics: { caching: rows } };
  },
});
