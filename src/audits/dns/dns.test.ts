import { describe, expect, it } from 'vitest';
import unresolved from './unresolved.js';
import caa from './caa.js';
import { dnsInfo, NOW } from '../../../test/helpers/builders.js';
import { configSchema } from '../../config/schema.js';

const ctx = { config: configSchema.parse({}), now: NOW };

describe('dns/unresolved', () => {
  it.each([
    ['a name with no A/AAAA (NXDOMAIN)', dnsInfo('status.example.com', { addresses: [], rcode: 'NXDOMAIN' }), { a: 'NXDOMAIN' }],
    ['a CNAME chain that ends nowhere', dnsInfo('shop.example.com', { addresses: [], cname: ['shops.myshopify.com'], rcode: 'NXDOMAIN' }), { endsAt: 'shops.myshopify.com' }],
    ['a SERVFAIL answer', dnsInfo('api.example.com', { addresses: [], rcode: 'SERVFAIL' }), { a: 'SERVFAIL' }],
  ])('fires for %s', (_n, info, evidence) => {
    const r = unresolved.audit({ dns: [info] }, ctx);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ rule: 'dns/unresolved', target: info.name, evidence });
  });
  it.each([
    ['a name with an A record', dnsInfo('example.com')],
    ['a CNAME chain that ends at an address', dnsInfo('www.example.com', { cname: ['lb.example.net'] })],
    ['an IPv6-only name', { ...dnsInfo('v6.example.com', { addresses: ['2001:db8::1'] }) }],
  ])('stays quiet for %s', (_n, info) => {
    expect(unresolved.audit({ dns: [info] }, ctx).findings).toEqual([]);
  });
});

describe('dns/caa-missing', () => {
  it.each([
    ['an apex without CAA records', dnsInfo('example.com', { caa: 'none' })],
    ['an apex with only an iodef record', dnsInfo('example.com', { caa: [{ name: 'example.com', type: 'CAA', ttl: 1, flags: 0, tag: 'iodef', value: 'mailto:x@example.com' }] })],
  ])('fires for %s', (_n, info) => {
    expect(caa.audit({ dns: [info] }, ctx).findings.map((f) => f.rule)).toEqual(['dns/caa-missing']);
  });
  it.each([
    ['an apex with an issue record', dnsInfo('example.com', { caa: [{ name: 'example.com', type: 'CAA', ttl: 1, flags: 0, tag: 'issue', value: 'letsencrypt.org' }] })],
    ['an apex with an issuewild record', dnsInfo('example.com', { caa: [{ name: 'example.com', type: 'CAA', ttl: 1, flags: 0, tag: 'issuewild', value: 'pki.goog' }] })],
  ])('stays quiet for %s', (_n, info) => {
    expect(caa.audit({ dns: [info] }, ctx).findings).toEqual([]);
  });
  it('is not applicable when the CAA query failed', () => {
    const info = dnsInfo('example.com', { caa: 'none' });
    info.caa!.rcode = 'TIMEOUT';
    expect(caa.audit({ dns: [info] }, ctx).notApplicable).toMatch(/TIMEOUT/);
  });
});
