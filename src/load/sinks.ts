/**
 * launchready's own receivers for a route's side effects (perf.sinks): an SMTP server and a
 * webhook (HTTP) sink that accept everything, count what arrives, and can delay their acceptance
 * by a known amount. With the app's SMTP settings / webhook URL pointed at them (demo, staging),
 * the perf gatherer loads a write route twice, first with no delay, then with one; a route whose
 * latency rises by about the delay waits for delivery on the request path
 * (perf/blocking-side-effect).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Sink {
  kind: 'email' | 'webhook';
  /** host:port it listens on. */
  address: string;
  /** Messages (emails, webhook requests) fully received so far. */
  received: number;
  /** Acceptance delay in ms (SMTP: the reply to the end of DATA; webhook: the HTTP response). */
  delayMs: number;
  close(): Promise<void>;
}

function splitHostPort(v: string): { host: string; port: number } {
  const m = /^\[?([^\]]+)\]?:(\d+)$/.exec(v);
  if (!m) throw new Error(`expected host:port, got "${v}"`);
  return { host: m[1]!, port: Number(m[2]) };
}

export async function startSmtpSink(address: string): Promise<Sink> {
  const { host, port } = splitHostPort(address);
  const sink: Sink = {
    kind: 'email',
    address,
    received: 0,
    delayMs: 0,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  // Deliveries held back by the delay: flushed on close so no session keeps the server open.
  const held = new Map<NodeJS.Timeout, () => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // A slow SMTP server closes idle sessions; ours only needs to outlive one load pass.
    socketTimeout: 30_000,
    // server.close() waits this long for sessions still open (a queued sender's last QUIT), then drops them.
    closeTimeout: 500,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        sink.received++;
        if (sink.delayMs <= 0) return callback(null);
        const release = () => {
          held.delete(t);
          callback(null);
        };
        const t = setTimeout(release, sink.delayMs);
        held.set(t, release);
      });
    },
  });
  server.on('error', () => {});
  const close = sink.close;
  sink.close = async () => {
    for (const [t, release] of [...held]) {
      clearTimeout(t);
      release();
    }
    await close();
  };
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(new Error(`SMTP receiver cannot listen on ${address}: ${e.message}`));
    server.server.once('error', onError);
    server.listen(port, host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  if (port === 0) sink.address = `${host}:${(server.server.address() as AddressInfo).port}`;
  return sink;
}

export async function startWebhookSink(address: string): Promise<Sink> {
  const { host, port } = splitHostPort(address);
  const server = http.createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      sink.received++;
      const reply = () => {
        res.statusCode = 204;
        res.end();
      };
      if (sink.delayMs > 0) setTimeout(reply, sink.delayMs);
      else reply();
    });
  });
  const sink: Sink = {
    kind: 'webhook',
    address,
    received: 0,
    delayMs: 0,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`webhook sink cannot listen on ${address}: ${e.message}`)));
    server.listen(port, host, () => resolve());
  });
  if (port === 0) sink.address = `${host}:${(server.address() as AddressInfo).port}`;
  return sink;
}
