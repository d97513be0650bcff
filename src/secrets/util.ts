/** Small pure helpers shared by the detector, the rules and the env/log scanners. */
import { createHash } from 'node:crypto';

/** Shannon entropy in bits per character. */
export function shannon(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** First 4 characters + '…': the most of a secret launchready ever shows. */
export function redact(secret: string): string {
  return secret.slice(0, 4) + '…';
}

/**
 * Words that mark a value as a placeholder or documentation example rather than a credential.
 * Lower case; matched as substrings of the lower-cased secret.
 */
export const PLACEHOLDER_WORDS = [
  'xxxx', 'changeme', 'change_me', 'change-me', 'example', 'placeholder', 'your_', 'your-', 'yourkey', 'yoursecret',
  'dummy', 'fake', 'mock', 'redacted', 'insert', 'replace', 'todo', 'fixme', 'sample', 'secret_here', 'key_here', 'token_here',
  '*****', '.....', 'generate-', 'openssl', '<', '>', '${', '{{', '}}', '%(', '$(', 'process.env', 'os.environ', 'getenv',
];

/**
 * A value that only stands for a secret: `${VAR}`, `<your-key>`, `xxxx`, `changeme`, AWS's documented
 * example keys (they contain EXAMPLE), long runs of one character, or too few distinct characters.
 */
export function isPlaceholder(secret: string): boolean {
  const lower = secret.toLowerCase();
  for (const w of PLACEHOLDER_WORDS) if (lower.includes(w)) return true;
  // 6+ repeats of one character ("aaaaaa", "000000") mark hand-written fillers. Long values are exempt:
  // DER-encoded key bodies legitimately hold runs of 'A' (zero bytes).
  if (secret.length < 100 && /(.)\1{5,}/.test(secret)) return true;
  // Sequential fillers: 123456789, abcdefgh.
  if (/0123456789|123456789|abcdefghij/i.test(secret)) return true;
  return false;
}

/** A deterministic PRNG (mulberry32) so generated samples are stable between runs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export const CHARSETS = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  lower: 'abcdefghijklmnopqrstuvwxyz0123456789',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  b32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  b32l: 'abcdefghijklmnopqrstuvwxyz234567',
  b64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
  digits: '0123456789',
} as const;
export type Charset = keyof typeof CHARSETS;

/** A generator of random strings over the documented charsets, seeded per rule. */
export class SampleGen {
  private next: () => number;
  constructor(seed: string) {
    this.next = prng(seedOf(seed));
  }
  /** `n` random characters of `charset` (rejects draws that would look like a placeholder). */
  r(charset: Charset, n: number): string {
    const cs = CHARSETS[charset];
    for (;;) {
      let s = '';
      for (let i = 0; i < n; i++) s += cs[Math.floor(this.next() * cs.length)];
      if (!isPlaceholder(s)) return s;
    }
  }
  uuid(): string {
    return `${this.r('hex', 8)}-${this.r('hex', 4)}-4${this.r('hex', 3)}-a${this.r('hex', 3)}-${this.r('hex', 12)}`;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}

/** base64url without padding (JWT segments). */
export function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}
