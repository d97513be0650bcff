/**
 * The one way probes send requests: scope-locked, marked with `X-Launchready-Probe: 1`, counted
 * against a hard budget, and stored redacted (cookie values replaced, bodies cut to a snippet).
 */
import type { Net, ScopeGuard } from '../net/types.js';
import { parseSetCookie, redactSetCookie } from './cookies.js';
import type { CookieSeen, PlannedRequest, ProbeExchange } from './types.js';

export const PROBE_HEADER = 'x-launchready-probe';
/** Response bytes kept per exchange (enough for a stack trace or a login form). */
export const SNIPPET_BYTES = 16 * 1024;
/** No run sends more than this many requests, whatever the config says (200 per burst at most). */
export const MAX_REQUESTS = 3000;

export interface ProbeRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  maxRedirects?: number;
  timeoutMs?: number;
  /** Read up to this many response bytes (default SNIPPET_BYTES); the stored exchange still keeps only a snippet. */
  maxBodyBytes?: number;
}

export interface Sent {
  x: ProbeExchange;
  /** Raw Set-Cookie values (only the session login uses them, to send its cookies back). */
  rawSetCookie: string[];
  /** The whole body read (up to the request's maxBodyBytes), for probes that parse it; never stored. */
  fullBody: string;
}

export interface Sender {
  send(req: ProbeRequest): Promise<Sent>;
  readonly sent: number;
  readonly cookies: CookieSeen[];
  readonly offScope: { from: string; to: string }[];
  /** Remote address each origin was reached at (decides loopback for active probes). */
  readonly remoteByOrigin: Map<string, string>;
}

function bytesOf(body: string | Uint8Array | undefined): number {
  return body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

function probeHeaders(h: Record<string, string> | undefined): Record<string, string> {
  return { ...(h ?? {}), [PROBE_HEADER]: '1' };
}

/** What a request looks like in a skipped / dry-run listing. */
export function planned(req: ProbeRequest, count = 1, hideBody = false): PlannedRequest {
  const body = req.body;
  return {
    method: req.method,
    url: req.url,
    headers: probeHeaders(req.headers),
    bodyBytes: bytesOf(body),
    ...(body !== undefined && !hideBody ? { bodyPreview: (typeof body === 'string' ? body : Buffer.from(body.subarray(0, 200)).toString('utf8')).slice(0, 200) } : {}),
    count,
  };
}

export function createSender(net: Net, scope: ScopeGuard, signal: AbortSignal): Sender {
  let sent = 0;
  const cookies: CookieSeen[] = [];
  const offScope: { from: string; to: string }[] = [];
  const remoteByOrigin = new Map<string, string>();
  return {
    get sent() {
      return sent;
    },
    cookies,
    offScope,
    remoteByOrigin,
    async send(req) {
      const headers = probeHeaders(req.headers);
      const base: ProbeExchange = {
        method: req.method, url: req.url, requestHeaders: withoutCookie(headers), requestBytes: bytesOf(req.body),
        status: 0, headers: {}, body: '', bodyBytes: 0, elapsedMs: 0,
      };
      if (sent >= MAX_REQUESTS) return { x: { ...base, error: { code: 'BUDGET', message: `request budget of ${MAX_REQUESTS} spent` } }, rawSetCookie: [], fullBody: '' };
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        return { x: { ...base, error: { code: 'ERROR', message: `invalid URL "${req.url}"` } }, rawSetCookie: [], fullBody: '' };
      }
      // The HTTP client refuses off-scope URLs itself; counting only what may leave keeps the budget honest.
      if (scope(url)) sent++;
      const ex = await net.http.request({
        url: req.url,
        method: req.method,
        headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        maxRedirects: req.maxRedirects ?? 0,
        scope,
        signal,
        maxBodyBytes: req.maxBodyBytes ?? SNIPPET_BYTES,
        ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
      });
      if (ex.error?.code === 'OFF_SCOPE') {
        offScope.push({ from: ex.redirects.at(-1)?.url ?? req.url, to: ex.finalUrl });
      } else if (ex.status >= 300 && ex.status < 400) {
        // Not followed (maxRedirects 0), but a redirect off-scope is still worth reporting.
        const loc = [ex.headers.location].flat()[0];
        if (loc) {
          try {
            const next = new URL(loc, ex.finalUrl);
            if (!scope(next)) offScope.push({ from: ex.finalUrl, to: next.href });
          } catch {
            /* an invalid Location is the edge family's business */
          }
        }
      }
      if (ex.remoteAddress) remoteByOrigin.set(url.origin, ex.remoteAddress);
      const raw = [ex.headers['set-cookie'] ?? []].flat();
      for (const c of raw) {
        const parsed = parseSetCookie(c, ex.finalUrl);
        if (parsed) cookies.push(parsed);
      }
      const headersOut: Record<string, string | string[]> = { ...ex.headers };
      if (raw.length) headersOut['set-cookie'] = raw.map(redactSetCookie);
      return {
        x: {
          ...base,
          url: ex.finalUrl,
          status: ex.status,
          headers: headersOut,
          body: ex.body.slice(0, SNIPPET_BYTES),
          bodyBytes: ex.bodyBytes,
          elapsedMs: ex.timing.totalMs,
          ...(ex.remoteAddress ? { remoteAddress: ex.remoteAddress } : {}),
          ...(ex.error ? { error: ex.error } : {}),
        },
        rawSetCookie: raw,
        fullBody: ex.body,
      };
    },
  };
}

function withoutCookie(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() !== 'cookie') out[k] = v;
  return out;
}
