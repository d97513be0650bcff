/**
 * The edge and headers rules end to end on loopback: a real DNS server, a CA made on the fly,
 * HTTPS/HTTP servers on 127.0.0.41 whose behaviour depends on the Host header (three sites: one
 * done right, one with every page-level flaw, one with a bad canonical redirect), gathered by the
 * real edge and pages gatherers and audited through the engine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServerHandle } from '../../src/harness/dns-server.js';
import { createCertAuthority } from '../../src/harness/certs.js';
import { startHttpServer, startHttpsServer, type ServerHandle } from '../../src/harness/http-servers.js';
import { configSchema, type LaunchreadyConfigInput } from '../../src/config/schema.js';
import { toNetOptions } from '../../src/config/net-options.js';
import { createNet } from '../../src/net/index.js';
import { buildRegistry } from '../../src/engine/registry.js';
import { runAudit } from '../../src/engine/run.js';
import { FAMILIES } from '../../src/audits/index.js';
import { GATHERERS } from '../../src/gather/index.js';
import { family as headersFamily } from '../../src/audits/headers/index.js';
import pagesGatherer from '../../src/gather/pages.js';
import type { Report } from '../../src/core/types.js';

const ADDR = '127.0.0.41';
const SECURE = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};
const HOME = (img: string) =>
  `<!doctype html><html><head><title>shop</title><link rel="stylesheet" href="/assets/app.3f9a1c.css"></head>` +
  `<body><img src="${img}" alt=""><script src="/assets/app.3f9a1c.js"></script></body></html>`;

/** One handler for every site, by Host. */
function site(req: IncomingMessage, res: ServerResponse, scheme: 'http' | 'https'): void {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  const url = req.url ?? '/';
  const redirect = (status: number, location: string) => {
    res.writeHead(status, { location, 'content-length': '0', ...(scheme === 'https' ? { 'strict-transport-security': SECURE['strict-transport-security'] } : {}) });
    res.end();
  };
  if (scheme === 'http') return redirect(301, `https://${host}${url}`);
  const apex = host.replace(/^www\./, '');
  const asset = url.startsWith('/assets/');
  if (apex === 'good.test') {
    if (host === 'good.test') return redirect(301, `https://www.good.test${url}`);
    res.writeHead(url === '/' || asset ? 200 : 404, {
      ...SECURE,
      'content-type': asset ? 'text/css' : 'text/html',
      'cache-control': asset ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    return void res.end(asset ? 'x' : HOME('/logo.png'));
  }
  if (apex === 'bad.test') {
    // apex and www both serve; no security headers; assets cached for a minute; HTML cached a day.
    res.writeHead(200, { 'strict-transport-security': SECURE['strict-transport-security'], 'content-type': asset ? 'text/css' : 'text/html', 'cache-control': asset ? 'max-age=60' : 'public, max-age=86400' });
    return void res.end(asset ? 'x' : HOME('http://images.partner.test/banner.png'));
  }
  // hops.test: apex -> /home (302) -> www home (302), dropping the path.
  if (host === 'hops.test') return url === '/home' ? redirect(302, 'https://www.hops.test/') : redirect(302, 'https://hops.test/home');
  res.writeHead(200, { ...SECURE, 'content-type': 'text/html' });
  res.end('<!doctype html><title>hops</title>');
}

let dir: string;
let dns: DnsServerHandle;
const servers: ServerHandle[] = [];
let connectTo: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lr-edge-'));
  const ca = await createCertAuthority({ name: 'Edge Test Root' });
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  const names = ['good.test', 'bad.test', 'hops.test'].flatMap((a) => [a, `www.${a}`]);
  const cert = await ca.issue({ names });
  const https = await startHttpsServer({ host: ADDR, cert: { certPem: cert.chainPem, keyPem: cert.keyPem }, handler: (q, s) => site(q, s, 'https') });
  const http = await startHttpServer({ host: ADDR, handler: (q, s) => site(q, s, 'http') });
  servers.push(https, http);
  connectTo = [`:443:${ADDR}:${https.port}`, `:80:${ADDR}:${http.port}`];
  dns = await startDnsServer({ zones: Object.fromEntries(names.map((n) => [n, [{ type: 'A' as const, value: ADDR }]])) });
});
afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), dns?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function audit(apex: string): Promise<Report> {
  const input: LaunchreadyConfigInput = {
    domains: { apex, canonical: `https://www.${apex}`, pages: ['/missing-page'] },
    network: { resolver: dns.address, connectTo, ca: join(dir, 'ca.pem'), timeoutMs: 2000 },
  };
  const config = configSchema.parse(input);
  const net = createNet(await toNetOptions(config, dir));
  const families = FAMILIES.some((f) => f.name === 'headers') ? FAMILIES : [...FAMILIES, headersFamily];
  const gatherers = GATHERERS.some((g) => g.id === 'pages') ? GATHERERS : [...GATHERERS, pagesGatherer];
  try {
    const { report } = await runAudit({ config, configPath: null, baseDir: dir, net, registry: buildRegistry(families, gatherers), only: ['edge', 'headers'] });
    return report;
  } finally {
    await net.close();
  }
}

const found = (r: Report) => r.findings.map((f) => [f.id, f.target]);

describe('edge and headers through real servers', () => {
  it('a site done right: nothing fires, caching table and preload readiness reported', async () => {
    const r = await audit('good.test');
    expect(r.errors).toBeUndefined();
    expect(found(r)).toEqual([]);
    for (const id of ['edge/duplicate-host', 'edge/redirect-drops-path', 'edge/mixed-content', 'edge/static-assets-uncached', 'edge/dynamic-page-cached', 'headers/csp-missing', 'headers/csp-weak']) {
      expect(r.passed).toContain(id);
    }
    expect(r.skipped).toContainEqual({ id: 'edge/no-edge-protection', reason: expect.stringMatching(/loopback/) });
    const caching = r.metrics.caching as { url: string; status: string }[];
    expect(caching).toContainEqual(expect.objectContaining({ url: 'https://www.good.test/assets/app.3f9a1c.js', status: 'cached' }));
    expect(caching).toContainEqual(expect.objectContaining({ url: 'https://www.good.test/', status: 'dynamic' }));
    expect(r.metrics.hstsPreload).toMatchObject({ apex: 'good.test', meetsRequirements: true });
  });

  it('a site with page flaws: duplicate host, mixed content, missing headers, caching', async () => {
    const r = await audit('bad.test');
    const f = found(r);
    expect(f).toContainEqual(['edge/duplicate-host', 'https://bad.test/']);
    expect(f).toContainEqual(['edge/mixed-content', 'https://www.bad.test/']);
    expect(f).toContainEqual(['edge/static-assets-uncached', 'https://www.bad.test']);
    expect(f).toContainEqual(['edge/dynamic-page-cached', 'https://www.bad.test/']);
    for (const id of ['headers/csp-missing', 'headers/nosniff-missing', 'headers/frame-protection-missing', 'headers/referrer-policy-missing']) {
      expect(f).toContainEqual([id, 'https://www.bad.test/']);
    }
    const mixed = r.findings.find((x) => x.id === 'edge/mixed-content')!;
    expect(mixed.evidence).toMatchObject({ items: [{ element: 'img[src]', url: 'http://images.partner.test/banner.png' }] });
    // the off-scope image was never requested
    expect(servers.flatMap((s) => s.requests).some((q) => q.url.includes('banner'))).toBe(false);
  });

  it('a bad canonical redirect: chain, temporary, path dropped', async () => {
    const r = await audit('hops.test');
    const f = found(r);
    expect(f).toContainEqual(['edge/redirect-chain', 'https://hops.test/']);
    expect(f).toContainEqual(['edge/temporary-redirect', 'https://hops.test/']);
    expect(f).toContainEqual(['edge/redirect-drops-path', 'https://hops.test/launchready-probe?x=1']);
    const chain = r.findings.find((x) => x.id === 'edge/redirect-chain' && x.target === 'https://hops.test/')!.evidence.chain as string[];
    expect(chain).toEqual(['302 https://hops.test/ -> https://hops.test/home', '302 https://hops.test/home -> https://www.hops.test/']);
    // the redirects are poor, but the apex redirect itself carries a preload-grade header
    expect(r.metrics.hstsPreload).toMatchObject({ meetsRequirements: true, checks: { onRedirect: true, httpUpgradesSameHost: true } });
  });
});
