/**
 * Bounded decoding of base64 / hex string literals in built browser bundles: a key that a build
 * step (or a developer hoping to hide it) encoded is still public. Bounds, so a 5 MB bundle full of
 * inlined images costs little and never explodes:
 *  - only quoted literals of 24..4096 characters (inlined images are longer and skipped);
 *  - at most MAX_CANDIDATES literals per text;
 *  - one level of decoding (a decoded string is scanned, never decoded again);
 *  - only decodings that are printable text (random/binary data such as images stays quiet).
 * Hits point at the encoded literal (line/column in the bundle) and carry `encoding`.
 */
import { detect } from './detect.js';
import type { RawHit } from './types.js';

export const MIN_ENCODED = 24;
export const MAX_ENCODED = 4096;
export const MAX_CANDIDATES = 20_000;

/** A quoted run of base64 / base64url / hex characters. */
const LITERAL = new RegExp(`(["'\`])([A-Za-z0-9+/_-]{${MIN_ENCODED},${MAX_ENCODED}}={0,2})\\1`, 'g');
const HEX = /^(?:[0-9a-f]{2})+$|^(?:[0-9A-F]{2})+$/;

/** Printable ASCII text (tabs and line breaks allowed), at least 16 characters. */
function printable(buf: Buffer): boolean {
  if (buf.length < 16) return false;
  for (const b of buf) if (b < 0x20 ? b !== 9 && b !== 10 && b !== 13 : b > 0x7e) return false;
  return true;
}

/** Decode `s` as hex (when it is even-length hex) or base64; null unless the result is text. */
export function decodeCandidate(s: string): { text: string; encoding: 'hex' | 'base64' } | null {
  if (HEX.test(s)) {
    const buf = Buffer.from(s, 'hex');
    return printable(buf) ? { text: buf.toString('latin1'), encoding: 'hex' } : null;
  }
  // base64 needs a length that is a whole number of quads once padded; Node accepts both alphabets.
  const bare = s.replace(/=+$/, '');
  if (bare.length % 4 === 1) return null;
  const buf = Buffer.from(bare, 'base64');
  return printable(buf) ? { text: buf.toString('latin1'), encoding: 'base64' } : null;
}

/** Hits inside encoded string literals of `text`, positioned at the literal. */
export function detectEncoded(text: string, file: string): RawHit[] {
  const hits: RawHit[] = [];
  LITERAL.lastIndex = 0;
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  let n = 0;
  for (let m = LITERAL.exec(text); m !== null && n < MAX_CANDIDATES; m = LITERAL.exec(text)) {
    n++;
    const d = decodeCandidate(m[2]!);
    if (!d) continue;
    const found = detect(d.text, file);
    if (found.length === 0) continue;
    const at = m.index + 1;
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    scanned = at;
    for (const h of found) hits.push({ ...h, line, column: at - lineStart + 1, encoding: d.encoding });
  }
  return hits;
}
