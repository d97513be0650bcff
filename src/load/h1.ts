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
 * `onread` with a reused buffer where possible: then only `chunk[0, len)` was read, and only
 * during the call). The connection writes at once (Node buffers until connected).
 */
export type SocketFactory = (onData: (chunk: Buffer, len?: number) => void) => net.Socket;

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

const enum ConnectionToken {
  None,
  Close,
  KeepAlive,
}

interface Head {
  status: number;
  http10: boolean;
  /** -1 when absent. */
  contentLength: number;
  chunked: boolean;
  connection: ConnectionToken;
}

const LOWER = (b: number) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b);
const NAME_CONTENT_LENGTH = Buffer.from('content-length');
const NAME_TRANSFER_ENCODING = Buffer.from('transfer-encoding');
const NAME_CONNECTION = Buffer.from('connection');
const TOKEN_CHUNKED = Buffer.from('chunked');
const TOKEN_CLOSE = Buffer.from('close');
const TOKEN_KEEP_ALIVE = Buffer.from('keep-alive');

/** `b[from, to)` equals `lower` ignoring ASCII case. */
function equalsLower(b: Buffer, from: number, to: number, lower: Buffer): boolean {
  if (to - from !== lower.length) return false;
  for (let k = 0; k < lower.length; k++) if (LOWER(b[from + k]!) !== lower[k]) return false;
  return true;
}

/** `b[from, to)` contains `lower` ignoring ASCII case. */
function containsLower(b: Buffer, from: number, to: number, lower: Buffer): boolean {
  const last = to - lower.length;
  outer: for (let s = from; s <= last; s++) {
    for (let k = 0; k < lower.length; k++) if (LOWER(b[s + k]!) !== lower[k]) continue outer;
    return true;
  }
  return false;
}

/**
 * Reads a response head `b[from, end)` (without its final CRLFCRLF) straight from the bytes: the
 * status and the three fields that frame the body. Why by hand: the head of every response
 * passes here, and decoding it to a string, then slicing, trimming and lower-casing field names,
 * was the largest share of the client's own CPU per request in a profile against nginx. Other
 * fields are skipped without being looked at. Returns an error message for a malformed head.
 */
function parseHead(b: Buffer, from: number, end: number): Head | string {
  const quote = () => JSON.stringify(b.toString('latin1', from, Math.min(end, from + 40)));
  // "HTTP/1.x SSS"
  if (end - from < 12 || b[from] !== 0x48 || b[from + 1] !== 0x54 || b[from + 2] !== 0x54 || b[from + 3] !== 0x50 || b[from + 4] !== 0x2f || b[from + 5] !== 0x31 || b[from + 6] !== 0x2e) {
    return `not an HTTP/1.x response: ${quote()}`;
  }
  const d0 = b[from + 9]! - 0x30, d1 = b[from + 10]! - 0x30, d2 = b[from + 11]! - 0x30;
  if (b[from + 8] !== 0x20 || d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return `bad status line ${quote()}`;
  const head: Head = { status: d0 * 100 + d1 * 10 + d2, http10: b[from + 7] === 0x30, contentLength: -1, chunked: false, connection: ConnectionToken.None };
  // Field lines: from after the status line's CRLF to `end`.
  let p = b.indexOf(0x0a, from);
  p = p < 0 || p >= end ? end : p + 1;
  while (p < end) {
    let eol = b.indexOf(0x0a, p);
    if (eol < 0 || eol > end) eol = end;
    const lineEnd = eol > p && b[eol - 1] === 0x0d ? eol - 1 : eol;
    // Only names of 10 (connection), 14 (content-length) or 17 (transfer-encoding) characters
    // matter, and field names carry no whitespace before the colon (RFC 9112 section 5.1): look
    // for the colon at those three places only, never scanning the other lines.
    const first = b[p]! | 0x20;
    const colon = first === 0x63 /* c */ ? (b[p + 10] === 0x3a ? p + 10 : b[p + 14] === 0x3a ? p + 14 : -1) : first === 0x74 /* t */ && b[p + 17] === 0x3a ? p + 17 : -1;
    if (colon > p && colon < lineEnd) {
      const nameLen = colon - p;
      let v = colon + 1;
      while (v < lineEnd && (b[v] === 0x20 || b[v] === 0x09)) v++;
      let ve = lineEnd;
      while (ve > v && (b[ve - 1] === 0x20 || b[ve - 1] === 0x09)) ve--;
      if (nameLen === 14 && equalsLower(b, p, colon, NAME_CONTENT_LENGTH)) {
        let n = ve > v ? 0 : NaN;
        for (let k = v; k < ve; k++) {
          const c = b[k]! - 0x30;
          if (c < 0 || c > 9) {
            n = NaN;
            break;
          }
          n = n * 10 + c;
        }
        head.contentLength = n;
      } else if (nameLen === 17 && equalsLower(b, p, colon, NAME_TRANSFER_ENCODING)) {
        head.chunked = containsLower(b, v, ve, TOKEN_CHUNKED);
      } else if (nameLen === 10 && equalsLower(b, p, colon, NAME_CONNECTION)) {
        if (containsLower(b, v, ve, TOKEN_CLOSE)) head.connection = ConnectionToken.Close;
        else if (containsLower(b, v, ve, TOKEN_KEEP_ALIVE)) head.connection = ConnectionToken.KeepAlive;
      }
    }
    p = eol + 1;
  }
  return head;
}

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
    const s = this.open((chunk, len = chunk.length) => {
      if (this.sock === s) this.onData(chunk, len);
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

  /** `chunk[0, len)` was read (the buffer may be a reused read buffer: bytes past `len` are stale). */
  private onData(chunk: Buffer, len: number): void {
    this.gotBytes = true;
    if (this.headBuf) {
      chunk = Buffer.concat([this.headBuf, chunk.subarray(0, len)]);
      len = chunk.length;
      this.headBuf = null;
    }
    let i = 0;
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
          // A reused read buffer holds stale bytes past `len`: a match there is no match.
          if (end < 0 || end + 4 > len) {
            if (len - i > MAX_HEAD_BYTES) return this.fail(`response head larger than ${MAX_HEAD_BYTES} bytes`);
            this.headBuf = Buffer.from(chunk.subarray(i, len));
            return;
          }
          const head = parseHead(chunk, i, end);
          i = end + 4;
          if (typeof head === 'string') return this.fail(head);
          const status = head.status;
          if (status < 200 && status !== 101) continue; // 100 Continue, 103 Early Hints: the real answer follows
          const contentLength = head.contentLength;
          const chunked = head.chunked;
          if (head.connection === ConnectionToken.Close || (head.http10 && head.connection !== ConnectionToken.KeepAlive)) this.reusable = false;
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
          let nl = chunk.indexOf(10, i);
          if (nl >= len) nl = -1; // stale bytes of a reused read buffer
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
