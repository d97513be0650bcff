/**
 * Log files: credentials (the same detector) and personal data — emails, phone numbers, card
 * numbers that pass the Luhn check, and unmasked password/authorization fields. Plain text and
 * JSON lines alike (the patterns work on both); gzip'd rotations are inflated with node:zlib
 * under a size cap. Only counts and masked samples leave this module.
 */
import { readdir, lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { detect } from './detect.js';
import { looksBinary } from './sources/git.js';
import type { LogFileInfo, LogsArtifact, PiiKind, SkippedFile } from './types.js';

const SAMPLES_PER_KIND = 3;
export const DEFAULT_MAX_LOG_BYTES = 64 * 1024 * 1024;
const LOG_FILE = /\.(?:log|jsonl|ndjson|out|txt)(?:\.\d+)?(?:\.gz)?$|\.log\.\d+(?:\.gz)?$|\.gz$/i;

/** Luhn checksum, digits only. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}/g;
// E.164 (+ and 8-15 digits) or North American (555) 123-4567 / 555-123-4567 shapes.
const PHONE = /(?<![\w+])(?:\+[1-9]\d{7,14}|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})(?![\w])/g;
// 13-19 digits, optionally grouped by spaces or dashes; brand prefixes 3-6 only (epoch-ms stamps start with 1).
const CARD = /(?<![\d-])[3-6]\d{3}(?:[ -]?\d){9,15}(?![\d-])/g;
const PASSWORD_FIELD = /["']?(?:password|passwd|pwd|pass|secret)["']?\s*[:=]\s*["']?([^"'\s,&}]{1,200})/gi;
const AUTH_FIELD = /authorization["']?\s*[:=]\s*["']?(?:Bearer|Basic|Token)\s+([A-Za-z0-9._~+/=-]{8,})/gi;
/** Values that are already masked by the application's logger. */
const MASKED = /^(?:\*+|\[?(?:redacted|filtered|masked|hidden)\]?|<redacted>|x{3,}|-+|null|undefined|none|true|false)$/i;

function maskEmail(e: string): string {
  const at = e.indexOf('@');
  return `${e[0]}***${e.slice(at)}`;
}

export interface LogScan {
  secretHits: LogFileInfo['secretHits'];
  pii: Record<PiiKind, number>;
  samples: LogFileInfo['samples'];
  lines: number;
}

/** Scan one log text (pure). */
export function scanLogText(text: string, file: string): LogScan {
  const pii: Record<PiiKind, number> = { email: 0, phone: 0, card: 0, password: 0, authorization: 0 };
  const samples: LogFileInfo['samples'] = [];
  const sample = (kind: PiiKind, line: number, masked: string) => {
    pii[kind]++;
    if (samples.filter((s) => s.kind === kind).length < SAMPLES_PER_KIND) samples.push({ kind, line, masked });
  };
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    const n = i + 1;
    if (l.length === 0) return;
    for (const m of l.matchAll(EMAIL)) sample('email', n, maskEmail(m[0]));
    for (const m of l.matchAll(CARD)) {
      const digits = m[0].replace(/[ -]/g, '');
      if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) sample('card', n, `****${digits.slice(-4)}`);
    }
    for (const m of l.matchAll(PHONE)) {
      const digits = m[0].replace(/\D/g, '');
      sample('phone', n, `${m[0].startsWith('+') ? '+' : ''}${'*'.repeat(Math.max(0, digits.length - 2))}${digits.slice(-2)}`);
    }
    for (const m of l.matchAll(PASSWORD_FIELD)) if (!MASKED.test(m[1]!)) sample('password', n, 'password=****');
    for (const m of l.matchAll(AUTH_FIELD)) if (!MASKED.test(m[1]!)) sample('authorization', n, 'Authorization: **** ' + `(${m[1]!.length} chars)`);
  });
  return { secretHits: detect(text, file), pii, samples, lines: lines.length };
}

async function collect(root: string, rel: string, out: string[], skipped: SkippedFile[], depth: number): Promise<void> {
  const abs = path.join(root, rel);
  const st = await lstat(abs).catch(() => null);
  if (!st) return void skipped.push({ path: rel, reason: 'unreadable', detail: 'not found' });
  if (st.isSymbolicLink()) return void skipped.push({ path: rel, reason: 'symlink' });
  if (st.isFile()) return void out.push(rel);
  if (!st.isDirectory() || depth > 4) return;
  const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(rel, e.name);
    if (e.isDirectory()) await collect(root, p, out, skipped, depth + 1);
    else if (e.isFile() && LOG_FILE.test(e.name)) out.push(p);
    else if (e.isSymbolicLink()) skipped.push({ path: p, reason: 'symlink' });
  }
}

/** Read and scan log files/directories (relative to `baseDir`). */
export async function scanLogs(paths: string[], baseDir: string, maxBytes = DEFAULT_MAX_LOG_BYTES): Promise<LogsArtifact> {
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  for (const p of paths) await collect(baseDir, p, files, skipped, 0);
  const out: LogsArtifact = { files: [], skipped };
  for (const rel of [...new Set(files)]) {
    let buf: Buffer;
    try {
      buf = await readFile(path.join(baseDir, rel));
    } catch (e) {
      skipped.push({ path: rel, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? String(e) });
      continue;
    }
    const gzip = buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b;
    if (gzip) {
      try {
        buf = gunzipSync(buf, { maxOutputLength: maxBytes });
      } catch (e) {
        const big = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;
        skipped.push({ path: rel, reason: big ? 'too-large' : 'unreadable', detail: big ? `inflates beyond ${maxBytes} bytes` : 'corrupt gzip' });
        continue;
      }
    } else if (buf.length > maxBytes) {
      skipped.push({ path: rel, reason: 'too-large', detail: `${buf.length} bytes > ${maxBytes}` });
      continue;
    }
    if (looksBinary(buf)) {
      skipped.push({ path: rel, reason: 'binary' });
      continue;
    }
    const s = scanLogText(buf.toString('utf8'), rel);
    out.files.push({ path: rel, bytes: buf.length, lines: s.lines, gzip, secretHits: s.secretHits, pii: s.pii, samples: s.samples });
  }
  return out;
}
