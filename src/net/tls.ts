/**
 * TLS prober: one handshake, reported as data. Verification never aborts the handshake
 * (rejectUnauthorized false) so an expired or self-signed certificate is still described in full;
 * the verdict is recorded in `authorized` / `authorizationError` / `hostnameMatches` instead.
 */
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
// @peculiar/x509 uses tsyringe, which needs the Reflect metadata API at import time; this import
// must stay above it (ESM evaluates sibling imports in order).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import pLimit from 'p-limit';
import { mapConnect } from './connect-to.js';
import { NetFailure, resolveHost, type LookupFn } from './resolve.js';
import type { CertSummary, NetOptions, TlsProbeRequest, TlsProber, TlsSummary } from './types.js';

export type TlsProberOptions = NetOptions & { lookup?: LookupFn };

const VERSION_RANK: Record<string, number> = { TLSv1: 0, 'TLSv1.1': 1, 'TLSv1.2': 2, 'TLSv1.3': 3 };
/** Issuer links followed at most this far (a real chain has 2-4 certificates). */
const MAX_CHAIN = 10;

function dnToString(dn: tls.Certificate | undefined): string {
  if (!dn) return '';
  return Object.entries(dn)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

/** `DNS:a.example, IP Address:127.0.0.1` -> ['a.example', '127.0.0.1'] (quoted entries unwrapped). */
export function parseSubjectAltNames(s: string | undefined): string[] {
  if (!s) return [];
  const out: string[] = [];
  // Node quotes entries that contain a comma, e.g. DNS:"a,b"; split on ", " outside quotes.
  const re = /(DNS|IP Address|email|URI|DirName|othername|Registered ID):("(?:[^"\\]|\\.)*"|[^,]*)(?:,\s*|$)/g;
  for (const m of s.matchAll(re)) {
    const v = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
    if (m[1] === 'DNS' || m[1] === 'IP Address') out.push(v.trim());
  }
  return out;
}

/** Node's certificate dates ("Mar  1 00:00:00 2025 GMT") as ISO 8601. */
function isoDate(s: string): string {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString();
}

export function summarizeCert(c: tls.DetailedPeerCertificate): CertSummary {
  const s: CertSummary = {
    subject: dnToString(c.subject),
    issuer: dnToString(c.issuer),
    subjectAltNames: parseSubjectAltNames(c.subjectaltname),
    validFrom: isoDate(c.valid_from),
    validTo: isoDate(c.valid_to),
    serialNumber: c.serialNumber,
    fingerprint256: c.fingerprint256,
    selfSigned: false,
    isCA: false,
  };
  const cn = c.subject?.CN;
  if (cn) s.commonName = Array.isArray(cn) ? cn[0] : cn;
  try {
    const x = new X509Certificate(c.raw);
    s.isCA = x.ca;
    // Self-signed = same subject and issuer and signed by its own key (a matching name alone is not
    // proof). Not x.checkIssued(x): OpenSSL also demands keyCertSign there, which leaf-style
    // self-signed certificates lack.
    s.selfSigned = x.subject === x.issuer && x.verify(x.publicKey);
    const key = x.publicKey;
    const t = key.asymmetricKeyType;
    s.keyType = t === 'rsa' || t === 'rsa-pss' ? 'RSA' : t === 'ec' ? 'EC' : t === 'ed25519' ? 'Ed25519' : t === 'ed448' ? 'Ed448' : t === 'dsa' ? 'DSA' : t;
    const d = key.asymmetricKeyDetails;
    if (d?.modulusLength) s.keyBits = d.modulusLength;
    else if (d?.namedCurve) s.keyBits = { prime256v1: 256, secp384r1: 384, secp521r1: 521 }[d.namedCurve] ?? c.bits;
    else if (t === 'ed25519') s.keyBits = 256;
    else if (c.bits) s.keyBits = c.bits;
  } catch {
    s.keyBits = c.bits || undefined;
  }
  try {
    // node:crypto does not expose the signature algorithm; @peculiar/x509 parses it from the DER.
    const alg = new x509.X509Certificate(c.raw).signatureAlgorithm as { name?: string; hash?: { name?: string } };
    if (alg?.name) s.signatureAlgorithm = alg.hash?.name ? `${alg.hash.name}with${alg.name}` : alg.name;
  } catch {
    /* unknown algorithm: leave undefined */
  }
  return s;
}

/** Leaf first, following issuerCertificate; stops at a self-reference, a repeat, or MAX_CHAIN. */
export function chainOf(leaf: tls.DetailedPeerCertificate): CertSummary[] {
  const out: CertSummary[] = [];
  const seen = new Set<string>();
  let cur: tls.DetailedPeerCertificate | undefined = leaf;
  while (cur && cur.raw && out.length < MAX_CHAIN && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    out.push(summarizeCert(cur));
    if (cur.issuerCertificate === cur) break;
    cur = cur.issuerCertificate;
  }
  return out;
}

export function createTlsProber(opts: TlsProberOptions): TlsProber {
  const ca = opts.extraCaPem?.trim() ? [...tls.rootCertificates, opts.extraCaPem] : [...tls.rootCertificates];

  async function probe(req: TlsProbeRequest): Promise<TlsSummary> {
    const started = performance.now();
    const port = req.port ?? 443;
    const host = req.host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
    const servername = req.servername ?? (net.isIP(host) ? undefined : host);
    const timeoutMs = req.timeoutMs ?? opts.timeoutMs;
    const out: TlsSummary = {
      host, port, servername, authorized: false, hostnameMatches: false, chain: [], ocspStapled: false, elapsedMs: 0,
    };
    const target = mapConnect(opts.connectTo, host, port);
    const deadline = started + timeoutMs;

    try {
      const addrs = await withTimeout(resolveHost(target.host, opts.lookup), timeoutMs, `resolving ${target.host}`);
      const address = addrs[0]!.address;
      out.address = address;
      await new Promise<void>((resolve) => {
        const legacy = VERSION_RANK[req.minVersion ?? 'TLSv1.2']! < 2;
        // requestOCSP is honoured by tls.connect (it builds the TLSSocket with it) but missing from
        // @types/node's ConnectionOptions, hence the widened type.
        const connectOpts: tls.ConnectionOptions & { requestOCSP: boolean } = {
          host: address,
          port: target.port,
          servername,
          ca,
          rejectUnauthorized: false,
          requestOCSP: true,
          // Node folds the hostname check into `authorized`; the contract keeps the two apart
          // (authorized = chain only, hostnameMatches = name), so the built-in check is disabled here.
          checkServerIdentity: () => undefined,
          ALPNProtocols: ['h2', 'http/1.1'],
          minVersion: req.minVersion,
          maxVersion: req.maxVersion,
          // OpenSSL 3 refuses TLS 1.0/1.1 (and SHA-1 signatures) at the default security level 1+;
          // SECLEVEL=0 lets us offer them so a legacy-only server can be detected at all.
          ...(legacy ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
        };
        const socket = tls.connect(connectOpts);
        let done = false;
        const finish = (err?: { code: string; message: string }): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          if (err) out.error = err;
          socket.destroy();
          resolve();
        };
        const timer = setTimeout(
          () => finish({ code: 'TIMEOUT', message: `no TLS handshake with ${target.host}:${target.port} within ${timeoutMs} ms` }),
          Math.max(1, deadline - performance.now()),
        );
        socket.on('OCSPResponse', (resp: Buffer) => {
          out.ocspStapled = !!resp && resp.length > 0;
        });
        socket.once('error', (err: NodeJS.ErrnoException) => {
          finish({ code: err.code ?? 'ERROR', message: err.message });
        });
        socket.once('secureConnect', () => {
          out.protocol = socket.getProtocol() ?? undefined;
          out.cipher = socket.getCipher()?.name;
          out.alpn = socket.alpnProtocol ?? false;
          out.authorized = socket.authorized;
          if (!socket.authorized && socket.authorizationError) {
            const ae = socket.authorizationError as Error & { code?: string };
            out.authorizationError = typeof ae === 'string' ? ae : (ae.code ?? ae.message);
          }
          const leaf = socket.getPeerCertificate(true);
          if (!leaf || !leaf.raw) {
            finish({ code: 'NO_CERTIFICATE', message: 'server sent no certificate' });
            return;
          }
          out.chain = chainOf(leaf);
          const nameToCheck = servername ?? host;
          const idErr = tls.checkServerIdentity(nameToCheck, leaf);
          out.hostnameMatches = idErr === undefined;
          if (idErr) out.hostnameError = (idErr as NodeJS.ErrnoException).code ?? idErr.message;
          finish();
        });
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      out.error = { code: err instanceof NetFailure ? (err.kind === 'DNS' ? 'DNS' : err.kind) : (e.code ?? 'ERROR'), message: e.message };
    }
    out.elapsedMs = Math.round(performance.now() - started);
    return out;
  }

  // At most `concurrency` handshakes in flight; the rest queue (their timeout starts when they run).
  const limit = pLimit(Math.max(1, opts.concurrency));
  return { probe: (req) => limit(() => probe(req)) };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new NetFailure('TIMEOUT', 'TIMEOUT', `${what} timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
