/**
 * Hostile servers: every misbehaviour must end inside the timeout as error data (or a capped
 * result), never a hang, a crash or an unbounded buffer.
 */
import type http from 'node:http';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createCertAuthority } from '../src/harness/certs.js';
import { hostile, startGarbageTlsServer, startHttpServer, startHttpsServer, type ServerHandle } from '../src/harness/http-servers.js';
import { createHttpClient } from '../src/net/http.js';
import { createTlsProber } from '../src/net/tls.js';
import type { HttpClient, HttpErrorCode, TlsProber } from '../src/net/types.js';

const TIMEOUT_MS = 400;
/** Slack for a loaded 2-core CI machine on top of the timeout. */
const BOUND_MS = TIMEOUT_MS + 600;

/** Headers at once, then one byte every 100 ms, forever (a slowloris response). */
const drip = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  const t = setInterval(() => res.write('.'), 100);
  res.on('close', () => clearInterval(t));
};
/** /n/1 -> /n/2 -> ... : never the same URL twice, so only the hop limit stops it. */
const endless = (req: http.IncomingMessage, res: http.ServerResponse): void => {
  const n = Number((req.url ?? '').split('/').pop()) || 0;
  hostile.redirectTo(`/n/${n + 1}`)(req, res);
};

describe('hostile servers', () => {
  const s: Record<string, ServerHandle> = {};
  let client: HttpClient;
  let prober: TlsProber;

  beforeAll(async () => {
    const root = await createCertAuthority();
    const cert = await root.issue({ names: ['127.0.0.5'] });
    const host = '127.0.0.5';
    const entries = await Promise.all([
      startHttpServer({ host, handler: hostile.slow(5_000) }),
      startHttpServer({ host, handler: hostile.slow(20) }),
      startHttpServer({ host, handler: hostile.neverAnswer() }),
      startHttpServer({ host, handler: hostile.redirectLoop() }),
      startHttpServer({ host, handler: endless }),
      startHttpServer({ host, handler: hostile.hugeBody(1024 ** 3) }),
      startHttpServer({ host, handler: hostile.hugeHeaders() }),
      startHttpServer({ host, handler: drip }),
      startHttpsServer({ host, cert, handler: hostile.neverAnswer() }),
      startGarbageTlsServer({ host }),
      startGarbageTlsServer({ host, mode: 'reset' }),
      startGarbageTlsServer({ host, mode: 'silent' }),
    ]);
    const names = ['slow', 'quick', 'never', 'loop', 'endless', 'huge', 'headers', 'drip', 'tlsNever', 'garbage', 'reset', 'silent'];
    names.forEach((n, i) => (s[n] = entries[i]!));
    const opts = { resolvers: [], connectTo: [], extraCaPem: root.certPem, timeoutMs: TIMEOUT_MS, concurrency: 8, maxBodyBytes: 256 * 1024 };
    client = createHttpClient(opts);
    prober = createTlsProber(opts);
  });
  afterAll(async () => {
    await client.close();
    await Promise.all(Object.values(s).map((h) => h.close()));
  });

  const url = (name: string, scheme = 'http', path = '/'): string => `${scheme}://127.0.0.5:${s[name]!.port}${path}`;

  const fires: [string, () => string, number, HttpErrorCode][] = [
    ['slow server', () => url('slow'), 0, 'TIMEOUT'],
    ['server that never answers', () => url('never'), 0, 'TIMEOUT'],
    ['slowloris body', () => url('drip'), 0, 'TIMEOUT'],
    ['TLS server that never answers', () => url('tlsNever', 'https'), 0, 'TIMEOUT'],
    ['redirect loop', () => url('loop', 'http', '/loop-a'), 20, 'REDIRECT_LOOP'],
    ['endless redirects', () => url('endless', 'http', '/n/0'), 5, 'TOO_MANY_REDIRECTS'],
    ['huge headers', () => url('headers'), 0, 'PROTOCOL'],
    ['garbage on a TLS port', () => url('garbage', 'https'), 0, 'TLS'],
    ['garbage instead of HTTP', () => url('garbage'), 0, 'PROTOCOL'],
    ['connection reset', () => url('reset'), 0, 'CONNECT'],
    ['TCP black hole on a TLS port', () => url('silent', 'https'), 0, 'TIMEOUT'],
  ];
  it.each(fires)('%s ends in time as an error', async (_name, u, maxRedirects, code) => {
    const t0 = Date.now();
    const r = await client.request({ url: u(), maxRedirects });
    expect(r.error?.code).toBe(code);
    expect(Date.now() - t0).toBeLessThan(BOUND_MS);
  });

  it('1 GB body is capped, not buffered', async () => {
    const t0 = Date.now();
    const r = await client.request({ url: url('huge') });
    expect(r).toMatchObject({ status: 200, truncated: true, bodyBytes: 256 * 1024 });
    expect(r.error).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(BOUND_MS);
  });

  const staysQuiet: [string, () => string][] = [
    ['a slightly slow server', () => url('quick')],
    ['a redirect loop when redirects are not followed', () => url('loop', 'http', '/loop-a')],
  ];
  it.each(staysQuiet)('%s is a normal response', async (_name, u) => {
    const r = await client.request({ url: u() });
    expect(r.error).toBeUndefined();
    expect(r.status).toBeGreaterThanOrEqual(200);
  });

  it.each([
    ['garbage', /SSL|EPROTO|ECONNRESET/],
    ['reset', /ECONNRESET/],
    ['silent', /^TIMEOUT$/],
  ])('TLS probe of the %s server returns an error', async (name, code) => {
    const t0 = Date.now();
    const r = await prober.probe({ host: '127.0.0.5', port: s[name]!.port });
    expect(r.error?.code).toMatch(code);
    expect(Date.now() - t0).toBeLessThan(BOUND_MS);
  });

  it('everything at once still finishes inside the bound', async () => {
    const t0 = Date.now();
    const all = await Promise.all([
      ...fires.map(([, u, maxRedirects]) => client.request({ url: u(), maxRedirects })),
      client.request({ url: url('huge') }),
      prober.probe({ host: '127.0.0.5', port: s.silent!.port }),
    ]);
    expect(all).toHaveLength(fires.length + 2);
    expect(Date.now() - t0).toBeLessThan(BOUND_MS + 500);
  });
});
