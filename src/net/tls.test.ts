import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createCertAuthority, selfSigned } from '../harness/certs.js';
import { startGarbageTlsServer, startHttpServer, startHttpsServer, type ServerHandle } from '../harness/http-servers.js';
import { parseConnectTo } from './connect-to.js';
import { createTlsProber, parseSubjectAltNames } from './tls.js';
import type { TlsProber } from './types.js';

const DAY = 86_400_000;
const ok = (_req: unknown, res: { end(s: string): void }) => res.end('ok');

describe('TLS prober against fixture servers on 127.0.0.2', () => {
  const servers: Record<string, ServerHandle> = {};
  let prober: TlsProber;
  let rootPem: string;

  beforeAll(async () => {
    const root = await createCertAuthority({ name: 'Probe Root' });
    const inter = await createCertAuthority({ name: 'Probe Intermediate', parent: root });
    rootPem = root.certPem;
    const now = Date.now();
    const host = '127.0.0.2';
    const valid = await root.issue({ names: ['valid.test'], intermediate: inter });
    const [expired, future, wrong, leafOnly, self, weak] = await Promise.all([
      root.issue({ names: ['expired.test'], notBefore: new Date(now - 60 * DAY), notAfter: new Date(now - DAY) }),
      root.issue({ names: ['future.test'], notBefore: new Date(now + DAY), notAfter: new Date(now + 60 * DAY) }),
      root.issue({ names: ['other.test'] }),
      root.issue({ names: ['nointer.test'], intermediate: inter }),
      selfSigned(['self.test']),
      root.issue({ names: ['weak.test'], keyType: 'rsa', rsaBits: 1024 }),
    ]);
    const start = async (name: string, opts: Omit<Parameters<typeof startHttpsServer>[0], 'handler' | 'host'>) => {
      servers[name] = await startHttpsServer({ host, handler: ok, ...opts });
    };
    await Promise.all([
      start('valid', { cert: valid }),
      start('expired', { cert: expired }),
      start('future', { cert: future }),
      start('wrong', { cert: wrong }),
      start('nointer', { cert: { ...leafOnly, chainPem: leafOnly.leafOnlyPem } }),
      start('self', { cert: self }),
      // OpenSSL 3 refuses TLS 1.0 and 1024-bit keys at its default security level on both ends.
      start('tls10', { cert: valid, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }),
      start('weak', { cert: weak, ciphers: 'DEFAULT@SECLEVEL=0' }),
    ]);
    servers.ocsp = await startHttpsServer({ host, handler: ok, cert: valid, ocspResponse: Buffer.from('stapled') });
    servers.garbage = await startGarbageTlsServer({ host });
    servers.reset = await startGarbageTlsServer({ host, mode: 'reset' });
    servers.silent = await startGarbageTlsServer({ host, mode: 'silent' });
    servers.plain = await startHttpServer({ host, handler: ok });
    const names = ['ocsp', 'valid', 'expired', 'future', 'wrong', 'nointer', 'self', 'tls10', 'weak', 'garbage', 'reset', 'silent', 'plain'];
    prober = createTlsProber({
      resolvers: [],
      // Every fixture name maps to its server: the probe never resolves *.test through real DNS.
      connectTo: names.map((n) => parseConnectTo(`${n}.test:443:${host}:${servers[n]!.port}`)),
      extraCaPem: root.certPem,
      timeoutMs: 1500,
      concurrency: 4,
      maxBodyBytes: 1024,
    });
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  it('valid chain with intermediate: authorized, hostname matches, chain leaf->intermediate->root', async () => {
    const r = await prober.probe({ host: 'valid.test' });
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ authorized: true, hostnameMatches: true, protocol: 'TLSv1.3', address: '127.0.0.2', servername: 'valid.test', ocspStapled: false });
    expect(r.authorizationError).toBeUndefined();
    expect(r.alpn).toBe('http/1.1');
    expect(r.chain.map((c) => c.commonName)).toEqual(['valid.test', 'Probe Intermediate', 'Probe Root']);
    const leaf = r.chain[0]!;
    expect(leaf).toMatchObject({ subjectAltNames: ['valid.test'], keyType: 'EC', keyBits: 256, selfSigned: false, isCA: false, signatureAlgorithm: 'SHA-256withECDSA' });
    expect(leaf.validTo).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(r.chain[2]).toMatchObject({ selfSigned: true, isCA: true });
  });

  it.each([
    ['expired', 'CERT_HAS_EXPIRED', true],
    ['future', 'CERT_NOT_YET_VALID', true],
    ['wrong', undefined, false],
    ['nointer', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', true],
    ['self', 'DEPTH_ZERO_SELF_SIGNED_CERT', true],
  ])('%s: authorizationError %s, hostnameMatches %s', async (name, authErr, hostOk) => {
    const r = await prober.probe({ host: `${name}.test` });
    expect(r.error).toBeUndefined();
    expect(r.authorized).toBe(authErr === undefined);
    expect(r.authorizationError).toBe(authErr);
    expect(r.hostnameMatches).toBe(hostOk);
    if (!hostOk) expect(r.hostnameError).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(r.chain.length).toBeGreaterThan(0);
  });

  it('self-signed leaf is reported as selfSigned', async () => {
    const r = await prober.probe({ host: 'self.test' });
    expect(r.chain).toHaveLength(1);
    expect(r.chain[0]).toMatchObject({ selfSigned: true, commonName: 'self.test' });
  });

  it('records a stapled OCSP response', async () => {
    expect((await prober.probe({ host: 'ocsp.test' })).ocspStapled).toBe(true);
  });

  it('missing intermediate: only the leaf comes back', async () => {
    const r = await prober.probe({ host: 'nointer.test' });
    expect(r.chain.map((c) => c.commonName)).toEqual(['nointer.test']);
  });

  it('TLS 1.0-only server: default probe fails, legacy probe sees TLSv1', async () => {
    const modern = await prober.probe({ host: 'tls10.test' });
    expect(modern.error?.code).toMatch(/PROTOCOL|VERSION/);
    const legacy = await prober.probe({ host: 'tls10.test', minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
    expect(legacy.error).toBeUndefined();
    expect(legacy.protocol).toBe('TLSv1');
  });

  it('reports a 1024-bit RSA key', async () => {
    const r = await prober.probe({ host: 'weak.test' });
    expect(r.chain[0]).toMatchObject({ keyType: 'RSA', keyBits: 1024 });
  });

  it('untrusted root without the extra CA', async () => {
    const bare = createTlsProber({ resolvers: [], connectTo: [parseConnectTo(`valid.test:443:127.0.0.2:${servers.valid!.port}`)], timeoutMs: 1500, concurrency: 1, maxBodyBytes: 1 });
    const r = await bare.probe({ host: 'valid.test' });
    expect(r.authorized).toBe(false);
    expect(r.authorizationError).toBe('UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    expect(rootPem).toContain('BEGIN CERTIFICATE');
  });

  it.each([
    ['garbage', /SSL|EPROTO|ECONNRESET/],
    ['reset', /ECONNRESET/],
    ['plain', /SSL|EPROTO|ECONNRESET/], // node's HTTP server answers 400 and closes
    ['silent', /^TIMEOUT$/],
  ])('%s server comes back as error data, never a throw', async (name, code) => {
    const t0 = Date.now();
    const r = await prober.probe({ host: `${name}.test`, timeoutMs: 400 });
    expect(r.error?.code).toMatch(code);
    expect(r.authorized).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('connection refused and unresolvable names are errors', async () => {
    const closed = await startHttpServer({ host: '127.0.0.2', handler: ok });
    await closed.close();
    const r = await prober.probe({ host: '127.0.0.2', port: closed.port });
    expect(r.error?.code).toBe('ECONNREFUSED');
    expect(r.servername).toBeUndefined();
    const p2 = createTlsProber({ resolvers: [], connectTo: [], timeoutMs: 500, concurrency: 1, maxBodyBytes: 1, lookup: async () => [] });
    expect((await p2.probe({ host: 'nowhere.test' })).error?.code).toBe('DNS');
  });
});

describe('parseSubjectAltNames', () => {
  it.each([
    ['DNS:a.test, DNS:b.test', ['a.test', 'b.test']],
    ['DNS:a.test, IP Address:127.0.0.1, email:x@y.test', ['a.test', '127.0.0.1']],
    ['DNS:"weird,name.test", DNS:b.test', ['weird,name.test', 'b.test']],
    [undefined, []],
  ])('%s', (s, want) => expect(parseSubjectAltNames(s)).toEqual(want));
});
