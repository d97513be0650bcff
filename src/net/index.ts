/**
 * The one entry point gatherers get: `createNet(options)` wires the DNS client, the HTTP client and
 * the TLS prober together so all three honour the same resolvers, --connect-to rules, CA and limits.
 */
import { createDnsClient } from './dns.js';
import { createHttpClient } from './http.js';
import { createTlsProber } from './tls.js';
import type { Net, NetOptions } from './types.js';

export { parseConnectTo, mapConnect } from './connect-to.js';
export { createScopeGuard, isLoopback } from './scope.js';
export { createHttpClient, classifyHttpError, type HttpClientOptions } from './http.js';
export { createTlsProber, summarizeCert, parseSubjectAltNames, type TlsProberOptions } from './tls.js';
export type { LookupFn } from './resolve.js';
export type * from './types.js';

/** Defaults matching config/schema.ts (`network`): 5 s per step, 16 sockets, 2 MiB bodies. */
export function defaultNetOptions(): NetOptions {
  return { resolvers: [], connectTo: [], timeoutMs: 5_000, concurrency: 16, maxBodyBytes: 2 * 1024 * 1024 };
}

export function createNet(options: NetOptions): Net {
  const dns = createDnsClient({ servers: options.resolvers, timeoutMs: options.timeoutMs });
  // With configured resolvers, HTTP and TLS resolve through them too (testing before DNS cutover);
  // without, they use the system's getaddrinfo, which also honours /etc/hosts as users expect.
  const lookup = options.resolvers.length > 0 ? (host: string) => dns.lookup(host) : undefined;
  const http = createHttpClient({ ...options, lookup });
  const tls = createTlsProber({ ...options, lookup });
  return {
    options,
    dns,
    http,
    tls,
    async close() {
      await http.close();
      dns.close();
    },
  };
}
