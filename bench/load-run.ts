/**
 * One launchready load run as its own process (so bench/load.ts can measure its CPU and RSS the
 * same way as autocannon's and wrk's): prints the LoadResult as JSON on stdout.
 *
 *   node --import tsx bench/load-run.ts '<LoadOptions as JSON>'
 */
import { runLoad } from '../src/load/engine.js';
import type { LoadOptions } from '../src/load/types.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const r = await runLoad(opts);
process.stdout.write(JSON.stringify({ ...r, histogram: undefined }));
