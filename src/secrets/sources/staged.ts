/**
 * Staged-diff source for the pre-commit hook: only lines added in the index are scanned, so a
 * commit is blocked by what it adds, not by what the repository already held. Line numbers are
 * those of the staged file; fingerprints match the working-tree scan (rule + path + secret).
 */
import { detect } from '../detect.js';
import type { RawHit } from '../types.js';
import { git } from './git.js';

export interface StagedScan {
  hits: RawHit[];
  files: number;
  bytes: number;
}

/** Parse `git diff --cached -U0` into added lines per file. Exported for tests. */
export function addedLines(diff: string): Map<string, { line: number; text: string }[]> {
  const out = new Map<string, { line: number; text: string }[]>();
  let file: string | null = null;
  let next = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const p = line.slice(4);
      file = p === '/dev/null' ? null : p.replace(/^b\//, '');
      if (file !== null && !out.has(file)) out.set(file, []);
    } else if (line.startsWith('@@')) {
      const m = /\+(\d+)/.exec(line);
      next = m ? Number(m[1]) : 0;
    } else if (line.startsWith('+') && file !== null) {
      out.get(file)!.push({ line: next, text: line.slice(1) });
      next++;
    }
  }
  return out;
}

export async function scanStaged(root: string): Promise<StagedScan> {
  const diff = (
    await git(root, ['diff', '--cached', '-U0', '--no-color', '--no-ext-diff', '--diff-filter=ACMR', '--src-prefix=a/', '--dst-prefix=b/'])
  ).toString('utf8');
  const result: StagedScan = { hits: [], files: 0, bytes: 0 };
  for (const [file, lines] of addedLines(diff)) {
    if (lines.length === 0) continue;
    result.files++;
    const text = lines.map((l) => l.text).join('\n');
    result.bytes += text.length;
    for (const h of detect(text, file)) result.hits.push({ ...h, line: lines[h.line - 1]?.line ?? h.line });
  }
  return result;
}
