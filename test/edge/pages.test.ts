/** edge/mixed-content, headers/*, edge/static-assets-uncached, edge/dynamic-page-cached, edge/no-edge-protection, and the HTML extraction. */
import { describe, expect, it } from 'vitest';
import mixed from '../../src/audits/edge/mixed-content.js';
import caching, { isFingerprinted } from '../../src/audits/edge/caching.js';
import protection from '../../src/audits/edge/edge-protection.js';
import headers from '../../src/audits/headers/security-headers.js';
import { extractResources, srcsetUrls } from '../../src/gather/pages.js';
import { configSchema } from '../../src/config/schema.js';
import { asset, dnsInfo, edgeProbe, NOW, page, pagesArtifact } from '../helpers/builders.js';

const ctx = { config: configSchema.parse({}), now: NOW };
const URL0 = 'https://www.example.com/';
const doc = (body: string) => `<!doctype html><html><head><title>t</title></head><body>${body}</body></html>`;
const GOOD_HEADERS = {
  'content-type': 'text/html',
  'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

describe('HTML extraction (parse5)', () => {
  it('finds every kind of subresource with its element and line, resolved against <base>', () => {
    const html = `<!doctype html><html><head><base href="https://cdn.example.com/b/">
<link rel="stylesheet" href="s.css"><link rel="preload" as="font" href="f.woff2"><link rel="canonical" href="http://x/">
<style>body{background:url('http://img.example.com/bg.png')}</style></head><body>
<img src=http://a.example.com/i.png srcset="http://a.example.com/1x.png 1x, https://a.example.com/2x.png 2x">
<picture><source srcset="http://p.example.com/a.webp"></picture><video poster="http://v.example.com/p.jpg"><source src="http://v.example.com/v.mp4"></video>
<iframe src="http://f.example.com/"></iframe><form action="http://f.example.com/post"></form><div style="background-image:url(http://d.example.com/x.png)"></div>
<a href="http://a.example.com/link">not a subresource</a><template><script src="http://t.example.com/t.js"></script></template></body></html>`;
    const { resources } = extractResources(html, 'https://www.example.com/');
    const by = (el: string) => resources.filter((r) => r.element === el).map((r) => r.url);
    expect(by('link[href]')).toEqual(['https://cdn.example.com/b/s.css', 'https://cdn.example.com/b/f.woff2']);
    expect(by('style url()')).toEqual(['http://img.example.com/bg.png']);
    expect(by('img[src]')).toEqual(['http://a.example.com/i.png']);
    expect(by('img[srcset]')).toEqual(['http://a.example.com/1x.png', 'https://a.example.com/2x.png']);
    expect(by('source[srcset]')).toEqual(['http://p.example.com/a.webp']);
    expect(by('video[poster]')).toHaveLength(1);
    expect(resources.find((r) => r.element === 'source[src]')?.kind).toBe('media');
    expect(by('iframe[src]')).toHaveLength(1);
    expect(by('form[action]')).toEqual(['http://f.example.com/post']);
    expect(by('div[style] url()')).toEqual(['http://d.example.com/x.png']);
    expect(by('script[src]')).toEqual(['http://t.example.com/t.js']);
    expect(resources.some((r) => r.url.includes('/link'))).toBe(false);
    expect(resources.find((r) => r.element === 'img[src]')?.line).toBe(4);
  });
  it('parses srcset candidates with commas inside URLs', () => {
    expect(srcsetUrls('a.png 1x,b.png 2x')).toEqual(['a.png', 'b.png']);
    expect(srcsetUrls(' x.png?a=1,2 480w, y.png 800w')).toEqual(['x.png?a=1,2', 'y.png']);
  });
});

describe('edge/mixed-content', () => {
  it.each([
    ['an http:// script', '<script src="http://cdn.example.com/a.js"></script>', 'script[src]'],
    ['an http:// image in srcset', '<img src="/a.png" srcset="http://cdn.example.com/a2.png 2x">', 'img[srcset]'],
    ['a form posting to http://', '<form action="http://www.example.com/login"></form>', 'form[action]'],
    ['an http:// iframe', '<iframe src="http://video.example.net/embed"></iframe>', 'iframe[src]'],
    ['inline CSS url()', '<p style="background:url(http://cdn.example.com/bg.png)">x</p>', 'p[style] url()'],
    ['an http:// stylesheet', '<link rel=stylesheet href="http://cdn.example.com/s.css">', 'link[href]'],
  ])('fires for %s', (_n, body, element) => {
    const f = mixed.audit({ pages: pagesArtifact([page(URL0, { body: doc(body) })]) }, ctx).findings;
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'edge/mixed-content', target: URL0, evidence: { count: 1, items: [{ element }] } });
  });
  it.each([
    ['https:// and relative resources only', page(URL0, { body: doc('<script src="/a.js"></script><img src="https://cdn.example.com/i.png">') })],
    ['an http:// link (navigation, not a subresource)', page(URL0, { body: doc('<a href="http://old.example.com/">old</a>') })],
    ['a page served over http:// (not mixed: http-not-redirected covers it)', page('http://www.example.com/', { body: doc('<img src="http://x.example.com/i.png">') })],
    ['upgrade-insecure-requests in the CSP', page(URL0, { headers: { 'content-type': 'text/html', 'content-security-policy': 'upgrade-insecure-requests' }, body: doc('<img src="http://x.example.com/i.png">') })],
    ['a JSON response', page(URL0, { headers: { 'content-type': 'application/json' }, body: '{"u":"http://x"}' })],
  ])('stays quiet for %s', (_n, p) => {
    expect(mixed.audit({ pages: pagesArtifact([p]) }, ctx).findings).toEqual([]);
  });
});

describe('headers/*', () => {
  const without = (k: string) => Object.fromEntries(Object.entries(GOOD_HEADERS).filter(([h]) => h !== k));
  const rulesFor = (h: Record<string, string>, body = doc('')) => headers.audit({ pages: pagesArtifact([page(URL0, { headers: h, body })]) }, ctx).findings.map((f) => f.rule);
  it.each([
    ['no CSP', { ...without('content-security-policy'), 'x-frame-options': 'DENY' }, 'headers/csp-missing'],
    ['only a report-only CSP', { ...without('content-security-policy'), 'content-security-policy-report-only': "default-src 'self'", 'x-frame-options': 'DENY' }, 'headers/csp-missing'],
    ["a CSP with 'unsafe-inline' and a wildcard", { ...GOOD_HEADERS, 'content-security-policy': "script-src 'unsafe-inline' *; frame-ancestors 'none'" }, 'headers/csp-weak'],
    ['no nosniff', without('x-content-type-options'), 'headers/nosniff-missing'],
    ['nosniff misspelt', { ...GOOD_HEADERS, 'x-content-type-options': 'no-sniff' }, 'headers/nosniff-missing'],
    ['no frame-ancestors and no X-Frame-Options', { ...GOOD_HEADERS, 'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'none'" }, 'headers/frame-protection-missing'],
    ['X-Frame-Options ALLOW-FROM (obsolete, ignored)', { ...GOOD_HEADERS, 'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'none'", 'x-frame-options': 'ALLOW-FROM https://a.example' }, 'headers/frame-protection-missing'],
    ['no Referrer-Policy', without('referrer-policy'), 'headers/referrer-policy-missing'],
    ['Referrer-Policy unsafe-url', { ...GOOD_HEADERS, 'referrer-policy': 'unsafe-url' }, 'headers/referrer-policy-missing'],
  ])('fires for %s', (_n, h, rule) => {
    expect(rulesFor(h)).toEqual([rule]);
  });
  it('puts the evaluator\'s high-severity findings in evidence', () => {
    const f = headers.audit({ pages: pagesArtifact([page(URL0, { headers: { ...GOOD_HEADERS, 'content-security-policy': "script-src 'unsafe-inline'; frame-ancestors 'none'" } })]) }, ctx).findings;
    const types = (f[0]!.evidence!.problems as { type: string }[]).map((p) => p.type);
    expect(types).toEqual(expect.arrayContaining(['SCRIPT_UNSAFE_INLINE', 'MISSING_DIRECTIVES']));
  });
  it.each([
    ['all four set', GOOD_HEADERS, doc('')],
    ['X-Frame-Options SAMEORIGIN instead of frame-ancestors', { ...GOOD_HEADERS, 'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'none'", 'x-frame-options': 'sameorigin' }, doc('')],
    ['CSP and referrer policy from meta tags', { 'content-type': 'text/html', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' }, `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'; object-src 'none'; base-uri 'none'"><meta name="referrer" content="no-referrer">`],
    ['a fallback list whose last known token is safe', { ...GOOD_HEADERS, 'referrer-policy': 'no-referrer, strict-origin-when-cross-origin' }, doc('')],
  ])('stays quiet for %s', (_n, h, body) => {
    expect(rulesFor(h, body)).toEqual([]);
  });
  it('is not applicable without any HTML page', () => {
    expect(headers.audit({ pages: pagesArtifact([page(URL0, { headers: { 'content-type': 'application/json' } })]) }, ctx).notApplicable).toMatch(/no HTML/);
  });
});

describe('edge/static-assets-uncached', () => {
  const run = (...assets: ReturnType<typeof asset>[]) => caching.audit({ pages: pagesArtifact([page(URL0)], assets) }, ctx).findings.filter((f) => f.rule === 'edge/static-assets-uncached');
  it.each([
    ['no Cache-Control', asset('https://www.example.com/assets/app.3f9a1c.js')],
    ['max-age of an hour', asset('https://www.example.com/assets/index-BxK3a9Qz.js', { 'cache-control': 'public, max-age=3600' })],
    ['private for a year', asset('https://www.example.com/assets/app.3f9a1c.css', { 'cache-control': 'private, max-age=31536000' })],
    ['no-cache', asset('https://www.example.com/static/chunk.5e1b2c3d4f.js', { 'cache-control': 'no-cache' })],
    ['hash in the query', asset('https://www.example.com/app.css?v=9c0ffee1', { 'cache-control': 'max-age=600' })],
  ])('fires for %s', (_n, a) => {
    const f = run(a);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ target: 'https://www.example.com', evidence: { count: 1 } });
  });
  it.each([
    ['a year, public, immutable', asset('https://www.example.com/assets/app.3f9a1c.js', { 'cache-control': 'public, max-age=31536000, immutable' })],
    ['two years', asset('https://www.example.com/assets/app.3f9a1c.js', { 'cache-control': 'max-age=63072000' })],
    ['immutable with a month', asset('https://www.example.com/assets/app.3f9a1c.js', { 'cache-control': 'public, max-age=2592000, immutable' })],
    ['a name without a hash (may change: short caching is right)', asset('https://www.example.com/app.js', { 'cache-control': 'no-cache' })],
    ['a dated name (digits only, not a hash)', asset('https://www.example.com/report-20240101.css')],
    ['a missing asset (404)', asset('https://www.example.com/assets/app.3f9a1c.js', {}, { status: 404 })],
  ])('stays quiet for %s', (_n, a) => {
    expect(run(a)).toEqual([]);
  });
  it('recognises fingerprints', () => {
    expect(['a.3f9a1c.js', 'index-BxK3a9Qz.js', 'main.5e1b2c3d4f6a7b8c.chunk.js'].map((f) => isFingerprinted(`https://x/${f}`))).toEqual([true, true, true]);
    expect(['app.js', 'jquery-3.7.1.min.js', 'facade.css', 'logo-2024.png'].map((f) => isFingerprinted(`https://x/${f}`))).toEqual([false, false, false, false]);
  });
});

describe('edge/dynamic-page-cached', () => {
  const run = (h: Record<string, string | string[]>) =>
    caching.audit({ pages: pagesArtifact([page(URL0, { headers: { 'content-type': 'text/html', ...h } })]) }, ctx).findings.filter((f) => f.rule === 'edge/dynamic-page-cached');
  it.each([
    ['HTML cacheable by a CDN for a day', { 'cache-control': 'public, max-age=86400' }],
    ['HTML with s-maxage of a week', { 'cache-control': 's-maxage=604800' }],
    ['a page that sets a cookie, publicly cached for 5 minutes', { 'cache-control': 'public, max-age=300', 'set-cookie': ['sid=1; Secure'] }],
    ['Vary: Cookie with a shared lifetime', { 'cache-control': 'public, s-maxage=60', vary: 'Accept-Encoding, Cookie' }],
  ])('fires for %s', (_n, h) => {
    expect(run(h)).toHaveLength(1);
  });
  it.each([
    ['HTML with no-store', { 'cache-control': 'no-store' }],
    ['HTML private', { 'cache-control': 'private, max-age=600' }],
    ['HTML cached for a minute', { 'cache-control': 'public, max-age=60' }],
    ['HTML without any caching policy', {}],
    ['a cookie-setting page with no-cache', { 'cache-control': 'no-cache', 'set-cookie': 'sid=1' }],
  ])('stays quiet for %s', (_n, h) => {
    expect(run(h)).toEqual([]);
  });
  it('reports which pages are cached and which stay dynamic', () => {
    const r = caching.audit(
      {
        pages: pagesArtifact(
          [page(URL0, { headers: { 'content-type': 'text/html', 'cache-control': 'no-store' } })],
          [asset('https://www.example.com/a.3f9a1c.js', { 'cache-control': 'public, max-age=31536000, immutable' }), asset('https://www.example.com/logo.png')],
        ),
      },
      ctx,
    );
    expect(r.metrics!.caching).toEqual([
      expect.objectContaining({ url: URL0, type: 'page', status: 'dynamic', sharedTtl: 0 }),
      expect.objectContaining({ url: 'https://www.example.com/a.3f9a1c.js', status: 'cached', sharedTtl: 31536000, fingerprinted: true }),
      expect.objectContaining({ url: 'https://www.example.com/logo.png', status: 'heuristic', fingerprinted: false }),
    ]);
  });
});

describe('edge/no-edge-protection', () => {
  const run = (probe: ReturnType<typeof edgeProbe>, addresses = ['203.0.113.10']) => protection.audit({ edge: [probe], dns: [dnsInfo(probe.name, { addresses })] }, ctx);
  it.each([
    ['a public origin answering directly', edgeProbe('www.example.com', { https: { headers: { server: 'nginx/1.25' } } }), ['203.0.113.10']],
    ['an IPv6 public origin', edgeProbe('www.example.com'), ['2001:db8::10']],
  ])('fires for %s', (_n, probe, addrs) => {
    expect(run(probe, addrs).findings.map((f) => f.rule)).toEqual(['edge/no-edge-protection']);
  });
  it.each([
    ['Cloudflare (cf-ray)', edgeProbe('www.example.com', { https: { headers: { 'cf-ray': '8a1b-CDG', server: 'cloudflare' } } }), ['203.0.113.10']],
    ['Fastly (x-served-by cache-)', edgeProbe('www.example.com', { https: { headers: { 'x-served-by': 'cache-par-lfpg1960083-PAR' } } }), ['203.0.113.10']],
    ['CloudFront (x-amz-cf-id)', edgeProbe('www.example.com', { https: { headers: { 'x-amz-cf-id': 'abc==' } } }), ['203.0.113.10']],
    ['Vercel (x-vercel-id)', edgeProbe('www.example.com', { https: { headers: { 'x-vercel-id': 'cdg1::abc' } } }), ['203.0.113.10']],
    ['Netlify (x-nf-request-id)', edgeProbe('www.example.com', { https: { headers: { 'x-nf-request-id': '01H' } } }), ['203.0.113.10']],
    ['Bunny (server BunnyCDN)', edgeProbe('www.example.com', { https: { headers: { server: 'BunnyCDN-DE1-1060' } } }), ['203.0.113.10']],
    ['Akamai (server AkamaiGHost)', edgeProbe('www.example.com', { https: { headers: { server: 'AkamaiGHost' } } }), ['203.0.113.10']],
    ['a Cloudflare address without telltale headers', edgeProbe('www.example.com'), ['104.16.132.229']],
  ])('stays quiet behind %s', (_n, probe, addrs) => {
    const r = run(probe, addrs);
    expect(r.findings).toEqual([]);
    expect((r.metrics!.edgeProviders as { provider: string | null }[])[0]!.provider).not.toBeNull();
  });
  it.each([
    ['loopback', ['127.0.0.11']],
    ['private', ['10.1.2.3']],
    ['IPv6 loopback', ['::1']],
  ])('is not applicable when every name is on %s addresses', (_n, addrs) => {
    const r = run(edgeProbe('www.example.test'), addrs);
    expect(r.findings).toEqual([]);
    expect(r.notApplicable).toMatch(/loopback or private/);
  });
});
