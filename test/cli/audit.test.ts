/**
 * `launchready audit` end to end through the real pipeline: a real DNS server, a CA made on the
 * fly, real HTTPS/HTTP servers on 127.0.0.x, a YAML config on disk, the CLI run in-process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServerHandle } from '../../src/harness/dns-server.js';
import { createCertAuthority } from '../../src/harness/certs.js';
import { startHttpServer, startHttpsServer, type ServerHandle } from '../../src/harness/http-servers.js';
import type { Report } from '../../src/core/types.js';
import { cli } from '../helpers/cli.js';

let dir: string;
let dns: DnsServerHandle;
const servers: ServerHandle[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lr-cli-'));
  const ca = await createCertAuthority({ name: 'Test Root' });
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  const good = await ca.issue({ names: ['shop.test', 'www.shop.test'] });
  const https = await startHttpsServer({
    host: '127.0.0.31',
    cert: good,
    handler: (req, res) => {
      // One canonical host: the apex redirects to www, www serves the page with the usual headers.
      if (req.headers.host?.startsWith('shop.test')) {
        res.writeHead(301, { location: `https://www.shop.test${req.url}`, 'strict-transport-security': 'max-age=31536000' });
        res.end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/html',
        'strict-transport-security': 'max-age=31536000',
        'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'strict-origin-when-cross-origin',
      });
      res.end('<!doctype html><title>shop</title>');
    },
  });
  const http = await startHttpServer({
    host: '127.0.0.31',
    handler: (req, res) => {
      res.writeHead(301, { location: `https://${req.headers.host}${req.url}` });
      res.end();
    },
  });
  servers.push(https, http);
  dns = await startDnsServer({
    zones: {
      // A domain that sends no mail, declared the RFC way: SPF -all, null MX (RFC 7505), DMARC reject.
      'shop.test': [
        { type: 'A', value: '127.0.0.31' },
        { type: 'CAA', tag: 'issue', value: 'letsencrypt.org' },
        { type: 'TXT', value: 'v=spf1 -all' },
        { type: 'MX', priority: 0, exchange: '.' },
      ],
      '_dmarc.shop.test': [{ type: 'TXT', value: 'v=DMARC1; p=reject; rua=mailto:dmarc@shop.test' }],
      'www.shop.test': [{ type: 'A', value: '127.0.0.31' }],
    },
  });
  const yaml = (subdomains: string[]) => `# test config
domains:
  apex: shop.test
  subdomains: [${subdomains.join(', ')}]
network:
  resolver: "${dns.address}"
  ca: ./ca.pem
  timeoutMs: 2000
  connectTo:
    - ":443:127.0.0.31:${https.port}"
    - ":80:127.0.0.31:${http.port}"
`;
  writeFileSync(join(dir, 'clean.yaml'), yaml([]));
  writeFileSync(join(dir, 'broken.yaml'), yaml(['missing']));
  writeFileSync(join(dir, 'typo.yaml'), 'domains:\n  apex: shop.test\n  subdomain: [x]\nnetwork:\n  timeoutMs: fast\n');
});
afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), dns?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('launchready audit', () => {
  it('exits 0 with a ready verdict on a clean target, and the JSON matches the contract', async () => {
    const r = await cli(['audit', '--config', 'clean.yaml', '--format', 'json', '--no-history'], { cwd: dir });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(Object.keys(report).sort()).toEqual(
      ['checked', 'config', 'durationMs', 'findings', 'launchSequence', 'metrics', 'passed', 'schemaVersion', 'score', 'skipped', 'startedAt', 'tool', 'verdict'].sort(),
    );
    expect(report).toMatchObject({ schemaVersion: 1, verdict: 'ready', tool: { name: 'launchready' }, findings: [] });
    expect(report.config.path).toBe(join(dir, 'clean.yaml'));
    expect(report.passed).toEqual(expect.arrayContaining(['dns/unresolved', 'tls/expired', 'edge/hsts-missing', 'edge/http-not-redirected']));
    expect(Object.keys(report.score.stages)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(report.score.stages['2']).toBe(100);
  });

  it('exits 1 on a blocker, 0 with --fail-on never, and writes several formats atomically', async () => {
    const r = await cli(['audit', '-c', 'broken.yaml', '--format', 'json,html,sarif,junit,md', '--out', 'out'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('NOT READY');
    expect(r.stdout).toMatch(/dns\/unresolved/);
    const files = readdirSync(join(dir, 'out')).sort();
    expect(files).toEqual(['launchready-report.html', 'launchready-report.json', 'launchready-report.md', 'launchready-report.sarif', 'launchready-report.xml']);
    const report = JSON.parse(readFileSync(join(dir, 'out/launchready-report.json'), 'utf8')) as Report;
    expect(report.findings.map((f) => [f.id, f.target])).toEqual([['dns/unresolved', 'missing.shop.test']]);
    expect(report.launchSequence[0]).toMatchObject({ order: 1, stage: 2, findingIds: ['dns/unresolved'] });
    const never = await cli(['audit', '-c', 'broken.yaml', '--fail-on', 'never', '-q', '--no-history'], { cwd: dir });
    expect(never.code).toBe(0);
  });

  it('records history and reports what changed since the previous run', async () => {
    await cli(['audit', '-c', 'broken.yaml', '-q', '--format', 'json'], { cwd: dir });
    const second = await cli(['audit', '-c', 'clean.yaml', '--format', 'terminal'], { cwd: dir });
    expect(second.code).toBe(0);
    const third = await cli(['audit', '-c', 'clean.yaml', '--format', 'terminal'], { cwd: dir });
    expect(third.stdout).toMatch(/since last run/i);
    const h = await cli(['history', '--json'], { cwd: dir });
    expect(JSON.parse(h.stdout).length).toBeGreaterThanOrEqual(3);
  });

  it('compares with a baseline report: the fixed finding is listed', async () => {
    await cli(['audit', '-c', 'broken.yaml', '-q', '--format', 'json', '--out', 'before.json', '--no-history'], { cwd: dir });
    const r = await cli(['audit', '-c', 'clean.yaml', '--format', 'json', '--baseline', 'before.json', '--no-history'], { cwd: dir });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.baseline?.fixedFindings.map((f) => f.id)).toEqual(['dns/unresolved']);
    expect(report.baseline?.newFindings).toEqual([]);
  });

  it('re-renders a saved report in another format', async () => {
    const r = await cli(['report', 'out/launchready-report.json', '--format', 'md'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^#/m);
    expect(r.stdout).toContain('dns/unresolved');
  });

  it('exits 2 with every config problem, file and line', async () => {
    const r = await cli(['audit', '-c', 'typo.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/typo\.yaml:3/);
    expect(r.stderr).toMatch(/subdomain/);
    expect(r.stderr).toMatch(/typo\.yaml:5/);
    expect(r.stderr).toMatch(/timeoutMs/);
  });

  it('exits 2 on usage errors: missing config, bad format, unknown family', async () => {
    expect((await cli(['audit', '-c', 'nope.yaml'], { cwd: dir })).code).toBe(2);
    const f = await cli(['audit', '-c', 'clean.yaml', '--format', 'pdf'], { cwd: dir });
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/unknown format "pdf"/);
    const u = await cli(['audit', '-c', 'clean.yaml', '--only', 'dnss', '--no-history'], { cwd: dir });
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/unknown family "dnss"/);
    expect((await cli(['audit', '--bogus'], { cwd: dir })).code).toBe(2);
  });

  it('runs single-topic commands from arguments alone', async () => {
    const t = await cli(['tls', 'shop.test', '--resolver', dns.address, '--ca', 'ca.pem', '--connect-to', `shop.test:443:127.0.0.31:${servers[0]!.port}`, '--format', 'json'], { cwd: dir });
    expect(t.code).toBe(0);
    const tr = JSON.parse(t.stdout) as Report;
    expect(tr.checked?.map((c) => c.target)).toContain('shop.test:443');
    expect(tr.passed).toContain('tls/hostname-mismatch');
    const d = await cli(['dns', 'shop.test', '--subdomains', 'gone', '--resolver', dns.address, '--format', 'json'], { cwd: dir });
    expect(d.code).toBe(1);
    expect((JSON.parse(d.stdout) as Report).findings.map((f) => f.target)).toEqual(['gone.shop.test']);
  });

  it('init writes a starter config that the audit accepts', async () => {
    const r = await cli(['init', '--out', 'starter.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'starter.yaml'))).toBe(true);
    const again = await cli(['init', '--out', 'starter.yaml'], { cwd: dir });
    expect(again.code).toBe(2);
  });
});
