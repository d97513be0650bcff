import { describe, it, expect } from 'vitest';
import { createCertAuthority } from '../harness/certs.js';
import { startDnsServer } from '../harness/dns-server.js';
import { startHttpServer, startHttpsServer } from '../harness/http-servers.js';
import { createNet, defaultNetOptions } from './index.js';

describe('createNet', () => {
  it('defaults match the config schema', () => {
    expect(defaultNetOptions()).toEqual({ resolvers: [], connectTo: [], timeoutMs: 5000, concurrency: 16, maxBodyBytes: 2 * 1024 * 1024 });
  });

  it('HTTP and TLS resolve names through the configured DNS server', async () => {
    const root = await createCertAuthority();
    const cert = await root.issue({ names: ['shop.test'] });
    const web = await startHttpServer({ host: '127.0.0.4', handler: (req, res) => res.end(`host=${req.headers.host}`) });
    const tlsServer = await startHttpsServer({ host: '127.0.0.4', cert, handler: (_q, res) => res.end('ok') });
    const dns = await startDnsServer({ zones: { 'shop.test': [{ type: 'A', value: '127.0.0.4' }] } });
    const net = createNet({ ...defaultNetOptions(), resolvers: [dns.address], extraCaPem: root.certPem, timeoutMs: 1500 });
    try {
      const r = await net.http.request({ url: `http://shop.test:${web.port}/` });
      expect(r.error).toBeUndefined();
      expect(r.body).toBe(`host=shop.test:${web.port}`);
      expect(r.remoteAddress).toBe('127.0.0.4');
      const t = await net.tls.probe({ host: 'shop.test', port: tlsServer.port });
      expect(t).toMatchObject({ address: '127.0.0.4', authorized: true, hostnameMatches: true });
      expect(dns.queries.some((q) => q.name === 'shop.test')).toBe(true);
      const missing = await net.http.request({ url: `http://absent.test:${web.port}/` });
      expect(missing.error?.code).toBe('DNS');
    } finally {
      await net.close();
      await Promise.all([web.close(), tlsServer.close(), dns.close()]);
    }
  });
});
