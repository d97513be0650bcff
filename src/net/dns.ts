/**
 * The DNS client every gatherer uses (through `Net.dns`).
 *
 * Why wire-level (dns-packet over node:dgram / node:net) and not node:dns:
 * - node:dns (c-ares) folds SERVFAIL, REFUSED and timeouts into error codes that cannot be told
 *   apart reliably (ESERVFAIL vs ETIMEOUT vs ECONNREFUSED depend on c-ares retries), while our
 *   audits must distinguish NXDOMAIN (name gone) from SERVFAIL (zone broken) from TIMEOUT;
 * - it hides the CNAME chain (resolveX returns only the final data), which dangling-CNAME and
 *   SPF/DMARC checks need;
 * - a Resolver cannot be given a per-client list of `host:port` servers with exact per-try
 *   timeout and retry counts (ours must hit the test server on a random port, and nothing else).
 *
 * No function here throws for a network problem: every outcome is a `DnsAnswer` with an rcode.
 */
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { domainToASCII } from 'node:url';
import dnsPacket from 'dns-packet';
import pLimit from 'p-limit';
import { UsageError } from '../core/errors.js';
import type { DnsAnswer, DnsClient, DnsRecord, Rcode, RecordType } from './types.js';

export interface DnsClientOptions {
  /** 'host:port', 'host' (port 53), '[::1]:53' or a bare IPv6 address. Empty: dns.getServers(). */
  servers: string[];
  /** Per try, per server (UDP exchange, or TCP exchange after truncation). */
  timeoutMs: number;
  /** Extra full passes over the servers after timeouts/socket errors. Default 1. */
  retries?: number;
  /** Concurrent queries on the wire. Default 32. */
  concurrency?: number;
}

export interface DnsServerAddress {
  host: string;
  port: number;
}

export type DnsClientHandle = DnsClient & { close(): void; stats(): { queries: number; cacheHits: number } };

/** EDNS0 buffer we advertise: the DNS Flag Day 2020 value, small enough to avoid IP fragmentation. */
const EDNS_UDP_SIZE = 1232;
const SUPPORTED: ReadonlySet<string> = new Set(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'CAA', 'PTR', 'SRV']);
const KNOWN_RCODES: ReadonlySet<string> = new Set(['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'FORMERR', 'NOTIMP']);

// ---------------------------------------------------------------- helpers

/** Parse one resolver spec. Throws UsageError naming the bad value (configuration, not network). */
export function parseServer(spec: string): DnsServerAddress {
  const s = spec.trim();
  let host: string;
  let port = '53';
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) {
    host = bracket[1]!;
    if (bracket[2]) port = bracket[2];
  } else if (net.isIPv6(s)) {
    host = s;
  } else {
    const m = /^([^:\s]+)(?::(\d+))?$/.exec(s);
    if (!m) throw new UsageError(`invalid DNS server "${spec}": expected host, host:port or [ipv6]:port`);
    host = m[1]!;
    if (m[2]) port = m[2];
  }
  const p = Number(port);
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new UsageError(`invalid DNS server "${spec}": bad port ${port}`);
  return { host, port: p };
}

function formatServer(s: DnsServerAddress): string {
  return net.isIPv6(s.host) ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

/**
 * Lower case, no trailing dot, IDN labels as punycode. Pure-ASCII names skip domainToASCII on
 * purpose: WHATWG host parsing rewrites numeric-looking names ('1.2.3' -> '1.2.0.3'), which would
 * corrupt names such as SPF macro expansions; ASCII names only get length and character checks.
 */
export function normaliseName(input: string): { name: string } | { error: string } {
  let n = input.trim().toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  if (n === '') return { error: `invalid DNS name "${input}": empty` };
  if (/[^\x00-\x7f]/.test(n)) {
    const ascii = domainToASCII(n);
    if (!ascii) return { error: `invalid DNS name "${input}": not a valid internationalised name` };
    n = ascii;
  }
  if (n.length > 253) return { error: `invalid DNS name "${input}": longer than 253 characters` };
  for (const label of n.split('.')) {
    if (label.length === 0) return { error: `invalid DNS name "${input}": empty label` };
    if (label.length > 63) return { error: `invalid DNS name "${input}": label longer than 63 characters` };
    // RFC 2181 section 11: a label may hold any octet; only control characters are refused here
    if (/[\x00-\x1f\x7f]/.test(label)) return { error: `invalid DNS name "${input}": control character` };
  }
  return { name: n };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** TXT bytes are not text by definition: UTF-8 when valid, else latin1 (one char per byte, lossless). */
function decodeString(b: Buffer): string {
  try {
    return utf8.decode(b);
  } catch {
    return b.toString('latin1');
  }
}

/** The value of a TXT record: its character-strings concatenated without separators (RFC 7208 3.3). */
export function joinTxt(r: { strings: string[] }): string {
  return r.strings.join('');
}

function dname(n: unknown): string {
  const s = String(n ?? '').toLowerCase();
  return s === '.' ? '' : s.replace(/\.$/, '');
}

interface RawAnswer {
  name: string;
  type: string;
  class?: string;
  ttl?: number;
  data: unknown;
}

/** dns-packet answer -> DnsRecord; null for types and classes we do not model. */
function toRecord(a: RawAnswer): DnsRecord | null {
  if (!SUPPORTED.has(a.type) || (a.class && a.class !== 'IN')) return null;
  const base = { name: dname(a.name), ttl: a.ttl ?? 0 };
  const d = a.data as Record<string, unknown>;
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return { ...base, type: a.type, address: String(a.data) };
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { ...base, type: a.type, target: dname(a.data) };
    case 'MX':
      return { ...base, type: 'MX', priority: Number(d.preference), exchange: dname(d.exchange) };
    case 'TXT': {
      const parts = Array.isArray(a.data) ? (a.data as Buffer[]) : [a.data as Buffer];
      return { ...base, type: 'TXT', strings: parts.map((b) => (Buffer.isBuffer(b) ? decodeString(b) : String(b))) };
    }
    case 'CAA':
      return { ...base, type: 'CAA', flags: Number(d.flags), tag: String(d.tag), value: String(d.value) };
    case 'SOA':
      return {
        ...base, type: 'SOA', mname: dname(d.mname), rname: dname(d.rname), serial: Number(d.serial),
        refresh: Number(d.refresh), retry: Number(d.retry), expire: Number(d.expire), minimum: Number(d.minimum),
      };
    case 'SRV':
      return {
        ...base, type: 'SRV', priority: Number(d.priority), weight: Number(d.weight), port: Number(d.port),
        target: dname(d.target),
      };
    default:
      return null;
  }
}

// ---------------------------------------------------------------- wire exchange

interface Decoded {
  id: number;
  type: string;
  rcode: string;
  flag_tc: boolean;
  questions: { name: string; type: string }[];
  answers: RawAnswer[];
}

type Outcome =
  | { kind: 'answer'; packet: Decoded }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string };

/** Decode and check it answers *our* question (id, QR, question) so stray or spoofed packets are ignored. */
function matchResponse(buf: Buffer, id: number, name: string, type: string): Decoded | null {
  let p: Decoded;
  try {
    p = dnsPacket.decode(buf) as unknown as Decoded;
  } catch {
    return null;
  }
  if (p.id !== id || p.type !== 'response') return null;
  const q = p.questions[0];
  if (p.questions.length !== 1 || !q || dname(q.name) !== name || q.type !== type) return null;
  return p;
}

function buildQuery(id: number, name: string, type: RecordType): Buffer {
  return dnsPacket.encode({
    type: 'query', id, flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_SIZE }],
  } as never);
}

/** Sockets in flight, so close() can abort them. */
type Abort = () => void;

function udpExchange(server: DnsServerAddress, name: string, type: RecordType, timeoutMs: number, live: Set<Abort>): Promise<Outcome> {
  return new Promise((resolve) => {
    const id = randomInt(0, 65536);
    const sock = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (o: Outcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      live.delete(abort);
      try { sock.close(); } catch { /* already closed */ }
      resolve(o);
    };
    const abort: Abort = () => finish({ kind: 'error', message: 'client closed' });
    live.add(abort);
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    sock.on('error', (e) => finish({ kind: 'error', message: `${formatServer(server)}: ${e.message}` }));
    sock.on('message', (msg) => {
      const p = matchResponse(msg, id, name, type);
      if (p) finish({ kind: 'answer', packet: p });
    });
    // A connected socket only accepts datagrams from the server's address and port.
    sock.connect(server.port, server.host, () => {
      if (!done) sock.send(buildQuery(id, name, type), (e) => { if (e) finish({ kind: 'error', message: e.message }); });
    });
  });
}

/** One query over TCP with RFC 1035 4.2.2 two-byte length framing (used after TC=1). */
function tcpExchange(server: DnsServerAddress, name: string, type: RecordType, timeoutMs: number, live: Set<Abort>): Promise<Outcome> {
  return new Promise((resolve) => {
    const id = randomInt(0, 65536);
    const sock = net.connect({ host: server.host, port: server.port });
    let done = false;
    let buf = Buffer.alloc(0);
    const finish = (o: Outcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      live.delete(abort);
      sock.destroy();
      resolve(o);
    };
    const abort: Abort = () => finish({ kind: 'error', message: 'client closed' });
    live.add(abort);
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    sock.on('error', (e) => finish({ kind: 'error', message: `${formatServer(server)} (tcp): ${e.message}` }));
    sock.on('close', () => finish({ kind: 'error', message: `${formatServer(server)} (tcp): closed without an answer` }));
    sock.on('connect', () => {
      const q = buildQuery(id, name, type);
      const framed = Buffer.alloc(q.length + 2);
      framed.writeUInt16BE(q.length, 0);
      q.copy(framed, 2);
      sock.write(framed);
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        const p = matchResponse(buf.subarray(2, 2 + len), id, name, type);
        buf = buf.subarray(2 + len);
        if (p) return finish({ kind: 'answer', packet: p });
      }
    });
  });
}

// ---------------------------------------------------------------- client

export function createDnsClient(opts: DnsClientOptions): DnsClientHandle {
  const specs = opts.servers.length > 0 ? opts.servers : dns.getServers();
  const servers = specs.map(parseServer);
  const retries = opts.retries ?? 1;
  const limit = pLimit(opts.concurrency ?? 32);
  const cache = new Map<string, DnsAnswer>();
  const inflight = new Map<string, Promise<DnsAnswer>>();
  const live = new Set<Abort>();
  const counters = { queries: 0, cacheHits: 0 };
  let closed = false;

  async function exchange(server: DnsServerAddress, name: string, type: RecordType): Promise<Outcome> {
    const udp = await udpExchange(server, name, type, opts.timeoutMs, live);
    if (udp.kind !== 'answer' || !udp.packet.flag_tc) return udp;
    // Truncated: the full answer is only available over TCP (RFC 7766).
    return tcpExchange(server, name, type, opts.timeoutMs, live);
  }

  async function resolveOnWire(name: string, type: RecordType): Promise<DnsAnswer> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    let fallback: { packet: Decoded; server: DnsServerAddress } | undefined;
    let lastError: string | undefined;
    let sawTimeout = false;
    for (let attempt = 0; attempt <= retries && !fallback; attempt++) {
      for (const server of servers) {
        if (closed) return { name, type, rcode: 'ERROR', answers: [], elapsedMs: elapsed(), error: 'client closed' };
        const o = await exchange(server, name, type);
        if (o.kind === 'timeout') {
          sawTimeout = true;
          continue;
        }
        if (o.kind === 'error') {
          lastError = o.message;
          continue;
        }
        // SERVFAIL/REFUSED from one server: try the next one, keep this answer if none does better.
        if ((o.packet.rcode === 'SERVFAIL' || o.packet.rcode === 'REFUSED') && servers.length > 1) {
          fallback ??= { packet: o.packet, server };
          continue;
        }
        return toAnswer(name, type, o.packet, server, elapsed());
      }
    }
    if (fallback) return toAnswer(name, type, fallback.packet, fallback.server, elapsed());
    if (sawTimeout) {
      const tries = (retries + 1) * servers.length;
      return { name, type, rcode: 'TIMEOUT', answers: [], elapsedMs: elapsed(), error: `no answer after ${tries} tries of ${opts.timeoutMs} ms` };
    }
    return { name, type, rcode: 'ERROR', answers: [], elapsedMs: elapsed(), error: lastError ?? 'no DNS servers' };
  }

  function toAnswer(name: string, type: RecordType, p: Decoded, server: DnsServerAddress, elapsedMs: number): DnsAnswer {
    const answers = p.answers.map(toRecord).filter((r): r is DnsRecord => r !== null);
    const known = KNOWN_RCODES.has(p.rcode);
    return {
      name, type, rcode: known ? (p.rcode as Rcode) : 'ERROR', answers, server: formatServer(server), elapsedMs,
      ...(known ? {} : { error: `unexpected rcode ${p.rcode}` }),
    };
  }

  function query(rawName: string, type: RecordType): Promise<DnsAnswer> {
    const n = normaliseName(rawName);
    if ('error' in n) {
      return Promise.resolve({ name: rawName.toLowerCase(), type, rcode: 'ERROR', answers: [], elapsedMs: 0, error: n.error });
    }
    if (!SUPPORTED.has(type)) {
      return Promise.resolve({ name: n.name, type, rcode: 'ERROR', answers: [], elapsedMs: 0, error: `unsupported record type ${String(type)}` });
    }
    const key = `${n.name}|${type}`;
    const hit = cache.get(key) ?? inflight.get(key);
    if (hit) {
      counters.cacheHits++;
      return Promise.resolve(hit);
    }
    counters.queries++;
    const p = limit(() => resolveOnWire(n.name, type)).then((a) => {
      inflight.delete(key);
      // A query cut short by close() is not a fact about the name: do not cache it.
      if (!closed) cache.set(key, a);
      return a;
    });
    inflight.set(key, p);
    return p;
  }

  async function lookup(host: string): Promise<{ address: string; family: 4 | 6 }[]> {
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    const fam = net.isIP(bare);
    if (fam === 4 || fam === 6) return [{ address: bare, family: fam }];
    const [a, aaaa] = await Promise.all([query(host, 'A'), query(host, 'AAAA')]);
    const out: { address: string; family: 4 | 6 }[] = [];
    for (const r of [...a.answers, ...aaaa.answers]) {
      if (r.type === 'A') out.push({ address: r.address, family: 4 });
      else if (r.type === 'AAAA') out.push({ address: r.address, family: 6 });
    }
    return out;
  }

  return {
    query,
    lookup,
    close() {
      closed = true;
      // Queued queries are not dropped (their promises must settle): they see `closed` and return ERROR.
      for (const abort of [...live]) abort();
    },
    stats: () => ({ ...counters }),
  };
}
