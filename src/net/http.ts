/**
 * HTTP client for gatherers, on undici with our own connector. The connector is hand-written (not
 * undici's `buildConnector`) because per-connection options are needed that undici's builder fixes at
 * creation: the TCP target comes from --connect-to rules and a configured DNS server, while SNI and the
 * certificate-name check stay those of the URL's host (curl semantics).
 *
 * Guarantees: one deadline per request (connect + headers + body + redirects), bodies read as a
 * stream and cut at maxBodyBytes (socket destroyed, never buffered whole), manual redirects with
 * loop and scope checks, and no throw: every failure comes back as `error: {code, message}`.
 */
import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { Agent, request as undiciRequest, type buildConnector, type Dispatcher } from 'undici';
import { mapConnect } from './connect-to.js';
import { NetFailure, isCertVerifyCode, resolveHost, trustedCa, type LookupFn } from './resolve.js';
import type { HttpClient, HttpErrorCode, HttpExchange, HttpRequest, NetOptions } from './types.js';

export type HttpClientOptions = NetOptions & { lookup?: LookupFn };

const USER_AGENT = 'launchready (+https://github.com/launchready/launchready)';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Network errors worth trying the next resolved address for. */
const TRY_NEXT_ADDRESS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT']);
/** Bytes of a redirect response body read before the socket is dropped (so keep-alive stays useful). */
const REDIRECT_BODY_DRAIN = 64 * 1024;

function makeConnector(o: HttpClientOptions, remoteByOrigin: Map<string, string>): buildConnector.connector {
  const ca = trustedCa(o.extraCaPem);
  return (copts, callback) => {
    const isTls = copts.protocol === 'https:';
    const origHost = copts.hostname.replace(/^\[(.*)\]$/, '$1');
    const origPort = Number(copts.port) || (isTls ? 443 : 80);
    const target = mapConnect(o.connectTo, origHost, origPort);
    let settled = false;
    let current: net.Socket | null = null;
    const finish = (err: Error | null, sock: net.Socket | null): void => {
      if (settled) {
        sock?.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (err) callback(err, null);
      else callback(null, sock!);
    };
    const timer = setTimeout(() => {
      current?.destroy();
      finish(new NetFailure('TIMEOUT', 'ETIMEDOUT', `connect to ${target.host}:${target.port} timed out after ${o.timeoutMs} ms`), null);
    }, o.timeoutMs);

    const attempt = (addrs: { address: string }[], i: number): void => {
      const address = addrs[i]!.address;
      const onError = (err: NodeJS.ErrnoException): void => {
        sock.destroy();
        if (!settled && TRY_NEXT_ADDRESS.has(err.code ?? '') && i + 1 < addrs.length) attempt(addrs, i + 1);
        else finish(err, null);
      };
      const onReady = (): void => {
        sock.off('error', onError);
        remoteByOrigin.set(`${copts.protocol}//${origHost}:${origPort}`, address);
        finish(null, sock);
      };
      const sock: net.Socket = isTls
        ? tls.connect({
            host: address,
            port: target.port,
            // SNI must be a name, never an IP literal (RFC 6066 section 3).
            servername: net.isIP(origHost) ? undefined : origHost,
            ca,
            ALPNProtocols: ['http/1.1'],
            // Verify the certificate against the URL's host, not the --connect-to address.
            checkServerIdentity: (_h, cert) => tls.checkServerIdentity(origHost, cert),
          })
        : net.connect({ host: address, port: target.port });
      current = sock;
      sock.once('error', onError);
      sock.once(isTls ? 'secureConnect' : 'connect', onReady);
    };

    resolveHost(target.host, o.lookup).then(
      (addrs) => {
        if (!settled) attempt(addrs, 0);
      },
      (err: Error) => finish(err, null),
    );
  };
}

function normalizeHeaders(h: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    const key = k.toLowerCase();
    out[key] = key === 'set-cookie' && !Array.isArray(v) ? [v] : v;
  }
  return out;
}

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Map any failure to the HttpErrorCode vocabulary. TLS messages keep the OpenSSL code. */
export function classifyHttpError(err: unknown): { code: HttpErrorCode; message: string } {
  const e = err as NodeJS.ErrnoException & { kind?: string };
  const code = e?.code ?? '';
  const message = String(e?.message ?? err);
  if (err instanceof NetFailure) return { code: err.kind, message };
  if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA', 'ESERVFAIL', 'ENONAME'].includes(code)) return { code: 'DNS', message };
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO' || isCertVerifyCode(code)) {
    return { code: 'TLS', message: message.includes(code) ? message : `${code}: ${message}` };
  }
  if (
    code.startsWith('HPE_') ||
    e?.name === 'HTTPParserError' ||
    ['UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_EXCEEDED_MAX_SIZE', 'UND_ERR_INFO'].includes(code)
  ) {
    return { code: 'PROTOCOL', message: code ? `${code}: ${message}` : message };
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { code: 'TIMEOUT', message };
  }
  if (['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT', 'EADDRNOTAVAIL', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(code)) {
    return { code: 'CONNECT', message: code && !message.includes(code) ? `${code}: ${message}` : message };
  }
  if (code === 'UND_ERR_ABORTED' || e?.name === 'AbortError') return { code: 'ABORTED', message };
  return { code: 'ERROR', message: code ? `${code}: ${message}` : message };
}

async function readCapped(body: Dispatcher.ResponseData['body'], cap: number): Promise<{ buf: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let n = 0;
  let truncated = false;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = cap - n;
    if (chunk.length > room) {
      if (room > 0) chunks.push(chunk.subarray(0, room));
      n += Math.max(room, 0);
      truncated = true;
      break; // leaving for-await destroys the stream; undici then drops the socket mid-body
    }
    chunks.push(chunk);
    n += chunk.length;
  }
  if (truncated) body.destroy();
  return { buf: Buffer.concat(chunks, n), truncated };
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const remoteByOrigin = new Map<string, string>();
  const agent = new Agent({
    connect: makeConnector(opts, remoteByOrigin),
    connections: opts.concurrency,
    keepAliveTimeout: 4_000,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
  });

  async function request(req: HttpRequest): Promise<HttpExchange> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const timeoutMs = req.timeoutMs ?? opts.timeoutMs;
    const maxBody = req.maxBodyBytes ?? opts.maxBodyBytes;
    const maxRedirects = req.maxRedirects ?? 0;
    const ex: HttpExchange = {
      url: req.url, method, finalUrl: req.url, status: 0, headers: {}, body: '', bodyBytes: 0,
      truncated: false, redirects: [], timing: { totalMs: 0 },
    };
    const fail = (code: HttpErrorCode, message: string): void => {
      ex.error = { code, message };
    };

    // One controller carries both our deadline and the caller's signal.
    const ac = new AbortController();
    let why: 'timeout' | 'aborted' | null = null;
    const timer = setTimeout(() => {
      why ??= 'timeout';
      ac.abort();
    }, timeoutMs);
    const onCallerAbort = (): void => {
      why ??= 'aborted';
      ac.abort();
    };
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (req.signal?.aborted) onCallerAbort();

    try {
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        fail('ERROR', `invalid URL "${req.url}"`);
        return ex;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        fail('ERROR', `unsupported scheme in "${req.url}" (http and https only)`);
        return ex;
      }
      if (req.scope && !req.scope(url)) {
        fail('OFF_SCOPE', `${url.host} is not in scope; not requested`);
        return ex;
      }
      ex.finalUrl = url.href;
      const seen = new Set([url.href]);
      let curMethod = method;
      let body = req.body;
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...lowerKeys(req.headers ?? {}) };
      delete headers.host; // undici derives Host from the URL, which is what --connect-to requires

      for (;;) {
        if (ac.signal.aborted) throw new Error('aborted');
        const res = await undiciRequest(url, {
          dispatcher: agent,
          method: curMethod as Dispatcher.HttpMethod,
          headers,
          body: body as string | Uint8Array | undefined,
          signal: ac.signal,
          // The agent's defaults are the client's timeout; a longer per-request one must win.
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        ex.timing.ttfbMs = Math.round(performance.now() - started);
        ex.status = res.statusCode;
        ex.headers = normalizeHeaders(res.headers);
        ex.remoteAddress = remoteByOrigin.get(`${url.protocol}//${url.hostname.replace(/^\[(.*)\]$/, '$1')}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`);
        const location = firstHeader(ex.headers.location);

        if (!(maxRedirects > 0 && REDIRECT_STATUSES.has(res.statusCode) && location !== undefined)) {
          const { buf, truncated } = await readCapped(res.body, maxBody);
          ex.body = buf.toString('utf8');
          ex.bodyBytes = buf.length;
          ex.truncated = truncated;
          break;
        }

        // A redirect we may follow. When we stop (loop, limit, scope), every redirect response is in
        // `redirects`, finalUrl is the target we did not request and status is 0.
        await res.body.dump({ limit: REDIRECT_BODY_DRAIN }).catch(() => {});
        ex.redirects.push({ url: url.href, status: res.statusCode, location });
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          fail('PROTOCOL', `invalid Location "${location}" from ${url.href}`);
          break;
        }
        const stop = (code: HttpErrorCode, message: string): void => {
          ex.finalUrl = next.href;
          ex.status = 0;
          ex.headers = {};
          fail(code, message);
        };
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          stop('PROTOCOL', `redirect to unsupported scheme "${next.protocol}"`);
          break;
        }
        if (seen.has(next.href)) {
          stop('REDIRECT_LOOP', `redirect loop: ${next.href} was already visited`);
          break;
        }
        if (ex.redirects.length > maxRedirects) {
          stop('TOO_MANY_REDIRECTS', `more than ${maxRedirects} redirects`);
          break;
        }
        if (req.scope && !req.scope(next)) {
          stop('OFF_SCOPE', `redirect to ${next.host} is off scope; not followed`);
          break;
        }
        // Browsers turn POST into GET on 301/302, and everything but HEAD into GET on 303.
        if (res.statusCode === 303 ? curMethod !== 'HEAD' : (res.statusCode === 301 || res.statusCode === 302) && curMethod === 'POST') {
          curMethod = 'GET';
          body = undefined;
          delete headers['content-type'];
          delete headers['content-length'];
        }
        // Credentials never follow a redirect to another origin (as in fetch and curl).
        if (next.origin !== url.origin) {
          delete headers.authorization;
          delete headers.cookie;
        }
        seen.add(next.href);
        url = next;
        ex.finalUrl = url.href;
      }
    } catch (err) {
      if (why === 'timeout') fail('TIMEOUT', `no complete response from ${ex.finalUrl} within ${timeoutMs} ms`);
      else if (why === 'aborted') fail('ABORTED', 'request aborted by caller');
      else ex.error = classifyHttpError(err);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
      ex.timing.totalMs = Math.round(performance.now() - started);
    }
    return ex;
  }

  return {
    request,
    async close() {
      // destroy, not close: close() would wait for requests stuck on a hostile server.
      await agent.destroy().catch(() => {});
    },
  };
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}
