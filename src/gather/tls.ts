/**
 * TLS handshake summary of every name that resolves, on port 443 (connectTo may route it
 * elsewhere), plus two extra handshakes pinned to TLS 1.0 and TLS 1.1 (tls/legacy-protocol).
 * The three run concurrently, so a name costs one handshake of wall time, not three; a server
 * that accepts only legacy versions is still seen (its default-range probe fails, the pinned
 * one succeeds).
 */
import { defineGatherer } from '../core/audit.js';
import type { TlsProber, TlsSummary } from '../net/types.js';
import type { TlsNameSummary } from './artifacts.js';
import { mapLimit } from './limit.js';
import { reachableNames } from './reachable.js';

/** Error codes that mean "the server refused this protocol version" rather than "no answer". */
function refusedVersion(s: TlsSummary): boolean {
  const e = s.error;
  if (!e) return false;
  return /VERSION|PROTOCOL|HANDSHAKE_FAILURE|ALERT|NO_PROTOCOLS|NO_SHARED_CIPHER|UNSUPPORTED|ECONNRESET/i.test(`${e.code} ${e.message}`);
}

/** One name: the normal handshake and the two legacy ones. */
export async function probeName(tls: TlsProber, host: string, port = 443, servername: string = host): Promise<TlsNameSummary> {
  const [main, v10, v11] = await Promise.all([
    tls.probe({ host, port, servername }),
    tls.probe({ host, port, servername, minVersion: 'TLSv1', maxVersion: 'TLSv1' }),
    tls.probe({ host, port, servername, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1' }),
  ]);
  const errors: Record<string, string> = {};
  for (const [k, s] of [['tls1_0', v10], ['tls1_1', v11]] as const) {
    if (s.error && !refusedVersion(s)) errors[k] = s.error.code;
  }
  // A server that speaks only legacy versions fails the default probe; the legacy summary then
  // describes its certificate, so the certificate rules still see it.
  const base: TlsSummary = main.error && !v11.error ? v11 : main.error && !v10.error ? v10 : main;
  return {
    ...base,
    legacy: {
      tls1_0: !v10.error && v10.protocol === 'TLSv1',
      tls1_1: !v11.error && v11.protocol === 'TLSv1.1',
      ...(Object.keys(errors).length ? { errors } : {}),
    },
  };
}

export default defineGatherer({
  id: 'tls',
  title: 'Checking TLS certificates and protocol versions',
  dependsOn: ['targets', 'dns'],
  async gather(ctx) {
    const r = reachableNames(ctx);
    if (!r) return { error: { code: 'NOT_CONFIGURED', message: 'no domains in config' } };
    const { names } = r;
    return mapLimit(names, ctx.config.network.concurrency, (n) => probeName(ctx.net.tls, n.name));
  },
});
