/**
 * Reading a migrations folder from disk (the only I/O of the linter), bounded in count, depth and
 * size so a mis-pointed folder (the repository root, node_modules) cannot stall a run.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { isCandidate } from './layout.js';
import { lintMigrations } from './lint.js';
import type { MigrationLintResult, MigrationSourceFile } from './types.js';

/** At most this many files are read (a real project has hundreds; 1,000 lint in well under 5 s). */
export const MAX_FILES = 5_000;
/** Files above this size are skipped (a migration is rarely over a few hundred kB; data dumps are). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_DEPTH = 6;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', '__pycache__', 'vendor']);

/** Folders tried, in order, when none is configured. */
export const DEFAULT_DIRS = ['migrations', 'prisma/migrations', 'db/migrate', 'db/migrations', 'supabase/migrations', 'src/migrations', 'database/migrations'];

/** The migrations folder cannot be read (missing, not a folder, unreadable). */
export class MigrationsDirError extends Error {
  override name = 'MigrationsDirError';
  constructor(
    readonly dir: string,
    readonly code: 'NOT_FOUND' | 'NOT_A_DIRECTORY' | 'UNREADABLE',
    message: string,
  ) {
    super(message);
  }
}

/** First default folder that exists under `baseDir`, or null. */
export async function findMigrationsDir(baseDir: string): Promise<string | null> {
  for (const d of DEFAULT_DIRS) {
    const p = join(baseDir, d);
    if ((await stat(p).catch(() => null))?.isDirectory()) return p;
  }
  return null;
}

/**
 * Reads every candidate migration file under `dir`. Paths are relative to `relativeTo`
 * (default: the folder's parent, so `prisma/migrations/...` and `db/migrate/...` keep the
 * parts layout detection looks at), with `/` separators.
 */
export async function readMigrationFiles(dir: string, relativeTo?: string): Promise<{ files: MigrationSourceFile[]; skipped: string[] }> {
  const root = resolve(dir);
  const st = await stat(root).catch(() => null);
  if (!st) throw new MigrationsDirError(dir, 'NOT_FOUND', `migrations folder ${dir} does not exist`);
  if (!st.isDirectory()) throw new MigrationsDirError(dir, 'NOT_A_DIRECTORY', `migrations path ${dir} is not a folder`);
  const base = resolve(relativeTo ?? join(root, '..'));
  const files: MigrationSourceFile[] = [];
  const skipped: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || files.length >= MAX_FILES) return;
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (e) {
      throw new MigrationsDirError(dir, 'UNREADABLE', `cannot read ${d}: ${(e as Error).message}`);
    }
    entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(p, depth + 1);
        continue;
      }
      const rel = relative(base, p).split(sep).join('/');
      if (!e.isFile() || !isCandidate(rel)) continue;
      if (files.length >= MAX_FILES) return;
      const size = (await stat(p)).size;
      if (size > MAX_FILE_BYTES) {
        skipped.push(rel);
        continue;
      }
      files.push({ path: rel, text: await readFile(p, 'utf8') });
    }
  };
  await walk(root, 0);
  return { files, skipped };
}

/** Reads and lints a folder: what `launchready migrations [dir]` calls. */
export async function lintMigrationsDir(dir: string, relativeTo?: string): Promise<MigrationLintResult> {
  const { files } = await readMigrationFiles(dir, relativeTo);
  return { ...(await lintMigrations(files)), dir };
}
