import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, ZoneSpecError, type DnsServerHandle, type ZoneSpec } from './dns-server.js';

// Raw wire helpers, independent of src/net/dns.ts, so the server is tested on its own.
interface Res {
  rcode: string;
  tc: boolean;
  aa: boolean;
  answers: { name: string; type: string; data: unknown }[];
  size: number;
}

function decodeRes(buf: Buffer): Res {
  const p = dnsPacket.decode(buf) as unknown as {
    rcode: string; flag_tc: boolean; flag_aa: boolean; answers: { name: string; type: string; data: unknown }[];
  };
  return { rcode: p.rcode, tc: p.flag_tc, aa: p.flag_aa, answers: p.answers, size: buf.length };
}

function query(name: string, type: string, edns?: number): Buffer {
  return dnsPacket.encode({
    type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: edns }] : [],
  } as never);
}

function udpAsk(s: DnsServerHandle, pkt: Buffer, waitMs = 1000): Promise<Res | 'no answer'> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const t = setTimeout(() => { sock.close(); resolve('no answer'); }, waitMs);
    sock.on('message', (m) => { clearTimeout(t); sock.close(); resolve(decodeRes(m)); });
    sock.send(pkt, s.port, s.host);
  });
}

function ask(s: DnsServerHandle, name: string, type: string, edns?: number): Promise<Res> {
  return udpAsk(s, query(name, type, edns)).then((r) => {
    if (r === 'no answer') throw new Error(`no answer for ${name} ${type}`);
    return r;
  });
}

function tcpAsk(s: DnsServerHandle, name: string, type: string): Promise<Res> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(s.port, s.host, () => sock.write(dnsPacket.streamEncode({
      type: 'query', id: 7, questions: [{ name, type, class: 'IN' }],
    } as never)));
    let buf = Buffer.alloc(0);
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        sock.destroy();
        resolve(decodeRes(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      }
    });
    sock.on('error', reject);
  });
}

const zones: ZoneSpec = {
  'Example.COM.': [
    { type: 'A', value: '192.0.2.1' },
    { type: 'AAAA', value: '2001:db8::1' },
    { type: 'MX', priority: 10, exchange: 'mail.example.com' },
    { type: 'NS', value: 'ns1.example.com' },
    { type: 'SOA', mname: 'ns1.example.com', rname: 'hostmaster.example.com', serial: 7 },
    { type: 'CAA', tag: 'issue', value: 'letsencrypt.org' },
    { type: 'TXT', value: ['part one ', 'part two'] },
    { type: 'SPF', value: 'v=spf1 -all' },
  ],
  '_sip._tcp.example.com': [{ type: 'SRV', priority: 1, weight: 5, port: 5060, target: 'sip.example.com' }],
  '4.3.2.1.in-addr.arpa': [{ type: 'PTR', value: 'host.example.com' }],
  'deep.a.b.example.com': [{ type: 'A', value: '192.0.2.9' }],
  'www.example.com': [{ type: 'CNAME', value: 'web.example.com' }],
  'web.example.com': [{ type: 'CNAME', value: 'example.com' }],
  'dangling.example.com': [{ type: 'CNAME', value: 'gone.example.net' }],
  'loop1.example.com': [{ type: 'CNAME', value: 'loop2.example.com' }],
  'loop2.example.com': [{ type: 'CNAME', value: 'loop1.example.com' }],
  '*.wild.example.com': [{ type: 'TXT', value: 'wild' }],
  'real.wild.example.com': [{ type: 'A', value: '192.0.2.7' }],
  'big.example.com': [{ type: 'TXT', value: 'x'.repeat(3000) }],
  'fail.example.com': 'SERVFAIL',
  'refused.example.com': 'REFUSED',
  'slow.example.com': 'TIMEOUT',
  'gone.example.com': 'NXDOMAIN',
  'empty.example.com': [],
};

describe('startDnsServer', () => {
  let s: DnsServerHandle;
  beforeAll(async () => { s = await startDnsServer({ zones }); });
  afterAll(async () => { await s.close(); });

  it('answers every record type, authoritatively', async () => {
    const a = await ask(s, 'example.com', 'A');
    expect(a).toMatchObject({ rcode: 'NOERROR', aa: true, answers: [{ name: 'example.com', type: 'A', data: '192.0.2.1' }] });
    expect((await ask(s, 'example.com', 'AAAA')).answers[0]!.data).toBe('2001:db8::1');
    expect((await ask(s, 'example.com', 'MX')).answers[0]!.data).toEqual({ preference: 10, exchange: 'mail.example.com' });
    expect((await ask(s, 'example.com', 'NS')).answers[0]!.data).toBe('ns1.example.com');
    expect((await ask(s, 'example.com', 'SOA')).answers[0]!.data).toMatchObject({ mname: 'ns1.example.com', serial: 7 });
    expect((await ask(s, 'example.com', 'CAA')).answers[0]!.data).toMatchObject({ flags: 0, tag: 'issue', value: 'letsencrypt.org' });
    expect((await ask(s, '_sip._tcp.example.com', 'SRV')).answers[0]!.data).toEqual({ priority: 1, weight: 5, port: 5060, target: 'sip.example.com' });
    expect((await ask(s, '4.3.2.1.in-addr.arpa', 'PTR')).answers[0]!.data).toBe('host.example.com');
  });

  it('serves TXT strings as published and SPF records both as SPF and as TXT', async () => {
    const txt = await ask(s, 'example.com', 'TXT');
    expect(txt.answers.map((r) => (r.data as Buffer[]).map(String))).toEqual([['part one ', 'part two'], ['v=spf1 -all']]);
    const spf = await udpAsk(s, query('example.com', 'SPF'));
    expect(spf).toMatchObject({ rcode: 'NOERROR', answers: [{ type: 'SPF' }] });
    // SPF rdata is TXT rdata: one length-prefixed string.
    expect(((spf as Res).answers[0]!.data as Buffer).toString('latin1')).toBe('\u000bv=spf1 -all');
  });

  it.each([
    ['NODATA for an existing name without that type', 'example.com', 'SRV', 'NOERROR', 0],
    ['NODATA for a name with an empty record list', 'empty.example.com', 'A', 'NOERROR', 0],
    ['NODATA for an empty non-terminal', 'a.b.example.com', 'A', 'NOERROR', 0],
    ['NODATA for an unknown type', 'example.com', 'UNKNOWN_65280', 'NOERROR', 0],
    ['NXDOMAIN for a missing name', 'nope.example.com', 'A', 'NXDOMAIN', 0],
    ['NXDOMAIN for a name forced to NXDOMAIN', 'gone.example.com', 'TXT', 'NXDOMAIN', 0],
    ['SERVFAIL behaviour', 'fail.example.com', 'A', 'SERVFAIL', 0],
    ['REFUSED behaviour', 'refused.example.com', 'A', 'REFUSED', 0],
    ['case-insensitive names', 'EXAMPLE.com', 'A', 'NOERROR', 1],
  ])('%s', async (_label, name, type, rcode, count) => {
    const r = await ask(s, name, type);
    expect(r.rcode).toBe(rcode);
    expect(r.answers).toHaveLength(count);
  });

  it('never answers a TIMEOUT name, but logs the query', async () => {
    const before = s.queries.length;
    expect(await udpAsk(s, query('slow.example.com', 'A'), 150)).toBe('no answer');
    expect(s.queries.slice(before)).toEqual([{ name: 'slow.example.com', type: 'A', transport: 'udp' }]);
  });

  it('follows CNAME chains to the target records', async () => {
    const r = await ask(s, 'www.example.com', 'A');
    expect(r.rcode).toBe('NOERROR');
    expect(r.answers.map((a) => [a.name, a.type, a.data])).toEqual([
      ['www.example.com', 'CNAME', 'web.example.com'],
      ['web.example.com', 'CNAME', 'example.com'],
      ['example.com', 'A', '192.0.2.1'],
    ]);
    // Asking for the CNAME itself does not follow.
    expect((await ask(s, 'www.example.com', 'CNAME')).answers).toHaveLength(1);
  });

  it('gives NXDOMAIN with the CNAME for a dangling CNAME, and stops on loops', async () => {
    const d = await ask(s, 'dangling.example.com', 'A');
    expect(d.rcode).toBe('NXDOMAIN');
    expect(d.answers.map((a) => a.data)).toEqual(['gone.example.net']);
    const l = await ask(s, 'loop1.example.com', 'A');
    expect(l.rcode).toBe('NOERROR');
    expect(l.answers.map((a) => a.data)).toEqual(['loop2.example.com', 'loop1.example.com']);
  });

  it('synthesises wildcard answers only for names that do not exist', async () => {
    const w = await ask(s, 'x.y.wild.example.com', 'TXT');
    expect(w.rcode).toBe('NOERROR');
    expect(w.answers).toMatchObject([{ name: 'x.y.wild.example.com', type: 'TXT' }]);
    // An existing name is not covered by the wildcard: NODATA.
    expect(await ask(s, 'real.wild.example.com', 'TXT')).toMatchObject({ rcode: 'NOERROR', answers: [] });
    // Below an existing name without its own wildcard: NXDOMAIN.
    expect((await ask(s, 'x.real.wild.example.com', 'TXT')).rcode).toBe('NXDOMAIN');
    // Wildcard owner's parent is an empty non-terminal, not NXDOMAIN.
    expect((await ask(s, 'wild.example.com', 'TXT')).rcode).toBe('NOERROR');
  });

  it('truncates large UDP answers (TC=1) and serves them whole over TCP on the same port', async () => {
    const u = await ask(s, 'big.example.com', 'TXT');
    expect(u).toMatchObject({ tc: true, answers: [] });
    expect(u.size).toBeLessThanOrEqual(512);
    // A client advertising 4096 bytes of EDNS0 buffer gets it over UDP.
    const e = await ask(s, 'big.example.com', 'TXT', 4096);
    expect(e.tc).toBe(false);
    const t = await tcpAsk(s, 'big.example.com', 'TXT');
    expect(t.tc).toBe(false);
    const strings = (t.answers[0]!.data as Buffer[]);
    expect(strings.map((b) => b.length)).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 195]);
    expect(s.queries.at(-1)).toEqual({ name: 'big.example.com', type: 'TXT', transport: 'tcp' });
  });

  it('ignores garbage and keeps serving', async () => {
    for (const junk of [Buffer.alloc(0), Buffer.from('hello'), Buffer.alloc(40, 0xff), Buffer.from([0, 1, 0x81, 0x80, 0, 1])]) {
      expect(await udpAsk(s, junk, 80)).toBe('no answer');
    }
    const sock = net.connect(s.port, s.host);
    await new Promise((r) => sock.on('connect', r));
    sock.write(Buffer.from([0, 5, 1, 2, 3, 4, 5]));
    await new Promise((r) => setTimeout(r, 30));
    sock.destroy();
    expect((await ask(s, 'example.com', 'A')).rcode).toBe('NOERROR');
  });

  it('setZones replaces the data', async () => {
    const other = await startDnsServer({ zones: { 'a.test': [{ type: 'A', value: '127.0.0.1' }] } });
    try {
      expect((await ask(other, 'a.test', 'A')).answers).toHaveLength(1);
      other.setZones({ 'b.test': [{ type: 'A', value: '127.0.0.2' }] });
      expect((await ask(other, 'a.test', 'A')).rcode).toBe('NXDOMAIN');
      expect((await ask(other, 'b.test', 'A')).answers).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it.each([
    ['a bad IPv4', { 'x.test': [{ type: 'A', value: '::1' }] }],
    ['a label over 63 bytes', { [`${'a'.repeat(64)}.test`]: [] }],
    ['an unknown behaviour', { 'x.test': 'DROP' }],
  ])('rejects a zone with %s, naming the owner', (_l, z) => {
    expect(() => s.setZones(z as ZoneSpec)).toThrow(ZoneSpecError);
  });
});
