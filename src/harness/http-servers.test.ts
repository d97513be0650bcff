import net from 'node:net';
import tls from 'node:tls';
import { describe, it, expect } from 'vitest';
import { createCertAuthority } from './certs.js';
import { hostile, startGarbageTlsServer, startHttpServer, startHttpsServer } from './http-servers.js';

describe('fixture servers', () => {
  it('records requests and builds the URL; listens on any 127.x address', async () => {
    const s = await startHttpServer({ host: '127.0.0.9', handler: (_q, res) => res.end('hi') });
    try {
      expect(s.url).toBe(`http://127.0.0.9:${s.port}`);
      const r = await fetch(`${s.url}/path?q=1`, { headers: { 'x-test': 'yes' } });
      expect(await r.text()).toBe('hi');
      expect(s.requests).toHaveLength(1);
      expect(s.requests[0]).toMatchObject({ method: 'GET', url: '/path?q=1' });
      expect(s.requests[0]!.headers['x-test']).toBe('yes');
    } finally {
      await s.close();
    }
  });

  it('close() ends a connection held open by a handler that never answers', async () => {
    const s = await startHttpServer({ handler: hostile.neverAnswer() });
    const sock = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    const closed = new Promise((r) => sock.once('close', r));
    await s.close();
    await closed;
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('HTTPS picks the certificate by SNI and honours maxVersion', async () => {
    const root = await createCertAuthority();
    const [a, b] = await Promise.all([root.issue({ names: ['a.test'] }), root.issue({ names: ['b.test'] })]);
    const s = await startHttpsServer({ cert: a, sni: { 'b.test': b }, maxVersion: 'TLSv1.2', handler: (_q, res) => res.end() });
    const peer = (servername: string) =>
      new Promise<{ cn: unknown; protocol: string | null }>((resolve, reject) => {
        const c = tls.connect({ host: '127.0.0.1', port: s.port, servername, ca: root.certPem, checkServerIdentity: () => undefined }, () => {
          resolve({ cn: c.getPeerCertificate().subject.CN, protocol: c.getProtocol() });
          c.destroy();
        });
        c.once('error', reject);
      });
    try {
      expect(await peer('b.test')).toEqual({ cn: 'b.test', protocol: 'TLSv1.2' });
      expect((await peer('a.test')).cn).toBe('a.test');
      expect((await peer('unknown.test')).cn).toBe('a.test');
    } finally {
      await s.close();
    }
  });

  it('garbage server writes non-TLS bytes and closes', async () => {
    const s = await startGarbageTlsServer({ bytes: 64 });
    try {
      const sock = net.connect(s.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      sock.on('data', (d: Buffer) => chunks.push(d));
      await new Promise((r) => sock.once('close', r));
      const got = Buffer.concat(chunks);
      expect(got.length).toBe(64);
      expect(got[0]).toBe(0);
    } finally {
      await s.close();
    }
  });
});
