/**
 * Scope lock: active probes and redirects may only reach hosts named in the config.
 */
import { isIP } from 'node:net';
import type { ScopeGuard } from './types.js';

interface Entry {
  host: string;
  /** '' = any port. */
  port: string;
  /** `*.example.com` entries match every subdomain (not the apex itself). */
  wildcard: boolean;
}

function normHost(h: string): string {
  return h.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' || protocol === 'wss:' ? '443' : protocol === 'http:' || protocol === 'ws:' ? '80' : '';
}

/** Parse `host`, `host:port`, `[v6]:port`, `*.host` or a URL into an entry; null when unusable. */
function parseEntry(raw: string): Entry | null {
  const s = raw.trim();
  if (s === '') return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    try {
      const u = new URL(s);
      // URL.port is '' for the scheme's default port too, so a URL entry constrains the port only when
      // it names a non-default one; "https://example.com" therefore also allows http://example.com.
      return { host: normHost(u.hostname), port: u.port, wildcard: false };
    } catch {
      return null;
    }
  }
  const wildcard = s.startsWith('*.');
  const body = wildcard ? s.slice(2) : s;
  if (isIP(normHost(body)) === 6) return { host: normHost(body), port: '', wildcard };
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(body);
  if (!m) return null;
  return { host: normHost(m[1]!), port: m[2] ? String(Number(m[2])) : '', wildcard };
}

/** A guard that accepts URLs whose host (and port, when the entry names one) is in `allowed`. */
export function createScopeGuard(allowed: string[]): ScopeGuard {
  const entries = allowed.map(parseEntry).filter((e): e is Entry => e !== null);
  return (url: URL) => {
    const host = normHost(url.hostname);
    const port = url.port || defaultPort(url.protocol);
    return entries.some(
      (e) =>
        (e.wildcard ? host.endsWith(`.${e.host}`) : host === e.host) && (e.port === '' || e.port === port),
    );
  };
}

/** True for `localhost` (and `*.localhost`), 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(hostOrIp: string): boolean {
  const h = normHost(hostOrIp);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) {
    if (h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return mapped[1]!.startsWith('127.');
    // WHATWG URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
    return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h);
  }
  return false;
}
