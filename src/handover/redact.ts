/**
 * Redaction for text that ends up in the pack. The handover section of the config is free text
 * written by people, and config values are interpolated from the environment (`${STRIPE_KEY}`),
 * so a credential can arrive where a location was meant. Every string that reaches the pack goes
 * through here: the secret detectors (the same ones `launchready secrets` runs) replace any hit by
 * its provider, kind and first 4 characters; URLs lose their user-info and query string.
 */
import { detect } from '../secrets/detect.js';
import { redact, shannon } from '../secrets/util.js';

/**
 * Tokens that look random whatever their format: 24+ characters of a key alphabet, letters and
 * digits mixed, entropy above what hex (at most 4 bits a character) or words reach. The detectors
 * deliberately skip values that look like documentation examples; the pack is stricter, because a
 * value in a handover text has no business being there at all.
 */
const TOKEN_RE = /[A-Za-z0-9_\-+/=]{24,}/g;
function randomLooking(t: string): boolean {
  return /[0-9]/.test(t) && /[A-Za-z]/.test(t) && shannon(t) > 4.2;
}

/** Replaces every detected credential in `text` with `[redacted <provider> <kind> abcd…]`. */
export function redactSecrets(text: string): string {
  if (!text) return text;
  return redactTokens(redactDetected(text));
}

function redactTokens(text: string): string {
  return text.replace(TOKEN_RE, (t) => (randomLooking(t) ? `[redacted value ${redact(t)}]` : t));
}

function redactDetected(text: string): string {
  const hits = detect(text, 'launchready.handover');
  if (hits.length === 0) return text;
  // Offsets of line starts, to turn the hits' 1-based line/column back into string offsets.
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const spans = hits
    .map((h) => ({ start: starts[h.line - 1]! + h.column - 1, end: starts[h.line - 1]! + h.column - 1 + h.length, label: `[redacted ${h.provider} ${h.kind} ${h.redacted}]` }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  let floor = Infinity;
  for (const s of spans) {
    if (s.end > floor) continue; // overlapping hit already replaced
    out = out.slice(0, s.start) + s.label + out.slice(s.end);
    floor = s.start;
  }
  return out;
}

/** A URL without user-info, query or fragment (tokens travel there); non-URLs pass through redactSecrets. */
export function safeUrl(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return redactSecrets(value);
  }
  if (!u.host) return redactSecrets(value);
  const hadQuery = u.search !== '' || u.hash !== '';
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  return redactSecrets(u.toString() + (hadQuery ? ' (query removed)' : ''));
}

/** redactSecrets on every string of a plain value (objects and arrays walked, depth-bounded). */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1)) as T;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactDeep(v, depth + 1)])) as T;
}
