/**
 * `scanSecrets`: the working tree, git history and built bundles of one directory, into one
 * `SecretsArtifact`. Used by the `secrets` gatherer and by `launchready secrets` directly.
 * Nothing is written into the scanned repository.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { UsageError } from '../core/errors.js';
import { loadBaseline } from './baseline.js';
import { detect } from './detect.js';
import { DEFAULT_BUNDLE_DIRS, isBundlePath, scanBundles } from './sources/bundles.js';
import { PARALLEL_MIN_BYTES, scanHistory } from './sources/history.js';
import { scanStaged } from './sources/staged.js';
import { listFiles, readTextFile } from './sources/worktree.js';
import { WORKER_START_FACTOR, defaultWorkers, scanBlobsParallel, scanFilesParallel } from './pool.js';
import type { RawHit, ScanStats, SecretsArtifact, SkippedFile, TreeHit } from './types.js';

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Working trees with fewer files than this per worker are scanned in this thread. */
export const PARALLEL_MIN_FILES = 1000;
/** skipped[] keeps this many entries; skippedByReason counts them all. */
const MAX_SKIPPED_LISTED = 200;

export interface ScanOptions {
  path: string;
  history: boolean;
  /** Scan only lines added in the index (pre-commit). */
  staged?: boolean;
  /** Baseline file of accepted fingerprints (relative to `path` unless absolute). */
  baseline?: string;
  /** Extra bundle directories (relative to `path`), added to dist/, build/, out/, .next/static. */
  bundles?: string[];
  /** Files (and history blobs) above this size are skipped with a reason. */
  maxFileBytes?: number;
  /** Paths (regex sources, matched against the relative path) never reported. */
  allowPaths?: string[];
  /**
   * Worker threads for the working-tree and history scans (default: the cores, at most 4).
   * 0 or 1 scans in this thread. Left unset, each worker must get 1000 files / 16 MB of history
   * blobs (5x that when running from the TypeScript sources), else the scan stays in this thread;
   * set, the number is used as given.
   */
  workers?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** Looks like a test fixture: findings there are lowered in severity, never hidden. */
export function isFixturePath(p: string): boolean {
  return /(?:^|\/)(?:test|tests|__tests__|spec|specs|fixtures?|__fixtures__|testdata|__mocks__|mocks?)\//i.test(p) || /\.(?:test|spec)\.[a-z]+$/i.test(p);
}

function stats(): ScanStats {
  return { files: 0, bytes: 0, skipped: [], skippedByReason: {} };
}

function addSkip(s: ScanStats, k: SkippedFile): void {
  s.skippedByReason[k.reason] = (s.skippedByReason[k.reason] ?? 0) + 1;
  if (s.skipped.length < MAX_SKIPPED_LISTED) s.skipped.push(k);
}

function treeHit(h: RawHit, tracked: boolean | null): TreeHit {
  return { ...h, tracked, fixture: isFixturePath(h.file) };
}

export async function scanSecrets(opts: ScanOptions): Promise<SecretsArtifact> {
  const now = opts.now ?? Date.now;
  const started = now();
  const root = path.resolve(opts.path);
  const st = await stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new UsageError(`secrets: ${opts.path} is not a directory`);
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const bundleDirs = [...DEFAULT_BUNDLE_DIRS, ...(opts.bundles ?? [])];
  const allow = (opts.allowPaths ?? []).map((s) => new RegExp(s));
  const allowed = (file: string) => allow.some((re) => re.test(file));

  const list = opts.staged ? null : await listFiles(root);
  const artifact: SecretsArtifact = {
    root,
    isGitRepo: list?.isGitRepo ?? true,
    shallow: false,
    worktree: { ...stats(), hits: [] },
    bundles: { ...stats(), hits: [] },
    baselined: 0,
    baselineSize: 0,
    durationMs: 0,
  };

  if (opts.staged) {
    const s = await scanStaged(root);
    artifact.worktree.files = s.files;
    artifact.worktree.bytes = s.bytes;
    artifact.worktree.hits = s.hits.map((h) => treeHit(h, true));
  } else if (list) {
    for (const k of list.skipped) addSkip(artifact.worktree, k);
    const wt = artifact.worktree;
    const files = list.files.filter((f) => !isBundlePath(f.path, bundleDirs));
    const workers = opts.workers ?? Math.min(defaultWorkers(), Math.floor(files.length / (PARALLEL_MIN_FILES * WORKER_START_FACTOR)));
    if (workers > 1) {
      for (const r of await scanFilesParallel(root, files, maxBytes, workers)) {
        wt.files += r.files;
        wt.bytes += r.bytes;
        for (const k of r.skipped) addSkip(wt, k);
        for (const { hit, tracked } of r.hits) wt.hits.push(treeHit(hit, tracked));
      }
    } else {
      const limit = pLimit(8);
      await Promise.all(
        files.map((f) =>
          limit(async () => {
            const r = await readTextFile(root, f.path, maxBytes);
            if (!r.ok) return addSkip(wt, r.skip);
            wt.files++;
            wt.bytes += r.bytes;
            for (const h of detect(r.text, f.path, { bytes: r.buf })) wt.hits.push(treeHit(h, f.tracked));
          }),
        ),
      );
    }
    const b = await scanBundles(root, bundleDirs, maxBytes);
    artifact.bundles.files = b.files;
    artifact.bundles.bytes = b.bytes;
    for (const k of b.skipped) addSkip(artifact.bundles, k);
    // A tracked bundle file is still a bundle: report it once, as bundle-secret.
    const tracked = new Set(list.files.filter((f) => f.tracked).map((f) => f.path));
    artifact.bundles.hits = b.hits.map((h) => treeHit(h, list.isGitRepo ? tracked.has(h.file.split('#')[0]!) : null));

    if (opts.history && list.isGitRepo) {
      const h = await scanHistory(root, {
        maxBlobBytes: maxBytes,
        workers: opts.workers ?? defaultWorkers(),
        parallelMinBytes: opts.workers !== undefined ? 0 : PARALLEL_MIN_BYTES * WORKER_START_FACTOR,
        parallel: scanBlobsParallel,
      });
      artifact.shallow = h.shallow;
      const hs = { ...stats(), hits: h.hits, blobs: h.blobs, commits: h.commits };
      hs.files = h.blobs;
      hs.bytes = h.bytes;
      for (const k of h.skipped) addSkip(hs, k);
      artifact.history = hs;
    }
  }

  // Path allowlist and baseline: applied last so every source is filtered the same way.
  const baseline = opts.baseline ? await loadBaseline(path.resolve(root, opts.baseline)) : new Set<string>();
  artifact.baselineSize = baseline.size;
  const keep = <T extends RawHit>(hits: T[]): T[] =>
    hits.filter((h) => {
      if (allowed(h.file)) return false;
      if (baseline.has(h.fingerprint)) {
        artifact.baselined++;
        return false;
      }
      return true;
    });
  const byPos = (a: RawHit, b: RawHit) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
  artifact.worktree.hits = keep(artifact.worktree.hits).sort(byPos);
  artifact.bundles.hits = keep(artifact.bundles.hits).sort(byPos);
  if (artifact.history) artifact.history.hits = keep(artifact.history.hits).sort(byPos);
  artifact.durationMs = now() - started;
  return artifact;
}
