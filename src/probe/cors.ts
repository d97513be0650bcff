/**
 * CORS probing: which Origins to send, and how to read what came back (Fetch standard, CORS
 * protocol section). Pure; src/probe/run.ts sends the requests.
 */
import { getDomain } from 'tldts';
import type { CorsOriginKind, ProbeExchange } from './types.js';

/** Origins to try against an API whose registrable domain is `apex` (no scheme). */
export function probeOrigins(apex: string): { origin: string; kind: CorsOriginKind }[] {
  const label = apex.split('.')[0] ?? apex;
  return [
    { origin: 'https://launchready-probe.evil.test', kind: 'foreign' },
    { origin: 'null', kind: 'null' },
    // Look-alikes catch allowlists implemented as `origin.endsWith(apex)` or `includes(apex)`.
    { origin: `https://${apex}.evil.test`, kind: 'lookalike-suffix' },
    { origin: `https://evil${apex}`, kind: 'lookalike-prefix' },
    { origin: `https://${label}-launchready-probe.test`, kind: 'lookalike-prefix' },
    { origin: `https://launchready-probe.${apex}`, kind: 'subdomain' },
  ].filter((o, i, all) => all.findIndex((x) => x.origin === o.origin) === i) as { origin: string; kind: CorsOriginKind }[];
}

/** Registrable domain of a URL's host (the host itself for IPs and unknown suffixes). */
export function apexOf(url: string): string {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
}

/** Whether `origin` matches an allowlist entry (`https://app.example.com`, `https://*.example.com`). */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  const o = origin.toLowerCase().replace(/\/+$/, '');
  return allowed.some((raw) => {
    const a = raw.toLowerCase().replace(/\/+$/, '');
    if (a === o) return true;
    const m = /^([a-z][a-z0-9+.-]*:\/\/)\*\.(.+)$/.exec(a);
    return !!m && o.startsWith(m[1]!) && o.slice(m[1]!.length).endsWith(`.${m[2]}`);
  });
}

function header(x: ProbeExchange, name: string): string | undefined {
  const v = x.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

export interface CorsVerdict {
  /** Access-Control-Allow-Origin as received. */
  allowOrigin: string | null;
  credentials: boolean;
  /** The sent origin came back in Access-Control-Allow-Origin. */
  reflected: boolean;
  wildcard: boolean;
}

/** Reads one response to a request that carried `origin`. */
export function readCors(x: ProbeExchange, origin: string): CorsVerdict {
  const allowOrigin = header(x, 'access-control-allow-origin')?.trim() ?? null;
  const credentials = (header(x, 'access-control-allow-credentials') ?? '').trim().toLowerCase() === 'true';
  return {
    allowOrigin,
    credentials,
    reflected: allowOrigin !== null && allowOrigin.toLowerCase() === origin.toLowerCase(),
    wildcard: allowOrigin === '*',
  };
}
