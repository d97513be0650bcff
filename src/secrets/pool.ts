/**
 * Worker threads for the two CPU-bound scans (working tree and history), so both cores work.
 * Small scans stay in the calling thread: a worker costs a module load (~100-300 ms) first.
 *
 * Running from TypeScript sources (tsx, vitest), a worker cannot load `worker.ts` by itself, so it
 * is started with a one-line bootstrap that imports it through tsx's API; from the compiled
 * package it loads `worker.js` directly.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LaunchreadyError } from '../core/errors.js';
import type { BlobInfo, BlobScan } from './sources/history.js';
import type { FileEntry } from './sources/worktree.js';
import type { TreeBatchResult, WorkerJob } from './worker.js';

/** A scan worker failed to start, crashed, or its git failed. Exit 3. */
export class SecretsWorkerError extends LaunchreadyError {
  override name = 'SecretsWorkerError';
}

/** Running from the TypeScript sources (tsx, vitest): each worker then compiles its modules first. */
const FROM_SOURCES = fileURLToPath(import.meta.url).endsWith('.ts');

/**
 * How much work a worker must get to pay for its start: 1 compiled (~0.1 s of CPU), 5 from the
 * sources (~0.5-1 s of CPU through tsx). Multiplies the per-worker minimums in scan.ts/history.ts.
 */
export const WORKER_START_FACTOR = FROM_SOURCES ? 5 : 1;

/** Workers by default: the cores there are, at most 4 (git and I/O want some too). */
export function defaultWorkers(): number {
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, n));
}

function spawnWorker(job: WorkerJob): Worker {
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  if (FROM_SOURCES) {
    const req = createRequire(import.meta.url);
    const cjs = req.resolve('tsx/esm/api');
    const api = cjs.replace(/\.cjs$/, '.mjs');
    const apiUrl = pathToFileURL(existsSync(api) ? api : cjs).href;
    const entry = pathToFileURL(path.join(dir, 'worker.ts')).href;
    const boot = `import(${JSON.stringify(apiUrl)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
    return new Worker(boot, { eval: true, workerData: job });
  }
  return new Worker(path.join(dir, 'worker.js'), { workerData: job });
}

/** Collect one message (ok/error) per worker, failing on crashes. */
function run<T>(w: Worker, onMessage: (msg: unknown, settle: (v: T | Error) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    const settle = (v: T | Error) => {
      if (done) return;
      done = true;
      void w.terminate();
      if (v instanceof Error) reject(v);
      else resolve(v);
    };
    w.on('message', (m) => onMessage(m, settle));
    w.on('error', (e) => settle(new SecretsWorkerError(`secrets worker failed: ${e.message}`)));
    w.on('exit', (code) => settle(new SecretsWorkerError(`secrets worker exited early (code ${code})`)));
  });
}

/** Scan history shares, one worker each. */
export function scanBlobsParallel(root: string, parts: BlobInfo[][]): Promise<BlobScan[]> {
  return Promise.all(
    parts.map((blobs) =>
      run<BlobScan>(spawnWorker({ kind: 'history', root, blobs }), (m, settle) => {
        const msg = m as { ok: boolean; result?: BlobScan; error?: string };
        settle(msg.ok ? msg.result! : new SecretsWorkerError(`secrets worker: ${msg.error}`));
      }),
    ),
  );
}

/** Files per message: big enough to amortise messaging, small enough to balance. */
const BATCH = 64;

/** Scan working-tree files on `n` workers pulling batches from one queue. */
export async function scanFilesParallel(root: string, files: FileEntry[], maxBytes: number, n: number): Promise<TreeBatchResult[]> {
  let next = 0;
  const take = (): FileEntry[] | null => {
    if (next >= files.length) return null;
    const b = files.slice(next, next + BATCH);
    next += BATCH;
    return b;
  };
  const results: TreeBatchResult[] = [];
  await Promise.all(
    Array.from({ length: n }, () => {
      const w = spawnWorker({ kind: 'tree', root, maxBytes });
      let inFlight = 0;
      // Two batches in flight per worker, so it never waits for the main thread.
      const feed = (settle: (v: null | Error) => void) => {
        while (inFlight < 2) {
          const b = take();
          if (!b) break;
          inFlight++;
          w.postMessage({ files: b });
        }
        if (inFlight === 0) settle(null);
      };
      return run<null>(w, (m, settle) => {
        const msg = m as { ready?: boolean; ok?: boolean; result?: TreeBatchResult; error?: string };
        if (msg.ready) return feed(settle);
        if (!msg.ok) return settle(new SecretsWorkerError(`secrets worker: ${msg.error}`));
        inFlight--;
        results.push(msg.result!);
        feed(settle);
      });
    }),
  );
  return results;
}
