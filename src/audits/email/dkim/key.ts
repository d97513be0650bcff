/**
 * DKIM key records (RFC 6376 3.6.1): tag list parse, key type, key size via node:crypto.
 * Hand-written tag parsing because it is ten lines; key decoding is node:crypto's job.
 */
import { createPublicKey } from 'node:crypto';

export interface DkimKeyFacts {
  keyType: string;
  /** RSA modulus bits, 256 for ed25519; absent when the key does not decode. */
  bits?: number;
  /** p= is empty: the key was revoked (3.6.1). */
  revoked: boolean;
  /** t=y: the domain is testing DKIM. */
  testing: boolean;
  /** Why the key could not be read. */
  error?: string;
}

/** True when a TXT value looks like a DKIM key record (has v=DKIM1 or a p= tag). */
export function isDkimRecord(text: string): boolean {
  return /^\s*v\s*=\s*DKIM1\s*(;|$)/i.test(text) || /(^|;)\s*p\s*=/.test(text);
}

export function parseDkimKey(text: string): DkimKeyFacts {
  const tags = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  const keyType = (tags.get('k') || 'rsa').toLowerCase();
  const testing = (tags.get('t') ?? '').split(':').includes('y');
  const p = tags.get('p');
  if (p === undefined) return { keyType, revoked: false, testing, error: 'no p= tag' };
  if (p === '') return { keyType, revoked: true, testing };
  const der = Buffer.from(p, 'base64');
  if (keyType === 'ed25519') {
    return der.length === 32 ? { keyType, bits: 256, revoked: false, testing } : { keyType, revoked: false, testing, error: `ed25519 key is ${der.length} bytes, expected 32` };
  }
  if (keyType !== 'rsa') return { keyType, revoked: false, testing, error: `unknown key type "${keyType}"` };
  // DKIM publishes SubjectPublicKeyInfo; some old generators publish a bare PKCS#1 RSAPublicKey.
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      const k = createPublicKey({ key: der, format: 'der', type });
      return { keyType, bits: k.asymmetricKeyDetails?.modulusLength, revoked: false, testing };
    } catch {
      // try the next encoding
    }
  }
  return { keyType, revoked: false, testing, error: 'p= does not decode as an RSA public key' };
}
