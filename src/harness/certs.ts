/**
 * Certificate factory for tests and for `launchready demo`: a root CA, intermediates, and leaf
 * certificates for every situation the TLS audits must recognise (valid, expired, not yet valid,
 * wrong host, missing intermediate, self-signed, weak RSA key). Keys live in memory only.
 *
 * Built on @peculiar/x509 over node's WebCrypto rather than shelling out to openssl: no temp files,
 * no external binary, and each certificate costs a few milliseconds with EC P-256 keys.
 */
import { webcrypto, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
// @peculiar/x509 uses tsyringe, which needs the Reflect metadata API at import time; this import
// must stay above it (ESM evaluates sibling imports in order).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

// @peculiar/x509 needs a WebCrypto implementation; node's is complete for RSA and ECDSA.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface Pem {
  certPem: string;
  keyPem: string;
}

export interface IssueOpts {
  /** DNS names or IP addresses for the SubjectAltName; the first also becomes the CN. */
  names: string[];
  notBefore?: Date;
  notAfter?: Date;
  keyType?: 'ec' | 'rsa';
  /** RSA modulus size (default 2048); 1024 makes a weak-key certificate. */
  rsaBits?: number;
  /** Sign with this intermediate (of this CA) instead of the CA itself. */
  intermediate?: CertAuthority;
  /** Issue a certificate flagged as a CA (basicConstraints cA=true). */
  isCA?: boolean;
}

export interface IssuedCert extends Pem {
  /** Leaf followed by the intermediates: what a correctly configured server sends. */
  chainPem: string;
  /** The leaf alone: what a server with a missing intermediate sends. */
  leafOnlyPem: string;
}

export interface CertAuthority extends Pem {
  name: string;
  issue(opts: IssueOpts): Promise<IssuedCert>;
}

export interface CaOpts {
  name?: string;
  keyType?: 'ec' | 'rsa';
  rsaBits?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** Makes an intermediate signed by `parent` (which must come from createCertAuthority). */
  parent?: CertAuthority;
}

export interface SelfSignedOpts {
  notBefore?: Date;
  notAfter?: Date;
  keyType?: 'ec' | 'rsa';
  rsaBits?: number;
}

const DAY = 86_400_000;

interface KeyMaterial {
  keys: CryptoKeyPair;
  /** Algorithm used when this key signs something. */
  signing: Algorithm | EcdsaParams;
}

async function generateKey(keyType: 'ec' | 'rsa' = 'ec', rsaBits = 2048): Promise<KeyMaterial> {
  if (keyType === 'rsa') {
    const alg = { name: 'RSASSA-PKCS1-v1_5', modulusLength: rsaBits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
    return { keys, signing: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm };
  }
  const alg = { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  return { keys, signing: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams };
}

async function keyToPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key as unknown as webcrypto.CryptoKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** Positive 128-bit serial (high bit cleared so the DER integer stays positive). */
function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f | 0x01;
  return b.toString('hex');
}

function dnString(cn: string): string {
  // Commas and other specials are escaped so a CN like "Example, Inc" stays one attribute.
  return `CN=${cn.replace(/([,+"\\<>;=])/g, '\\$1')}`;
}

function sanExtension(names: string[]): x509.SubjectAlternativeNameExtension {
  return new x509.SubjectAlternativeNameExtension(
    names.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
  );
}

function pemOf(cert: x509.X509Certificate): string {
  return `${cert.toString('pem').trim()}\n`;
}

/** Internal state shared between a CA and the intermediates it signs. */
interface CaState {
  key: KeyMaterial;
  cert: x509.X509Certificate;
  /** PEM of this CA and the intermediates above it, excluding the root (empty for a root). */
  upChainPem: string;
  notAfter: Date;
}
const caStates = new WeakMap<CertAuthority, CaState>();

async function signCert(opts: {
  subject: string;
  issuer: CaState | null;
  key: KeyMaterial;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  names?: string[];
}): Promise<x509.X509Certificate> {
  const pub = opts.key.keys.publicKey;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(opts.isCA, undefined, true),
    new x509.KeyUsagesExtension(
      opts.isCA
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature
        : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(pub),
  ];
  if (!opts.isCA || opts.names?.length) extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]));
  if (opts.names?.length) extensions.push(sanExtension(opts.names));
  if (!opts.issuer) {
    return x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: opts.subject,
      notBefore: opts.notBefore,
      notAfter: opts.notAfter,
      signingAlgorithm: opts.key.signing,
      keys: opts.key.keys,
      extensions,
    });
  }
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(opts.issuer.cert));
  return x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: opts.subject,
    issuer: opts.issuer.cert.subject,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    signingAlgorithm: opts.issuer.key.signing,
    publicKey: pub,
    signingKey: opts.issuer.key.keys.privateKey,
    extensions,
  });
}

/** A root CA, or an intermediate when `parent` is given. */
export async function createCertAuthority(opts: CaOpts = {}): Promise<CertAuthority> {
  const parentState = opts.parent ? caStates.get(opts.parent) : undefined;
  if (opts.parent && !parentState) throw new TypeError('createCertAuthority: parent must come from createCertAuthority');
  const name = opts.name ?? (opts.parent ? 'launchready Test Intermediate' : 'launchready Test Root');
  const now = Date.now();
  const notBefore = opts.notBefore ?? new Date(now - DAY);
  const notAfter = opts.notAfter ?? new Date(now + 3650 * DAY);
  const key = await generateKey(opts.keyType, opts.rsaBits);
  const cert = await signCert({ subject: dnString(name), issuer: parentState ?? null, key, notBefore, notAfter, isCA: true });
  const certPem = pemOf(cert);
  const state: CaState = {
    key,
    cert,
    upChainPem: parentState ? certPem + parentState.upChainPem : '',
    notAfter,
  };
  const ca: CertAuthority = {
    name,
    certPem,
    keyPem: await keyToPem(key.keys.privateKey),
    async issue(io: IssueOpts): Promise<IssuedCert> {
      if (io.intermediate) return io.intermediate.issue({ ...io, intermediate: undefined });
      if (io.names.length === 0) throw new TypeError('issue: names must list at least one DNS name or IP');
      const leafKey = await generateKey(io.keyType, io.rsaBits);
      const t = Date.now();
      const leaf = await signCert({
        subject: dnString(io.names[0]!),
        issuer: state,
        key: leafKey,
        notBefore: io.notBefore ?? new Date(t - DAY),
        notAfter: io.notAfter ?? new Date(t + 90 * DAY),
        isCA: io.isCA ?? false,
        names: io.names,
      });
      const leafPem = pemOf(leaf);
      return { certPem: leafPem, keyPem: await keyToPem(leafKey.keys.privateKey), chainPem: leafPem + state.upChainPem, leafOnlyPem: leafPem };
    },
  };
  caStates.set(ca, state);
  return ca;
}

/** A self-signed leaf for `names` (what a forgotten default or dev certificate looks like). */
export async function selfSigned(names: string[], opts: SelfSignedOpts = {}): Promise<IssuedCert> {
  if (names.length === 0) throw new TypeError('selfSigned: names must list at least one DNS name or IP');
  const key = await generateKey(opts.keyType, opts.rsaBits);
  const t = Date.now();
  const cert = await signCert({
    subject: dnString(names[0]!),
    issuer: null,
    key,
    notBefore: opts.notBefore ?? new Date(t - DAY),
    notAfter: opts.notAfter ?? new Date(t + 90 * DAY),
    isCA: false,
    names,
  });
  const pem = pemOf(cert);
  return { certPem: pem, keyPem: await keyToPem(key.keys.privateKey), chainPem: pem, leafOnlyPem: pem };
}
