import { X509Certificate } from 'node:crypto';
import { describe, it, expect, beforeAll } from 'vitest';
import { createCertAuthority, selfSigned, type CertAuthority } from './certs.js';

const DAY = 86_400_000;

function parse(pem: string): X509Certificate {
  return new X509Certificate(pem);
}
function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

describe('certificate factory', () => {
  let root: CertAuthority;
  let inter: CertAuthority;
  beforeAll(async () => {
    root = await createCertAuthority({ name: 'Test Root' });
    inter = await createCertAuthority({ name: 'Test Intermediate', parent: root });
  });

  it('makes a self-signed CA root', () => {
    const c = parse(root.certPem);
    expect(c.ca).toBe(true);
    expect(c.subject).toBe('CN=Test Root');
    expect(c.checkIssued(c)).toBe(true);
    expect(c.verify(c.publicKey)).toBe(true);
    expect(root.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('issues a leaf with SANs for names and IPs, signed by the root, EC P-256 by default', async () => {
    const leaf = await root.issue({ names: ['shop.test', 'www.shop.test', '127.0.0.2'] });
    const c = parse(leaf.certPem);
    expect(c.subjectAltName).toBe('DNS:shop.test, DNS:www.shop.test, IP Address:127.0.0.2');
    expect(c.ca).toBe(false);
    expect(c.checkIssued(parse(root.certPem))).toBe(true);
    expect(c.verify(parse(root.certPem).publicKey)).toBe(true);
    expect(c.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(c.checkPrivateKey((await import('node:crypto')).createPrivateKey(leaf.keyPem))).toBe(true);
    expect(splitPem(leaf.chainPem)).toHaveLength(1);
  });

  it('issues through an intermediate: chainPem carries the intermediate, leafOnlyPem does not', async () => {
    const leaf = await root.issue({ names: ['api.test'], intermediate: inter });
    const parts = splitPem(leaf.chainPem);
    expect(parts).toHaveLength(2);
    expect(parse(parts[1]!).subject).toBe('CN=Test Intermediate');
    expect(splitPem(leaf.leafOnlyPem)).toHaveLength(1);
    expect(parse(leaf.certPem).issuer).toBe('CN=Test Intermediate');
    expect(parse(inter.certPem).verify(parse(root.certPem).publicKey)).toBe(true);
  });

  it('honours validity dates (expired and not yet valid)', async () => {
    const now = Date.now();
    const expired = await root.issue({ names: ['old.test'], notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) });
    const future = await root.issue({ names: ['new.test'], notBefore: new Date(now + DAY), notAfter: new Date(now + 30 * DAY) });
    expect(new Date(parse(expired.certPem).validTo).getTime()).toBeLessThan(now);
    expect(new Date(parse(future.certPem).validFrom).getTime()).toBeGreaterThan(now);
  });

  it('makes weak RSA keys on request', async () => {
    const weak = await root.issue({ names: ['weak.test'], keyType: 'rsa', rsaBits: 1024 });
    expect(parse(weak.certPem).publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
  });

  it('makes self-signed leaves and CA-flagged leaves', async () => {
    const ss = await selfSigned(['self.test']);
    const c = parse(ss.certPem);
    expect(c.issuer).toBe(c.subject);
    expect(c.verify(c.publicKey)).toBe(true);
    expect(c.ca).toBe(false);
    const caLeaf = await root.issue({ names: ['ca.test'], isCA: true });
    expect(parse(caLeaf.certPem).ca).toBe(true);
  });

  it('rejects an empty name list', async () => {
    await expect(selfSigned([])).rejects.toThrow(/at least one/);
    await expect(root.issue({ names: [] })).rejects.toThrow(/at least one/);
  });
});
