/**
 * The secrets baseline (`.launchready/secrets-baseline.json`): fingerprints of accepted findings.
 * Fingerprints hash rule + file + secret (not the line), so a baseline survives edits around the
 * secret and dies when the secret changes.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.js';

export const DEFAULT_BASELINE = '.launchready/secrets-baseline.json';

export interface BaselineFile {
  version: 1;
  /** Accepted fingerprints, sorted. */
  fingerprints: string[];
}

/** Load a baseline; a missing file is an empty baseline, a malformed one a UsageError. */
export async function loadBaseline(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw new UsageError(`cannot read secrets baseline ${file}: ${(e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`secrets baseline ${file} is not valid JSON: ${(e as Error).message}`);
  }
  const fps = (v as { fingerprints?: unknown }).fingerprints;
  if (!Array.isArray(fps) || !fps.every((f) => typeof f === 'string')) {
    throw new UsageError(`secrets baseline ${file}: expected {"version":1,"fingerprints":["<hex>",...]}`);
  }
  return new Set(fps as string[]);
}

/** Write a baseline accepting every given fingerprint (for `--update-baseline`). */
export async function writeBaseline(file: string, fingerprints: Iterable<string>): Promise<void> {
  const body: BaselineFile = { version: 1, fingerprints: [...new Set(fingerprints)].sort() };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(body, null, 2) + '\n');
}
