/**
 * Working-tree source: tracked + untracked-not-ignored files (git's own list), or a directory
 * walk with a default ignore list when the directory is not a git repository. Symlinks are never
 * followed (no loops, nothing outside the tree); binaries and files over the cap are skipped with
 * a reason.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SkippedFile } from '../types.js';
import { git, isGitWorkTree, looksBinary, splitZ } from './git.js';

/** Directories never walked when the tree is not a git repo. */
export const DEFAULT_IGNORE_DIRS = new Set([
  '.git', 'node_modules', '.hg', '.svn', '.venv', 'venv', '__pycache__', '.next', '.nuxt', '.turbo', '.cache',
  'coverage', '.terraform', 'vendor', '.launchready', '.idea', '.vscode',
]);

export interface FileEntry {
  /** Relative to the scanned root, with forward slashes. */
  path: string;
  /** Tracked by git; null when not a git repo. */
  tracked: boolean | null;
}

export interface FileList {
  isGitRepo: boolean;
  files: FileEntry[];
  skipped: SkippedFile[];
}

/** List candidate files under `root`. */
export async function listFiles(root: string): Promise<FileList> {
  if (await isGitWorkTree(root)) {
    const tracked = new Set(splitZ(await git(root, ['ls-files', '-z'])));
    const all = splitZ(await git(root, ['ls-files', '-co', '--exclude-standard', '-z']));
    const seen = new Set<string>();
    const files: FileEntry[] = [];
    for (const p of all) {
      if (seen.has(p)) continue;
      seen.add(p);
      files.push({ path: p, tracked: tracked.has(p) });
    }
    return { isGitRepo: true, files, skipped: [] };
  }
  const files: FileEntry[] = [];
  const skipped: SkippedFile[] = [];
  async function walk(rel: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch (e) {
      skipped.push({ path: rel || '.', reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? String(e) });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) skipped.push({ path: p, reason: 'symlink' });
      else if (e.isDirectory()) {
        if (!DEFAULT_IGNORE_DIRS.has(e.name)) await walk(p);
      } else if (e.isFile()) files.push({ path: p, tracked: null });
      else skipped.push({ path: p, reason: 'not-a-file' });
    }
  }
  await walk('');
  return { isGitRepo: false, files, skipped };
}

export type ReadResult = { ok: true; text: string; bytes: number; buf: Buffer } | { ok: false; skip: SkippedFile };

/** Read one file as text, or say why not. Never follows a symlink. */
export async function readTextFile(root: string, rel: string, maxBytes: number): Promise<ReadResult> {
  const abs = path.join(root, rel);
  let st;
  try {
    st = await lstat(abs);
  } catch (e) {
    return { ok: false, skip: { path: rel, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? String(e) } };
  }
  if (st.isSymbolicLink()) return { ok: false, skip: { path: rel, reason: 'symlink' } };
  // git lists a submodule as one entry that is a directory on disk.
  if (st.isDirectory()) return { ok: false, skip: { path: rel, reason: 'submodule' } };
  if (!st.isFile()) return { ok: false, skip: { path: rel, reason: 'not-a-file' } };
  if (st.size > maxBytes) return { ok: false, skip: { path: rel, reason: 'too-large', detail: `${st.size} bytes > ${maxBytes}` } };
  let buf: Buffer;
  try {
    buf = await readFile(abs);
  } catch (e) {
    return { ok: false, skip: { path: rel, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? String(e) } };
  }
  if (looksBinary(buf)) return { ok: false, skip: { path: rel, reason: 'binary' } };
  // Invalid UTF-8 decodes to U+FFFD: the rest of the file is still scanned.
  return { ok: true, text: buf.toString('utf8'), bytes: buf.length, buf };
}
