import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type http from 'node:http';
import { createCertAuthority } from '../harness/certs.js';
import { hostile, startGarbageTlsServer, startHttpServer, startHttpsServer, type ServerHandle } from '../harness/http-servers.js';
import { parseConnectTo } from './connect-to.js';
import { createHttpClient } from './http.js';
import { createScopeGuard } from './scope.js';
import type { HttpClient, NetOptions } from './types.js';

const GB = 1024 * 1024 * 1024;

function routes(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  switch (path) {
    case '/':
      res.end(`hello ${req.headers.host}`);
      return;
    case '/r1':
      return hostile.redirectTo('/r2', 301)(req, res);
    case '/r2':
      return hostile.redirectTo('https://shop.test/final?x=1', 308)(req, res);
    case '/final':
      res.end('final');
      return;
    case '/loop-a':
    case '/loop-b':
      return hostile.redirectLoop()(req, res);
    case '/off':
      return hostile.redirectTo('https://evil.test/steal')(req, res);
    case '/see-other':
      return hostile.redirectTo('/echo', 303)(req, res);
    case '/echo': {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.end(`${req.method} ${body}`));
      return;
    }
    case '/huge':
      return hostile.hugeBody(GB)(req, res);
    case '/never':
      return hostile.neverAnswer()(req, res);
    case '/cookies':
      res.setHeader('Set-Cookie', ['a=1; Secure', 'b=2; HttpOnly']);
      res.setHeader('X-Mixed-Case', 'yes');
      res.end('c');
      return;
    case '/port':
      res.end(String(req.socket.remotePort));
      return;
    default:
      res.statusCode = 404;
      res.end('nope');
  }
}

describe('HTTP client against fixture servers on 127.0.0.2', () => {
  let https: ServerHandle;
  let plain: ServerHandle;
  let garbage: ServerHandle;
  let rootPem: string;
  let client: HttpClient;
  let base: NetOptions;
  const lookedUp: string[] = [];

  beforeAll(async () => {
    const root = await createCertAuthority();
    rootPem = root.certPem;
    const [shop, fallback] = await Promise.all([root.issue({ names: ['shop.test'] }), root.issue({ names: ['default.test'] })]);
    // The default certificate is for another name: only a client that sends SNI "shop.test" gets a
    // certificate that verifies.
    https = await startHttpsServer({ host: '127.0.0.2', cert: fallback, sni: { 'shop.test': shop }, handler: routes });
    plain = await startHttpServer({ host: '127.0.0.3', handler: routes });
    garbage = await startGarbageTlsServer({ host: '127.0.0.2' });
    base = {
      resolvers: [],
      connectTo: [
        parseConnectTo(`shop.test:443:127.0.0.2:${https.port}`),
        parseConnectTo(`wrong.test:443:127.0.0.2:${https.port}`),
        parseConnectTo(`:444:127.0.0.2:${garbage.port}`),
      ],
      extraCaPem: rootPem,
      timeoutMs: 1000,
      concurrency: 4,
      maxBodyBytes: 64 * 1024,
    };
    client = createHttpClient({
      ...base,
      // Stands in for a configured DNS server: only names ending in .lookup.test resolve.
      lookup: async (host) => {
        lookedUp.push(host);
        return host.endsWith('.lookup.test') ? [{ address: '127.0.0.3', family: 4 }] : [];
      },
    });
  });
  afterAll(async () => {
    await client.close();
    await Promise.all([https.close(), plain.close(), garbage.close()]);
  });

  it('connect-to keeps SNI, Host and certificate name of the original host', async () => {
    const r = await client.request({ url: 'https://shop.test/' });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(200);
    expect(r.body).toBe('hello shop.test');
    expect(r.remoteAddress).toBe('127.0.0.2');
    expect(https.requests.at(-1)?.headers.host).toBe('shop.test');
    expect(r.timing.totalMs).toBeGreaterThanOrEqual(r.timing.ttfbMs ?? 0);
  });

  it('a certificate for another name fails verification as TLS', async () => {
    const r = await client.request({ url: 'https://wrong.test/' });
    expect(r.status).toBe(0);
    expect(r.error?.code).toBe('TLS');
    expect(r.error?.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('without the extra CA the chain is untrusted (OpenSSL code in the message)', async () => {
    const bare = createHttpClient({ ...base, extraCaPem: undefined });
    try {
      const r = await bare.request({ url: 'https://shop.test/' });
      expect(r.error?.code).toBe('TLS');
      // The server sends the leaf only and its issuer is unknown.
      expect(r.error?.message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    } finally {
      await bare.close();
    }
  });

  it('resolves names through the injected lookup (a configured DNS server)', async () => {
    const r = await client.request({ url: `http://www.lookup.test:${plain.port}/` });
    expect(r.status).toBe(200);
    expect(r.remoteAddress).toBe('127.0.0.3');
    expect(lookedUp).toContain('www.lookup.test');
    const miss = await client.request({ url: `http://missing.test:${plain.port}/` });
    expect(miss.error?.code).toBe('DNS');
    expect(miss.error?.message).toContain('missing.test');
  });

  it('follows a redirect chain with relative and absolute Locations', async () => {
    const r = await client.request({ url: 'https://shop.test/r1', maxRedirects: 5 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(200);
    expect(r.body).toBe('final');
    expect(r.finalUrl).toBe('https://shop.test/final?x=1');
    expect(r.redirects).toEqual([
      { url: 'https://shop.test/r1', status: 301, location: '/r2' },
      { url: 'https://shop.test/r2', status: 308, location: 'https://shop.test/final?x=1' },
    ]);
  });

  it('does not follow redirects by default', async () => {
    const r = await client.request({ url: 'https://shop.test/r1' });
    expect(r).toMatchObject({ status: 301, finalUrl: 'https://shop.test/r1', redirects: [] });
    expect(r.headers.location).toBe('/r2');
    expect(r.error).toBeUndefined();
  });

  it('detects a redirect loop', async () => {
    const r = await client.request({ url: 'https://shop.test/loop-a', maxRedirects: 10 });
    expect(r.error?.code).toBe('REDIRECT_LOOP');
    expect(r.redirects.map((h) => h.url)).toEqual(['https://shop.test/loop-a', 'https://shop.test/loop-b']);
    expect(r.finalUrl).toBe('https://shop.test/loop-a');
    expect(r.status).toBe(0);
  });

  it('stops after maxRedirects', async () => {
    const r = await client.request({ url: 'https://shop.test/r1', maxRedirects: 1 });
    expect(r.error?.code).toBe('TOO_MANY_REDIRECTS');
    expect(r.redirects).toHaveLength(2);
  });

  it('records an off-scope redirect without requesting it', async () => {
    const before = lookedUp.length;
    const r = await client.request({ url: 'https://shop.test/off', maxRedirects: 5, scope: createScopeGuard(['shop.test']) });
    expect(r.error?.code).toBe('OFF_SCOPE');
    expect(r.finalUrl).toBe('https://evil.test/steal');
    expect(r.redirects).toEqual([{ url: 'https://shop.test/off', status: 302, location: 'https://evil.test/steal' }]);
    expect(lookedUp.slice(before)).toEqual([]); // evil.test was never even resolved
  });

  it('refuses an off-scope first URL without sending anything', async () => {
    const n = https.requests.length;
    const r = await client.request({ url: 'https://shop.test/', scope: createScopeGuard(['other.test']) });
    expect(r.error?.code).toBe('OFF_SCOPE');
    expect(https.requests.length).toBe(n);
  });

  it('303 turns POST into GET; a POST body reaches the server', async () => {
    const post = await client.request({ url: 'https://shop.test/echo', method: 'post', body: 'hi', headers: { 'Content-Type': 'text/plain' } });
    expect(post.body).toBe('POST hi');
    const r = await client.request({ url: 'https://shop.test/see-other', method: 'POST', body: 'x', maxRedirects: 2 });
    expect(r.body).toBe('GET ');
  });

  it('caps a 1 GB streamed body quickly and marks it truncated', async () => {
    const t0 = Date.now();
    const r = await client.request({ url: 'https://shop.test/huge', maxBodyBytes: 100_000 });
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ status: 200, truncated: true, bodyBytes: 100_000 });
    expect(r.body.length).toBe(100_000);
    expect(Date.now() - t0).toBeLessThan(1000);
    // The connection was dropped mid-body, and the client still works.
    expect((await client.request({ url: 'https://shop.test/' })).status).toBe(200);
  });

  it('times out a server that never answers', async () => {
    const t0 = Date.now();
    const r = await client.request({ url: 'https://shop.test/never', timeoutMs: 300 });
    expect(r.error?.code).toBe('TIMEOUT');
    expect(r.status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(900);
  });

  it('lower-cases header names and keeps every set-cookie', async () => {
    const r = await client.request({ url: 'https://shop.test/cookies' });
    expect(r.headers['set-cookie']).toEqual(['a=1; Secure', 'b=2; HttpOnly']);
    expect(r.headers['x-mixed-case']).toBe('yes');
    expect(Object.keys(r.headers).every((k) => k === k.toLowerCase())).toBe(true);
  });

  it('reuses keep-alive connections', async () => {
    // undici's pool may open a second socket while the first finishes its response; it must not open
    // one per request.
    const ports = new Set<string>();
    for (let i = 0; i < 5; i++) ports.add((await client.request({ url: `http://127.0.0.3:${plain.port}/port` })).body);
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it.each([
    ['garbage on an HTTPS port', 'TLS', 'https://shop.test:444/'],
    ['garbage instead of a status line', 'PROTOCOL', 'http://127.0.0.2:GARBAGE/'],
    ['connection refused', 'CONNECT', 'http://127.0.0.2:1/'],
    ['an invalid URL', 'ERROR', 'not a url'],
    ['an unsupported scheme', 'ERROR', 'ftp://shop.test/'],
  ])('%s gives %s', async (_name, code, url) => {
    const r = await client.request({ url: url.replace('GARBAGE', String(garbage.port)) });
    expect(r.error?.code).toBe(code);
    expect(r.status).toBe(0);
  });

  it('speaks to IPv6 loopback by bracketed URL', async () => {
    const v6 = await startHttpServer({ host: '::1', handler: routes });
    try {
      const r = await client.request({ url: `http://[::1]:${v6.port}/` });
      expect(r.status).toBe(200);
      expect(r.body).toBe(`hello [::1]:${v6.port}`);
      expect(r.remoteAddress).toBe('::1');
    } finally {
      await v6.close();
    }
  });

  it('a caller abort gives ABORTED', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await client.request({ url: 'https://shop.test/never', signal: ac.signal });
    expect(r.error?.code).toBe('ABORTED');
    const pre = await client.request({ url: 'https://shop.test/', signal: AbortSignal.abort() });
    expect(pre.error?.code).toBe('ABORTED');
  });
});
