/**
 * SPF macro-strings (RFC 7208 section 7): scanning into tokens, and expansion.
 *
 * Grammar (RFC 7208 section 7.1):
 *
 *   macro-string  = *( macro-expand / macro-literal )
 *   macro-expand  = ( "%{" macro-letter transformers *delimiter "}" ) / "%%" / "%_" / "%-"
 *   macro-literal = %x21-24 / %x26-7E          ; visible ASCII except "%"
 *   macro-letter  = "s" / "l" / "o" / "d" / "i" / "p" / "h" / "c" / "r" / "t" / "v"
 *   transformers  = *DIGIT [ "r" ]
 *   delimiter     = "." / "-" / "+" / "," / "/" / "_" / "="
 *
 * Scanning is separate from expansion: the record parser scans every term before anything is
 * evaluated (4.6: a syntax error anywhere is a permerror even after an earlier match).
 * An upper-case macro letter asks for the expansion to be URL-escaped (7.3).
 */

export type MacroToken =
  | { kind: 'literal'; text: string; pos: number }
  | {
      kind: 'macro';
      /** Lower-case letter. */
      letter: string;
      /** Upper case in the source: URL-escape the value. */
      escape: boolean;
      /** Number of right-hand parts to keep (undefined: all). */
      digits?: number;
      reverse: boolean;
      /** Delimiters to split on (default "."). */
      delimiters: string;
      pos: number;
    }
  | { kind: 'escape'; text: '%' | ' ' | '%20'; pos: number };

export class MacroSyntaxError extends Error {
  override name = 'MacroSyntaxError';
  constructor(
    message: string,
    /** 0-based offset inside the macro-string. */
    readonly pos: number,
  ) {
    super(message);
  }
}

const LETTERS = 'slodiphcrtv';
/** Letters only allowed in exp= explanation text (7.2). */
export const EXP_ONLY_LETTERS = 'crt';

/** Scans a macro-string; throws MacroSyntaxError with the offending offset. */
export function scanMacroString(
  src: string,
  opts: { explanation?: boolean; allowExpLetters?: boolean } = {},
): MacroToken[] {
  const tokens: MacroToken[] = [];
  let lit = '';
  let litPos = 0;
  const flush = (): void => {
    if (lit) tokens.push({ kind: 'literal', text: lit, pos: litPos });
    lit = '';
  };
  for (let i = 0; i < src.length; ) {
    const ch = src.charCodeAt(i);
    if (ch !== 0x25 /* % */) {
      // Explanation text allows spaces (it is a TXT string, 6.2); domain-specs do not.
      const ok = (ch >= 0x21 && ch <= 0x7e) || (opts.explanation === true && ch === 0x20);
      if (!ok) throw new MacroSyntaxError(`invalid character ${JSON.stringify(src[i])} in macro-string`, i);
      if (!lit) litPos = i;
      lit += src[i];
      i++;
      continue;
    }
    flush();
    const next = src[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      tokens.push({ kind: 'escape', text: next === '%' ? '%' : next === '_' ? ' ' : '%20', pos: i });
      i += 2;
      continue;
    }
    if (next !== '{') throw new MacroSyntaxError(`"%" must be followed by "{", "%", "_" or "-"`, i);
    const close = src.indexOf('}', i + 2);
    if (close < 0) throw new MacroSyntaxError('unterminated macro "%{"', i);
    const body = src.slice(i + 2, close);
    const m = /^([A-Za-z])(\d*)([rR]?)([.\-+,/_=]*)$/.exec(body);
    if (!m) throw new MacroSyntaxError(`malformed macro "%{${body}}"`, i);
    const letter = m[1]!.toLowerCase();
    if (!LETTERS.includes(letter)) throw new MacroSyntaxError(`unknown macro letter "${m[1]}"`, i + 2);
    if (!opts.explanation && !opts.allowExpLetters && EXP_ONLY_LETTERS.includes(letter)) {
      throw new MacroSyntaxError(`macro letter "${m[1]}" is only allowed in exp= text`, i + 2);
    }
    let digits: number | undefined;
    if (m[2]) {
      digits = Number(m[2]);
      // 7.3: "If a DIGIT is specified, the value MUST be nonzero."
      if (digits === 0) throw new MacroSyntaxError('macro digit transformer must be nonzero', i + 3);
    }
    tokens.push({
      kind: 'macro',
      letter,
      escape: m[1] !== letter,
      digits,
      reverse: m[3] !== '',
      delimiters: m[4] || '.',
      pos: i,
    });
    i = close + 1;
  }
  flush();
  return tokens;
}

/** Values the macro letters expand to; `p` is resolved lazily because it costs DNS queries. */
export interface MacroContext {
  s: string;
  l: string;
  o: string;
  d: string;
  i: string;
  h: string;
  c: string;
  r: string;
  t: string;
  v: string;
  p: () => Promise<string>;
}

/** Expands scanned tokens (7.3): split on delimiters, reverse, keep N right-hand parts, join with ".". */
export async function expandTokens(tokens: MacroToken[], ctx: MacroContext): Promise<string> {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'literal') out += t.text;
    else if (t.kind === 'escape') out += t.text;
    else {
      const raw = t.letter === 'p' ? await ctx.p() : ctx[t.letter as Exclude<keyof MacroContext, 'p'>];
      out += transform(raw, t);
    }
  }
  return out;
}

function transform(value: string, t: Extract<MacroToken, { kind: 'macro' }>): string {
  let v = value;
  if (t.digits !== undefined || t.reverse || t.delimiters !== '.') {
    let parts = splitOn(v, t.delimiters);
    if (t.reverse) parts = parts.reverse();
    if (t.digits !== undefined && t.digits < parts.length) parts = parts.slice(parts.length - t.digits);
    v = parts.join('.');
  }
  return t.escape ? urlEscape(v) : v;
}

function splitOn(v: string, delims: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (const ch of v) {
    if (delims.includes(ch)) { parts.push(cur); cur = ''; } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

/** 7.3: upper-case macros escape every character outside RFC 3986 "unreserved". */
export function urlEscape(v: string): string {
  let out = '';
  for (const byte of Buffer.from(v, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** True when the macro-string's last token is a macro-expand (so no top-label check applies). */
export function endsWithMacro(tokens: MacroToken[]): boolean {
  const last = tokens[tokens.length - 1];
  return last !== undefined && last.kind !== 'literal';
}
