/** Small readers over the lower-cased header maps of HttpExchange. Pure. */

export type HeaderMap = Record<string, string | string[]>;

/** Every value of a header, in order ([] when absent). */
export function headerValues(h: HeaderMap, name: string): string[] {
  const v = h[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Values of a list-valued header joined the way RFC 9110 section 5.3 allows (comma). */
export function headerList(h: HeaderMap, name: string): string | undefined {
  const v = headerValues(h, name);
  return v.length ? v.join(', ') : undefined;
}

export interface CacheControl {
  public: boolean;
  private: boolean;
  noStore: boolean;
  noCache: boolean;
  immutable: boolean;
  maxAge: number | null;
  sMaxage: number | null;
}

/** Cache-Control directives (RFC 9111 section 5.2); unknown directives are ignored as the RFC says. */
export function parseCacheControl(value: string | undefined): CacheControl {
  const cc: CacheControl = { public: false, private: false, noStore: false, noCache: false, immutable: false, maxAge: null, sMaxage: null };
  for (const part of (value ?? '').split(',')) {
    const m = /^\s*([A-Za-z-]+)\s*(?:=\s*"?([^",]*)"?)?\s*$/.exec(part);
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    const num = m[2] !== undefined && /^\d+$/.test(m[2].trim()) ? Number(m[2].trim()) : null;
    if (name === 'public') cc.public = true;
    else if (name === 'private') cc.private = true;
    else if (name === 'no-store') cc.noStore = true;
    else if (name === 'no-cache') cc.noCache = true;
    else if (name === 'immutable') cc.immutable = true;
    else if (name === 'max-age') cc.maxAge = num ?? 0; // a malformed max-age is treated as stale (RFC 9111 4.2.1)
    else if (name === 's-maxage') cc.sMaxage = num ?? 0;
  }
  return cc;
}

/** Seconds between the Date and Expires headers, when both parse (used when max-age is absent). */
function expiresTtl(h: HeaderMap): number | null {
  const exp = Date.parse(headerValues(h, 'expires')[0] ?? '');
  const date = Date.parse(headerValues(h, 'date')[0] ?? '');
  if (Number.isNaN(exp) || Number.isNaN(date)) return null;
  return Math.max(0, Math.round((exp - date) / 1000));
}

/**
 * How long a response may be reused: by a shared cache (CDN, proxy) and by the browser.
 * null = no explicit freshness (caches may apply heuristics); 0 = not reused without revalidation.
 */
export function cacheLifetimes(h: HeaderMap): { cacheControl: string | null; cc: CacheControl; shared: number | null; browser: number | null } {
  const raw = headerList(h, 'cache-control');
  const cc = parseCacheControl(raw);
  const explicit = cc.maxAge ?? expiresTtl(h);
  const browser = cc.noStore || cc.noCache ? 0 : explicit;
  const shared = cc.noStore || cc.noCache || cc.private ? 0 : (cc.sMaxage ?? explicit);
  return { cacheControl: raw ?? null, cc, shared, browser };
}
