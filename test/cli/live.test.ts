/**
 * The commands that act on a live product, against the demo marketplace on loopback:
 * `monitor check`, `monitor incidents`, `probe`, `smoke`, `perf` (ad-hoc URL and --export-k6).
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../src/demo/index.js';
import type { Report } from '../../src/core/types.js';
import { cli } from '../helpers/cli.js';

let demo: Demo;
let net: string[];

beforeAll(async () => {
  demo = await startDemo({ flawed: true });
  writeFileSync(join(demo.repoDir, 'launchready.config.json'), JSON.stringify(demo.config));
  const n = demo.config.network!;
  net = ['--resolver', String(n.resolver), '--ca', String(n.ca), ...(n.connectTo ?? []).flatMap((r) => ['--connect-to', r])];
}, 60_000);
afterAll(async () => demo?.stop());

describe('live commands against the demo', () => {
  it('monitor check runs every check once and exits 1 when one is down', async () => {
    const r = await cli(['monitor', 'check', '--format', 'json'], { cwd: demo.repoDir });
    expect(r.stderr).not.toMatch(/internal error/);
    const out = JSON.parse(r.stdout) as { ok: boolean; runs: { checkId: string; ok: boolean }[] };
    expect(out.runs.length).toBeGreaterThan(0);
    expect(r.code).toBe(out.ok ? 0 : 1);
    const inc = await cli(['monitor', 'incidents'], { cwd: demo.repoDir });
    expect(inc.code).toBe(0);
  });

  it('probe finds the reflected origin on the one API it was given', async () => {
    const r = await cli(['probe', 'https://www.market.test', ...net, '--format', 'json'], { cwd: demo.repoDir });
    expect(r.stderr).not.toMatch(/internal error/);
    const report = JSON.parse(r.stdout) as Report;
    const ids = report.findings.map((f) => f.id);
    expect(ids).toContain('security/cors-reflects-origin');
    expect(r.code).toBe(1);
  });

  it('probe --dry-run sends nothing and lists the requests', async () => {
    const before = demo.servers.reduce((n, s) => n + s.requests.length, 0);
    const r = await cli(['probe', 'https://www.market.test/api', ...net, '--dry-run'], { cwd: demo.repoDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/(POST|GET|OPTIONS) https:\/\/www\.market\.test/);
    expect(demo.servers.reduce((n, s) => n + s.requests.length, 0)).toBe(before);
  });

  it('smoke runs the configured flows', async () => {
    const r = await cli(['smoke'], { cwd: demo.repoDir });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stdout).toMatch(/PASS|FAIL/);
  });

  it('perf loads one ad-hoc URL and exports a k6 script', async () => {
    const r = await cli(['perf', 'https://www.market.test/api/health', ...net, '--duration', '1s', '--rate', '10', '--format', 'json', '-q'], { cwd: demo.repoDir });
    expect(r.stderr).not.toMatch(/internal error/);
    const out = JSON.parse(r.stdout) as { runs: { name: string; requests?: number }[] };
    expect(out.runs[0]!.name).toBe('adhoc');
    const k6 = await cli(['perf', '--export-k6', 'load.js'], { cwd: demo.repoDir });
    expect(k6.code).toBe(0);
    const script = readFileSync(join(demo.repoDir, 'load.js'), 'utf8');
    expect(script).toContain('constant-arrival-rate');
    expect(script).toContain('/api/listings');
  });
});
