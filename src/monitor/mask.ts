/**
 * Masking of response context kept in incidents and alerts: an error page can echo tokens,
 * session cookies or a stack trace with a connection string. Uses the secrets family's detector,
 * plus key-name patterns for generic `password=...` pairs that no provider rule covers.
 */
import { detect } from '../secrets/detect.js';

/** Headers whose values are never kept. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token)$/i;
/** `"password": "x"`, `token=x`, `secret: x` (value up to a quote, space, & or ,). */
const KEY_VALUE = /((?:pass(?:word)?|secret|token|api[_-]?key|dsn|credential)s?["']?\s*[:=]\s*["']?)([^"'\s&,<]{4,})/gi;
/** `scheme://user:password@host` */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)([^@\s/]+)(@)/gi;

export function maskText(text: string): string {
  let out = text;
  const hits = detect(out, 'response');
  if (hits.length > 0) {
    const lines = out.split('\n');
    // Replace from the end so earlier offsets stay valid.
    for (const h of [...hits].sort((a, b) => b.line - a.line || b.column - a.column)) {
      const l = lines[h.line - 1];
      if (l === undefined) continue;
      const start = h.column - 1;
      lines[h.line - 1] = `${l.slice(0, start)}${h.redacted}[masked]${l.slice(start + h.length)}`;
    }
    out = lines.join('\n');
  }
  return out.replace(URL_PASSWORD, '$1****$3').replace(KEY_VALUE, (_m, k: string, v: string) => `${k}${v.slice(0, 4)}…[masked]`);
}

export function maskHeaders(h: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k] = SECRET_HEADERS.test(k) ? '[masked]' : maskText(Array.isArray(v) ? v.join(', ') : v);
  return out;
}

/** A URL safe to show: password and query-string secrets masked. */
export function maskUrl(u: string): string {
  return maskText(u);
}
