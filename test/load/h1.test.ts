/**
 * The load generator's minimal HTTP/1.1 client (src/load/h1.ts) against real loopback servers:
 * Node's http server (Content-Length, chunked, HEAD, 204, keep-alive reuse) and raw TCP servers
 * for what Node never sends (a head split byte by byte, 100 Continue, body until close, garbage).
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { H1Connection, H1Pool, type H1Handler } from '../../src/load/h1.js';
import { runLoad } from '../../src/load/engine.js';
import { createCertAuthority } from '../../src/harness/certs.js';

const closers: (() => void)[] = [];
afterAll(() => closers.forEach((c) => c()));

async function httpServer(handler: http.RequestListener): Promise<{ port: number; connections: () => number }> {
  const s = http.createServer(handler);
  let n = 0;
  s.on('connection', () => n++);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closers.push(() => (s.closeAllConnections(), s.close()));
  return { port: (s.address() as AddressInfo).port, connections: () => n };
}

async function rawServer(onSocket: (s: net.Socket) => void): Promise<number> {
  const s = net.createServer(onSocket);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closers.push(() => s.close());
  return (s.address() as AddressInfo).port;
}

interface Outcome { status: number; bytes: number; error?: string }
function exchange(conn: H1Connection, req: string, isHead = false): Promise<Outcome> {
  return new Promise((resolve) => {
    const o: Outcome = { status: 0, bytes: 0 };
    const h: H1Handler = {
      onHeaders: (s) => (o.status = s),
      onBody: (n) => (o.bytes += n),
      onComplete: () => resolve(o),
      onError: (e) => resolve({ ...o, error: `${(e as NodeJS.ErrnoException).code}: ${e.message}` }),
    };
    conn.request(req, isHead, h, performance.now());
  });
}
const get = (path: string, method = 'GET') => `${method} ${path} HTTP/1.1\r\nhost: x\r\n\r\n`;

describe('H1Connection', () => {
  it('reads Content-Length and chunked bodies, HEAD and 204, all on one keep-alive connection', async () => {
    const srv = await httpServer((req, res) => {
      if (req.url === '/chunked') {
        res.write('a'.repeat(1000));
        setTimeout(() => res.end('b'.repeat(2345)), 5);
      } else if (req.url === '/empty') {
        res.statusCode = 204;
        res.end();
      } else res.end('x'.repeat(req.method === 'HEAD' ? 0 : 777));
    });
    const conn = new H1Connection((onData) => net.connect(srv.port, '127.0.0.1').on('data', onData));
    expect(await exchange(conn, get('/'))).toEqual({ status: 200, bytes: 777 });
    expect(await exchange(conn, get('/chunked'))).toEqual({ status: 200, bytes: 3345 });
    expect(await exchange(conn, get('/empty'))).toEqual({ status: 204, bytes: 0 });
    expect(await exchange(conn, get('/', 'HEAD'), true)).toEqual({ status: 200, bytes: 0 });
    expect(await exchange(conn, get('/'))).toEqual({ status: 200, bytes: 777 });
    expect(srv.connections()).toBe(1);
    conn.close();
  });

  it('handles a head split byte by byte, 100 Continue, Connection: close and a body that ends with the connection', async () => {
    const port = await rawServer((s) => {
      s.once('data', async (d) => {
        const path = d.toString().split(' ')[1];
        if (path === '/split') {
          for (const ch of 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 3\r\nconnection: close\r\n\r\nabc') {
            s.write(ch);
            await new Promise((r) => setImmediate(r));
          }
        } else s.end('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end');
      });
    });
    const conn = new H1Connection((onData) => net.connect(port, '127.0.0.1').on('data', onData));
    expect(await exchange(conn, get('/split'))).toEqual({ status: 201, bytes: 3 });
    // The server said close: the next request opens a new connection.
    expect(await exchange(conn, get('/close'))).toEqual({ status: 200, bytes: 'until the end'.length });
    conn.close();
  });

  it('reads framing fields in any case from the bytes and ignores look-alike fields', async () => {
    let sockets = 0;
    const answers: Record<string, string> = {
      // Transfer-Encoding wins over Content-Length (RFC 9112 section 6.3); names and values in any case.
      '/te': 'HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 5\r\ntransfer-ENCODING:  Chunked \r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      // An HTTP/1.0 answer that asks to keep the connection stays open.
      '/ka10': 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length:2\r\n\r\nok',
      // Fields that only look like framing: longer names, a colon inside a value.
      '/lookalike': 'HTTP/1.1 200 OK\r\nX-Connection: close\r\nX-Note: Content-Length: 999\r\nContent-Length: 4\r\n\r\nfour',
    };
    const port = await rawServer((s) => {
      sockets++;
      s.on('data', (d) => {
        const path = d.toString().split(' ')[1]!;
        if (path === '/badlength') s.end('HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\nto the close');
        else s.write(answers[path]!);
      });
    });
    const conn = new H1Connection((onData) => net.connect(port, '127.0.0.1').on('data', onData));
    expect(await exchange(conn, get('/te'))).toEqual({ status: 200, bytes: 3 });
    expect(await exchange(conn, get('/ka10'))).toEqual({ status: 200, bytes: 2 });
    expect(await exchange(conn, get('/lookalike'))).toEqual({ status: 200, bytes: 4 });
    expect(sockets).toBe(1);
    // A Content-Length that is not a number: the body runs until the server closes.
    expect(await exchange(conn, get('/badlength'))).toEqual({ status: 200, bytes: 'to the close'.length });
    conn.close();
  });

  it('reads from a reused buffer without mistaking its stale bytes for data (the worker\'s onread path)', async () => {
    // The worker reads every socket into one buffer, so bytes past what a read filled are left
    // over from earlier reads. Fill it with complete-looking answers, then send one in pieces.
    const shared = Buffer.alloc(4096, 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n\n');
    const port = await rawServer((s) => {
      s.once('data', async () => {
        for (const piece of ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Pad: 1', '\r\n\r\n1', '0\r\n0123456789abcdef\r', '\n0\r\n\r\n']) {
          s.write(piece);
          await new Promise((r) => setTimeout(r, 30));
        }
      });
    });
    const conn = new H1Connection((onData) => net.connect({ host: '127.0.0.1', port, onread: { buffer: shared, callback: (n: number, buf: Buffer) => (onData(buf, n), true) } }));
    expect(await exchange(conn, get('/'))).toEqual({ status: 200, bytes: 16 });
    conn.close();
  });

  it('resends once when a reused keep-alive connection was closed by the server before answering', async () => {
    let sockets = 0;
    const port = await rawServer((s) => {
      sockets++;
      let n = 0;
      s.on('data', () => (n++ === 0 ? s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok') : s.destroy()));
    });
    const conn = new H1Connection((onData) => net.connect(port, '127.0.0.1').on('data', onData));
    expect(await exchange(conn, get('/'))).toEqual({ status: 200, bytes: 2 });
    expect(await exchange(conn, get('/'))).toEqual({ status: 200, bytes: 2 });
    expect(sockets).toBe(2);
    conn.close();
  });

  it('reports garbage, a reset mid-response and a refused connection as errors with codes', async () => {
    const port = await rawServer((s) => {
      s.once('data', (d) => {
        if (d.toString().includes('/garbage')) s.write('SSH-2.0-OpenSSH_9.6\r\n\r\n');
        else {
          s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
          setTimeout(() => s.destroy(), 5);
        }
      });
    });
    const conn = new H1Connection((onData) => net.connect(port, '127.0.0.1').on('data', onData));
    expect((await exchange(conn, get('/garbage'))).error).toMatch(/^HPE_INVALID_RESPONSE: not an HTTP\/1.x response/);
    const cut = await exchange(conn, get('/cut'));
    expect(cut).toMatchObject({ status: 200, bytes: 7 });
    expect(cut.error).toMatch(/^UND_ERR_SOCKET: /);
    const dead = await rawServer(() => {});
    closers.pop()!();
    await new Promise((r) => setTimeout(r, 20));
    const refused = new H1Connection((onData) => net.connect(dead, '127.0.0.1').on('data', onData));
    expect((await exchange(refused, get('/'))).error).toMatch(/^ECONNREFUSED/);
  });
});

describe('H1Pool', () => {
  it('queues beyond its size, reuses its connections and times out what waits too long', async () => {
    const srv = await httpServer((req, res) => (req.url === '/never' ? undefined : setTimeout(() => res.end('ok'), 10)));
    const pool = new H1Pool((onData) => net.connect(srv.port, '127.0.0.1').on('data', onData), 3, () => performance.now());
    const one = (path: string) =>
      new Promise<Outcome>((resolve) => {
        const o: Outcome = { status: 0, bytes: 0 };
        pool.request(get(path), false, { onHeaders: (s) => (o.status = s), onBody: (n) => (o.bytes += n), onComplete: () => resolve(o), onError: (e) => resolve({ ...o, error: e.message }) });
      });
    const all = await Promise.all(Array.from({ length: 12 }, () => one('/')));
    expect(all.every((o) => o.status === 200 && o.bytes === 2)).toBe(true);
    expect(srv.connections()).toBe(3);
    const stuck = one('/never');
    await new Promise((r) => setTimeout(r, 120));
    pool.sweep(performance.now(), 100);
    expect((await stuck).error).toMatch(/no response within 100 ms/);
    pool.close();
  });
});

describe('runLoad over TLS with the h1 client', () => {
  it('verifies the certificate for the URL\'s name (SNI) while connecting to the mapped address', { timeout: 30_000 }, async () => {
    const ca = await createCertAuthority();
    const leaf = await ca.issue({ names: ['shop.test'] });
    const s = https.createServer({ key: leaf.keyPem, cert: leaf.chainPem }, (_q, res) => res.end('secure'));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    closers.push(() => (s.closeAllConnections(), s.close()));
    const port = (s.address() as AddressInfo).port;
    const base = { request: { method: 'GET', url: `https://shop.test:${port}/` }, model: { kind: 'closed' as const, vus: 2 }, durationMs: 5_000, maxRequests: 20, connect: { host: '127.0.0.1', port }, workers: 1 };
    const ok = await runLoad({ ...base, caPem: ca.certPem });
    expect(ok).toMatchObject({ count: 20, errors: 0, bytes: 20 * 6 });
    const untrusted = await runLoad({ ...base, maxRequests: 4 });
    expect(untrusted.errorKinds.tls).toBe(4);
  });
});

describe('runLoad with the h1 client and with undici', () => {
  it('both count the same statuses and bytes from a chunked POST endpoint', { timeout: 30_000 }, async () => {
    const srv = await httpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.statusCode = JSON.parse(body).n % 5 === 0 ? 503 : 200;
        res.write('{"ok":');
        res.end('true}');
      });
    });
    const opts = { request: { method: 'POST', url: `http://127.0.0.1:${srv.port}/x`, body: '{"n":{{seq}}}' }, model: { kind: 'closed' as const, vus: 2 }, durationMs: 5_000, maxRequests: 50, workers: 1 };
    const [h1, und] = await Promise.all([runLoad({ ...opts, client: 'h1' }), runLoad({ ...opts, client: 'undici' })]);
    for (const r of [h1, und]) {
      expect(r.count).toBe(50);
      expect(r.statusClasses).toEqual({ '2xx': 40, '5xx': 10 });
      expect(r.bytes).toBe(50 * 11);
    }
  });
});
