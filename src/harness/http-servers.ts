/**
 * Fixture HTTP/HTTPS servers on loopback for tests and the demo, plus hostile behaviours (slow,
 * silent, redirect loops, huge bodies/headers, garbage bytes on a TLS port). `close()` destroys every
 * open socket, so a test never waits for a keep-alive connection or a half-sent body.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import type { Pem } from './certs.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface ServerHandle {
  host: string;
  port: number;
  /** `http://host:port` or `https://host:port` (IPv6 in brackets). */
  url: string;
  /** Every request seen, in arrival order. */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export type ServerCert = Pem & { chainPem?: string };

export interface HttpServerOpts {
  /** Any loopback address (127.x.y.z or ::1); default 127.0.0.1. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  handler: Handler;
}

export interface HttpsServerOpts extends HttpServerOpts {
  cert: ServerCert;
  /** Certificates by SNI name; the default `cert` serves unknown or missing SNI. */
  sni?: Record<string, ServerCert>;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  /** OpenSSL cipher string; e.g. 'DEFAULT@SECLEVEL=0' to serve TLS 1.0 or a 1024-bit key on OpenSSL 3. */
  ciphers?: string;
  /** Bytes stapled as the OCSP response when a client asks (status_request); content is not checked. */
  ocspResponse?: Buffer;
}

function urlHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

/** Listen, track sockets, and build the handle. */
async function listen(
  server: net.Server,
  scheme: string,
  host: string,
  port: number,
  requests: ServerHandle['requests'],
): Promise<ServerHandle> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    // Clients in hostile tests reset connections on purpose; an unhandled 'error' would crash the run.
    s.on('error', () => {});
  });
  // TLS handshake failures (garbage from a client, protocol mismatch) are expected in tests.
  server.on('tlsClientError', () => {});
  server.on('clientError', (_err: Error, s: net.Socket) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as net.AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    host,
    port: actual,
    url: `${scheme}://${urlHost(host)}:${actual}`,
    requests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

function recording(handler: Handler, requests: ServerHandle['requests']): Handler {
  return (req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    try {
      handler(req, res);
    } catch {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    }
  };
}

export async function startHttpServer(opts: HttpServerOpts): Promise<ServerHandle> {
  const requests: ServerHandle['requests'] = [];
  const server = http.createServer(recording(opts.handler, requests));
  return listen(server, 'http', opts.host ?? '127.0.0.1', opts.port ?? 0, requests);
}

function contextOptions(c: ServerCert): tls.SecureContextOptions {
  return { cert: c.chainPem ?? c.certPem, key: c.keyPem };
}

export async function startHttpsServer(opts: HttpsServerOpts): Promise<ServerHandle> {
  const requests: ServerHandle['requests'] = [];
  const common: tls.SecureContextOptions = {
    minVersion: opts.minVersion,
    maxVersion: opts.maxVersion,
    ...(opts.ciphers ? { ciphers: opts.ciphers } : {}),
  };
  const contexts = new Map<string, tls.SecureContext>();
  for (const [name, c] of Object.entries(opts.sni ?? {})) {
    contexts.set(name.toLowerCase(), tls.createSecureContext({ ...common, ...contextOptions(c) }));
  }
  const server = https.createServer(
    {
      ...common,
      ...contextOptions(opts.cert),
      SNICallback: (name, cb) => cb(null, contexts.get(name.toLowerCase())),
    },
    recording(opts.handler, requests),
  );
  if (opts.ocspResponse) {
    const staple = opts.ocspResponse;
    server.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, cb: (err: Error | null, resp: Buffer) => void) => cb(null, staple));
  }
  return listen(server, 'https', opts.host ?? '127.0.0.1', opts.port ?? 0, requests);
}

export interface GarbageServerOpts {
  host?: string;
  port?: number;
  /**
   * 'garbage' (default): write random bytes then close; 'reset': RST the connection at once;
   * 'silent': accept and never write (a black hole after the TCP handshake).
   */
  mode?: 'garbage' | 'reset' | 'silent';
  /** Bytes of garbage to write (default 512). */
  bytes?: number;
}

/** A TCP server that answers a TLS (or HTTP) client with random bytes, a reset, or silence. */
export async function startGarbageTlsServer(opts: GarbageServerOpts = {}): Promise<ServerHandle> {
  const requests: ServerHandle['requests'] = [];
  const mode = opts.mode ?? 'garbage';
  const server = net.createServer((socket) => {
    requests.push({ method: 'TCP', url: '', headers: {} });
    if (mode === 'reset') {
      socket.resetAndDestroy();
    } else if (mode === 'garbage') {
      // A leading byte that is not a valid TLS record type (0x14-0x18) or an HTTP token makes both
      // TLS and HTTP clients fail fast instead of waiting for more data.
      const junk = randomBytes(opts.bytes ?? 512);
      junk[0] = 0x00;
      socket.end(junk);
    }
  });
  return listen(server, 'tcp', opts.host ?? '127.0.0.1', opts.port ?? 0, requests);
}

/** Response behaviours for fixture servers that misbehave on purpose. */
export const hostile = {
  /** Answer 200 "slow" after `ms` milliseconds. */
  slow(ms: number): Handler {
    return (_req, res) => {
      const t = setTimeout(() => res.end('slow'), ms);
      res.on('close', () => clearTimeout(t));
    };
  },
  /** Read the request and never answer (the socket stays open until the client gives up). */
  neverAnswer(): Handler {
    return () => {};
  },
  /** /loop-a -> /loop-b -> /loop-a ... with 302s. */
  redirectLoop(): Handler {
    return (req, res) => {
      res.writeHead(302, { location: req.url === '/loop-a' ? '/loop-b' : '/loop-a' });
      res.end();
    };
  },
  /** Stream `bytes` bytes of 'x' in 64 KiB chunks, honouring backpressure and stopping when the client leaves. */
  hugeBody(bytes: number): Handler {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    return (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(bytes) });
      let sent = 0;
      const pump = (): void => {
        while (sent < bytes && !res.destroyed) {
          const n = Math.min(chunk.length, bytes - sent);
          sent += n;
          if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      pump();
    };
  },
  /** 200 with ~256 KiB of response headers (far above any client's header limit). */
  hugeHeaders(): Handler {
    return (_req, res) => {
      const value = 'h'.repeat(8 * 1024);
      for (let i = 0; i < 32; i++) res.setHeader(`x-huge-${i}`, value);
      res.end('ok');
    };
  },
  /** Redirect every request to `location` (default 302). */
  redirectTo(location: string, status = 302): Handler {
    return (_req, res) => {
      res.writeHead(status, { location });
      res.end();
    };
  },
};
