/**
 * One launchready load run as its own process (so bench/load.ts can measure its CPU and RSS the
 * same way as autocannon's and wrk's): prints the LoadResult as JSON on stdout.
 *
 *   node --import tsx bench/load-run.ts '<LoadOptions as JSON>' [sampleMs]
 *
 * With `sampleMs`, the process's RSS (main thread + worker threads: one process) is sampled every
 * `sampleMs` during the run and returned as `rssSamples` ([seconds since start, MB] pairs), with
 * the heap of the main thread beside it (`heapSamples`).
 */
import { runLoad } from '../src/load/engine.js';
import type { LoadOptions } from '../src/load/types.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const sampleMs = Number(process.argv[3] ?? 0);
const rssSamples: [number, number][] = [];
const heapSamples: [number, number][] = [];
const t0 = performance.now();
const sample = () => {
  const m = process.memoryUsage();
  const at = Math.round((performance.now() - t0) / 100) / 10;
  rssSamples.push([at, Math.round((m.rss / 1048576) * 10) / 10]);
  heapSamples.push([at, Math.round((m.heapUsed / 1048576) * 10) / 10]);
};
const timer = sampleMs > 0 ? setInterval(sample, sampleMs) : null;
if (timer) sample();
const r = await runLoad(opts);
if (timer) {
  clearInterval(timer);
  sample();
}
process.stdout.write(JSON.stringify({ ...r, histogram: undefined, ...(timer ? { rssSamples, heapSamples } : {}) }));
