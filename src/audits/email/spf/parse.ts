/**
 * SPF record selection and parsing (RFC 7208 sections 4.5, 4.6, 5, 6, 12).
 *
 * Grammar (RFC 7208 section 12, abridged; keywords are case-insensitive):
 *
 *   record           = version terms *SP
 *   version          = "v=spf1"
 *   terms            = *( 1*SP ( directive / modifier ) )
 *   directive        = [ qualifier ] mechanism
 *   qualifier        = "+" / "-" / "?" / "~"
 *   mechanism        = all / include / a / mx / ptr / ip4 / ip6 / exists
 *   all              = "all"
 *   include          = "include" ":" domain-spec
 *   a                = "a"   [ ":" domain-spec ] [ dual-cidr-length ]
 *   mx               = "mx"  [ ":" domain-spec ] [ dual-cidr-length ]
 *   ptr              = "ptr" [ ":" domain-spec ]
 *   ip4              = "ip4" ":" ip4-network [ ip4-cidr-length ]
 *   ip6              = "ip6" ":" ip6-network [ ip6-cidr-length ]
 *   exists           = "exists" ":" domain-spec
 *   modifier         = redirect / explanation / unknown-modifier
 *   redirect         = "redirect" "=" domain-spec
 *   explanation      = "exp" "=" domain-spec
 *   unknown-modifier = name "=" macro-string
 *   name             = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
 *   ip4-cidr-length  = "/" ( "0" / %x31-39 0*1DIGIT )      ; 0-32
 *   ip6-cidr-length  = "/" ( "0" / %x31-39 0*2DIGIT )      ; 0-128
 *   dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
 *   domain-spec      = macro-string domain-end
 *   domain-end       = ( "." toplabel [ "." ] ) / macro-expand
 *   toplabel         = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
 *
 * Stages: `selectRecord` picks the one `v=spf1` record among a name's TXT records, `parseRecord`
 * splits it into terms (1*SP only: a tab or other control character is a syntax error, 4.6.1),
 * and `parseTerm` parses one term. Nothing throws for bad input: errors come back as data with
 * the 0-based position inside the record, because 4.6 requires every syntax error anywhere in the
 * record to be found before evaluation starts.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { MacroSyntaxError, endsWithMacro, scanMacroString, type MacroToken } from './macro.js';

export type Qualifier = '+' | '-' | '~' | '?';

/** A domain-spec: the source text and its scanned macro tokens. */
export interface DomainSpec {
  text: string;
  tokens: MacroToken[];
}

export type Mechanism =
  | { kind: 'all' }
  | { kind: 'include' | 'exists'; domain: DomainSpec }
  | { kind: 'a' | 'mx'; domain?: DomainSpec; cidr4: number; cidr6: number }
  | { kind: 'ptr'; domain?: DomainSpec }
  | { kind: 'ip4' | 'ip6'; address: string; prefix: number };

export interface Directive {
  type: 'directive';
  qualifier: Qualifier;
  mechanism: Mechanism;
  /** The term as written. */
  text: string;
  /** 0-based offset of the term in the record. */
  pos: number;
}

export interface Modifier {
  type: 'modifier';
  /** Lower-case name. */
  name: string;
  /** Parsed value for redirect/exp; raw tokens for unknown modifiers. */
  value: DomainSpec;
  text: string;
  pos: number;
}

export type Term = Directive | Modifier;

export interface SpfRecord {
  text: string;
  terms: Term[];
  directives: Directive[];
  redirect?: Modifier;
  exp?: Modifier;
}

export type SpfErrorCode = 'syntax' | 'unknown-mechanism' | 'duplicate-modifier' | 'non-ascii' | 'not-spf';

/** A parse error as data. */
export interface SpfParseError {
  code: SpfErrorCode;
  message: string;
  /** 0-based offset in the record text. */
  pos: number;
  /** The term concerned, when there is one. */
  term?: string;
}

export type ParseResult = { ok: true; record: SpfRecord } | { ok: false; error: SpfParseError };

/** Outcome of record selection among the TXT records of one name (4.5). */
export type Selection =
  | { kind: 'none' }
  | { kind: 'one'; text: string }
  | { kind: 'many'; texts: string[] };

/** True when a TXT value is an SPF record: `v=spf1` (any case) followed by a space or the end. */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1( |$)/i.test(text);
}

/**
 * 4.5: keep the records that start with the exact version token; the character-strings of one
 * TXT record are joined with no separator (3.3). Several records -> permerror (the caller).
 */
export function selectRecord(txtRecords: string[][]): Selection {
  const texts = txtRecords.map((strings) => strings.join('')).filter(isSpfRecord);
  if (texts.length === 0) return { kind: 'none' };
  if (texts.length === 1) return { kind: 'one', text: texts[0]! };
  return { kind: 'many', texts };
}

const TOPLABEL = /^(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9])$/;
const MODIFIER = /^([A-Za-z][A-Za-z0-9\-_.]*)=(.*)$/s;

/** Parses a whole record (which must start with the version token). */
export function parseRecord(text: string): ParseResult {
  if (!isSpfRecord(text)) {
    return { ok: false, error: { code: 'not-spf', message: 'record does not start with "v=spf1"', pos: 0 } };
  }
  // 3.1: SPF records are 7-bit ASCII. Point at the first offending character.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7e) {
      return { ok: false, error: { code: 'non-ascii', message: `non-ASCII character at offset ${i}`, pos: i } };
    }
  }
  const terms: Term[] = [];
  const directives: Directive[] = [];
  let redirect: Modifier | undefined;
  let exp: Modifier | undefined;
  // Split on single spaces only: 1*SP separates terms, anything else stays inside a term.
  let i = 6;
  while (i < text.length) {
    if (text[i] === ' ') { i++; continue; }
    let j = text.indexOf(' ', i);
    if (j < 0) j = text.length;
    const term = parseTerm(text.slice(i, j), i);
    if ('code' in term) return { ok: false, error: term };
    terms.push(term);
    if (term.type === 'directive') directives.push(term);
    else if (term.name === 'redirect' || term.name === 'exp') {
      // 6: redirect and exp may each appear at most once.
      if ((term.name === 'redirect' ? redirect : exp) !== undefined) {
        return {
          ok: false,
          error: { code: 'duplicate-modifier', message: `modifier "${term.name}" appears twice`, pos: i, term: term.text },
        };
      }
      if (term.name === 'redirect') redirect = term; else exp = term;
    }
    i = j;
  }
  return { ok: true, record: { text, terms, directives, redirect, exp } };
}

/** Parses one term at offset `pos` of the record. */
export function parseTerm(term: string, pos: number): Term | SpfParseError {
  const err = (message: string, at = 0, code: SpfErrorCode = 'syntax'): SpfParseError => ({
    code, message, pos: pos + at, term,
  });
  const mod = MODIFIER.exec(term);
  if (mod) {
    const name = mod[1]!.toLowerCase();
    const valueAt = mod[1]!.length + 1;
    if (name === 'redirect' || name === 'exp') {
      const spec = parseDomainSpec(mod[2]!);
      if ('message' in spec) return err(`${name}=: ${spec.message}`, valueAt + spec.pos);
      return { type: 'modifier', name, value: spec, text: term, pos };
    }
    try {
      const tokens = scanMacroString(mod[2]!, { allowExpLetters: true });
      return { type: 'modifier', name, value: { text: mod[2]!, tokens }, text: term, pos };
    } catch (e) {
      const me = e as MacroSyntaxError;
      return err(`modifier ${name}: ${me.message}`, valueAt + me.pos);
    }
  }
  let q: Qualifier = '+';
  let at = 0;
  if ('+-~?'.includes(term[0] ?? '')) { q = term[0] as Qualifier; at = 1; }
  const nameMatch = /^[A-Za-z][A-Za-z0-9]*/.exec(term.slice(at));
  if (!nameMatch) return err(`malformed term "${term}"`, at);
  const name = nameMatch[0].toLowerCase();
  const rest = term.slice(at + nameMatch[0].length);
  const restAt = at + nameMatch[0].length;
  const directive = (mechanism: Mechanism): Directive => ({ type: 'directive', qualifier: q, mechanism, text: term, pos });

  switch (name) {
    case 'all':
      if (rest !== '') return err('"all" takes no argument', restAt);
      return directive({ kind: 'all' });
    case 'include':
    case 'exists': {
      if (!rest.startsWith(':')) return err(`"${name}" requires ":domain"`, restAt);
      const spec = parseDomainSpec(rest.slice(1));
      if ('message' in spec) return err(`${name}: ${spec.message}`, restAt + 1 + spec.pos);
      return directive({ kind: name, domain: spec });
    }
    case 'ptr': {
      if (rest === '') return directive({ kind: 'ptr' });
      if (!rest.startsWith(':')) return err('"ptr" takes ":domain" only', restAt);
      const spec = parseDomainSpec(rest.slice(1));
      if ('message' in spec) return err(`ptr: ${spec.message}`, restAt + 1 + spec.pos);
      return directive({ kind: 'ptr', domain: spec });
    }
    case 'a':
    case 'mx': {
      let domainText: string | undefined;
      let cidrText: string;
      if (rest.startsWith(':')) {
        const m = /^(.*?)((?:\/\d+)?(?:\/\/\d+)?)$/s.exec(rest.slice(1))!;
        domainText = m[1]!;
        cidrText = m[2]!;
      } else cidrText = rest;
      const cidr = parseDualCidr(cidrText);
      if (typeof cidr === 'string') return err(`${name}: ${cidr}`, restAt + (rest.length - cidrText.length));
      if (domainText === undefined) return directive({ kind: name, ...cidr });
      const spec = parseDomainSpec(domainText);
      if ('message' in spec) return err(`${name}: ${spec.message}`, restAt + 1 + spec.pos);
      return directive({ kind: name, domain: spec, ...cidr });
    }
    case 'ip4':
    case 'ip6': {
      const m = /^:([^/]*)(?:\/(\d+))?$/.exec(rest);
      if (!m) return err(`"${name}" requires ":address[/prefix]"`, restAt);
      const address = m[1]!;
      const valid = name === 'ip4' ? isIPv4(address) : isIPv6(address) && !address.includes('%');
      if (!valid) return err(`${name}: invalid address "${address}"`, restAt + 1);
      const max = name === 'ip4' ? 32 : 128;
      let prefix = max;
      if (m[2] !== undefined) {
        const p = parseCidrDigits(m[2], max);
        if (p === null) return err(`${name}: invalid prefix length "/${m[2]}"`, restAt + 1 + address.length);
        prefix = p;
      }
      return directive({ kind: name, address, prefix });
    }
    default:
      return err(`unknown mechanism "${nameMatch[0]}"`, at, 'unknown-mechanism');
  }
}

/** `/n` digits: no leading zeros, at most `max` (the ABNF forbids "/032"). */
function parseCidrDigits(d: string, max: number): number | null {
  if (!/^(0|[1-9]\d*)$/.test(d)) return null;
  const n = Number(d);
  return n <= max ? n : null;
}

function parseDualCidr(text: string): { cidr4: number; cidr6: number } | string {
  if (text === '') return { cidr4: 32, cidr6: 128 };
  const m = /^(?:\/(\d+))?(?:\/\/(\d+))?$/.exec(text);
  if (!m) return `invalid prefix length "${text}"`;
  const cidr4 = m[1] === undefined ? 32 : parseCidrDigits(m[1], 32);
  const cidr6 = m[2] === undefined ? 128 : parseCidrDigits(m[2], 128);
  if (cidr4 === null || cidr6 === null) return `invalid prefix length "${text}"`;
  return { cidr4, cidr6 };
}

/** Parses and validates a domain-spec; errors carry the offset inside `text`. */
export function parseDomainSpec(text: string): DomainSpec | { message: string; pos: number } {
  if (text === '') return { message: 'empty domain', pos: 0 };
  let tokens: MacroToken[];
  try {
    tokens = scanMacroString(text);
  } catch (e) {
    const me = e as MacroSyntaxError;
    return { message: me.message, pos: me.pos };
  }
  if (!endsWithMacro(tokens)) {
    // domain-end = "." toplabel [ "." ], inside the final literal.
    const lastTok = tokens[tokens.length - 1] as Extract<MacroToken, { kind: 'literal' }>;
    const lit = lastTok.text.endsWith('.') ? lastTok.text.slice(0, -1) : lastTok.text;
    const dot = lit.lastIndexOf('.');
    const top = lit.slice(dot + 1);
    if (dot < 0 || !TOPLABEL.test(top)) {
      return { message: `domain "${text}" does not end in a valid top label`, pos: lastTok.pos + dot + 1 };
    }
  }
  return { text, tokens };
}
