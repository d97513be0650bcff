/**
 * Positions and comments in migration sources.
 *
 * libpg-query reports `location`/`stmt_location` as UTF-8 *byte* offsets into the parsed string,
 * while files are JS strings (UTF-16). `Segment` maps between the two and on to file line:column,
 * because SQL is often a slice of a larger file (the up half of a dbmate file, a string in a JS file).
 */

/** A run of SQL inside a file: `text` starts at character `offset` of the file. */
export interface Segment {
  text: string;
  offset: number;
}

/** Line starts of a file, for offset -> line:column. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  /** 1-based line and column of a 0-based character offset. */
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

/** Converts UTF-8 byte offsets of one string to character offsets (identity for ASCII). */
export function byteToCharMapper(text: string): (byteOffset: number) => number {
  // Fast path: pure ASCII text has identical byte and character offsets.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return (b) => b;
  const buf = Buffer.from(text, 'utf8');
  return (b) => buf.subarray(0, Math.max(0, Math.min(b, buf.length))).toString('utf8').length;
}

/**
 * Index of the first character at or after `from` that is not whitespace or an SQL comment.
 * Hand-written because libpg-query's statement ranges include the leading comments and
 * we want locations to point at the statement's first keyword.
 */
export function skipTrivia(text: string, from: number, to = text.length): number {
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') i++;
    else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? to : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? to : end + 2;
    } else break;
  }
  return Math.min(i, to);
}

const IGNORE_RE = /launchready-ignore(?:[ \t]+([A-Za-z0-9/_, \t-]+))?/g;

/**
 * Rule ids named by `launchready-ignore` comments in `text`. Bare names are completed with
 * `migrations/`; a comment naming no rule yields `*` (every rule).
 */
export function ignoredRules(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(IGNORE_RE)) {
    const names = (m[1] ?? '').split(/[\s,]+/).filter(Boolean);
    if (!names.length) out.add('*');
    for (const n of names) out.add(n.includes('/') ? n : `migrations/${n}`);
  }
  return out;
}

/** Collapses whitespace and cuts to 200 characters, for evidence. */
export function shortStatement(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}
