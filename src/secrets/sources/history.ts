/**
 * Git-history source. Instead of `git log -p` (which re-diffs every commit and shows one blob as
 * many times as commits touch it), list every reachable object once, keep the unique blobs, and
 * stream their contents through one `git cat-file --batch` process: each blob is scanned once,
 * whatever number of commits hold it. Only blobs with hits are mapped back to the first commit
 * that added them (one `git log --raw` walk, stopped as soon as all are found).
 */
import { spawn } from 'node:child_process';
import { detect } from '../detect.js';
import type { HistoryHit, RawHit, SkippedFile } from '../types.js';
import { git, gitEnv, GitError, looksBinary } from './git.js';

export interface HistoryScan {
  hits: HistoryHit[];
  blobs: number;
  bytes: number;
  commits: number;
  shallow: boolean;
  skipped: SkippedFile[];
}

export interface BlobInfo {
  sha: string;
  size: number;
  path: string;
}

/** Every unique blob reachable from any ref, with the first path it was seen at. */
async function listBlobs(root: string): Promise<BlobInfo[]> {
  return new Promise((resolve, reject) => {
    const env = gitEnv();
    const revList = spawn('git', ['rev-list', '--all', '--objects'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const check = spawn('git', ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)'], {
      cwd: root,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    revList.stdout.pipe(check.stdin);
    let err = '';
    revList.stderr.on('data', (d: Buffer) => (err += d.toString()));
    check.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const blobs = new Map<string, BlobInfo>();
    let rest = '';
    check.stdout.setEncoding('utf8');
    check.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const a = line.indexOf(' ');
        const b = line.indexOf(' ', a + 1);
        const c = line.indexOf(' ', b + 1);
        if (a < 0 || b < 0) continue;
        if (line.slice(a + 1, b) !== 'blob') continue;
        const sha = line.slice(0, a);
        if (blobs.has(sha)) continue;
        const size = Number(c < 0 ? line.slice(b + 1) : line.slice(b + 1, c));
        blobs.set(sha, { sha, size, path: c < 0 ? '' : line.slice(c + 1) });
      }
    });
    let revCode: number | null = null;
    revList.on('close', (code) => (revCode = code));
    revList.on('error', reject);
    check.on('error', reject);
    check.on('close', (code) => {
      if (revCode !== 0 && revCode !== null) reject(new GitError(['rev-list', '--all', '--objects'], err, revCode));
      else if (code !== 0) reject(new GitError(['cat-file', '--batch-check'], err, code));
      else resolve([...blobs.values()]);
    });
  });
}

/** Stream blob contents through `git cat-file --batch`, calling `onBlob` once per blob. */
export function readBlobs(root: string, blobs: BlobInfo[], onBlob: (b: BlobInfo, content: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    if (blobs.length === 0) return resolve();
    const proc = spawn('git', ['cat-file', '--batch'], { cwd: root, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const bySha = new Map(blobs.map((b) => [b.sha, b]));
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Parser state: waiting for a header line, or collecting `need` bytes of content (+ '\n').
    let pending: Buffer[] = [];
    let pendingLen = 0;
    let current: { info: BlobInfo | undefined; size: number } | null = null;
    const take = (n: number): Buffer => {
      const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLen);
      const out = all.subarray(0, n);
      const restBuf = all.subarray(n);
      pending = restBuf.length ? [restBuf] : [];
      pendingLen = restBuf.length;
      return out;
    };
    proc.stdout.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      pendingLen += chunk.length;
      for (;;) {
        if (current === null) {
          const joined = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLen);
          pending = [joined];
          const nl = joined.indexOf(10);
          if (nl < 0) return;
          const header = joined.subarray(0, nl).toString('utf8');
          take(nl + 1);
          const [sha, type, size] = header.split(' ');
          if (type === 'missing' || size === undefined) continue; // shallow/partial clones
          current = { info: bySha.get(sha!), size: Number(size) };
        }
        if (pendingLen < current.size + 1) return;
        const content = take(current.size + 1).subarray(0, current.size);
        if (current.info) onBlob(current.info, content);
        current = null;
      }
    });
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolve() : reject(new GitError(['cat-file', '--batch'], err, code))));
    proc.stdin.on('error', () => undefined); // EPIPE if git dies; 'close' reports it
    proc.stdin.end(blobs.map((b) => b.sha).join('\n') + '\n');
  });
}

/** For each wanted blob, the oldest commit that added it: one reverse `git log --raw` walk. */
async function firstCommits(root: string, wanted: Set<string>): Promise<Map<string, { commit: string; author: string; date: string }>> {
  const found = new Map<string, { commit: string; author: string; date: string }>();
  if (wanted.size === 0) return found;
  await new Promise<void>((resolve, reject) => {
    const proc = spawn('git', ['log', '--all', '--reverse', '--raw', '--no-abbrev', '--no-renames', '--format=C%x00%H%x00%an%x00%aI'], {
      cwd: root,
      env: gitEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let current: { commit: string; author: string; date: string } | null = null;
    let rest = '';
    let done = false;
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      if (done) return;
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('C\0')) {
          const [, commit, author, date] = line.split('\0');
          current = { commit: commit!, author: author!, date: date! };
        } else if (line.startsWith(':') && current) {
          // :100644 100644 <old> <new> A\tpath
          const parts = line.split(' ');
          const sha = parts[3];
          if (sha && wanted.has(sha) && !found.has(sha)) {
            found.set(sha, current);
            if (found.size === wanted.size) {
              done = true;
              proc.kill();
              return;
            }
          }
        }
      }
    });
    proc.on('error', reject);
    proc.on('close', () => resolve());
  });
  return found;
}

/** What scanning a set of blobs yields (in this thread or in a worker). */
export interface BlobScan {
  raw: { blob: BlobInfo; hits: RawHit[] }[];
  blobs: number;
  bytes: number;
  skipped: SkippedFile[];
}

/** Read `blobs` through one `git cat-file --batch` and scan each once. */
export async function scanBlobs(root: string, blobs: BlobInfo[]): Promise<BlobScan> {
  const out: BlobScan = { raw: [], blobs: 0, bytes: 0, skipped: [] };
  await readBlobs(root, blobs, (blob, content) => {
    out.blobs++;
    out.bytes += content.length;
    if (looksBinary(content)) {
      out.skipped.push({ path: `${blob.path}@${blob.sha.slice(0, 12)}`, reason: 'binary' });
      return;
    }
    const hits = detect(content.toString('utf8'), blob.path, { bytes: content });
    if (hits.length) out.raw.push({ blob, hits });
  });
  return out;
}

/** Below this many bytes of blobs a worker's start-up costs more than it saves. */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

export interface HistoryOptions {
  maxBlobBytes: number;
  /**
   * Scan the blobs on this many worker threads, each with its own `git cat-file --batch` over
   * its share (balanced by size). 0 or 1: in this thread.
   */
  workers?: number;
  /** Blob bytes per worker below which it is not worth starting one (default PARALLEL_MIN_BYTES). */
  parallelMinBytes?: number;
  /** Runs blob scans in workers (injected by scan.ts so this module stays worker-free). */
  parallel?: (root: string, parts: BlobInfo[][]) => Promise<BlobScan[]>;
  /** Skip blobs whose first path matches (bundle dirs are scanned separately). */
  skipPath?: (p: string) => boolean;
}

/** Scan every unique blob of every ref. A repository with no commits yields an empty scan. */
export async function scanHistory(root: string, opts: HistoryOptions): Promise<HistoryScan> {
  const shallow = (await git(root, ['rev-parse', '--is-shallow-repository']).catch(() => Buffer.from('false'))).toString().trim() === 'true';
  let commits = 0;
  try {
    commits = Number((await git(root, ['rev-list', '--all', '--count'])).toString().trim()) || 0;
  } catch {
    commits = 0;
  }
  const result: HistoryScan = { hits: [], blobs: 0, bytes: 0, commits, shallow, skipped: [] };
  if (commits === 0) return result;
  const all = await listBlobs(root);
  const toRead: BlobInfo[] = [];
  for (const b of all) {
    if (b.size > opts.maxBlobBytes) result.skipped.push({ path: `${b.path}@${b.sha.slice(0, 12)}`, reason: 'too-large', detail: `${b.size} bytes` });
    else toRead.push(b);
  }
  const total = toRead.reduce((t, b) => t + b.size, 0);
  const per = opts.parallelMinBytes ?? PARALLEL_MIN_BYTES;
  const n = per <= 0 ? (opts.workers ?? 0) : Math.min(opts.workers ?? 0, Math.floor(total / per));
  let scans: BlobScan[];
  if (n > 1 && opts.parallel) {
    const order = new Map(toRead.map((b, i) => [b, i]));
    // Largest first onto the lightest share: each worker gets about the same number of bytes.
    const parts: BlobInfo[][] = Array.from({ length: n }, () => []);
    const load = new Array<number>(n).fill(0);
    for (const b of [...toRead].sort((x, y) => y.size - x.size)) {
      let best = 0;
      for (let i = 1; i < n; i++) if (load[i]! < load[best]!) best = i;
      parts[best]!.push(b);
      load[best]! += b.size + 256;
    }
    // Back in rev-list order within each share: neighbouring versions sit together in the pack.
    for (const p of parts) p.sort((x, y) => order.get(x)! - order.get(y)!);
    scans = await opts.parallel(root, parts.filter((p) => p.length > 0));
  } else scans = [await scanBlobs(root, toRead)];
  const raw: { blob: BlobInfo; hits: RawHit[] }[] = [];
  for (const s of scans) {
    result.blobs += s.blobs;
    result.bytes += s.bytes;
    result.skipped.push(...s.skipped);
    raw.push(...s.raw);
  }
  const origin = await firstCommits(root, new Set(raw.map((r) => r.blob.sha)));
  for (const { blob, hits } of raw) {
    const o = origin.get(blob.sha);
    for (const h of hits) result.hits.push({ ...h, blob: blob.sha, commit: o?.commit ?? null, author: o?.author ?? null, date: o?.date ?? null });
  }
  return result;
}
