/**
 * Engine overhead on the demo target: a full audit of the demo marketplace (every family that has
 * landed, load tests excluded), three runs in this process. Side by side: the wall time of the
 * concurrent run against the sum of the gatherers' own times (what a one-at-a-time engine would
 * take), and peak RSS. Prints a table; run with `npm run bench` (or `npx tsx bench/engine.ts`).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo } from '../src/demo/index.js';
import { configSchema } from '../src/config/schema.js';
import { toNetOptions } from '../src/config/net-options.js';
import { createNet } from '../src/net/index.js';
import { runAudit } from '../src/engine/run.js';
import { registry } from '../src/engine/registry.js';

export interface EngineBenchRow {
  run: number;
  wallMs: number;
  gatherWallMs: number;
  gatherSumMs: number;
  concurrency: number;
  findings: number;
  rssMb: number;
}

export interface CliBenchRow {
  run: number;
  wallMs: number;
  maxRssMb: number;
  exitCode: number | null;
}

export async function benchEngine(runs = 3): Promise<EngineBenchRow[]> {
  const rows: EngineBenchRow[] = [];
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const demo = await startDemo({ flawed: true });
  try {
    const config = configSchema.parse(demo.config);
    for (let i = 1; i <= runs; i++) {
      const net = createNet(await toNetOptions(config, demo.repoDir));
      const t0 = performance.now();
      const { report } = await runAudit({ config, configPath: null, baseDir: demo.repoDir, net, registry: registry(), skip: ['perf'].filter((f) => registry().families.some((x) => x.name === f)) });
      const wallMs = performance.now() - t0;
      await net.close();
      const g = report.metrics.gather as { wallMs: number; sumMs: number };
      peak = Math.max(peak, process.memoryUsage().rss);
      rows.push({ run: i, wallMs, gatherWallMs: g.wallMs, gatherSumMs: g.sumMs, concurrency: g.sumMs / Math.max(1, g.wallMs), findings: report.findings.length, rssMb: peak / 2 ** 20 });
    }
  } finally {
    clearInterval(sampler);
    await demo.stop();
  }
  return rows;
}

/**
 * The same audit as a user runs it: `launchready audit` in its own process (demo servers stay in
 * this one), wall time and the child's peak RSS from GNU time.
 */
export async function benchCli(runs = 3): Promise<CliBenchRow[]> {
  const bin = fileURLToPath(new URL('../bin/launchready.js', import.meta.url));
  const demo = await startDemo({ flawed: true });
  const rows: CliBenchRow[] = [];
  try {
    writeFileSync(join(demo.repoDir, 'launchready.config.json'), JSON.stringify(demo.config));
    for (let i = 1; i <= runs; i++) {
      const t0 = performance.now();
      // Asynchronous spawn: the demo servers answer from this process's event loop meanwhile.
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const c = spawn('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, bin, 'audit', '--format', 'json', '--no-history', '-q'], { cwd: demo.repoDir, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        c.stderr.on('data', (d) => (stderr += d));
        c.on('close', (code) => resolve({ code, stderr }));
      });
      const kb = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
      rows.push({ run: i, wallMs: performance.now() - t0, maxRssMb: kb / 1024, exitCode: r.code });
    }
  } finally {
    await demo.stop();
  }
  return rows;
}

export function printCliTable(rows: CliBenchRow[]): void {
  console.log('\n`launchready audit` of the demo in its own process (includes Node start-up and loading the sources through tsx)');
  console.log('run | wall ms | peak RSS MB | exit code (1 = blockers found, as expected)');
  console.log('----|---------|-------------|-----------');
  for (const r of rows) console.log(`${String(r.run).padStart(3)} | ${r.wallMs.toFixed(0).padStart(7)} | ${r.maxRssMb.toFixed(0).padStart(11)} | ${r.exitCode}`);
}

export function printEngineTable(rows: EngineBenchRow[]): void {
  console.log('\nEngine on the demo target, in-process (full audit without load tests; goal: < 10 s wall). RSS here includes the demo servers');
  console.log('run | audit wall ms | gather wall ms | sum of gatherer ms | sum / wall | findings | peak RSS MB');
  console.log('----|---------------|----------------|--------------------|------------|----------|------------');
  for (const r of rows) {
    console.log(
      `${String(r.run).padStart(3)} | ${r.wallMs.toFixed(0).padStart(13)} | ${r.gatherWallMs.toFixed(0).padStart(14)} | ${r.gatherSumMs.toFixed(0).padStart(18)} | ${r.concurrency.toFixed(2).padStart(9)}x | ${String(r.findings).padStart(8)} | ${r.rssMb.toFixed(0).padStart(11)}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printEngineTable(await benchEngine());
  printCliTable(await benchCli());
}
