/**
 * What makes the probes safe on production: scope lock, bounds, the probe header, the active
 * gate with its listing of skipped requests, dry runs, and `launchready probe` discovery.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type ServerHandle } from '../../src/harness/http-servers.js';
import { startDnsServer } from '../../src/harness/dns-server.js';
import { startMarketplace } from '../../src/demo/marketplace.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import { PROBE_HEADER } from '../../src/probe/request.js';
import { formatPlanned, probeCommandCore } from '../../src/probe/command.js';
import { auditSecurity, ids } from './helpers.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, host = '127.0.0.1'): Promise<ServerHandle> {
  const s = await startHttpServer({ host, handler });
  cleanup.push(() => s.close());
  return s;
}
/** 200 `{"ok":true}` to everything after reading the body: an API without any limit. */
const permissive = (req: IncomingMessage, res: ServerResponse) => {
  req.resume();
  req.on('end', () => res.end('{"ok":true}'));
};

describe('scope lock', () => {
  it('reports a redirect to another host and never requests it', async () => {
    const other = await serve(permissive, '127.0.0.3');
    const api = await serve((req, res) => {
      req.resume();
      res.writeHead(302, { location: `${other.url}${req.url}` });
      res.end();
    });
    const { artifact } = await auditSecurity({
      security: { apis: [api.url], endpoints: [{ role: 'login', url: '/login' }], admin: ['/admin'], burst: 3 },
    });
    expect(api.requests.length).toBeGreaterThan(10);
    expect(other.requests).toEqual([]);
    expect(artifact.offScope).toContainEqual({ from: `${api.url}/admin`, to: `${other.url}/admin` });
  });
});

describe('bounds', () => {
  it('sends no more than the configured burst to an endpoint that never limits', async () => {
    const api = await serve(permissive);
    const { report, artifact } = await auditSecurity({ security: { apis: [api.url], endpoints: [{ role: 'login', url: '/login' }], burst: 7, discoverAdmin: false } });
    const payloads = artifact.payloads.length;
    expect(payloads).toBe(5);
    expect(api.requests.filter((r) => r.method === 'POST' && r.url === '/login')).toHaveLength(7 + payloads);
    expect(artifact.bursts[0]).toMatchObject({ sent: 7, stoppedBy: 'count', statuses: { '200': 7 } });
    expect(ids(report)).toContain('security/no-rate-limit');
    expect(api.requests.every((r) => r.headers[PROBE_HEADER] === '1')).toBe(true);
  });

  it('stops a burst when its window is spent, even with a large burst size', async () => {
    const api = await serve((req, res) => {
      req.resume();
      setTimeout(() => res.end('{}'), 150);
    });
    const t0 = Date.now();
    const { artifact } = await auditSecurity({ security: { apis: [api.url], endpoints: [{ role: 'signup', url: '/signup' }], burst: 200, windowMs: 600, discoverAdmin: false } });
    const b = artifact.bursts[0]!;
    expect(b.stoppedBy).toBe('time');
    expect(b.sent).toBeLessThanOrEqual(5);
    expect(Date.now() - t0).toBeLessThan(6_000);
  });

  it('runs bursts of different endpoints concurrently', async () => {
    const api = await serve((req, res) => {
      req.resume();
      setTimeout(() => res.end('{}'), 20);
    });
    const { artifact } = await auditSecurity({
      security: { apis: [api.url], endpoints: ['/a', '/b', '/c'].map((url) => ({ role: 'login' as const, url })), burst: 10, discoverAdmin: false },
    });
    const total = artifact.bursts.reduce((n, b) => n + b.elapsedMs, 0);
    const wall = Math.max(...artifact.bursts.map((b) => b.elapsedMs));
    expect(artifact.bursts.map((b) => b.sent)).toEqual([10, 10, 10]);
    expect(wall).toBeLessThan(total * 0.7);
  });
});

describe('active gate and dry run', () => {
  it('lists active probes as skipped, with their requests, when the host is not loopback', async () => {
    // api.example.test does not resolve (our own DNS server answers NXDOMAIN): nothing proves it is loopback.
    const dns = await startDnsServer({ zones: { 'api.example.test': 'NXDOMAIN' } });
    cleanup.push(() => dns.close());
    const net = createNet({ ...defaultNetOptions(), resolvers: [dns.address], timeoutMs: 1500 });
    cleanup.push(() => net.close());
    const { report, artifact } = await probeCommandCore('https://api.example.test', net, { burst: 5 });
    expect(artifact!.requestsSent).toBeGreaterThan(0); // passive probes were tried (and failed to resolve)
    expect(artifact!.bursts).toEqual([]);
    expect(report.skipped.find((s) => s.id === 'security/cors-reflects-origin')?.reason).toMatch(/no API base URL answered/);

    const { artifact: a2, report: r2 } = await auditSecurity({ security: { apis: ['https://api.example.test'], endpoints: [{ role: 'login', url: '/api/login' }] } });
    expect(a2.skipped.map((s) => s.probe)).toEqual(['rate-limit', 'oversized-body', 'malformed-input']);
    expect(a2.skipped[0]!.requests[0]).toMatchObject({ method: 'POST', url: 'https://api.example.test/api/login', count: 30, headers: { [PROBE_HEADER]: '1' } });
    expect(r2.skipped.find((s) => s.id === 'security/no-rate-limit')?.reason).toMatch(/need --active .* would send POST https:\/\/api\.example\.test\/api\/login ×30/);
    expect(formatPlanned(a2)).toContain('POST https://api.example.test/api/login ×30');
  });

  it('sends nothing in a dry run and lists every request', async () => {
    const api = await serve(permissive);
    const { artifact, report } = await auditSecurity({
      security: { apis: [api.url], endpoints: [{ role: 'login', url: '/login' }], admin: ['/admin'], dryRun: true },
    });
    expect(api.requests).toEqual([]);
    expect(report.findings).toEqual([]);
    const listed = artifact.skipped.flatMap((s) => s.requests);
    expect(listed.some((r) => r.method === 'OPTIONS' && r.headers.origin === 'null')).toBe(true);
    expect(listed.find((r) => r.url === `${api.url}/login` && r.count === 30)).toBeTruthy();
    expect(listed.find((r) => r.bodyBytes === 1024 * 1024 + 1)).toBeTruthy();
  });
});

describe('launchready probe <url>', () => {
  it('discovers login and signup on the flawed marketplace and finds their flaws', async () => {
    const app = await startMarketplace({ flawed: true, seedListings: 3 });
    cleanup.push(() => app.close());
    const api = await serve(app.handler);
    const net = createNet({ ...defaultNetOptions(), timeoutMs: 3000 });
    cleanup.push(() => net.close());
    const { report, discovered } = await probeCommandCore(api.url, net, { burst: 12, bodyLimitBytes: 64 * 1024 });
    expect(discovered.map((d) => [d.role, d.url])).toEqual([
      ['login', `${api.url}/api/login`],
      ['signup', `${api.url}/api/signup`],
      ['reset', `${api.url}/api/password-reset`],
    ]);
    expect(ids(report)).toEqual(
      expect.arrayContaining(['security/admin-unauthenticated', 'security/cors-reflects-origin', 'security/no-rate-limit', 'security/malformed-input-5xx', 'security/stack-trace-exposed', 'security/oversized-body-accepted']),
    );
  });
});
