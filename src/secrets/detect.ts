/**
 * The detector: text in, hits out. Pure (no I/O), and it never returns the secret itself.
 *
 * Pipeline per text:
 *  1. keyword prefilter: one combined case-insensitive regex over the text finds which rule
 *     keywords occur at all; only rules with a present keyword run (most files run none);
 *  2. per-rule regex over the text (huge texts are cut into overlapping chunks so one 100 MB
 *     minified line never meets a regex in one piece);
 *  3. gates: placeholder words, stop-words, entropy, the rule's structural `verify`, allowed names,
 *     and an inline `launchready-ignore` comment on the same line;
 *  4. overlap resolution: a generic rule loses to a specific one on the same span, and a rule that
 *     saw the variable name (Clerk's CLERK_SECRET_KEY) wins over a bare-prefix one (sk_live_).
 */
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
}

/** A compiled rule set: the combined keyword regex and keyword -> rules index. */
interface Compiled {
  rules: readonly SecretRule[];
  keywordRe: RegExp;
  byKeyword: Map<string, SecretRule[]>;
  /** Position of each rule in the set: ties in overlap resolution go to the earlier rule. */
  order: Map<SecretRule, number>;
}

const cache = new WeakMap<readonly SecretRule[], Compiled>();

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(rules: readonly SecretRule[]): Compiled {
  const hit = cache.get(rules);
  if (hit) return hit;
  const byKeyword = new Map<string, SecretRule[]>();
  for (const r of rules) {
    if (r.keywords.length === 0) throw new Error(`secret rule ${r.id} has no keywords`);
    for (const k of r.keywords) {
      const key = k.toLowerCase();
      const list = byKeyword.get(key) ?? [];
      list.push(r);
      byKeyword.set(key, list);
    }
  }
  // Longest first so a longer keyword is not shadowed by its own prefix at the same position.
  const kws = [...byKeyword.keys()].sort((a, b) => b.length - a.length);
  const keywordRe = new RegExp(kws.map(escapeRe).join('|'), 'gi');
  const c = { rules, keywordRe, byKeyword, order: new Map(rules.map((r, i) => [r, i])) };
  cache.set(rules, c);
  return c;
}

/**
 * Rules whose keywords occur in `text`: one pass of the combined keyword regex (V8 compiles the
 * alternation of literals into one automaton; measured as fast as per-keyword indexOf on a
 * lower-cased copy, without the copy). The search resumes one character after each match so a
 * keyword nested in another (`token` inside `_authtoken`) is still seen.
 */
export function candidateRules(text: string, rules: readonly SecretRule[] = RULES): SecretRule[] {
  const c = compile(rules);
  const seen = new Set<string>();
  const out = new Set<SecretRule>();
  const re = new RegExp(c.keywordRe.source, 'gi');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    re.lastIndex = m.index + 1;
    const k = m[0].toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    for (const r of c.byKeyword.get(k) ?? []) out.add(r);
    // Every keyword found: no need to read further.
    if (seen.size === c.byKeyword.size) break;
  }
  return [...out];
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

function scanRule(rule: SecretRule, text: string, base: number, file: string, out: Candidate[]): void {
  // `d` gives exact group offsets (the secret may sit mid-match, e.g. a password inside a URL).
  const flags = new Set([...rule.regex.flags, 'g', 'd']);
  const re = new RegExp(rule.regex.source, [...flags].join(''));
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
  for (let base = 0; base < text.length || base === 0; base += chunk - overlap) {
    const piece = text.length <= chunk ? text : text.slice(base, base + chunk);
    const active = candidateRules(piece, rules);
    for (const r of active) scanRule(r, piece, base, file, cands);
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
