/**
 * The detector: text in, hits out. Pure (no I/O), and it never returns the secret itself.
 *
 * Pipeline per text:
 *  1. keyword prefilter: one combined case-insensitive regex over the text finds where rule
 *     keywords occur; only rules with a present keyword run (most files run none);
 *  2. per-rule regex, only over windows around its keywords (the keyword's line and the next;
 *     PEM-style rules a fixed span), never the whole file; huge texts are first cut into
 *     overlapping chunks so one 100 MB minified line never meets a regex in one piece;
 *  3. gates: placeholder words, stop-words, entropy, the rule's structural `verify`, allowed names,
 *     and an inline `launchready-ignore` comment on the same line;
 *  4. overlap resolution: a generic rule loses to a specific one on the same span, and a rule that
 *     saw the variable name (Clerk's CLERK_SECRET_KEY) wins over a bare-prefix one (sk_live_).
 */
import { isAscii } from 'node:buffer';
import { RULES } from './rules.js';
import type { RawHit, SecretRule } from './types.js';
import { isPlaceholder, redact, sha256Hex, shannon } from './util.js';

/** Texts longer than this are scanned in chunks (UTF-16 units). */
export const DEFAULT_CHUNK = 4 * 1024 * 1024;
/** Overlap between chunks: longer than the longest token a rule can match (PEM bodies ~12 KB). */
export const CHUNK_OVERLAP = 16 * 1024;
export const IGNORE_MARKER = 'launchready-ignore';

export interface DetectOptions {
  rules?: readonly SecretRule[];
  /** Chunk size (tests lower it to exercise chunk boundaries). */
  chunkSize?: number;
  /**
   * The raw bytes `text` was decoded from. When they are all ASCII the prefilter reads them
   * directly (faster); otherwise they are ignored.
   */
  bytes?: Buffer;
}

/** A compiled rule set: the keyword table, keyword -> rules, and rule order. */
interface Compiled {
  rules: readonly SecretRule[];
  /** Distinct lower-case keywords. */
  kws: string[];
  /** Rules per keyword (same index as `kws`). */
  kwRules: SecretRule[][];
  /** Keyword indices per rule. */
  ruleKws: Map<SecretRule, number[]>;
  /** Trigram (three ASCII-folded 7-bit chars, `c1 << 14 | c2 << 7 | c3`) -> bucket index + 1, or 0. */
  trigram: Uint16Array;
  /** Keyword indices per bucket: those whose first three chars (or two, for 2-char keywords) match. */
  buckets: number[][];
  /** Keyword bytes (lower case). */
  kwCodes: Uint8Array[];
  /** Position of each rule in the set: ties in overlap resolution go to the earlier rule. */
  order: Map<SecretRule, number>;
}

const cache = new WeakMap<readonly SecretRule[], Compiled>();

function compile(rules: readonly SecretRule[]): Compiled {
  const hit = cache.get(rules);
  if (hit) return hit;
  const index = new Map<string, number>();
  const kws: string[] = [];
  const kwRules: SecretRule[][] = [];
  const ruleKws = new Map<SecretRule, number[]>();
  for (const r of rules) {
    if (r.keywords.length === 0) throw new Error(`secret rule ${r.id} has no keywords`);
    const mine: number[] = [];
    for (const k of r.keywords) {
      const key = k.toLowerCase();
      if (key.length < 2 || /[^\x20-\x7e]/.test(key)) throw new Error(`secret rule ${r.id}: keyword "${k}" must be 2+ printable ASCII characters`);
      let i = index.get(key);
      if (i === undefined) {
        i = kws.length;
        index.set(key, i);
        kws.push(key);
        kwRules.push([]);
      }
      if (!kwRules[i]!.includes(r)) kwRules[i]!.push(r);
      if (!mine.includes(i)) mine.push(i);
    }
    ruleKws.set(r, mine);
  }
  const trigram = new Uint16Array(1 << 21);
  const buckets: number[][] = [];
  const put = (h: number, k: number) => {
    if (trigram[h] === 0) {
      buckets.push([]);
      trigram[h] = buckets.length;
    }
    buckets[trigram[h]! - 1]!.push(k);
  };
  kws.forEach((k, i) => {
    const h = (k.charCodeAt(0) << 14) | (k.charCodeAt(1) << 7);
    // A 2-char keyword sits in every trigram that starts with it (the text's last 2 chars aside).
    if (k.length === 2) for (let x = 0; x < 128; x++) put(h | x, i);
    else put(h | k.charCodeAt(2), i);
  });
  const kwCodes = kws.map((k) => Uint8Array.from(k, (ch) => ch.charCodeAt(0)));
  const c: Compiled = { rules, kws, kwRules, ruleKws, trigram, buckets, kwCodes, order: new Map(rules.map((r, i) => [r, i])) };
  cache.set(rules, c);
  return c;
}

/** Positions kept per keyword; past this the rule scans the whole text (the windows would cover it anyway). */
const MAX_POSITIONS = 4096;

/** ASCII lower-casing of bytes; non-ASCII maps to 0 (no keyword holds it). */
const FOLD = Uint8Array.from({ length: 256 }, (_, i) => (i >= 65 && i <= 90 ? i | 32 : i >= 128 ? 0 : i));

function addPos(found: Map<number, number[] | null>, k: number, i: number): void {
  const list = found.get(k);
  if (list === undefined) found.set(k, [i]);
  else if (list !== null) {
    if (list.length >= MAX_POSITIONS) found.set(k, null);
    else list.push(i);
  }
}

/**
 * Keyword prefilter: one pass with a rolling 21-bit trigram of ASCII-folded characters into a
 * direct table; only keywords whose first three characters match are verified. Returns where each
 * keyword occurs (capped; an overflowing keyword is `null` = everywhere). Nested keywords (`token`
 * inside `_authtoken`) are all reported. bench/secrets.ts measures it against one combined
 * case-insensitive regex and an Aho-Corasick automaton on the same texts.
 *
 * With `bytes` (the file's raw bytes, all ASCII) it reads the Buffer, which is faster than
 * `charCodeAt`; offsets are the same since every character is one byte.
 */
function keywordPositions(text: string, c: Compiled, bytes?: Uint8Array): Map<number, number[] | null> {
  const found = new Map<number, number[] | null>();
  const { trigram, buckets, kwCodes } = c;
  if (bytes) {
    const n = bytes.length;
    if (n < 2) return found;
    let h = (FOLD[bytes[0]!]! << 7) | FOLD[bytes[1]!]!;
    for (let i = 0; i < n - 2; i++) {
      h = ((h << 7) | FOLD[bytes[i + 2]!]!) & 0x1fffff;
      const b = trigram[h]!;
      if (b === 0) continue;
      for (const k of buckets[b - 1]!) {
        const kw = kwCodes[k]!;
        if (i + kw.length > n) continue;
        let j = 3;
        while (j < kw.length && FOLD[bytes[i + j]!] === kw[j]) j++;
        if (j >= kw.length) addPos(found, k, i);
      }
    }
    return found;
  }
  const n = text.length;
  if (n < 2) return found;
  const fold = (ch: number) => (ch >= 128 ? 0 : ch >= 65 && ch <= 90 ? ch | 32 : ch);
  let h = (fold(text.charCodeAt(0)) << 7) | fold(text.charCodeAt(1));
  for (let i = 0; i < n - 2; i++) {
    h = ((h << 7) | fold(text.charCodeAt(i + 2))) & 0x1fffff;
    const b = trigram[h]!;
    if (b === 0) continue;
    for (const k of buckets[b - 1]!) {
      const kw = kwCodes[k]!;
      if (i + kw.length > n) continue;
      let j = 3;
      while (j < kw.length && fold(text.charCodeAt(i + j)) === kw[j]) j++;
      if (j >= kw.length) addPos(found, k, i);
    }
  }
  return found;
}

/** Rules whose keywords occur in `text` (the prefilter alone; `bytes`: its ASCII bytes, read instead). */
export function candidateRules(text: string, rules: readonly SecretRule[] = RULES, bytes?: Buffer): SecretRule[] {
  const c = compile(rules);
  const out = new Set<SecretRule>();
  const ascii = bytes && bytes.length === text.length && isAscii(bytes) ? bytes : undefined;
  for (const k of keywordPositions(text, c, ascii).keys()) for (const r of c.kwRules[k]!) out.add(r);
  return [...out];
}

/** How far before a keyword a match may start (OpenAI's T3BlbkFJ marker sits ~200 chars in). */
const WINDOW_BACK = 512;
/** How far after a keyword a single-line match may end (longest tokens ~1.5 KB). */
const WINDOW_FWD = 4096;

/**
 * The regions of `text` a rule's regex must see: around each of its keyword positions, from the
 * start of the keyword's line to the end of the next line (an assignment may break after `=`),
 * bounded on long minified lines; rules with `window` (PEM blocks) take that many chars forward
 * whatever the lines. Sorted and merged. `null` positions mean "everywhere".
 */
function windowsFor(text: string, rule: SecretRule, positions: number[] | null): [number, number][] {
  const n = text.length;
  if (positions === null) return [[0, n]];
  const out: [number, number][] = [];
  let nl1 = -2; // next newline at or after the current position (cached: positions ascend)
  let nl2 = -2; // the newline after nl1
  for (const p of positions) {
    let start = Math.max(0, p - WINDOW_BACK);
    const back = text.indexOf('\n', start);
    if (back !== -1 && back < p) start = text.lastIndexOf('\n', p) + 1;
    let end: number;
    if (rule.window !== undefined) end = Math.min(n, p + rule.window);
    else {
      if (nl1 !== -1 && nl1 < p) {
        nl1 = text.indexOf('\n', p);
        nl2 = nl1 === -1 ? -1 : text.indexOf('\n', nl1 + 1);
      }
      end = Math.min(nl2 === -1 ? n : nl2, p + WINDOW_FWD, n);
    }
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

interface Candidate {
  rule: SecretRule;
  start: number; // of the secret, in the full text
  end: number;
  secret: string;
}

/** Gates that say a matched secret is not a credential. */
function rejected(rule: SecretRule, secret: string, name: string | undefined, file: string): boolean {
  if (isPlaceholder(secret)) return true;
  const lower = secret.toLowerCase();
  if (rule.allow?.stopwords?.some((w) => lower === w || lower.includes(w))) return true;
  if (rule.allow?.values?.some((re) => re.test(secret))) return true;
  if (name !== undefined && rule.allow?.names?.some((re) => re.test(name))) return true;
  if (rule.allow?.paths?.some((re) => re.test(file))) return true;
  if (rule.entropy !== undefined && shannon(secret.replace(/\\n|\s/g, '')) < rule.entropy) return true;
  if (rule.verify && !rule.verify(secret)) return true;
  return false;
}

/** Per rule: the regex with `g` and `d` (exact group offsets: the secret may sit mid-match). */
const compiledRe = new WeakMap<SecretRule, RegExp>();

function ruleRe(rule: SecretRule): RegExp {
  let re = compiledRe.get(rule);
  if (!re) {
    const flags = new Set([...rule.regex.flags, 'g', 'd']);
    re = new RegExp(rule.regex.source, [...flags].join(''));
    compiledRe.set(rule, re);
  }
  re.lastIndex = 0;
  return re;
}

function scanRule(rule: SecretRule, text: string, base: number, file: string, out: Candidate[]): void {
  const re = ruleRe(rule);
  const group = rule.secretGroup ?? 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const secret = m[group];
    if (secret === undefined || secret.length === 0) continue;
    const name = rule.nameGroup !== undefined ? m[rule.nameGroup] : undefined;
    if (rejected(rule, secret, name, file)) continue;
    const start = base + (m.indices?.[group]?.[0] ?? m.index);
    out.push({ rule, start, end: start + secret.length, secret });
  }
}

/** Specific beats generic; among specific rules, one that saw the variable name wins. */
function rank(r: SecretRule): number {
  if (r.generic) return 0;
  return r.nameGroup !== undefined ? 2 : 1;
}

function resolveOverlaps(cands: Candidate[], order: Map<SecretRule, number>): Candidate[] {
  cands.sort((a, b) => a.start - b.start || rank(b.rule) - rank(a.rule) || (order.get(a.rule) ?? 0) - (order.get(b.rule) ?? 0));
  const kept: Candidate[] = [];
  for (const c of cands) {
    let drop = false;
    for (let i = kept.length - 1; i >= 0; i--) {
      const k = kept[i]!;
      if (k.end <= c.start) {
        if (c.start - k.start > 64 * 1024) break; // far behind: nothing overlaps any more
        continue;
      }
      if (k.start < c.end && c.start < k.end) {
        if (k.rule.id === c.rule.id && k.start === c.start) {
          drop = true; // same hit from two overlapping chunks
          break;
        }
        // Equal rank: the one kept first (earlier start, or earlier in the rule list) wins.
        if (rank(k.rule) >= rank(c.rule)) {
          drop = true;
          break;
        }
        if (rank(c.rule) > rank(k.rule)) {
          kept.splice(i, 1);
        }
      }
    }
    if (!drop) kept.push(c);
  }
  return kept;
}

/** Line starts, computed once per text that has hits. */
function lineIndex(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/** The hit's line carries `launchready-ignore` (searched at most 4 KB either side on minified lines). */
function ignoredInline(text: string, start: number, end: number): boolean {
  const from = Math.max(0, start - 4096);
  const to = Math.min(text.length, end + 4096);
  let lineStart = text.lastIndexOf('\n', start);
  lineStart = lineStart < from ? from : lineStart + 1;
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd === -1 || lineEnd > to) lineEnd = to;
  return text.slice(lineStart, lineEnd).includes(IGNORE_MARKER);
}

export function fingerprintOf(rule: string, file: string, secret: string): string {
  return sha256Hex(`${rule}\u0000${file}\u0000${secret}`).slice(0, 16);
}

export function secretHashOf(secret: string): string {
  return sha256Hex(secret).slice(0, 16);
}

/**
 * Find credentials in `text`. `file` is used for the fingerprint and path allowlists.
 * The returned hits hold a fingerprint, a hash and at most 4 characters of each secret.
 */
export function detect(text: string, file: string, opts: DetectOptions = {}): RawHit[] {
  const rules = opts.rules ?? RULES;
  const chunk = opts.chunkSize ?? DEFAULT_CHUNK;
  const cands: Candidate[] = [];
  const overlap = Math.min(CHUNK_OVERLAP, Math.floor(chunk / 2));
  const ascii = opts.bytes && opts.bytes.length === text.length && isAscii(opts.bytes) ? opts.bytes : undefined;
  for (let base = 0; base < text.length || base === 0; base += chunk - overlap) {
    const piece = text.length <= chunk ? text : text.slice(base, base + chunk);
    const c = compile(rules);
    const found = keywordPositions(piece, c, ascii ? ascii.subarray(base, base + piece.length) : undefined);
    if (found.size > 0) {
      // Per rule: the union of its keywords' positions, then the windows around them.
      const perRule = new Map<SecretRule, number[] | null>();
      for (const [k, pos] of found)
        for (const r of c.kwRules[k]!) {
          const cur = perRule.get(r);
          if (cur === null) continue;
          if (pos === null) perRule.set(r, null);
          else if (cur === undefined) perRule.set(r, pos);
          else perRule.set(r, [...cur, ...pos].sort((a, b) => a - b));
        }
      for (const [r, pos] of perRule) {
        for (const [ws, we] of windowsFor(piece, r, pos)) {
          const sub = ws === 0 && we === piece.length ? piece : piece.slice(ws, we);
          scanRule(r, sub, base + ws, file, cands);
        }
      }
    }
    if (base + chunk >= text.length) break;
  }
  if (cands.length === 0) return [];
  const kept = resolveOverlaps(cands, compile(rules).order);
  const starts = lineIndex(text);
  const hits: RawHit[] = [];
  for (const c of kept) {
    if (ignoredInline(text, c.start, c.end)) continue;
    const { line, column } = position(starts, c.start);
    const h: RawHit = {
      rule: c.rule.id,
      provider: c.rule.provider,
      kind: c.rule.kind,
      file,
      line,
      column,
      fingerprint: fingerprintOf(c.rule.id, file, c.secret),
      secretHash: secretHashOf(c.secret),
      redacted: redact(c.secret),
      length: c.secret.length,
    };
    if (c.rule.testKey) h.testKey = true;
    if (c.rule.browserSafe) h.browserSafe = true;
    hits.push(h);
  }
  return hits;
}
