import { describe, expect, it } from 'vitest';
import certificate, { chainProblem } from './certificate.js';
import { cert, DAY_MS, NOW, tlsSummary } from '../../../test/helpers/builders.js';
import { configSchema } from '../../config/schema.js';

const ctx = { config: configSchema.parse({}), now: NOW };
const run = (t: ReturnType<typeof tlsSummary>) => certificate.audit({ tls: [t] }, ctx).findings;

describe('tls certificate rules', () => {
  it.each([
    ['an expired certificate', tlsSummary('a.example.com', { daysLeft: -2, authorized: false, authorizationError: 'CERT_HAS_EXPIRED' }), 'tls/expired', undefined],
    [
      'a certificate not yet valid',
      tlsSummary('a.example.com', { chain: [cert({ validFrom: new Date(NOW + 2 * DAY_MS).toISOString(), validTo: new Date(NOW + 90 * DAY_MS).toISOString(), subjectAltNames: ['a.example.com'] })] }),
      'tls/expired',
      undefined,
    ],
    ['a certificate expiring in 9 days', tlsSummary('a.example.com', { daysLeft: 9 }), 'tls/expiring-soon', 'high'],
    ['a certificate expiring in 20 days', tlsSummary('a.example.com', { daysLeft: 20 }), 'tls/expiring-soon', 'medium'],
    ['a certificate for another name', tlsSummary('a.example.com', { hostnameMatches: false, hostnameError: 'not in SANs' }), 'tls/hostname-mismatch', undefined],
    ['a chain missing its intermediate', tlsSummary('a.example.com', { authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', chain: [cert()] }), 'tls/untrusted-chain', undefined],
    ['a self-signed certificate', tlsSummary('a.example.com', { authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', chain: [cert({ selfSigned: true })] }), 'tls/untrusted-chain', undefined],
  ])('fires for %s', (_n, t, rule, severity) => {
    const f = run(t).find((x) => x.rule === rule);
    expect(f).toBeDefined();
    if (severity) expect(f!.severity).toBe(severity);
  });
  it.each([
    ['a valid certificate with 60 days left', tlsSummary('a.example.com')],
    ['a valid certificate with 31 days left', tlsSummary('a.example.com', { daysLeft: 31 })],
    ['a failed handshake (reported elsewhere)', tlsSummary('a.example.com', { chain: [], error: { code: 'ECONNRESET', message: 'reset' } })],
  ])('stays quiet for %s', (_n, t) => {
    expect(run(t)).toEqual([]);
  });
  it('names the chain problem the way operators search for it', () => {
    expect(chainProblem(tlsSummary('a', { authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', chain: [cert()] }))).toBe('missing intermediate');
    expect(chainProblem(tlsSummary('a', { authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', chain: [cert({ selfSigned: true })] }))).toBe('self-signed');
    expect(chainProblem(tlsSummary('a', { authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN' }))).toBe('unknown root');
  });
  it('does not call an expired certificate an untrusted chain', () => {
    const rules = run(tlsSummary('a.example.com', { daysLeft: -1, authorized: false, authorizationError: 'CERT_HAS_EXPIRED' })).map((f) => f.rule);
    expect(rules).toEqual(['tls/expired']);
  });
});
