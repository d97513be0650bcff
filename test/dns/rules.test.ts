/** dns/dangling-cname, dns/points-to-staging, dns/domain-expiring and the domain map, from builders. */
import { domainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import dangling from '../../src/audits/dns/dangling-cname.js';
import staging from '../../src/audits/dns/points-to-staging.js';
import expiring from '../../src/audits/dns/domain-expiring.js';
import { TAKEOVER_PROVIDERS, matchTakeoverProvider } from '../../src/audits/dns/providers.js';
import { dnsProviderOf, hostingOf } from '../../src/audits/dns/hosting.js';
import { globToRegExp, parseStaging, previewLike } from '../../src/audits/dns/staging.js';
import { buildDomainMap } from '../../src/audits/dns/domain-map.js';
import { answer, cert, dnsInfo, DAY_MS, edgeProbe, exchange, NOW, tlsSummary } from '../helpers/builders.js';
import { configSchema } from '../../src/config/schema.js';
import type { DnsNameInfo, NameTargets, RdapFacts, ZoneFacts } from '../../src/gather/artifacts.js';

const ctxWith = (domains?: Record<string, unknown>) => ({ config: configSchema.parse(domains ? { domains: { apex: 'example.com', ...domains } } : {}), now: NOW });
const zone = (o: Partial<ZoneFacts> = {}): ZoneFacts => ({ apex: 'example.com', staging: [], ptr: {}, ...o });
const targets = (names: string[]): NameTargets => ({
  apex: 'example.com',
  canonical: null,
  names: names.map((name) => ({ name, role: name === 'example.com' ? 'apex' : name.startsWith('www.') ? 'www' : 'subdomain' })),
  staging: [],
});

/** A CNAME chain whose end does not exist, as a resolver answers it: CNAMEs, then NXDOMAIN. */
function dangles(name: string, chain: string[], rcode: DnsNameInfo['a']['rcode'] = 'NXDOMAIN'): DnsNameInfo {
  return dnsInfo(name, { addresses: [], cname: chain, rcode });
}

describe('dns/dangling-cname', () => {
  it.each([
    ['a CNAME to a GitHub Pages name that is gone', dangles('docs.example.com', ['example.github.io']), 'GitHub Pages'],
    ['a CNAME to a deleted Heroku app', dangles('api.example.com', ['old-app.herokuapp.com']), 'Heroku'],
    ['a CNAME to an S3 website endpoint', dangles('assets.example.com', ['assets.example.com.s3-website-us-east-1.amazonaws.com']), 'AWS S3 website'],
    ['a CNAME to a released Azure app', dangles('app.example.com', ['contoso.azurewebsites.net']), 'Azure App Service'],
    ['a CNAME to a Traffic Manager profile', dangles('tm.example.com', ['contoso.trafficmanager.net']), 'Azure Traffic Manager'],
    ['a two-hop chain through our own name to Shopify', dangles('shop.example.com', ['shop.example.net', 'market-shop.myshopify.com']), 'Shopify'],
    ['a CNAME to an unknown provider', dangles('old.example.com', ['gone.example.org']), undefined],
  ])('fires for %s', (_n, info, provider) => {
    const r = dangling.audit({ dns: [info], edge: [] }, ctxWith());
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ rule: 'dns/dangling-cname', target: info.name, evidence: { rcode: 'NXDOMAIN', danglingTarget: info.finalName } });
    expect(r.findings[0]!.evidence!.provider).toBe(provider);
    if (provider) expect(String(r.findings[0]!.evidence!.source)).toMatch(/^https:\/\//);
  });
  it.each([
    ['a CNAME that resolves', dnsInfo('www.example.com', { cname: ['example.github.io'] })],
    ['a name without CNAME that does not exist (dns/unresolved covers it)', dnsInfo('x.example.com', { addresses: [], rcode: 'NXDOMAIN' })],
    ['a CNAME whose target answers SERVFAIL (inconclusive)', dangles('s.example.com', ['x.herokuapp.com'], 'SERVFAIL')],
    ['a CNAME whose target times out (inconclusive)', dangles('t.example.com', ['x.herokuapp.com'], 'TIMEOUT')],
    ['a CNAME loop (no takeover possible)', { ...dangles('loop.example.com', ['a.example.com']), cnameChain: [{ from: 'loop.example.com', to: 'a.example.com' }, { from: 'a.example.com', to: 'loop.example.com' }] }],
  ])('stays quiet for %s', (_n, info) => {
    expect(dangling.audit({ dns: [info], edge: [] }, ctxWith()).findings).toEqual([]);
  });
  it('has one row with a source for every provider the issue names', () => {
    for (const p of ['GitHub Pages', 'Heroku', 'AWS S3 website', 'Azure App Service', 'Azure Cloud Services', 'Azure Traffic Manager', 'Netlify', 'Vercel', 'Fastly', 'Shopify', 'Zendesk', 'Ghost', 'Webflow', 'Surge.sh', 'Bitbucket', 'Pantheon', 'Unbounce']) {
      const rows = TAKEOVER_PROVIDERS.filter((r) => r.provider === p);
      expect(rows, p).toHaveLength(1);
      expect(rows[0]!.nxdomain || rows[0]!.body.every((b) => b.length > 3), p).toBe(true);
      expect(rows[0]!.nxdomain || rows[0]!.body.length > 0, p).toBe(true);
      expect(rows[0]!.source, p).toMatch(/^https:\/\//);
    }
    expect(matchTakeoverProvider('Contoso.CloudApp.net.')?.provider).toBe('Azure Cloud Services');
    expect(matchTakeoverProvider('github.io.example.com')).toBeUndefined();
  });
});

describe('dns/dangling-cname from the provider\'s "not claimed" page', () => {
  /** A name CNAMEd to a provider name that resolves, with what http:// of our name answered. */
  const onProvider = (name: string, target: string) => dnsInfo(name, { cname: [target], addresses: ['185.199.108.153'] });
  const served = (name: string, status: number, body: string, o: { finalUrl?: string } = {}) =>
    edgeProbe(name, { http: { status, body, finalUrl: o.finalUrl ?? `http://${name}/`, redirects: [] }, https: { status: 0, body: '', error: { code: 'TLS', message: 'hostname mismatch' } } });
  const run = (info: DnsNameInfo, probe: ReturnType<typeof served>) => dangling.audit({ dns: [info], edge: [probe] }, ctxWith()).findings;
  it.each([
    ['GitHub Pages (404, apostrophe as an entity)', 'docs.example.com', 'example.github.io', 404, '<h1>404</h1><p>There isn&#39;t a GitHub Pages site here.</p>', 'GitHub Pages', 'blocker'],
    ['Heroku "No such app" on a 404', 'api.example.com', 'old-app.herokuapp.com', 404, '<iframe src="//www.herokucdn.com/error-pages/no-such-app.html"></iframe>', 'Heroku', 'blocker'],
    ['an S3 website endpoint with NoSuchBucket', 'assets.example.com', 'assets.example.com.s3-website-us-east-1.amazonaws.com', 404, '<Error><Code>NoSuchBucket</Code></Error>', 'AWS S3 website', 'blocker'],
    ['Netlify with a request id', 'www.example.com', 'shop.netlify.app', 404, 'Not Found - Request ID: 01HX', 'Netlify', 'blocker'],
    ['Vercel DEPLOYMENT_NOT_FOUND (not takeover-prone: medium)', 'app.example.com', 'shop.vercel.app', 404, 'The deployment could not be found on Vercel. DEPLOYMENT_NOT_FOUND', 'Vercel', 'medium'],
    ['Fastly unknown domain on a 500', 'cdn.example.com', 'example.global.fastly.net', 500, 'Fastly error: unknown domain: cdn.example.com', 'Fastly', 'medium'],
    ['Shopify on a 200 (specific signature)', 'shop.example.com', 'market-shop.myshopify.com', 200, 'Sorry, this shop is currently unavailable.', 'Shopify', 'blocker'],
    ['Zendesk help center closed', 'help.example.com', 'acme.zendesk.com', 404, 'Help Center Closed', 'Zendesk', 'medium'],
    ['Ghost', 'blog.example.com', 'acme.ghost.io', 404, 'The thing you were looking for is no longer here, or never was', 'Ghost', 'blocker'],
    ['Webflow with a typographic apostrophe', 'site.example.com', 'proxy-ssl.webflow.com', 404, 'The page you are looking for doesn\u2019t exist or has been moved.', 'Webflow', 'blocker'],
  ])('fires for %s', (_n, name, target, status, body, provider, severity) => {
    const f = run(onProvider(name, target), served(name, status, body));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'dns/dangling-cname', target: name, evidence: { provider, status, url: `http://${name}/`, danglingTarget: target } });
    expect(f[0]!.severity ?? 'blocker').toBe(severity);
  });
  it.each([
    ['a GitHub Pages site with content', onProvider('docs.example.com', 'example.github.io'), served('docs.example.com', 200, '<h1>Docs</h1>')],
    ['a short signature on a 200 page (site copy, not the provider page)', onProvider('api.example.com', 'x.herokuapp.com'), served('api.example.com', 200, 'No such app? Build one with our API.')],
    ['the signature on a page reached by redirect to another name', onProvider('docs.example.com', 'example.github.io'), served('docs.example.com', 404, "There isn't a GitHub Pages site here.", { finalUrl: 'http://www.example.com/' })],
    ['the signature of another provider', onProvider('docs.example.com', 'example.github.io'), served('docs.example.com', 404, 'No such app')],
    ['a provider known only by NXDOMAIN that answers', onProvider('app.example.com', 'contoso.azurewebsites.net'), served('app.example.com', 404, 'Not found')],
    ['a CNAME to a name outside the table', onProvider('x.example.com', 'lb.example.net'), served('x.example.com', 404, "There isn't a GitHub Pages site here.")],
  ])('stays quiet for %s', (_n, info, probe) => {
    expect(run(info, probe)).toEqual([]);
  });
});

describe('hosting from response headers, edge in the domain map', () => {
  it('recognises the platform by its header when DNS does not tell', () => {
    expect(hostingOf({ cnames: [], addresses: ['198.51.100.1'], headers: [{ 'x-vercel-id': 'fra1::abc' }] })).toEqual({ provider: 'Vercel', via: 'header', match: 'x-vercel-id' });
    expect(hostingOf({ cnames: [], addresses: ['198.51.100.1'], headers: [{ via: '1.1 vegur' }] })).toMatchObject({ provider: 'Heroku', via: 'header' });
    expect(hostingOf({ cnames: ['x.onrender.com'], addresses: [], headers: [{ 'x-vercel-id': 'x' }] })).toMatchObject({ provider: 'Render', via: 'cname' });
    expect(hostingOf({ cnames: [], addresses: ['198.51.100.1'], headers: [{ server: 'nginx' }] })).toBeUndefined();
  });
  it('puts the edge provider and header-based hosting of each name in the map', () => {
    const probes = [
      edgeProbe('example.com', { https: { headers: { 'cf-ray': '8a-FRA', server: 'cloudflare' } } }),
      edgeProbe('www.example.com', { https: { headers: { 'x-vercel-id': 'fra1::x', server: 'Vercel' } } }),
      edgeProbe('api.example.com', { https: { headers: { server: 'nginx' } } }),
    ];
    const map = buildDomainMap(
      targets(['example.com', 'www.example.com', 'api.example.com', 'gone.example.com']),
      [dnsInfo('example.com', { addresses: ['104.16.1.1'] }), dnsInfo('www.example.com', { addresses: ['198.51.100.9'] }), dnsInfo('api.example.com'), dnsInfo('gone.example.com', { addresses: [], rcode: 'NXDOMAIN' })],
      zone(),
      [],
      NOW,
      probes,
    );
    const by = Object.fromEntries(map.names.map((n) => [n.name, n]));
    expect(by['example.com']).toMatchObject({ hosting: { provider: 'Cloudflare', via: 'address' }, edge: { provider: 'Cloudflare', by: 'header cf-ray' } });
    expect(by['www.example.com']).toMatchObject({ hosting: { provider: 'Vercel', via: 'header' }, edge: { provider: 'Vercel', by: 'header x-vercel-id' } });
    expect(by['api.example.com']!.edge).toBeUndefined();
    expect(by['gone.example.com']!.edge).toBeUndefined();
  });
  it('renders the edge column in Markdown', async () => {
    const { renderDomainMapMarkdown } = await import('../../src/report/domain-map.js');
    const map = buildDomainMap(targets(['example.com']), [dnsInfo('example.com', { addresses: ['198.51.100.9'] })], zone(), [], NOW, [edgeProbe('example.com', { https: { headers: { 'x-amz-cf-id': 'abc' } } })]);
    expect(renderDomainMapMarkdown(map)).toContain('| example.com | NOERROR | – | 198.51.100.9 | – | Amazon CloudFront (header x-amz-cf-id) |');
  });
});

describe('dns/points-to-staging', () => {
  const run = (info: DnsNameInfo, stagingCfg: string[], z = zone()) => staging.audit({ targets: targets([info.name]), dns: [info], zone: z, tls: [], edge: [] }, ctxWith({ staging: stagingCfg })).findings;
  it.each([
    ['a CNAME to a declared staging host', dnsInfo('app.example.com', { cname: ['staging.example.com'] }), ['staging.example.com'], 'blocker'],
    ['a CNAME matching a declared pattern', dnsInfo('app.example.com', { cname: ['myapp.vercel.app'] }), ['*.vercel.app'], 'blocker'],
    ['an address inside a declared CIDR', dnsInfo('api.example.com', { addresses: ['10.20.30.40'] }), ['10.20.0.0/16'], 'blocker'],
    ['a declared staging address', dnsInfo('api.example.com', { addresses: ['2001:db8::5'] }), ['2001:DB8::5'], 'blocker'],
    ['a declared host written with a trailing dot and upper case', dnsInfo('app.example.com', { cname: ['stage.example.com'] }), ['STAGE.example.com.'], 'blocker'],
    ['a Vercel branch preview', dnsInfo('app.example.com', { cname: ['shop-git-feature-x-acme.vercel.app'] }), [], 'medium'],
    ['a Vercel deployment preview (hash)', dnsInfo('app.example.com', { cname: ['shop-7f3k2m9qa-acme.vercel.app'] }), [], 'medium'],
    ['a *-staging name', dnsInfo('app.example.com', { cname: ['shop-staging.example.net'] }), [], 'medium'],
    ['a staging.* name', dnsInfo('app.example.com', { cname: ['staging.example.net'] }), [], 'medium'],
    ['a Heroku staging app', dnsInfo('api.example.com', { cname: ['shop-staging-eu.herokuapp.com'] }), [], 'medium'],
  ])('fires for %s', (_n, info, cfg, severity) => {
    const f = run(info, cfg);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'dns/points-to-staging', target: info.name, severity });
  });
  it('fires (medium) for an address shared with a declared staging host', () => {
    const z = zone({ staging: [dnsInfo('staging.example.com', { addresses: ['203.0.113.99'] })] });
    const f = run(dnsInfo('admin.example.com', { addresses: ['203.0.113.99'] }), ['staging.example.com'], z);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'medium', evidence: { matches: ['shared-address: 203.0.113.99 ~ staging.example.com'] } });
  });
  it.each([
    ['a production Vercel project', dnsInfo('app.example.com', { cname: ['shop.vercel.app'] }), ['staging.example.com']],
    ['an address outside the staging range', dnsInfo('api.example.com', { addresses: ['10.21.0.1'] }), ['10.20.0.0/16']],
    ['a name that only contains "staging" inside a word', dnsInfo('app.example.com', { cname: ['backstagingarea.example.net'] }), []],
    ['a Heroku production app', dnsInfo('api.example.com', { cname: ['shop-prod.herokuapp.com'] }), []],
    ['a pattern that must not cross labels', dnsInfo('app.example.com', { cname: ['a.b.example.net'] }), ['a*.example.net']],
    ['no staging configured and a plain name', dnsInfo('example.com'), []],
  ])('stays quiet for %s', (_n, info, cfg) => {
    expect(run(info, cfg)).toEqual([]);
  });
  it('publishes the domain map in metrics', () => {
    const r = staging.audit({ targets: targets(['example.com']), dns: [dnsInfo('example.com', { addresses: ['76.76.21.21'] })], zone: zone(), tls: [], edge: [] }, ctxWith());
    expect((r.metrics!.domainMap as { names: unknown[] }).names).toHaveLength(1);
  });
});

describe('staging parsing and heuristics', () => {
  it('classifies entries, keeping CIDR prefixes intact', () => {
    expect(parseStaging(['10.0.0.0/8', '192.0.2.1', '*.vercel.app', 'Staging.Example.com.', 'bücher-staging.example']).map((e) => e.kind)).toEqual(['cidr', 'address', 'pattern', 'host', 'host']);
    const ascii = domainToASCII('bücher-staging.example');
    expect(ascii).toMatch(/^xn--/);
    expect(parseStaging(['bücher-staging.example'])[0]).toMatchObject({ host: ascii });
  });
  it('matches globs label-wise, a leading *. at any depth', () => {
    expect(globToRegExp('*.vercel.app').test('a.b.vercel.app')).toBe(true);
    expect(globToRegExp('*.vercel.app').test('vercel.app')).toBe(false);
    expect(globToRegExp('*-staging.example.com').test('api-staging.example.com')).toBe(true);
    expect(globToRegExp('*-staging.example.com').test('x.api-staging.example.com')).toBe(false);
  });
  it('recognises Netlify deploy previews', () => {
    expect(previewLike('deploy-preview-42--shop.netlify.app')).toBe('netlify-deploy-preview');
    expect(previewLike('shop.netlify.app')).toBeNull();
  });
});

describe('dns/domain-expiring', () => {
  const rdap = (daysLeft: number | null, o: Partial<RdapFacts> = {}): RdapFacts => ({
    domain: 'example.com',
    url: 'http://127.0.0.1/rdap/domain/example.com',
    status: 200,
    ...(daysLeft === null ? {} : { expiresAt: new Date(NOW + daysLeft * DAY_MS + 3_600_000).toISOString() }),
    registrar: 'Example Registrar, Inc.',
    ...o,
  });
  it.each([
    ['a registration ending in 20 days', rdap(20), 'high'],
    ['a registration ending in 30 days', rdap(30), 'high'],
    ['a registration ending in 5 days', rdap(5), 'blocker'],
    ['an expired registration', rdap(-3), 'blocker'],
  ])('fires for %s', (_n, r, severity) => {
    const out = expiring.audit({ rdap: r }, ctxWith());
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({ rule: 'dns/domain-expiring', target: 'example.com', severity });
  });
  it.each([
    ['a registration ending in 31 days', rdap(31)],
    ['a registration ending in two years', rdap(730)],
  ])('stays quiet for %s', (_n, r) => {
    const out = expiring.audit({ rdap: r }, ctxWith());
    expect(out.findings).toEqual([]);
    expect(out.metrics!.registration).toMatchObject({ registrar: 'Example Registrar, Inc.' });
  });
  it.each([
    ['404', rdap(10, { status: 404 }), /does not know/],
    ['no expiration event', rdap(null), /no expiration event/],
    ['a broken answer', rdap(10, { problem: 'RDAP answer is not JSON' }), /not JSON/],
    ['a 500', rdap(10, { status: 500 }), /HTTP 500/],
  ])('is skipped with a reason for %s', (_n, r, reason) => {
    expect(expiring.audit({ rdap: r }, ctxWith()).notApplicable).toMatch(reason);
  });
});

describe('hosting and DNS providers', () => {
  it.each([
    [{ cnames: ['cname.vercel-dns.com'], addresses: [] }, 'Vercel', 'cname'],
    [{ cnames: [], addresses: ['76.76.21.21'] }, 'Vercel', 'address'],
    [{ cnames: [], addresses: ['75.2.60.5'] }, 'Netlify', 'address'],
    [{ cnames: ['shop.herokudns.com'], addresses: [] }, 'Heroku', 'cname'],
    [{ cnames: ['shop.onrender.com'], addresses: [] }, 'Render', 'cname'],
    [{ cnames: ['shop.fly.dev'], addresses: [] }, 'Fly.io', 'cname'],
    [{ cnames: ['d111.cloudfront.net'], addresses: [] }, 'AWS', 'cname'],
    [{ cnames: [], addresses: ['198.51.100.7'], ptr: ['ec2-198-51-100-7.compute-1.amazonaws.com'] }, 'AWS', 'ptr'],
    [{ cnames: ['ghs.googlehosted.com'], addresses: [] }, 'Google Cloud', 'cname'],
    [{ cnames: ['shop.azurewebsites.net'], addresses: [] }, 'Azure', 'cname'],
    [{ cnames: ['shop-abcde.ondigitalocean.app'], addresses: [] }, 'DigitalOcean', 'cname'],
    [{ cnames: [], addresses: ['104.21.5.5'] }, 'Cloudflare', 'address'],
    [{ cnames: [], addresses: ['2606:4700::6810:1'] }, 'Cloudflare', 'address'],
  ])('recognises %j', (facts, provider, via) => {
    expect(hostingOf(facts)).toMatchObject({ provider, via });
  });
  it('says nothing about unknown or loopback addresses', () => {
    expect(hostingOf({ cnames: ['lb.example.net'], addresses: ['127.0.0.1', '203.0.113.5'] })).toBeUndefined();
  });
  it.each([
    [['ada.ns.cloudflare.com'], 'Cloudflare'],
    [['ns-123.awsdns-15.com.'], 'AWS Route 53'],
    [['ns-cloud-a1.googledomains.com'], 'Google Cloud DNS'],
    [['ns1-01.azure-dns.com'], 'Azure DNS'],
    [['NS1.DIGITALOCEAN.COM'], 'DigitalOcean'],
    [['ns1.example.net'], undefined],
  ])('names the DNS provider of %j', (ns, provider) => {
    expect(dnsProviderOf(ns)).toBe(provider);
  });
});

describe('domain map', () => {
  it('joins records, chain, addresses, hosting, NS/SOA and certificate facts per name', () => {
    const z = zone({
      ns: answer('example.com', 'NS', [{ name: 'example.com', type: 'NS', ttl: 300, target: 'ada.ns.cloudflare.com' }]),
      soa: answer('example.com', 'SOA', [{ name: 'example.com', type: 'SOA', ttl: 300, mname: 'ada.ns.cloudflare.com', rname: 'dns.cloudflare.com', serial: 7, refresh: 1, retry: 1, expire: 1, minimum: 1 }]),
      ptr: { '198.51.100.7': ['ec2-198-51-100-7.compute-1.amazonaws.com'] },
    });
    const tls = [
      {
        ...tlsSummary('www.example.com', { daysLeft: 40 }),
        chain: [cert({ issuer: "C=US, O=Let's Encrypt, CN=R11", subjectAltNames: ['www.example.com'], validTo: new Date(NOW + 40 * DAY_MS).toISOString() })],
        legacy: { tls1_0: true, tls1_1: false },
      },
    ];
    const map = buildDomainMap(
      targets(['example.com', 'www.example.com', 'xn--bcher-kva.example.com']),
      [dnsInfo('example.com', { addresses: ['198.51.100.7'] }), dnsInfo('www.example.com', { cname: ['shop.vercel.app'], addresses: ['76.76.21.21'] }), dnsInfo('xn--bcher-kva.example.com', { addresses: [], rcode: 'NXDOMAIN' })],
      z,
      tls,
      NOW,
    );
    expect(map).toMatchObject({ apex: 'example.com', dnsProvider: 'Cloudflare', ns: ['ada.ns.cloudflare.com'], soa: { serial: 7 } });
    expect(map.names[0]).toMatchObject({ name: 'example.com', role: 'apex', hosting: { provider: 'AWS', via: 'ptr' } });
    expect(map.names[1]).toMatchObject({
      name: 'www.example.com',
      cnameChain: ['shop.vercel.app'],
      hosting: { provider: 'Vercel', via: 'cname' },
      certificate: { issuer: 'R11', acmeIssuer: "Let's Encrypt", daysLeft: 40, legacyProtocols: ['TLSv1'] },
    });
    expect(map.names[2]).toMatchObject({ unicode: 'bücher.example.com', rcode: 'NXDOMAIN', addresses: [] });
  });
});

describe('domain map as Markdown', () => {
  it('renders one row per name, escaping target text', async () => {
    const { renderDomainMapMarkdown } = await import('../../src/report/domain-map.js');
    const map = buildDomainMap(targets(['example.com', 'www.example.com']), [dnsInfo('example.com'), dnsInfo('www.example.com', { cname: ['x|y.vercel.app'] })], zone(), [tlsSummary('example.com', { daysLeft: 40 })], NOW);
    const md = renderDomainMapMarkdown(map);
    expect(md).toContain('| name | DNS | CNAME chain | addresses | hosting | edge | final URL (from http://) | redirect chain | certificate |');
    expect(md).toContain('| example.com | NOERROR | – | 203.0.113.10 | – | – | – | – | Example CA, 40 days left |');
    // with the edge audit's map, where each name lands
    const withEdge = renderDomainMapMarkdown(map, { 'example.com': { finalUrl: 'https://www.example.com/', chain: ['301 http://example.com/', '200 https://www.example.com/'] } });
    expect(withEdge).toContain('| https://www.example.com/ | 301 http://example.com/ → 200 https://www.example.com/ |');
    expect(md).toContain('x\\|y.vercel.app');
    expect(md.split('\n').filter((l) => l.startsWith('| ')).length).toBe(3);
  });
});
