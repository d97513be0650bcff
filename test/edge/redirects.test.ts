/** edge/duplicate-host, edge/redirect-chain, edge/temporary-redirect, edge/redirect-drops-path and the HSTS preload metric. */
import { describe, expect, it } from 'vitest';
import canonical, { canonicalOrigin } from '../../src/audits/edge/canonical.js';
import hsts from '../../src/audits/edge/hsts.js';
import { configSchema } from '../../src/config/schema.js';
import type { EdgeProbe } from '../../src/gather/artifacts.js';
import type { RedirectHop } from '../../src/net/types.js';
import { edgeProbe, exchange, nameTargets, NOW } from '../helpers/builders.js';

const ctx = { config: configSchema.parse({}), now: NOW };
const WITH_CANON = nameTargets('example.com', { canonical: 'https://www.example.com' });
const NO_CANON = nameTargets('example.com');

/** A name whose http:// and https:// follow `hops` (url, status, location) and end at `final`. */
function redirecting(name: string, o: { https?: RedirectHop[]; http?: RedirectHop[]; final?: string; pathHttps?: RedirectHop[] } = {}): EdgeProbe {
  const final = o.final ?? 'https://www.example.com/';
  const https = o.https ?? [{ url: `https://${name}/`, status: 301, location: final }];
  const http = o.http ?? [{ url: `http://${name}/`, status: 301, location: `https://${name}/` }, ...https];
  return {
    ...edgeProbe(name, { http: { redirects: http, finalUrl: final }, https: { redirects: https, finalUrl: final } }),
    ...(o.pathHttps
      ? { pathProbe: { https: exchange(`https://${name}/launchready-probe?x=1`, { redirects: o.pathHttps, finalUrl: o.pathHttps.at(-1)!.location!, status: 404 }) } }
      : {}),
  };
}
const www = edgeProbe('www.example.com');
const run = (edge: EdgeProbe[], targets = WITH_CANON) => canonical.audit({ edge, targets }, ctx).findings;
const ids = (edge: EdgeProbe[], rule: string, targets = WITH_CANON) => run(edge, targets).filter((f) => f.rule === rule);

describe('edge/duplicate-host', () => {
  it.each([
    ['apex and www both 200, canonical configured', [edgeProbe('example.com'), www], WITH_CANON, 'https://example.com/'],
    ['apex and www both 200, no canonical configured', [edgeProbe('example.com'), www], NO_CANON, 'https://example.com/'],
    ['www serves while the canonical is the apex', [edgeProbe('example.com'), edgeProbe('www.example.com')], nameTargets('example.com', { canonical: 'https://example.com' }), 'https://www.example.com/'],
  ])('fires for %s', (_n, edge, targets, target) => {
    const f = ids(edge, 'edge/duplicate-host', targets);
    expect(f.map((x) => x.target)).toEqual([target]);
  });
  it.each([
    ['apex redirects to www', [redirecting('example.com'), www], WITH_CANON],
    ['apex redirects to www, no canonical configured', [redirecting('example.com'), www], NO_CANON],
    ['apex answers 404 (no content)', [edgeProbe('example.com', { https: { status: 404 } }), www], WITH_CANON],
    ['only the canonical host serves; subdomains are their own sites', [redirecting('example.com'), www, edgeProbe('app.example.com')], WITH_CANON],
  ])('stays quiet for %s', (_n, edge, targets) => {
    expect(ids(edge, 'edge/duplicate-host', targets)).toEqual([]);
  });
  it('infers the canonical origin where apex and www agree', () => {
    expect(canonicalOrigin(NO_CANON, [redirecting('example.com'), www])).toBe('https://www.example.com');
  });
});

describe('edge/redirect-chain', () => {
  const twoHops: RedirectHop[] = [
    { url: 'https://example.com/', status: 301, location: 'https://example.com/home' },
    { url: 'https://example.com/home', status: 301, location: 'https://www.example.com/' },
  ];
  it.each([
    ['two https hops to the canonical host', [redirecting('example.com', { https: twoHops }), www], 'https://example.com/'],
    ['http to https to www to www/en (not counted after reaching www), via apex http upgrade plus two', [redirecting('example.com', { https: twoHops }), www], 'http://example.com/'],
  ])('fires for %s', (_n, edge, target) => {
    const f = ids(edge, 'edge/redirect-chain');
    expect(f.map((x) => x.target)).toContain(target);
    expect((f.find((x) => x.target === target)!.evidence as { chain: string[] }).chain[0]).toMatch(/^301 /);
  });
  it.each([
    ['one hop apex -> www', [redirecting('example.com'), www]],
    ['http://apex -> https://apex -> https://www (the preload-required upgrade is not counted)', [redirecting('example.com'), www]],
    ['http://apex -> https://www directly', [redirecting('example.com', { http: [{ url: 'http://example.com/', status: 301, location: 'https://www.example.com/' }] }), www]],
    ['no canonical known (apex and www disagree)', [redirecting('example.com', { https: twoHops, final: 'https://shop.example.com/' }), www]],
  ])('stays quiet for %s', (_n, edge) => {
    expect(ids(edge, 'edge/redirect-chain', _n.startsWith('no canonical') ? NO_CANON : WITH_CANON)).toEqual([]);
  });
});

describe('edge/temporary-redirect', () => {
  it.each([
    ['apex -> www with 302', [redirecting('example.com', { https: [{ url: 'https://example.com/', status: 302, location: 'https://www.example.com/' }] }), www], 'https://example.com/'],
    ['http -> https upgrade with 307', [edgeProbe('app.example.com', { http: { redirects: [{ url: 'http://app.example.com/', status: 307, location: 'https://app.example.com/' }] } }), www], 'http://app.example.com/'],
  ])('fires for %s', (_n, edge, target) => {
    expect(ids(edge, 'edge/temporary-redirect').map((f) => f.target)).toContain(target);
  });
  it.each([
    ['301 everywhere', [redirecting('example.com'), www]],
    ['308 upgrade', [edgeProbe('app.example.com', { http: { redirects: [{ url: 'http://app.example.com/', status: 308, location: 'https://app.example.com/' }] } })]],
    ['a 302 after reaching the canonical host (the app\'s own login redirect)', [edgeProbe('www.example.com', { https: { redirects: [{ url: 'https://www.example.com/', status: 302, location: '/login' }], finalUrl: 'https://www.example.com/login' } })]],
  ])('stays quiet for %s', (_n, edge) => {
    expect(ids(edge, 'edge/temporary-redirect')).toEqual([]);
  });
});

describe('edge/redirect-drops-path', () => {
  it.each([
    ['path dropped', [{ url: 'https://example.com/launchready-probe?x=1', status: 301, location: 'https://www.example.com/' }]],
    ['query dropped', [{ url: 'https://example.com/launchready-probe?x=1', status: 301, location: 'https://www.example.com/launchready-probe' }]],
  ])('fires for %s', (_n, hops) => {
    const f = ids([redirecting('example.com', { pathHttps: hops }), www], 'edge/redirect-drops-path');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ target: 'https://example.com/launchready-probe?x=1', evidence: { location: hops[0]!.location } });
  });
  it.each([
    ['path and query kept', [{ url: 'https://example.com/launchready-probe?x=1', status: 301, location: 'https://www.example.com/launchready-probe?x=1' }]],
    ['kept, then the app sends unknown paths home (same origin)', [
      { url: 'https://example.com/launchready-probe?x=1', status: 301, location: 'https://www.example.com/launchready-probe?x=1' },
      { url: 'https://www.example.com/launchready-probe?x=1', status: 302, location: '/' },
    ]],
  ])('stays quiet for %s', (_n, hops) => {
    expect(ids([redirecting('example.com', { pathHttps: hops }), www], 'edge/redirect-drops-path')).toEqual([]);
  });
});

describe('HSTS preload requirements of the apex (metric)', () => {
  const PRELOAD = 'max-age=63072000; includeSubDomains; preload';
  const metric = (apex: EdgeProbe) => hsts.audit({ edge: [apex, www], targets: WITH_CANON }, ctx).metrics!.hstsPreload as { meetsRequirements: boolean; checks: Record<string, boolean | null> };
  it('met: http upgrades on the apex first, the apex redirect carries a preload header', () => {
    const apex = { ...redirecting('example.com'), httpsFirstHop: { status: 301, headers: { 'strict-transport-security': PRELOAD } } };
    expect(metric(apex)).toMatchObject({ meetsRequirements: true, checks: { maxAge: true, preload: true, onRedirect: true, httpUpgradesSameHost: true } });
  });
  it.each([
    ['the apex redirect has no HSTS header', { ...redirecting('example.com'), httpsFirstHop: { status: 301, headers: {} } }, 'onRedirect'],
    ['http://apex jumps straight to www', { ...redirecting('example.com', { http: [{ url: 'http://example.com/', status: 301, location: 'https://www.example.com/' }] }), httpsFirstHop: { status: 301, headers: { 'strict-transport-security': PRELOAD } } }, 'httpUpgradesSameHost'],
    ['no preload directive', edgeProbe('example.com', { https: { headers: { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } } }), 'preload'],
  ])('not met when %s', (_n, apex, check) => {
    const m = metric(apex);
    expect(m.meetsRequirements).toBe(false);
    expect(m.checks[check]).toBe(false);
  });
});
