/**
 * A whole audit against hostile targets (ARCHITECTURE.md "Safety"): DNS SERVFAIL and timeouts,
 * a server that never answers, a redirect loop, a 1 GB body, garbage on the TLS port. The run must
 * finish within its timeouts, report what it could, and never crash or hang. Ctrl-C stops a run
 * within a second and leaves no half-written report.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServerHandle } from '../../src/harness/dns-server.js';
import { createCertAuthority } from '../../src/harness/certs.js';
import { hostile, type Handler, startGarbageTlsServer, startHttpServer, startHttpsServer, type ServerHandle } from '../../src/harness/http-servers.js';
import type { Report } from '../../src/core/types.js';
import { cli } from '../helpers/cli.js';

const root = resolve(import.meta.dirname, '../..');
let dir: string;
let dns: DnsServerHandle;
const servers: ServerHandle[] = [];
// Generous enough for a loaded CI machine (redirect hops each take a round trip), small enough to keep the test short.
const TIMEOUT_MS = 2000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lr-hostile-'));
  const ca = await createCertAuthority({ name: 'Hostile Root' });
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  const names = ['bad.test', 'www.bad.test', 'loop.bad.test', 'huge.bad.test', 'hang.bad.test', 'garbage.bad.test'];
  const cert = await ca.issue({ names });
  const start = async (host: string, https: Handler, http = https) => {
    const s = await startHttpsServer({ host, cert, handler: https });
    const p = await startHttpServer({ host, handler: http });
    servers.push(s, p);
    return [s, p] as const;
  };
  const [loopS, loopP] = await start('127.0.0.41', hostile.redirectLoop());
  const [hugeS, hugeP] = await start('127.0.0.42', hostile.hugeBody(1024 ** 3));
  const [hangS, hangP] = await start('127.0.0.43', hostile.neverAnswer());
  const garbage = await startGarbageTlsServer({ host: '127.0.0.44' });
  servers.push(garbage);
  dns = await startDnsServer({
    zones: {
      'bad.test': 'SERVFAIL',
      'www.bad.test': 'TIMEOUT',
      'loop.bad.test': [{ type: 'A', value: '127.0.0.41' }],
      'huge.bad.test': [{ type: 'A', value: '127.0.0.42' }],
      'hang.bad.test': [{ type: 'A', value: '127.0.0.43' }],
      'garbage.bad.test': [{ type: 'A', value: '127.0.0.44' }],
    },
  });
  const rules = [
    `loop.bad.test:443:127.0.0.41:${loopS.port}`,
    `loop.bad.test:80:127.0.0.41:${loopP.port}`,
    `huge.bad.test:443:127.0.0.42:${hugeS.port}`,
    `huge.bad.test:80:127.0.0.42:${hugeP.port}`,
    `hang.bad.test:443:127.0.0.43:${hangS.port}`,
    `hang.bad.test:80:127.0.0.43:${hangP.port}`,
    `garbage.bad.test:443:127.0.0.44:${garbage.port}`,
    `garbage.bad.test:80:127.0.0.44:${garbage.port}`,
  ];
  writeFileSync(
    join(dir, 'hostile.yaml'),
    `domains:\n  apex: bad.test\n  subdomains: [loop, huge, hang, garbage]\nnetwork:\n  resolver: "${dns.address}"\n  ca: ./ca.pem\n  timeoutMs: ${TIMEOUT_MS}\n  connectTo:\n${rules.map((r) => `    - "${r}"`).join('\n')}\n`,
  );
  writeFileSync(
    join(dir, 'slow.yaml'),
    `domains:\n  apex: hang.bad.test\nnetwork:\n  resolver: "${dns.address}"\n  timeoutMs: 20000\n  connectTo:\n    - "hang.bad.test:443:127.0.0.43:${hangS.port}"\n    - "hang.bad.test:80:127.0.0.43:${hangP.port}"\n`,
  );
});
afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), dns?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('audit against hostile targets', () => {
  it('finishes within its timeouts and reports every name', async () => {
    const t0 = Date.now();
    const r = await cli(['audit', '-c', 'hostile.yaml', '--format', 'json', '--no-history'], { cwd: dir });
    const elapsed = Date.now() - t0;
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
    // DNS (2 tries) + the slowest HTTP and TLS exchanges, each bounded by the timeout, with slack.
    expect(elapsed).toBeLessThan(TIMEOUT_MS * 10);
    const report = JSON.parse(r.stdout) as Report;
    const byTarget = (t: string) => report.findings.filter((f) => f.target.includes(t)).map((f) => f.id);
    expect(byTarget('bad.test').length).toBeGreaterThan(0);
    expect(report.findings).toContainEqual(expect.objectContaining({ id: 'dns/unresolved', target: 'bad.test', evidence: expect.objectContaining({ a: 'SERVFAIL' }) }));
    expect(report.findings).toContainEqual(expect.objectContaining({ id: 'dns/unresolved', target: 'www.bad.test', evidence: expect.objectContaining({ a: 'TIMEOUT' }) }));
    expect(byTarget('loop.bad.test')).toContain('edge/redirect-loop');
    // The 1 GB body was cut at the cap, not read whole: the name is judged like any other.
    expect(report.checked?.some((c) => c.target.includes('huge.bad.test'))).toBe(true);
    const edge = report.metrics.gather as { perArtifact: Record<string, number> };
    expect(edge.perArtifact.edge).toBeLessThan(TIMEOUT_MS * 4);
  });

  it('stops within a second on Ctrl-C and leaves no half-written report', async () => {
    const child = spawn(process.execPath, [join(root, 'bin/launchready.js'), 'audit', '-c', 'slow.yaml', '--format', 'json,html', '--out', 'out', '--no-history'], {
      cwd: dir,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((res) => {
      const check = () => (stderr.includes('start  Fetching') ? res() : setTimeout(check, 50));
      check();
    });
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(Date.now() - sent).toBeLessThan(1500);
    expect(code).toBe(130);
    let files: string[] = [];
    try {
      files = readdirSync(join(dir, 'out'));
    } catch {
      /* no directory at all: nothing half-written */
    }
    expect(files).toEqual([]);
  }, 30_000);
});
