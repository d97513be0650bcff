/**
 * Interfaces of src/net, the only place that opens sockets.
 * Gatherers receive a `Net` in their context and never import node:net/tls/http/dns themselves.
 * Every call has a timeout; none throws for a network failure: failures come back as data
 * (`error` fields, `rcode`), so a hostile or broken target becomes a finding, not a crash.
 */

// ---------------------------------------------------------------- options

/** curl --connect-to rule: connect to `toHost:toPort` when asked for `host:port` ('' matches any). */
export interface ConnectToRule {
  host: string;
  port: string;
  toHost: string;
  toPort: string;
}

export interface NetOptions {
  /** DNS servers as `host:port` (or `host`, port 53). Empty: the system's (dns.getServers()). */
  resolvers: string[];
  connectTo: ConnectToRule[];
  /** Extra trusted root certificates, PEM text (already read from `network.ca`). */
  extraCaPem?: string;
  /** Per-step timeout in ms (DNS query, TCP connect + TLS handshake, whole HTTP exchange). */
  timeoutMs: number;
  /** Maximum concurrent sockets per kind. */
  concurrency: number;
  /** Response body cap in bytes (bodies are truncated beyond it, never buffered whole). */
  maxBodyBytes: number;
}

// ---------------------------------------------------------------- DNS

export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS' | 'SOA' | 'CAA' | 'PTR' | 'SRV';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'FORMERR' | 'NOTIMP' | 'TIMEOUT' | 'ERROR';

export type DnsRecord =
  | { name: string; type: 'A' | 'AAAA'; ttl: number; address: string }
  | { name: string; type: 'CNAME' | 'NS' | 'PTR'; ttl: number; target: string }
  | { name: string; type: 'MX'; ttl: number; priority: number; exchange: string }
  /** `strings` keeps the character-strings as published; join them for the value. */
  | { name: string; type: 'TXT'; ttl: number; strings: string[] }
  | { name: string; type: 'CAA'; ttl: number; flags: number; tag: string; value: string }
  | {
      name: string; type: 'SOA'; ttl: number; mname: string; rname: string;
      serial: number; refresh: number; retry: number; expire: number; minimum: number;
    }
  | { name: string; type: 'SRV'; ttl: number; priority: number; weight: number; port: number; target: string };

export interface DnsAnswer {
  /** Queried name, lower case, no trailing dot. */
  name: string;
  type: RecordType;
  rcode: Rcode;
  /** Answer section, in order (a CNAME chain comes first, then the records of the final name). */
  answers: DnsRecord[];
  /** Server that answered (`host:port`). */
  server?: string;
  elapsedMs: number;
  /** Set when rcode is TIMEOUT or ERROR. */
  error?: string;
}

export interface DnsClient {
  /** One query; cached for the life of the client and de-duplicated while in flight. */
  query(name: string, type: RecordType): Promise<DnsAnswer>;
  /** Addresses for connecting (A then AAAA), through the configured servers. */
  lookup(host: string): Promise<{ address: string; family: 4 | 6 }[]>;
}

// ---------------------------------------------------------------- HTTP

/** Decides whether a request to `url` may be sent (scope lock for active probes). */
export type ScopeGuard = (url: URL) => boolean;

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Follow redirects manually up to this many hops (0 = do not follow). Default 0. */
  maxRedirects?: number;
  /** When set, a redirect to a URL the guard refuses is recorded, not followed. */
  scope?: ScopeGuard;
  signal?: AbortSignal;
}

export interface RedirectHop {
  url: string;
  status: number;
  location: string | null;
}

export type HttpErrorCode =
  | 'TIMEOUT' | 'CONNECT' | 'DNS' | 'TLS' | 'PROTOCOL' | 'REDIRECT_LOOP' | 'TOO_MANY_REDIRECTS'
  | 'OFF_SCOPE' | 'ABORTED' | 'ERROR';

export interface HttpExchange {
  /** URL first requested. */
  url: string;
  method: string;
  /** URL of the last response (after redirects followed). */
  finalUrl: string;
  /** 0 when no response arrived (see error). */
  status: number;
  /** Lower-case names; repeated headers (set-cookie) keep every value in order. */
  headers: Record<string, string | string[]>;
  /** Body as UTF-8 text, at most maxBodyBytes. */
  body: string;
  /** Bytes received (up to the cap). */
  bodyBytes: number;
  truncated: boolean;
  /** Hops before finalUrl, each with its status and Location. */
  redirects: RedirectHop[];
  timing: { totalMs: number; ttfbMs?: number };
  remoteAddress?: string;
  error?: { code: HttpErrorCode; message: string };
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpExchange>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- TLS

export interface CertSummary {
  subject: string;
  /** Common name of the subject, when present. */
  commonName?: string;
  issuer: string;
  subjectAltNames: string[];
  validFrom: string; // ISO 8601
  validTo: string; // ISO 8601
  serialNumber: string;
  fingerprint256: string;
  keyType?: string; // 'RSA' | 'EC' | 'Ed25519' ...
  keyBits?: number;
  signatureAlgorithm?: string;
  selfSigned: boolean;
  isCA: boolean;
}

export interface TlsProbeRequest {
  host: string;
  port?: number;
  /** SNI; defaults to host when it is a name. */
  servername?: string;
  minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  timeoutMs?: number;
}

export interface TlsSummary {
  host: string;
  port: number;
  servername?: string;
  address?: string;
  protocol?: string; // 'TLSv1.3'
  cipher?: string;
  alpn?: string | false;
  /** Chain verification against system roots + extra CA (hostname not included). */
  authorized: boolean;
  /** OpenSSL code, e.g. CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, DEPTH_ZERO_SELF_SIGNED_CERT. */
  authorizationError?: string;
  /** Whether the leaf covers `servername` (tls.checkServerIdentity). */
  hostnameMatches: boolean;
  hostnameError?: string;
  /** Leaf first, as sent by the server (issuer links followed while present). */
  chain: CertSummary[];
  ocspStapled: boolean;
  elapsedMs: number;
  error?: { code: string; message: string };
}

export interface TlsProber {
  probe(req: TlsProbeRequest): Promise<TlsSummary>;
}

/** Everything a gatherer may use to reach the network. */
export interface Net {
  options: NetOptions;
  dns: DnsClient;
  http: HttpClient;
  tls: TlsProber;
  close(): Promise<void>;
}
