/**
 * Writing reports: several formats at once, to a directory or a file, atomically (temp file in the
 * same directory, then rename), so Ctrl-C never leaves a half-written report.
 */
import { mkdirSync, renameSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { FORMAT_EXTENSIONS, FORMATS, type Format } from '../report/index.js';
import { UsageError } from '../core/errors.js';

export function parseFormats(s: string | undefined): Format[] {
  const list = (s ?? 'terminal').split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  const alias: Record<string, Format> = { markdown: 'md', text: 'terminal', xml: 'junit' };
  const out: Format[] = [];
  for (const f of list) {
    const g = (alias[f] ?? f) as Format;
    if (!FORMATS.includes(g)) throw new UsageError(`unknown format "${f}" (choose from ${FORMATS.join(', ')})`);
    if (!out.includes(g)) out.push(g);
  }
  return out;
}

export function writeAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Where each format goes. `out` is a directory when it exists as one, ends with a slash, has no
 * extension, or several formats are asked for; otherwise it is the file for the single format.
 */
export function outputPaths(formats: Format[], out: string, cwd: string, stem = 'launchready-report'): Map<Format, string> {
  const abs = resolve(cwd, out);
  let isDir = out.endsWith('/') || formats.length > 1 || extname(abs) === '';
  try {
    if (statSync(abs).isDirectory()) isDir = true;
  } catch {
    /* does not exist yet */
  }
  const m = new Map<Format, string>();
  for (const f of formats) m.set(f, isDir ? join(abs, `${stem}${FORMAT_EXTENSIONS[f]}`) : abs);
  return m;
}
