/**
 * Certificate authorities that issue through ACME (RFC 8555) with short lifetimes: a certificate
 * from one of them is almost always renewed by a client (certbot, Caddy, the host platform), so
 * expiry is less of a launch risk than a manually bought certificate. Matched on the issuer DN's
 * organisation (O=), which stays stable while the intermediate CNs rotate (R10, R11, E5, WR1...).
 */
export const ACME_ISSUERS: readonly { issuer: string; org: RegExp }[] = [
  { issuer: "Let's Encrypt", org: /(^|,\s*)O=Let's Encrypt(,|$)/ },
  { issuer: 'ZeroSSL', org: /(^|,\s*)O=ZeroSSL(,|$)/ },
  { issuer: 'Google Trust Services', org: /(^|,\s*)O=Google Trust Services( LLC)?(,|$)/ },
  { issuer: 'Buypass', org: /(^|,\s*)O=Buypass AS-983163327(,|$)/ },
  { issuer: 'SSL.com', org: /(^|,\s*)O=SSL Corp(oration)?(,|$)/ },
];

/** The ACME issuer of a certificate issuer DN (`C=US, O=Let's Encrypt, CN=R11`), if known. */
export function acmeIssuer(issuerDn: string): string | undefined {
  return ACME_ISSUERS.find((a) => a.org.test(issuerDn))?.issuer;
}

/** Certificates valid for at most this many days count as short-lived (ACME default is 90). */
export const SHORT_LIFETIME_DAYS = 100;
