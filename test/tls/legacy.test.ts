/**
 * tls/legacy-protocol and the TLS details metric: builder tables, then real handshakes against
 * harness HTTPS servers (one pinned to TLS 1.0 at OpenSSL security level 0, one TLS 1.2+ only,
 * one that resets, one silent, one plain HTTP on the TLS port).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import legacy, { tlsDetails } from '../../src/audits/tls/legacy-protocol.js';
import { acmeIssuer } from '../../src/audits/tls/acme.js';
import { probeName } from '../../src/gather/tls.js';
import { createCertAuthority } from '../../src/harness/certs.js';
import { startGarbageTlsServer, startHttpServer, startHttpsServer, type ServerHandle } from '../../src/harness/http-servers.js';
import { createTlsProber } from '../../src/net/tls.js';
import { parseConnectTo } from '../../src/net/connect-to.js';
import type { TlsProber } from '../../src/net/types.js';
import type { TlsNameSummary } from '../../src/gather/artifacts.js';
import { cert, DAY_MS, NOW, tlsSummary } from '../helpers/builders.js';
import { configSchema } from '../../src/config/schema.js';

const ctx = { config: configSchema.parse({}), now: NOW };
const withLegacy = (tls1_0: boolean, tls1_1: boolean, o: Partial<TlsNameSummary> = {}): TlsNameSummary => ({ ...tlsSummary('a.example.com'), legacy: { tls1_0, tls1_1 }, ...o });

describe('tls/legacy-protocol', () => {
  it.each([
    ['TLS 1.0 accepted', withLegacy(true, false), ['TLSv1']],
    ['TLS 1.1 accepted', withLegacy(false, true), ['TLSv1.1']],
    ['both accepted', withLegacy(true, true), ['TLSv1', 'TLSv1.1']],
    ['a legacy-only server', withLegacy(true, true, { protocol: 'TLSv1.1' }), ['TLSv1', 'TLSv1.1']],
  ])('fires for %s', (_n, t, accepted) => {
    const r = legacy.audit({ tls: [t] }, ctx);
    expect(r.findings).toEqual([{ rule: 'tls/legacy-protocol', target: 'a.example.com:443', evidence: expect.objectContaining({ accepted }) }]);
  });
  it.each([
    ['both refused', withLegacy(false, false)],
    ['legacy not probed', tlsSummary('a.example.com') as TlsNameSummary],
    ['both legacy probes timed out', withLegacy(false, false, { legacy: { tls1_0: false, tls1_1: false, errors: { tls1_0: 'TIMEOUT', tls1_1: 'TIMEOUT' } } })],
  ])('stays quiet for %s', (_n, t) => {
    expect(legacy.audit({ tls: [t] }, ctx).findings).toEqual([]);
  });
  it('does not count a name whose legacy probes could not run as checked', () => {
    const r = legacy.audit({ tls: [withLegacy(false, false, { legacy: { tls1_0: false, tls1_1: false, errors: { tls1_0: 'TIMEOUT', tls1_1: 'ECONNREFUSED' } } })] }, ctx);
    expect(r.targets).toEqual([]);
  });
});

describe('TLS details metric', () => {
  it('reports key, signature, stapling, SANs and an ACME issuer with a short lifetime', () => {
    const leaf = cert({
      issuer: "C=US, O=Let's Encrypt, CN=R11",
      keyType: 'RSA',
      keyBits: 2048,
      signatureAlgorithm: 'SHA-256withRSASSA-PKCS1-v1_5',
      subjectAltNames: ['example.com', 'www.example.com'],
      validFrom: new Date(NOW - 30 * DAY_MS).toISOString(),
      validTo: new Date(NOW + 60 * DAY_MS).toISOString(),
    });
    const d = tlsDetails({ ...tlsSummary('example.com'), chain: [leaf], ocspStapled: true, legacy: { tls1_0: false, tls1_1: false } });
    expect(d).toMatchObject({
      keyType: 'RSA', keyBits: 2048, signatureAlgorithm: 'SHA-256withRSASSA-PKCS1-v1_5', ocspStapled: true,
      acmeIssuer: "Let's Encrypt", lifetimeDays: 90, shortLived: true, autoRenewalLikely: true,
      subjectAltNames: ['example.com', 'www.example.com'], legacyProtocols: [],
    });
  });
  it.each([
    ["C=US, O=Let's Encrypt, CN=E6", "Let's Encrypt"],
    ['C=US, O=Google Trust Services, CN=WR1', 'Google Trust Services'],
    ['C=AT, O=ZeroSSL, CN=ZeroSSL ECC Domain Secure Site CA', 'ZeroSSL'],
    ['C=US, O=DigiCert Inc, CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1', undefined],
    ["CN=Let's Encrypt lookalike", undefined],
  ])('recognises the ACME issuer of %s', (dn, issuer) => {
    expect(acmeIssuer(dn)).toBe(issuer);
  });
  it('reports a year-long certificate from a commercial CA as not auto-renewed', () => {
    const leaf = cert({ issuer: 'C=US, O=DigiCert Inc, CN=DigiCert CA', validFrom: new Date(NOW).toISOString(), validTo: new Date(NOW + 397 * DAY_MS).toISOString() });
    expect(tlsDetails({ ...tlsSummary('example.com'), chain: [leaf] })).toMatchObject({ shortLived: false, autoRenewalLikely: false });
  });
});

describe('legacy handshakes against harness servers', () => {
  const servers: Record<string, ServerHandle> = {};
  let prober: TlsProber;
  const host = '127.0.0.43';

  beforeAll(async () => {
    const root = await createCertAuthority({ name: 'Legacy Root', keyType: 'rsa' });
    const [c10, modern, rsa] = await Promise.all([
      root.issue({ names: ['tls10.test'], keyType: 'rsa' }),
      root.issue({ names: ['modern.test'] }),
      root.issue({ names: ['tls11.test'], keyType: 'rsa' }),
    ]);
    const ok = (_q: unknown, r: { end(s: string): void }) => r.end('ok');
    const [a, b, c, d, e, f, g] = await Promise.all([
      // OpenSSL 3 needs security level 0 to speak TLS 1.0/1.1 at all (SHA-1 handshake signatures).
      startHttpsServer({ host, cert: c10, handler: ok, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }),
      startHttpsServer({ host, cert: modern, handler: ok, minVersion: 'TLSv1.2' }),
      startHttpsServer({ host, cert: rsa, handler: ok, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }),
      startGarbageTlsServer({ host, mode: 'reset' }),
      startGarbageTlsServer({ host, mode: 'silent' }),
      startHttpServer({ host, handler: ok }),
      startGarbageTlsServer({ host, mode: 'garbage' }),
    ]);
    Object.assign(servers, { tls10: a, modern: b, tls11: c, reset: d, silent: e, plain: f, garbage: g });
    prober = createTlsProber({
      resolvers: [],
      connectTo: Object.entries(servers).map(([n, s]) => parseConnectTo(`${n}.test:443:${host}:${s.port}`)),
      extraCaPem: root.certPem,
      timeoutMs: 700,
      concurrency: 16,
      maxBodyBytes: 1024,
    });
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  it('sees TLS 1.0 and 1.1 offered by a server configured down to TLS 1.0', async () => {
    const t = await probeName(prober, 'tls10.test');
    expect(t.error).toBeUndefined();
    expect(t.protocol).toBe('TLSv1.3');
    expect(t.legacy).toMatchObject({ tls1_0: true, tls1_1: true });
    expect(legacy.audit({ tls: [t] }, ctx).findings.map((f) => f.rule)).toEqual(['tls/legacy-protocol']);
  });

  it('sees a TLS 1.1-only server and still describes its certificate', async () => {
    const t = await probeName(prober, 'tls11.test');
    expect(t.legacy).toMatchObject({ tls1_0: false, tls1_1: true });
    expect(t.chain[0]?.subjectAltNames).toEqual(['tls11.test']);
    expect(t.protocol).toBe('TLSv1.1');
  });

  it('stays quiet for a TLS 1.2+ server', async () => {
    const t = await probeName(prober, 'modern.test');
    expect(t.legacy).toEqual({ tls1_0: false, tls1_1: false });
    expect(legacy.audit({ tls: [t] }, ctx).findings).toEqual([]);
    expect(legacy.audit({ tls: [t] }, ctx).metrics!.tlsDetails).toMatchObject({ 'modern.test:443': { keyType: 'EC', keyBits: 256, ocspStapled: false } });
  });

  it.each(['reset', 'silent', 'plain', 'garbage'])('ends a %s server as data within the timeout', async (name) => {
    const started = Date.now();
    const t = await probeName(prober, `${name}.test`);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(t.error).toBeDefined();
    expect(t.legacy).toMatchObject({ tls1_0: false, tls1_1: false });
    expect(legacy.audit({ tls: [t] }, ctx).findings).toEqual([]);
  });
});
