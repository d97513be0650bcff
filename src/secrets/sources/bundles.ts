/**
 * Built browser output: whatever ships to browsers is public, so a credential there is exposed
 * even when the source reads it from the environment at build time; base64/hex string literals are
 * decoded (bounded, one level; encoded.ts) and scanned too. Bundle directories are
 * usually git-ignored, so they are walked directly. Source maps are scanned per original source
 * (`sourcesContent`), since that is what a visitor's devtools show.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { detect } from '../detect.js';
import { detectEncoded } from '../encoded.js';
import type { RawHit, SkippedFile } from '../types.js';
import { readTextFile } from './worktree.js';

export const DEFAULT_BUNDLE_DIRS = ['dist', 'build', 'out', '.next/static'];
const BUNDLE_EXT = /\.(?:m?js|cjs|map|html?|json|txt)$/i;
const PUBLIC_EXT = /\.(?:m?js|map)$/i;

/** Is `rel` a bundle file (so the working-tree scan leaves it to this source)? */
export function isBundlePath(rel: string, dirs: readonly string[]): boolean {
  if (/^public\/[^/]+\.(?:m?js|map)$/i.test(rel) || /^public\/.*\.(?:m?js|map)$/i.test(rel)) return true;
  return dirs.some((d) => rel === d || rel.startsWith(d.replace(/\/+$/, '') + '/')) && BUNDLE_EXT.test(rel);
}

async function walk(root: string, rel: string, out: string[], skipped: SkippedFile[], filter: RegExp): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(root, rel), { withFileTypes: true });
  } catch {
    return; // directory absent: nothing built
  }
  for (const e of entries) {
    const p = `${rel}/${e.name}`;
    if (e.isSymbolicLink()) skipped.push({ path: p, reason: 'symlink' });
    else if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'cache') await walk(root, p, out, skipped, filter);
    } else if (e.isFile() && filter.test(e.name)) out.push(p);
  }
}

export interface BundleScan {
  hits: RawHit[];
  files: number;
  bytes: number;
  skipped: SkippedFile[];
}

/** Scan a source map's original sources; fall back to the raw text when it is not valid JSON. */
function scanSourceMap(text: string, file: string): RawHit[] {
  try {
    const map = JSON.parse(text) as { sources?: unknown; sourcesContent?: unknown };
    if (!Array.isArray(map.sourcesContent)) return scanBundleText(text, file);
    const sources = Array.isArray(map.sources) ? map.sources : [];
    const hits: RawHit[] = [];
    map.sourcesContent.forEach((content, i) => {
      if (typeof content !== 'string') return;
      const src = typeof sources[i] === 'string' ? (sources[i] as string) : String(i);
      hits.push(...scanBundleText(content, `${file}#${src}`));
    });
    return hits;
  } catch {
    return scanBundleText(text, file);
  }
}

/** Plain detection plus bounded base64/hex decoding of string literals (encoded.ts). */
export function scanBundleText(text: string, file: string, bytes?: Buffer): RawHit[] {
  const plain = detect(text, file, bytes ? { bytes } : {});
  const seen = new Set(plain.map((h) => h.fingerprint));
  // A key both plain and encoded in one file is reported once, as the plain hit.
  return [...plain, ...detectEncoded(text, file).filter((h) => !seen.has(h.fingerprint) && (seen.add(h.fingerprint), true))];
}

export async function scanBundles(root: string, dirs: readonly string[], maxBytes: number): Promise<BundleScan> {
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  for (const d of dirs) await walk(root, d.replace(/\/+$/, ''), files, skipped, BUNDLE_EXT);
  await walk(root, 'public', files, skipped, PUBLIC_EXT);
  const result: BundleScan = { hits: [], files: 0, bytes: 0, skipped };
  for (const f of [...new Set(files)].sort()) {
    const r = await readTextFile(root, f, maxBytes);
    if (!r.ok) {
      skipped.push(r.skip);
      continue;
    }
    result.files++;
    result.bytes += r.bytes;
    result.hits.push(...(f.endsWith('.map') ? scanSourceMap(r.text, f) : scanBundleText(r.text, f, r.buf)));
  }
  return result;
}
