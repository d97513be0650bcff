import { describe, expect, it } from 'vitest';
import httpRedirect from './http-redirect.js';
import hsts, { parseHsts } from './hsts.js';
import { edgeProbe, exchange, nameTargets, NOW } from '../../../test/helpers/builders.js';
import { configSchema } from '../../config/schema.js';

const ctx = { config: configSchema.parse({}), now: NOW };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const rules = (probe: ReturnType<typeof edgeProbe>, a: { audit: (x: any, c: typeof ctx) => { findings: { rule: string }[] } } = httpRedirect) =>
  a.audit({ edge: [probe], targets: nameTargets('example.com') }, ctx).findings.map((f) => f.rule);

describe('edge/http-not-redirected and edge/redirect-loop', () => {
  it.each([
    ['http:// answering 200 with content', edgeProbe('api.example.com', { http: { redirects: [], finalUrl: 'http://api.example.com/', status: 200 } }), 'edge/http-not-redirected'],
    [
      'http:// redirecting to another http:// page that serves content',
      edgeProbe('example.com', {
        http: { redirects: [{ url: 'http://example.com/', status: 301, location: 'http://www.example.com/' }], finalUrl: 'http://www.example.com/', status: 200 },
      }),
      'edge/http-not-redirected',
    ],
    [
      'an https redirect loop',
      edgeProbe('www.example.com', {
        https: {
          status: 0,
          error: { code: 'REDIRECT_LOOP', message: 'loop' },
          redirects: [
            { url: 'https://www.example.com/', status: 301, location: 'https://example.com/' },
            { url: 'https://example.com/', status: 301, location: 'https://www.example.com/' },
          ],
        },
      }),
      'edge/redirect-loop',
    ],
    ['too many redirects over http', edgeProbe('a.example.com', { http: { status: 0, error: { code: 'TOO_MANY_REDIRECTS', message: 'x' }, redirects: [{ url: 'http://a.example.com/', status: 302, location: 'https://a.example.com/1' }] } }), 'edge/redirect-loop'],
  ])('fires for %s', (_n, probe, rule) => {
    expect(rules(probe)).toContain(rule);
  });
  it.each([
    ['http:// redirecting to https://', edgeProbe('example.com')],
    ['http:// with a relative Location to https', edgeProbe('example.com', { http: { redirects: [{ url: 'http://example.com/', status: 308, location: 'https://example.com/' }] } })],
    ['port 80 closed', edgeProbe('example.com', { http: { status: 0, redirects: [], error: { code: 'CONNECT', message: 'ECONNREFUSED' } } })],
    ['http:// answering 404 (nothing served)', edgeProbe('example.com', { http: { redirects: [], status: 404, finalUrl: 'http://example.com/' } })],
  ])('stays quiet for %s', (_n, probe) => {
    expect(rules(probe)).toEqual([]);
  });
});

describe('edge/hsts-missing and edge/hsts-weak', () => {
  it.each([
    ['no Strict-Transport-Security header', { headers: {} }, 'edge/hsts-missing'],
    ['max-age of one day', { headers: { 'strict-transport-security': 'max-age=86400' } }, 'edge/hsts-weak'],
    ['a malformed max-age', { headers: { 'strict-transport-security': 'max-age=abc' } }, 'edge/hsts-weak'],
    ['the header sent twice', { headers: { 'strict-transport-security': ['max-age=31536000', 'max-age=0'] } }, 'edge/hsts-weak'],
    ['no max-age directive', { headers: { 'strict-transport-security': 'includeSubDomains' } }, 'edge/hsts-weak'],
  ])('fires for %s', (_n, https, rule) => {
    expect(rules(edgeProbe('example.com', { https }), hsts)).toEqual([rule]);
  });
  it.each([
    ['max-age of one year', { headers: { 'strict-transport-security': 'max-age=31536000' } }],
    ['quoted max-age with preload, any case', { headers: { 'strict-transport-security': 'Max-Age="63072000"; includeSubDomains; PRELOAD' } }],
    ['no HTTPS answer at all (TLS failure)', { status: 0, error: { code: 'TLS' as const, message: 'CERT_HAS_EXPIRED' }, headers: {} }],
  ])('stays quiet for %s', (_n, https) => {
    expect(rules(edgeProbe('example.com', { https }), hsts)).toEqual([]);
  });
  it('judges a canonical URL reached from apex and www once', () => {
    const weak = { headers: { 'strict-transport-security': 'max-age=60' }, finalUrl: 'https://www.example.com/' };
    const r = hsts.audit({ edge: [edgeProbe('example.com', { https: weak }), edgeProbe('www.example.com', { https: { ...weak } })], targets: nameTargets('example.com') }, ctx);
    expect(r.findings).toHaveLength(1);
  });
  it('parses directives per RFC 6797', () => {
    expect(parseHsts('max-age=31536000; includeSubDomains; preload')).toEqual({ maxAge: 31536000, includeSubDomains: true, preload: true, problems: [] });
    expect(parseHsts('max-age=1; max-age=2').problems).toContain('directive max-age repeated');
    expect(exchange('https://x/').status).toBe(200);
  });
});
