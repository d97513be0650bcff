/**
 * Worker-thread entry for the secret scanner (started by pool.ts). Two jobs:
 *  - `tree`: receive batches of working-tree files, read and scan each, post the hits back;
 *  - `history`: scan one share of the history's blobs through its own `git cat-file --batch`.
 * Only hits (fingerprints, never secrets) and counts cross the thread boundary.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { detect } from './detect.js';
import { scanBlobs, type BlobInfo } from './sources/history.js';
import { readTextFile, type FileEntry } from './sources/worktree.js';
import type { RawHit, SkippedFile } from './types.js';

export type WorkerJob = { kind: 'tree'; root: string; maxBytes: number } | { kind: 'history'; root: string; blobs: BlobInfo[] };

/** Result of one batch of working-tree files. */
export interface TreeBatchResult {
  files: number;
  bytes: number;
  hits: { hit: RawHit; tracked: boolean | null }[];
  skipped: SkippedFile[];
}

const port = parentPort;
const job = workerData as WorkerJob | undefined;

async function treeBatch(root: string, maxBytes: number, files: FileEntry[]): Promise<TreeBatchResult> {
  const out: TreeBatchResult = { files: 0, bytes: 0, hits: [], skipped: [] };
  for (const f of files) {
    const r = await readTextFile(root, f.path, maxBytes);
    if (!r.ok) {
      out.skipped.push(r.skip);
      continue;
    }
    out.files++;
    out.bytes += r.bytes;
    for (const hit of detect(r.text, f.path, { bytes: r.buf })) out.hits.push({ hit, tracked: f.tracked });
  }
  return out;
}

if (port && job) {
  if (job.kind === 'tree') {
    const { root, maxBytes } = job;
    port.on('message', (msg: { files: FileEntry[] } | { done: true }) => {
      if ('done' in msg) return port.close();
      treeBatch(root, maxBytes, msg.files).then(
        (r) => port.postMessage({ ok: true, result: r }),
        (e: unknown) => port.postMessage({ ok: false, error: String(e) }),
      );
    });
    port.postMessage({ ready: true });
  } else {
    scanBlobs(job.root, job.blobs).then(
      (r) => port.postMessage({ ok: true, result: r }),
      (e: unknown) => port.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  }
}
