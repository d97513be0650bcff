/**
 * Shared by http.ts and tls.ts: name resolution through the configured lookup (a DNS server from
 * the config) or the system, and the trust store (system roots + extra CA).
 */
import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import tls from 'node:tls';

export type LookupFn = (host: string) => Promise<{ address: string; family: 4 | 6 }[]>;

/** A failure we classify ourselves (the code travels through undici unchanged). */
export class NetFailure extends Error {
  override name = 'NetFailure';
  constructor(
    readonly kind: 'DNS' | 'CONNECT' | 'TIMEOUT',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Addresses for `host`: IP literals as-is, `localhost` as loopback, else `lookup` or the system resolver. */
export async function resolveHost(host: string, lookup?: LookupFn): Promise<{ address: string; family: 4 | 6 }[]> {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  const fam = isIP(h);
  if (fam) return [{ address: h, family: fam as 4 | 6 }];
  // Like curl, `localhost` never goes to a DNS server (a configured test resolver rarely knows it).
  if (h.toLowerCase() === 'localhost' || h.toLowerCase().endsWith('.localhost')) return [{ address: '127.0.0.1', family: 4 }];
  let out: { address: string; family: 4 | 6 }[];
  try {
    out = lookup
      ? await lookup(h)
      : (await dnsPromises.lookup(h, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new NetFailure('DNS', e.code ?? 'ENOTFOUND', `cannot resolve ${h}: ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' '));
  }
  if (out.length === 0) throw new NetFailure('DNS', 'ENOTFOUND', `cannot resolve ${h}: no A/AAAA records`);
  return out;
}

/**
 * CA list for verification: node's bundled roots plus the extra PEM. Passing `ca` replaces node's
 * default store, so the roots must be added back explicitly. Undefined = node's default store.
 */
export function trustedCa(extraCaPem?: string): string[] | undefined {
  if (!extraCaPem || !extraCaPem.trim()) return undefined;
  return [...tls.rootCertificates, extraCaPem];
}

/** OpenSSL certificate-verification codes as node reports them (X509_V_ERR_* without the prefix). */
export function isCertVerifyCode(code: string): boolean {
  return (
    /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|INVALID_|PATH_LENGTH_|HOSTNAME_MISMATCH|ERROR_IN_CERT_|OUT_OF_MEM|KEYUSAGE_|EE_KEY_TOO_SMALL|CA_KEY_TOO_SMALL|CA_MD_TOO_WEAK)/.test(code) ||
    code === 'ERR_TLS_CERT_ALTNAME_INVALID'
  );
}
