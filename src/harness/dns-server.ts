/**
 * A small authoritative DNS server used by the tests and by `launchready demo`.
 *
 * It serves a flat `ZoneSpec` (name -> records or a behaviour) over UDP and TCP on one port.
 * Because the product's DNS client talks to it directly (as it would to a recursive resolver),
 * the server presents the *resolver's view* of its data: a CNAME is followed through the served
 * names and the final rcode is the one of the last name in the chain (RFC 6604), so a CNAME to a
 * name that does not exist answers NXDOMAIN with the CNAME in the answer section (what a
 * dangling-CNAME check needs to see).
 *
 * Wire format is done by `dns-packet`; only the owner-name lookup logic is ours.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export type RecordSpec =
  | { type: 'A' | 'AAAA'; value: string; ttl?: number }
  | { type: 'CNAME' | 'NS' | 'PTR'; value: string; ttl?: number }
  | { type: 'MX'; priority: number; exchange: string; ttl?: number }
  /** string[] = several character-strings in ONE record; a string longer than 255 bytes is split into 255-byte strings. */
  | { type: 'TXT' | 'SPF'; value: string | string[]; ttl?: number }
  | { type: 'CAA'; flags?: number; tag: string; value: string; ttl?: number }
  | { type: 'SOA'; mname: string; rname: string; serial?: number; ttl?: number }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string; ttl?: number };

export type ZoneBehaviour = 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'TIMEOUT';

/** name (case-insensitive, trailing dot optional, may start with '*.' for a wildcard) -> records, or a behaviour */
export type ZoneSpec = Record<string, RecordSpec[] | ZoneBehaviour>;

export interface DnsQueryLogEntry {
  /** Lower case, no trailing dot. */
  name: string;
  /** Type mnemonic ('TXT', 'SPF', 'UNKNOWN_65280' for types dns-packet does not know). */
  type: string;
  transport: 'udp' | 'tcp';
}

export interface DnsServerHandle {
  host: string;
  port: number;
  /** 'host:port' ('[::1]:port' for IPv6). */
  address: string;
  /** Replace the served data (validated like the initial zones). */
  setZones(z: ZoneSpec): void;
  /** Every query received, in order. */
  queries: DnsQueryLogEntry[];
  close(): Promise<void>;
}

/** A ZoneSpec entry that cannot be served; the message names the owner and the record. */
export class ZoneSpecError extends Error {
  override name = 'ZoneSpecError';
}

// ---------------------------------------------------------------- zone compilation

const DEFAULT_TTL = 300;
/** Classic UDP limit without EDNS0 (RFC 1035 4.2.1). */
const UDP_MIN = 512;
/** We never build UDP answers above this, whatever the client advertises. */
const UDP_MAX = 4096;
/** Bound on CNAME chain length when following, on top of loop detection. */
const MAX_CHAIN = 16;
/** An idle TCP connection is closed after this many ms so a stuck client cannot pin the server. */
const TCP_IDLE_MS = 10_000;

const FLAG_AA = dnsPacket.AUTHORITATIVE_ANSWER;
const FLAG_TC = dnsPacket.TRUNCATED_RESPONSE;
const FLAG_RD = dnsPacket.RECURSION_DESIRED;

/** dns-packet's TXT codec; its typings omit the per-type codecs. */
const txtCodec = (dnsPacket as unknown as { txt: { encode(d: Buffer[]): Buffer } }).txt;

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** A record ready for dns-packet (`data` in the shape its encoder for `type` expects). */
interface WireRecord {
  type: string;
  ttl: number;
  data: unknown;
}

interface Node {
  /** SPF specs appear twice: as type SPF and as TXT with the same strings. */
  records: WireRecord[];
  behaviour?: ZoneBehaviour;
}

interface CompiledZone {
  nodes: Map<string, Node>;
  /** Names that exist only because a name below them exists (empty non-terminals). */
  ents: Set<string>;
}

export function normaliseOwner(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Split into <=255-byte character-strings: the wire limit for one string (RFC 1035 3.3). */
function characterStrings(value: string | string[]): Buffer[] {
  const out: Buffer[] = [];
  for (const s of Array.isArray(value) ? value : [value]) {
    const b = Buffer.from(s, 'utf8');
    if (b.length === 0) out.push(b);
    for (let i = 0; i < b.length; i += 255) out.push(b.subarray(i, i + 255));
  }
  return out;
}

function checkName(owner: string, what: string, value: string): string {
  const n = normaliseOwner(value);
  if (n.length > 253 || n.split('.').some((l) => l.length > 63 || (l.length === 0 && n !== ''))) {
    throw new ZoneSpecError(`zone ${owner}: ${what} "${value}" is not a valid domain name`);
  }
  return n;
}

function compileRecord(owner: string, r: RecordSpec): WireRecord[] {
  const ttl = r.ttl ?? DEFAULT_TTL;
  switch (r.type) {
    case 'A':
    case 'AAAA':
      if (net.isIP(r.value) !== (r.type === 'A' ? 4 : 6)) {
        throw new ZoneSpecError(`zone ${owner}: ${r.type} value "${r.value}" is not an IPv${r.type === 'A' ? 4 : 6} address`);
      }
      return [{ type: r.type, ttl, data: r.value }];
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return [{ type: r.type, ttl, data: checkName(owner, r.type, r.value) }];
    case 'MX':
      return [{ type: 'MX', ttl, data: { preference: r.priority, exchange: checkName(owner, 'MX exchange', r.exchange) } }];
    case 'TXT':
      return [{ type: 'TXT', ttl, data: characterStrings(r.value) }];
    case 'SPF': {
      // dns-packet has no SPF (99) codec; type 99 has TXT's rdata (RFC 4408 3.1.1), so we encode it with
      // the TXT codec and hand the bytes (minus TXT's own 2-byte length) to the raw-rdata codec.
      const strings = characterStrings(r.value);
      const rdata = txtCodec.encode(strings.slice()).subarray(2);
      return [
        { type: 'SPF', ttl, data: Buffer.from(rdata) },
        { type: 'TXT', ttl, data: strings },
      ];
    }
    case 'CAA':
      return [{ type: 'CAA', ttl, data: { flags: r.flags ?? 0, tag: r.tag, value: r.value } }];
    case 'SOA':
      return [{
        type: 'SOA', ttl,
        data: {
          mname: checkName(owner, 'SOA mname', r.mname), rname: checkName(owner, 'SOA rname', r.rname),
          serial: r.serial ?? 1, refresh: 3600, retry: 600, expire: 604800, minimum: 300,
        },
      }];
    case 'SRV':
      return [{
        type: 'SRV', ttl,
        data: { priority: r.priority, weight: r.weight, port: r.port, target: checkName(owner, 'SRV target', r.target) },
      }];
    default: {
      const t: never = r;
      throw new ZoneSpecError(`zone ${owner}: unsupported record type ${JSON.stringify((t as { type?: unknown }).type)}`);
    }
  }
}

export function compileZones(spec: ZoneSpec): CompiledZone {
  const nodes = new Map<string, Node>();
  const ents = new Set<string>();
  for (const [rawName, entry] of Object.entries(spec)) {
    const owner = checkName(rawName, 'owner name', rawName);
    const node = nodes.get(owner) ?? { records: [] };
    nodes.set(owner, node);
    if (typeof entry === 'string') {
      if (!['NXDOMAIN', 'SERVFAIL', 'REFUSED', 'TIMEOUT'].includes(entry)) {
        throw new ZoneSpecError(`zone ${rawName}: unknown behaviour "${entry}"`);
      }
      node.behaviour = entry;
    } else if (Array.isArray(entry)) {
      for (const r of entry) node.records.push(...compileRecord(rawName, r));
    } else {
      throw new ZoneSpecError(`zone ${rawName}: expected a list of records or a behaviour`);
    }
  }
  for (const [owner, node] of nodes) {
    // A name forced to NXDOMAIN does not make its parents exist.
    if (node.behaviour === 'NXDOMAIN') continue;
    const labels = owner.split('.');
    for (let i = 1; i < labels.length; i++) ents.add(labels.slice(i).join('.'));
  }
  return { nodes, ents };
}

// ---------------------------------------------------------------- answering

type Lookup =
  | { kind: 'node'; owner: string; node: Node }
  | { kind: 'nxdomain' };

function exists(z: CompiledZone, name: string): boolean {
  const n = z.nodes.get(name);
  return (n !== undefined && n.behaviour !== 'NXDOMAIN') || z.ents.has(name);
}

/** Exact node, empty non-terminal, or wildcard synthesis from the closest encloser (RFC 4592). */
function find(z: CompiledZone, name: string): Lookup {
  const exact = z.nodes.get(name);
  if (exact) return exact.behaviour === 'NXDOMAIN' ? { kind: 'nxdomain' } : { kind: 'node', owner: name, node: exact };
  if (z.ents.has(name)) return { kind: 'node', owner: name, node: { records: [] } };
  const labels = name.split('.');
  for (let i = 1; i <= labels.length; i++) {
    const encloser = labels.slice(i).join('.');
    if (i < labels.length && !exists(z, encloser)) continue;
    const wild = z.nodes.get(encloser ? `*.${encloser}` : '*');
    if (wild && wild.behaviour !== 'NXDOMAIN') return { kind: 'node', owner: name, node: wild };
    // The closest encloser exists but has no wildcard: the name does not exist.
    if (i < labels.length) break;
  }
  return { kind: 'nxdomain' };
}

interface Reply {
  rcode: number;
  answers: { name: string; type: string; ttl: number; data: unknown; class: 'IN' }[];
  /** No reply at all (behaviour TIMEOUT). */
  silent?: boolean;
}

export function resolve(z: CompiledZone, qname: string, qtype: string): Reply {
  const answers: Reply['answers'] = [];
  const seen = new Set<string>();
  let name = qname;
  for (let hop = 0; hop <= MAX_CHAIN; hop++) {
    const found = find(z, name);
    if (found.kind === 'nxdomain') return { rcode: RCODE.NXDOMAIN, answers };
    const { node } = found;
    if (node.behaviour === 'TIMEOUT') return { rcode: RCODE.SERVFAIL, answers, silent: true };
    if (node.behaviour === 'SERVFAIL') return { rcode: RCODE.SERVFAIL, answers };
    if (node.behaviour === 'REFUSED') return { rcode: RCODE.REFUSED, answers };
    const owner = hop === 0 ? qname : name;
    const add = (r: WireRecord): void => {
      answers.push({ name: owner, type: r.type, ttl: r.ttl, data: r.data, class: 'IN' });
    };
    const cname = node.records.find((r) => r.type === 'CNAME');
    if (cname && qtype !== 'CNAME' && qtype !== 'ANY') {
      add(cname);
      seen.add(name);
      const target = cname.data as string;
      // Loop: stop with the chain so far (each CNAME once), as an authoritative server would.
      if (seen.has(target)) return { rcode: RCODE.NOERROR, answers };
      name = target;
      continue;
    }
    for (const r of node.records) {
      if (qtype === 'ANY' || r.type === qtype) add(r);
    }
    return { rcode: RCODE.NOERROR, answers };
  }
  return { rcode: RCODE.NOERROR, answers };
}

interface Decoded {
  id: number;
  flags: number;
  questions: { name: string; type: string; class: string }[];
  additionals: { type: string; udpPayloadSize?: number }[];
  type: string;
  opcode?: string;
}

/** Build the response bytes for one query packet, or null for "do not answer". */
function respond(
  z: CompiledZone, msg: Buffer, transport: 'udp' | 'tcp', log: DnsQueryLogEntry[],
): Buffer | null {
  let q: Decoded;
  try {
    q = dnsPacket.decode(msg) as unknown as Decoded;
  } catch {
    return null; // garbage: ignore, like a real server would
  }
  if (q.type !== 'query') return null;
  const opt = q.additionals.find((a) => a.type === 'OPT');
  const base = {
    id: q.id,
    type: 'response' as const,
    questions: q.questions,
    additionals: opt ? [{ type: 'OPT', name: '.', udpPayloadSize: UDP_MAX }] : [],
  };
  const rd = q.flags & FLAG_RD;
  if (q.opcode !== 'QUERY') return dnsPacket.encode({ ...base, flags: FLAG_AA | rd | RCODE.NOTIMP } as never);
  if (q.questions.length !== 1) return dnsPacket.encode({ ...base, flags: FLAG_AA | rd | RCODE.FORMERR } as never);
  const question = q.questions[0]!;
  const qname = normaliseOwner(question.name === '.' ? '' : question.name);
  const qtype = question.type.toUpperCase();
  log.push({ name: qname, type: qtype, transport });
  const reply = resolve(z, qname, qtype);
  if (reply.silent) return null;
  // Answer with the name exactly as asked (0x20-style case randomisation survives).
  const answers = reply.answers.map((a, i) => (i === 0 ? { ...a, name: question.name } : a));
  const full = dnsPacket.encode({ ...base, flags: FLAG_AA | rd | reply.rcode, answers } as never);
  if (transport === 'udp') {
    const limit = Math.min(UDP_MAX, Math.max(UDP_MIN, opt?.udpPayloadSize ?? UDP_MIN));
    if (full.length > limit) {
      // Truncated: the header and question only, TC=1, so the client retries over TCP (RFC 7766).
      return dnsPacket.encode({ ...base, flags: FLAG_AA | FLAG_TC | rd | reply.rcode } as never);
    }
  }
  return full;
}

/** A packet that decodes but cannot be re-encoded (odd question) is dropped, never fatal. */
function safeRespond(z: CompiledZone, msg: Buffer, transport: 'udp' | 'tcp', log: DnsQueryLogEntry[]): Buffer | null {
  try {
    return respond(z, msg, transport, log);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- sockets

function bindUdp(host: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolveP, reject) => {
    const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    sock.once('error', reject);
    sock.bind(port, host, () => {
      sock.off('error', reject);
      resolveP(sock);
    });
  });
}

function listenTcp(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolveP, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolveP();
    });
  });
}

export async function startDnsServer(opts: { zones: ZoneSpec; host?: string; port?: number }): Promise<DnsServerHandle> {
  const host = opts.host ?? '127.0.0.1';
  let zone = compileZones(opts.zones);
  const queries: DnsQueryLogEntry[] = [];
  const conns = new Set<net.Socket>();

  const tcp = net.createServer((sock) => {
    conns.add(sock);
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
    sock.on('close', () => conns.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      // Several queries may be pipelined on one connection, each with a 2-byte length prefix.
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        const out = safeRespond(zone, msg, 'tcp', queries);
        if (out && !sock.destroyed) {
          const framed = Buffer.alloc(2 + out.length);
          framed.writeUInt16BE(out.length, 0);
          out.copy(framed, 2);
          sock.write(framed);
        }
      }
    });
  });

  // Port 0: take the port the kernel gives UDP, then claim the same TCP port; retry if it is taken.
  let udp: dgram.Socket | undefined;
  let lastErr: unknown;
  for (let attempt = 0; attempt < 20 && !udp; attempt++) {
    const u = await bindUdp(host, opts.port ?? 0);
    try {
      await listenTcp(tcp, host, u.address().port);
      udp = u;
    } catch (e) {
      lastErr = e;
      u.close();
      if (opts.port) break;
    }
  }
  if (!udp) throw lastErr instanceof Error ? lastErr : new Error(`dns server: cannot bind ${host}`);
  const port = udp.address().port;
  const udpSock = udp;

  udpSock.on('message', (msg, rinfo) => {
    const out = safeRespond(zone, msg, 'udp', queries);
    if (out) udpSock.send(out, rinfo.port, rinfo.address);
  });
  udpSock.on('error', () => { /* a send error to one client must not stop the server */ });

  return {
    host,
    port,
    address: net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`,
    queries,
    setZones(z: ZoneSpec) {
      zone = compileZones(z);
    },
    close() {
      for (const c of conns) c.destroy();
      return Promise.all([
        new Promise<void>((r) => udpSock.close(() => r())),
        new Promise<void>((r) => tcp.close(() => r())),
      ]).then(() => undefined);
    },
  };
}
