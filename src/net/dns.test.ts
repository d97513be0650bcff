import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServerHandle, type ZoneSpec } from '../harness/dns-server.js';
import { createDnsClient, joinTxt, normaliseName, parseServer, type DnsClientHandle } from './dns.js';
import type { DnsRecord } from './types.js';

const zones: ZoneSpec = {
  'example.com': [
    { type: 'A', value: '192.0.2.1' },
    { type: 'AAAA', value: '2001:db8::1' },
    { type: 'MX', priority: 10, exchange: 'Mail.Example.com.' },
    { type: 'NS', value: 'ns1.example.com' },
    { type: 'SOA', mname: 'ns1.example.com', rname: 'hostmaster.example.com', serial: 2024010101 },
    { type: 'CAA', flags: 128, tag: 'issue', value: 'letsencrypt.org' },
    { type: 'TXT', value: ['v=spf1 ', 'include:_spf.example.net ~all'] },
  ],
  '_sip._tcp.example.com': [{ type: 'SRV', priority: 1, weight: 5, port: 5060, target: 'sip.example.com' }],
  '4.3.2.1.in-addr.arpa': [{ type: 'PTR', value: 'host.example.com' }],
  'utf8.example.com': [{ type: 'TXT', value: 'café' }],
  'spf-only.example.com': [{ type: 'SPF', value: 'v=spf1 a -all' }],
  'www.example.com': [{ type: 'CNAME', value: 'web.example.com' }],
  'web.example.com': [{ type: 'CNAME', value: 'example.com' }],
  'dangling.example.com': [{ type: 'CNAME', value: 'gone.example.net' }],
  'loop1.example.com': [{ type: 'CNAME', value: 'loop2.example.com' }],
  'loop2.example.com': [{ type: 'CNAME', value: 'loop1.example.com' }],
  '*.wild.example.com': [{ type: 'A', value: '192.0.2.77' }],
  'big.example.com': [{ type: 'TXT', value: 'y'.repeat(3000) }],
  'xn--bcher-kva.example': [{ type: 'A', value: '192.0.2.5' }],
  'v4only.example.com': [{ type: 'A', value: '192.0.2.6' }],
  'fail.example.com': 'SERVFAIL',
  'refused.example.com': 'REFUSED',
  'slow.example.com': 'TIMEOUT',
  'cached.example.com': [{ type: 'A', value: '192.0.2.8' }],
  'twice.example.com': [{ type: 'A', value: '192.0.2.9' }],
};

describe('createDnsClient against the harness server', () => {
  let server: DnsServerHandle;
  let client: DnsClientHandle;
  beforeAll(async () => {
    server = await startDnsServer({ zones });
    client = createDnsClient({ servers: [server.address], timeoutMs: 1000 });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  const count = (name: string, type: string): number =>
    server.queries.filter((q) => q.name === name && q.type === type).length;

  it.each<[string, Parameters<DnsClientHandle['query']>[1], string, Partial<DnsRecord>[]]>([
    ['A', 'A', 'example.com', [{ type: 'A', address: '192.0.2.1' }]],
    ['AAAA', 'AAAA', 'example.com', [{ type: 'AAAA', address: '2001:db8::1' }]],
    ['MX (names normalised)', 'MX', 'example.com', [{ type: 'MX', priority: 10, exchange: 'mail.example.com' }]],
    ['NS', 'NS', 'example.com', [{ type: 'NS', target: 'ns1.example.com' }]],
    ['SOA', 'SOA', 'example.com', [{
      type: 'SOA', mname: 'ns1.example.com', rname: 'hostmaster.example.com', serial: 2024010101,
      refresh: 3600, retry: 600, expire: 604800, minimum: 300,
    }]],
    ['CAA', 'CAA', 'example.com', [{ type: 'CAA', flags: 128, tag: 'issue', value: 'letsencrypt.org' }]],
    ['TXT keeps its strings', 'TXT', 'example.com', [{ type: 'TXT', strings: ['v=spf1 ', 'include:_spf.example.net ~all'] }]],
    ['TXT as UTF-8', 'TXT', 'utf8.example.com', [{ type: 'TXT', strings: ['café'] }]],
    ['SPF-typed data served as TXT', 'TXT', 'spf-only.example.com', [{ type: 'TXT', strings: ['v=spf1 a -all'] }]],
    ['SRV', 'SRV', '_sip._tcp.example.com', [{ type: 'SRV', priority: 1, weight: 5, port: 5060, target: 'sip.example.com' }]],
    ['PTR', 'PTR', '4.3.2.1.in-addr.arpa', [{ type: 'PTR', target: 'host.example.com' }]],
  ])('round-trips %s', async (_l, type, name, expected) => {
    const a = await client.query(name, type);
    expect(a).toMatchObject({ name, type, rcode: 'NOERROR', server: server.address });
    expect(a.answers).toEqual(expected.map((e) => ({ name, ttl: 300, ...e })));
  });

  it('joinTxt concatenates the character-strings without separators', async () => {
    const a = await client.query('example.com', 'TXT');
    const r = a.answers[0]!;
    expect(r.type === 'TXT' && joinTxt(r)).toBe('v=spf1 include:_spf.example.net ~all');
  });

  it.each([
    ['NXDOMAIN for a missing name', 'nope.example.com', 'A', 'NXDOMAIN'],
    ['NODATA (NOERROR, empty) for a missing type', 'example.com', 'SRV', 'NOERROR'],
    ['SERVFAIL', 'fail.example.com', 'A', 'SERVFAIL'],
    ['REFUSED', 'refused.example.com', 'A', 'REFUSED'],
  ] as const)('%s', async (_l, name, type, rcode) => {
    const a = await client.query(name, type);
    expect(a.rcode).toBe(rcode);
    expect(a.answers).toEqual([]);
    expect(a.error).toBeUndefined();
  });

  it('returns TIMEOUT after the retries, fast, without throwing', async () => {
    const c = createDnsClient({ servers: [server.address], timeoutMs: 200, retries: 1 });
    const t0 = Date.now();
    const a = await c.query('slow.example.com', 'A');
    const took = Date.now() - t0;
    c.close();
    expect(a.rcode).toBe('TIMEOUT');
    expect(a.error).toMatch(/2 tries/);
    expect(took).toBeGreaterThanOrEqual(380);
    expect(took).toBeLessThan(1500);
    expect(count('slow.example.com', 'A')).toBe(2);
  });

  it('gives the CNAME chain first, then the final records', async () => {
    const a = await client.query('www.example.com', 'A');
    expect(a.rcode).toBe('NOERROR');
    expect(a.answers.map((r) => [r.name, r.type, 'target' in r ? r.target : 'address' in r ? r.address : ''])).toEqual([
      ['www.example.com', 'CNAME', 'web.example.com'],
      ['web.example.com', 'CNAME', 'example.com'],
      ['example.com', 'A', '192.0.2.1'],
    ]);
    expect(await client.lookup('www.example.com')).toEqual([
      { address: '192.0.2.1', family: 4 },
      { address: '2001:db8::1', family: 6 },
    ]);
  });

  it('shows a dangling CNAME as NXDOMAIN with the CNAME, and a loop without hanging', async () => {
    const d = await client.query('dangling.example.com', 'A');
    expect(d).toMatchObject({ rcode: 'NXDOMAIN', answers: [{ type: 'CNAME', target: 'gone.example.net' }] });
    const l = await client.query('loop1.example.com', 'TXT');
    expect(l.rcode).toBe('NOERROR');
    expect(l.answers.map((r) => r.type)).toEqual(['CNAME', 'CNAME']);
  });

  it('receives wildcard-synthesised answers under the asked name', async () => {
    const a = await client.query('anything.at.wild.example.com', 'A');
    expect(a.answers).toEqual([{ name: 'anything.at.wild.example.com', type: 'A', ttl: 300, address: '192.0.2.77' }]);
  });

  it('retries a truncated UDP answer over TCP and gets all 3000 bytes', async () => {
    const a = await client.query('big.example.com', 'TXT');
    expect(a.rcode).toBe('NOERROR');
    const r = a.answers[0]!;
    expect(r.type === 'TXT' && joinTxt(r)).toBe('y'.repeat(3000));
    expect(r.type === 'TXT' && r.strings).toHaveLength(12);
    expect(server.queries.filter((q) => q.name === 'big.example.com').map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('caches answers: the second query never reaches the server', async () => {
    const before = client.stats();
    const a1 = await client.query('cached.example.com', 'A');
    const a2 = await client.query('CACHED.example.com.', 'A');
    expect(a2).toEqual(a1);
    expect(count('cached.example.com', 'A')).toBe(1);
    expect(client.stats()).toEqual({ queries: before.queries + 1, cacheHits: before.cacheHits + 1 });
  });

  it('de-duplicates concurrent identical queries', async () => {
    const all = await Promise.all(Array.from({ length: 5 }, () => client.query('twice.example.com', 'A')));
    expect(new Set(all.map((a) => a.answers[0]?.type === 'A' && a.answers[0].address))).toEqual(new Set(['192.0.2.9']));
    expect(count('twice.example.com', 'A')).toBe(1);
  });

  it.each([
    ['upper case', 'EXAMPLE.COM', 'example.com'],
    ['a trailing dot', 'example.com.', 'example.com'],
    ['an IDN, sent as punycode', 'BÜCHER.example', 'xn--bcher-kva.example'],
  ])('normalises %s', async (_l, input, wire) => {
    const a = await client.query(input, 'A');
    expect(a).toMatchObject({ name: wire, rcode: 'NOERROR' });
    expect(a.answers).toHaveLength(1);
    expect(server.queries.some((q) => q.name === wire)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['an empty label', 'a..example.com'],
    ['a 64-byte label', `${'a'.repeat(64)}.example.com`],
    ['a control character', 'bad\u0007name.example.com'],
    ['an over-long name', `${'abcdefghi.'.repeat(26)}com`],
  ])('returns ERROR without a query for %s', async (_l, input) => {
    const before = server.queries.length;
    const a = await client.query(input, 'A');
    expect(a.rcode).toBe('ERROR');
    expect(a.error).toMatch(/invalid DNS name/);
    expect(server.queries.length).toBe(before);
  });

  it('lookup returns IP literals as they are, and [] when nothing resolves', async () => {
    expect(await client.lookup('127.0.0.1')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(await client.lookup('[::1]')).toEqual([{ address: '::1', family: 6 }]);
    expect(await client.lookup('v4only.example.com')).toEqual([{ address: '192.0.2.6', family: 4 }]);
    expect(await client.lookup('nope.example.com')).toEqual([]);
    expect(await client.lookup('fail.example.com')).toEqual([]);
  });

  it('ignores an answer with the wrong id or question, and ERRORs on a closed port', async () => {
    // A fake server that first sends a reply with a wrong id, then one with a wrong question.
    const fake = dgram.createSocket('udp4');
    await new Promise<void>((r) => fake.bind(0, '127.0.0.1', () => r()));
    const { default: dnsPacket } = await import('dns-packet');
    fake.on('message', (m, rinfo) => {
      const q = dnsPacket.decode(m);
      const reply = (id: number, name: string): Buffer => dnsPacket.encode({
        type: 'response', id, flags: 0, questions: [{ name, type: 'A', class: 'IN' }],
        answers: [{ name, type: 'A', ttl: 1, data: '10.9.9.9' }],
      } as never);
      fake.send(reply((q.id! + 1) % 65536, 'spoof.test'), rinfo.port, rinfo.address);
      fake.send(reply(q.id!, 'other.test'), rinfo.port, rinfo.address);
    });
    const fakePort = fake.address().port;
    const c = createDnsClient({ servers: [`127.0.0.1:${fakePort}`], timeoutMs: 150, retries: 0 });
    expect((await c.query('spoof.test', 'A')).rcode).toBe('TIMEOUT');
    c.close();
    await new Promise<void>((r) => fake.close(() => r()));

    // The fake's port is now closed.
    const dead = createDnsClient({ servers: [`127.0.0.1:${fakePort}`, server.address], timeoutMs: 300, retries: 0 });
    // First server refuses (ICMP port unreachable) or times out; the second answers.
    expect((await dead.query('example.com', 'A')).rcode).toBe('NOERROR');
    dead.close();
  });

  it('decodes TXT bytes that are not UTF-8 as latin1, losslessly', async () => {
    const fake = dgram.createSocket('udp4');
    await new Promise<void>((r) => fake.bind(0, '127.0.0.1', () => r()));
    const { default: dnsPacket } = await import('dns-packet');
    fake.on('message', (m, rinfo) => {
      const q = dnsPacket.decode(m);
      fake.send(dnsPacket.encode({
        type: 'response', id: q.id, flags: 0, questions: q.questions,
        answers: [{ name: 'bin.test', type: 'TXT', ttl: 1, data: [Buffer.from([0x76, 0xff, 0xfe])] }],
      } as never), rinfo.port, rinfo.address);
    });
    const c = createDnsClient({ servers: [`127.0.0.1:${fake.address().port}`], timeoutMs: 500 });
    const a = await c.query('bin.test', 'TXT');
    c.close();
    await new Promise<void>((r) => fake.close(() => r()));
    expect(a.answers).toEqual([{ name: 'bin.test', type: 'TXT', ttl: 1, strings: ['v\u00ff\u00fe'] }]);
  });

  it('falls through SERVFAIL to the next server', async () => {
    const bad = await startDnsServer({ zones: { 'example.com': 'SERVFAIL' } });
    const c = createDnsClient({ servers: [bad.address, server.address], timeoutMs: 500 });
    const a = await c.query('example.com', 'A');
    expect(a).toMatchObject({ rcode: 'NOERROR', server: server.address });
    c.close();
    await bad.close();
  });
});

describe('parseServer / normaliseName', () => {
  it.each([
    ['127.0.0.1', { host: '127.0.0.1', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['[::1]:53', { host: '::1', port: 53 }],
    ['[::1]', { host: '::1', port: 53 }],
    ['::1', { host: '::1', port: 53 }],
    ['localhost:8053', { host: 'localhost', port: 8053 }],
  ])('parses %s', (spec, want) => {
    expect(parseServer(spec)).toEqual(want);
  });

  it.each(['127.0.0.1:0', '127.0.0.1:99999', 'a:b:c:z', 'host:', ''])('rejects %j naming it', (spec) => {
    expect(() => parseServer(spec)).toThrow(/invalid DNS server/);
  });

  it('keeps numeric-looking ASCII names as they are', () => {
    expect(normaliseName('1.2.3')).toEqual({ name: '1.2.3' });
    expect(normaliseName('_DMARC.Example.COM.')).toEqual({ name: '_dmarc.example.com' });
  });
});
