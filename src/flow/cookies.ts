/**
 * A cookie jar per flow run (RFC 6265 subset): host-only and Domain cookies, Path prefix match,
 * Secure only over https, Max-Age/Expires (including deletion), __Host-/__Secure- prefixes honoured.
 * Hand-written rather than tough-cookie: undici has no jar, and the subset a smoke test needs is
 * small; public-suffix checks are not needed because flows only talk to the configured hosts.
 */

interface Cookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  /** ms since epoch; null = session cookie. */
  expires: number | null;
}

function defaultPath(u: URL): string {
  const p = u.pathname;
  if (!p.startsWith('/') || p.lastIndexOf('/') === 0) return '/';
  return p.slice(0, p.lastIndexOf('/'));
}

function domainMatch(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

function pathMatch(reqPath: string, cookiePath: string): boolean {
  return reqPath === cookiePath || (reqPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || reqPath[cookiePath.length] === '/'));
}

export class CookieJar {
  private cookies: Cookie[] = [];
  constructor(private readonly now: () => number = Date.now) {}

  /** Stores the Set-Cookie headers of a response from `url`. Returns the cookies set (name -> value). */
  setFromResponse(url: string, setCookie: string | string[] | undefined): Record<string, string> {
    const set: Record<string, string> = {};
    if (setCookie === undefined) return set;
    const u = new URL(url);
    const host = u.hostname.toLowerCase();
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const c: Cookie = { name, value, domain: host, hostOnly: true, path: defaultPath(u), secure: false, expires: null };
      let maxAge: number | null = null;
      for (const a of attrs) {
        const i = a.indexOf('=');
        const k = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
        const v = i < 0 ? '' : a.slice(i + 1).trim();
        if (k === 'domain' && v) {
          const d = v.replace(/^\./, '').toLowerCase();
          if (!domainMatch(host, d)) continue; // a cookie for another site: ignored, as browsers do
          c.domain = d;
          c.hostOnly = false;
        } else if (k === 'path' && v.startsWith('/')) c.path = v;
        else if (k === 'secure') c.secure = true;
        else if (k === 'max-age' && /^-?\d+$/.test(v)) maxAge = Number(v);
        else if (k === 'expires') {
          const t = Date.parse(v);
          if (!Number.isNaN(t)) c.expires = t;
        }
      }
      if (maxAge !== null) c.expires = this.now() + maxAge * 1000;
      if (name.startsWith('__Secure-') && (!c.secure || u.protocol !== 'https:')) continue;
      if (name.startsWith('__Host-') && (!c.secure || u.protocol !== 'https:' || !c.hostOnly || c.path !== '/')) continue;
      this.cookies = this.cookies.filter((x) => !(x.name === c.name && x.domain === c.domain && x.path === c.path));
      if (c.expires !== null && c.expires <= this.now()) continue; // deletion
      this.cookies.push(c);
      set[name] = value;
    }
    return set;
  }

  /** The Cookie header for a request to `url` (longer paths first), or undefined when none apply. */
  header(url: string): string | undefined {
    const u = new URL(url);
    const host = u.hostname.toLowerCase();
    const t = this.now();
    const match = this.cookies
      .filter((c) => (c.expires === null || c.expires > t) && (c.hostOnly ? host === c.domain : domainMatch(host, c.domain)))
      .filter((c) => pathMatch(u.pathname || '/', c.path) && (!c.secure || u.protocol === 'https:'))
      .sort((a, b) => b.path.length - a.path.length);
    return match.length ? match.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  /** Value of a cookie by name (any domain), for captures and `cookie.<name>` expectations. */
  get(name: string): string | undefined {
    return this.cookies.find((c) => c.name === name)?.value;
  }

  /** Every stored value (for masking them in reports). */
  values(): string[] {
    return this.cookies.map((c) => c.value);
  }
}
