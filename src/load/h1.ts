/**
 * A minimal HTTP/1.1 keep-alive client for the load generator's hot path (worker threads only).
 *
 * Why not undici here: profiling the worker against nginx on loopback showed most of the
 * non-syscall time per request in undici's general machinery (a Request object, header
 * validation, llhttp callbacks across the wasm boundary, promise/nextTick hops). A load generator
 * sends the same request shape again and again, so this client writes a pre-built request (one
 * Buffer when the path and body are static) and parses only what a load test needs from the
 * answer: the status, the body length (Content-Length, chunked, or until close) and whether the
 * connection stays open. Like wrk and autocannon it does not pipeline: one request in flight per
 * connection, which is what a virtual user or a browser connection does.
 *
 * What it deliberately does not do: redirects, decompression, trailers' content, HTTP/2. Like
 * undici, it resends an idempotent request once when a reused keep-alive connection closes before
 * any answer (the server's idle timeout raced the write). Errors carry the same `code`s as Node/undici so the
 * worker's error kinds stay the same.
 */
import type net from 'node:net';

export interface H1Handler {
  onHeaders(status: number): void;
  onBody(bytes: number): void;
  onComplete(): void;
  onError(err: Error): void;
}

/**
 * Opens a socket to the target (plain or TLS) that hands every chunk read to `onData` (through
 * `onread` with a reused buffer where possible: the chunk is only valid during the call). The
 * connection writes at once (Node buffers until connected).
 */
export type SocketFactory = (onData: (chunk: Buffer) => void) => net.Socket;

const enum S {
  Head,
  Body,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailer,
  UntilClose,
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** A response head larger than this is a broken or hostile server. */
const MAX_HEAD_BYTES = 64 * 1024;

function codedError(message: string, code: string): Error {
  const e = new Error(message) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

export class H1Connection {
  private sock: net.Socket | null = null;
  private cur: H1Handler | null = null;
  private isHead = false;
  /** When the current request was handed to this connection (timeouts). */
  sentAt = 0;
  private state = S.Head;
  private remaining = 0;
  private headBuf: Buffer | null = null;
  private line = '';
  private reusable = true;
  /** The request in flight, kept to resend it once when a reused keep-alive socket turns out closed. */
  private data: Buffer | string = '';
  private gotBytes = false;
  private onReusedSocket = false;
  /** Called when the connection is free again (the pool hands it the next queued request). */
  onIdle: ((c: H1Connection) => void) | null = null;

  constructor(private readonly open: SocketFactory) {}

  get busy(): boolean {
    return this.cur !== null;
  }

  /** `idempotent`: may be resent once if a reused connection closes before any answer (GET, HEAD, PUT, DELETE). */
  request(data: Buffer | string, isHead: boolean, handler: H1Handler, now: number, idempotent = true): void {
    this.cur = handler;
    this.isHead = isHead;
    this.sentAt = now;
    this.state = S.Head;
    this.reusable = true;
    this.data = data;
    this.gotBytes = false;
    this.onReusedSocket = idempotent && this.sock !== null;
    if (!this.sock) this.connect();
    this.sock!.write(data);
  }

  /** Fails the request in flight (timeout, stop) and drops the socket. */
  abort(err: Error): void {
    const h = this.cur;
    this.cur = null;
    this.dropSocket();
    if (h) h.onError(err);
  }

  close(): void {
    this.cur = null;
    this.dropSocket();
  }

  private dropSocket(): void {
    const s = this.sock;
    this.sock = null;
    this.headBuf = null;
    if (s) {
      s.removeAllListeners('data');
      s.removeAllListeners('close');
      s.on('error', () => {});
      s.destroy();
    }
  }

  private connect(): void {
    const s = this.open((chunk) => {
      if (this.sock === s) this.onData(chunk);
    });
    this.sock = s;
    let failure: Error | null = null;
    s.on('error', (e) => (failure ??= e));
    s.on('close', () => {
      if (this.sock !== s) return;
      this.sock = null;
      this.headBuf = null;
      const h = this.cur;
      if (!h) return;
      if (this.onReusedSocket && !this.gotBytes) {
        // The server closed an idle keep-alive connection as we wrote to it (its keep-alive
        // timeout): nothing was answered, so send the request once more on a fresh connection.
        this.onReusedSocket = false;
        this.connect();
        this.sock!.write(this.data);
        return;
      }
      this.cur = null;
      if (this.state === S.UntilClose && !failure) h.onComplete(); else h.onError(failure ?? codedError('the server closed the connection before the response ended', 'UND_ERR_SOCKET'));
      if (!this.cur) this.onIdle?.(this);
    });
  }

  private fail(message: string): void {
    this.abort(codedError(message, 'HPE_INVALID_RESPONSE'));
    if (!this.cur) this.onIdle?.(this);
  }

  private finish(): void {
    const h = this.cur!;
    this.cur = null;
    this.state = S.Head;
    if (!this.reusable) this.dropSocket();
    h.onComplete();
    // The handler may already have sent the next request on this connection (closed model).
    if (!this.cur) this.onIdle?.(this);
  }

  private onData(chunk: Buffer): void {
    this.gotBytes = true;
    if (this.headBuf) {
      chunk = Buffer.concat([this.headBuf, chunk]);
      this.headBuf = null;
    }
    let i = 0;
    const len = chunk.length;
    while (i < len) {
      const h = this.cur;
      if (!h) {
        // Bytes nobody asked for: the server is not speaking request/response HTTP/1.1.
        this.dropSocket();
        return;
      }
      switch (this.state) {
        case S.Head: {
          const end = chunk.indexOf(CRLFCRLF, i);
          if (end < 0) {
            if (len - i > MAX_HEAD_BYTES) return this.fail(`response head larger than ${MAX_HEAD_BYTES} bytes`);
            this.headBuf = Buffer.from(chunk.subarray(i));
            return;
          }
          const head = chunk.toString('latin1', i, end);
          i = end + 4;
          if (!head.startsWith('HTTP/1.')) return this.fail(`not an HTTP/1.x response: ${JSON.stringify(head.slice(0, 40))}`);
          const status = Number(head.slice(9, 12));
          if (!(status >= 100 && status < 600)) return this.fail(`bad status line ${JSON.stringify(head.slice(0, 40))}`);
          if (status < 200 && status !== 101) continue; // 100 Continue, 103 Early Hints: the real answer follows
          let contentLength = -1;
          let chunked = false;
          if (head.startsWith('HTTP/1.0')) this.reusable = false;
          let p = head.indexOf('\r\n');
          while (p >= 0 && p < head.length) {
            const next = head.indexOf('\r\n', p + 2);
            const lineEnd = next < 0 ? head.length : next;
            const colon = head.indexOf(':', p + 2);
            // Only names of 10..18 characters can be connection (10), content-length (14) or
            // transfer-encoding (17), with room for stray spaces: other lines are never sliced.
            const nameLen = colon - p - 2;
            if (colon > 0 && colon < lineEnd && nameLen >= 10 && nameLen <= 18) {
              const name = head.slice(p + 2, colon).trim().toLowerCase();
              if (name === 'content-length') contentLength = Number(head.slice(colon + 1, lineEnd).trim());
              else if (name === 'transfer-encoding') chunked = /chunked/i.test(head.slice(colon + 1, lineEnd));
              else if (name === 'connection') {
                const v = head.slice(colon + 1, lineEnd).toLowerCase();
                if (v.includes('close')) this.reusable = false;
                else if (v.includes('keep-alive')) this.reusable = true;
              }
            }
            p = next;
          }
          h.onHeaders(status);
          if (this.cur !== h) return; // the handler gave up on this request
          if (this.isHead || status === 204 || status === 304) this.finish();
          else if (chunked) {
            this.state = S.ChunkSize;
            this.line = '';
          } else if (contentLength >= 0 && Number.isFinite(contentLength)) {
            this.remaining = contentLength;
            if (contentLength === 0) this.finish();
            else this.state = S.Body;
          } else {
            this.state = S.UntilClose;
            this.reusable = false;
          }
          break;
        }
        case S.Body:
        case S.ChunkData: {
          const n = Math.min(this.remaining, len - i);
          this.remaining -= n;
          i += n;
          h.onBody(n);
          if (this.remaining === 0) {
            if (this.state === S.Body) this.finish();
            else {
              this.state = S.ChunkEnd;
              this.line = '';
            }
          }
          break;
        }
        case S.ChunkSize:
        case S.ChunkEnd:
        case S.Trailer: {
          const nl = chunk.indexOf(10, i);
          if (nl < 0) {
            this.line += chunk.toString('latin1', i, len);
            if (this.line.length > 8192) return this.fail('chunk header too long');
            return;
          }
          const text = (this.line + chunk.toString('latin1', i, nl)).replace(/\r$/, '');
          this.line = '';
          i = nl + 1;
          if (this.state === S.ChunkEnd) {
            if (text !== '') return this.fail('chunk data not followed by CRLF');
            this.state = S.ChunkSize;
          } else if (this.state === S.ChunkSize) {
            const size = parseInt(text.split(';', 1)[0]!.trim(), 16);
            if (!Number.isFinite(size) || size < 0) return this.fail(`bad chunk size ${JSON.stringify(text.slice(0, 20))}`);
            if (size === 0) this.state = S.Trailer;
            else {
              this.remaining = size;
              this.state = S.ChunkData;
            }
          } else if (text === '') this.finish(); // end of trailers
          break;
        }
        case S.UntilClose: {
          h.onBody(len - i);
          i = len;
          break;
        }
      }
    }
  }
}

/**
 * Up to `size` connections; a request waits in a FIFO when every connection is busy (the open
 * model's latency still counts from its intended start, so the wait is measured).
 */
export class H1Pool {
  private readonly conns: H1Connection[] = [];
  private readonly idle: H1Connection[] = [];
  private queue: { data: Buffer | string; isHead: boolean; handler: H1Handler; at: number; idempotent: boolean }[] = [];
  private qHead = 0;

  constructor(
    private readonly open: SocketFactory,
    private readonly size: number,
    private readonly clock: () => number,
  ) {}

  request(data: Buffer | string, isHead: boolean, handler: H1Handler, idempotent = true): void {
    const now = this.clock();
    let c = this.idle.pop();
    if (!c && this.conns.length < this.size) {
      c = new H1Connection(this.open);
      c.onIdle = (x) => this.release(x);
      this.conns.push(c);
    }
    if (c) c.request(data, isHead, handler, now, idempotent);
    else this.queue.push({ data, isHead, handler, at: now, idempotent });
  }

  private release(c: H1Connection): void {
    if (c.busy) return;
    if (this.qHead < this.queue.length) {
      const q = this.queue[this.qHead]!;
      this.queue[this.qHead++] = undefined as never;
      if (this.qHead > 1024 && this.qHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.qHead);
        this.qHead = 0;
      }
      c.request(q.data, q.isHead, q.handler, this.clock(), q.idempotent);
    } else this.idle.push(c);
  }

  /** Fails requests older than `timeoutMs`, in flight or still queued. Called from a coarse interval. */
  sweep(now: number, timeoutMs: number): void {
    for (const c of this.conns) {
      if (c.busy && now - c.sentAt > timeoutMs) {
        c.abort(codedError(`no response within ${timeoutMs} ms`, 'UND_ERR_HEADERS_TIMEOUT'));
        this.release(c);
      }
    }
    while (this.qHead < this.queue.length && now - this.queue[this.qHead]!.at > timeoutMs) {
      const q = this.queue[this.qHead]!;
      this.queue[this.qHead++] = undefined as never;
      q.handler.onError(codedError(`no connection free within ${timeoutMs} ms`, 'UND_ERR_HEADERS_TIMEOUT'));
    }
  }

  close(): void {
    for (const c of this.conns) c.close();
    this.queue = [];
    this.qHead = 0;
  }
}
