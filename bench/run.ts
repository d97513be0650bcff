/**
 * `npm run bench`: every benchmark in bench/, each printing its table with the peer side by side.
 * Benchmarks are bounded (seconds each) and send traffic to loopback only.
 */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
/** Helpers the benchmarks start as child processes, not benchmarks of their own. */
const HELPERS = new Set(['run.ts', 'load-run.ts']);
const files = readdirSync(here).filter((f) => f.endsWith('.ts') && !HELPERS.has(f) && !f.endsWith('.test.ts') && (only.length === 0 || only.some((o) => f.includes(o))));
let failed = 0;
for (const f of files.sort()) {
  console.log(`\n=== bench/${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
