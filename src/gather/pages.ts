/**
 * The `pages` artifact: HTML pages of the product and the static assets they load.
 *
 * Pages are: the https:// root of every name as the edge gatherer already fetched it (no second
 * request), the canonical URL when it has a path of its own, and `domains.pages` (paths on the
 * canonical URL or full URLs on a production name). Each HTML page is parsed with parse5 (a real
 * HTML5 parser: attributes, <template>, <base href>, unquoted values and broken markup are handled
 * the way browsers handle them) into the list of subresources it references; the body is dropped.
 * Static assets found there (scripts, styles, images, fonts, icons) are then requested with HEAD
 * for their caching headers. Everything is bounded: pages, resources per page, assets, bytes.
 * Only URLs on production names are requested (scope lock); others are listed as not fetched.
 */
import { parse, type DefaultTreeAdapterTypes } from 'parse5';
import { defineGatherer } from '../core/audit.js';
import { createScopeGuard } from '../net/scope.js';
import type { HttpExchange, HttpRequest } from '../net/types.js';
import { mapLimit } from './limit.js';
import { reachableNames } from './reachable.js';

/** Configured pages fetched at most (the schema caps domains.pages at the same number). */
export const MAX_CONFIGURED_PAGES = 20;
/** Resources kept per page (a page referencing thousands of images is still one page). */
export const MAX_RESOURCES_PER_PAGE = 500;
/** Static assets requested at most, over all pages. */
export const MAX_ASSETS = 40;
const PAGE_MAX_REDIRECTS = 5;
const ASSET_MAX_REDIRECTS = 3;

export type ResourceKind = 'script' | 'style' | 'image' | 'font' | 'icon' | 'frame' | 'form' | 'media' | 'object' | 'css-url' | 'manifest';

export interface PageResource {
  /** Where the URL came from: `img[src]`, `source[srcset]`, `form[action]`, `style url()`, `div[style] url()`. */
  element: string;
  kind: ResourceKind;
  /** Absolute http(s) URL (resolved against the page URL and `<base href>`). */
  url: string;
  /** 1-based line in the HTML source. */
  line?: number;
}

export interface PageFetch {
  /** URL requested. */
  url: string;
  /** canonical: the canonical URL; name: the root of a production name; configured: domains.pages. */
  source: 'canonical' | 'name' | 'configured';
  finalUrl: string;
  /** 0 when no response arrived (see error). */
  status: number;
  headers: Record<string, string | string[]>;
  error?: { code: string; message: string };
  /** True when the response is HTML (Content-Type, or sniffed when none was sent). */
  html: boolean;
  /** The body was cut at network.maxBodyBytes: resources after the cut are not listed. */
  truncated: boolean;
  resources: PageResource[];
  /** Policies delivered in the document: `<meta http-equiv=Content-Security-Policy>`, `<meta name=referrer>`. */
  meta: { csp: string[]; referrer: string[] };
}

export interface AssetFetch {
  url: string;
  kind: ResourceKind;
  /** First page that references it. */
  page: string;
  finalUrl: string;
  status: number;
  headers: Record<string, string | string[]>;
  error?: { code: string; message: string };
}

export interface PagesArtifact {
  pages: PageFetch[];
  assets: AssetFetch[];
  /** Static asset URLs found but not requested (off the production names, or over MAX_ASSETS). */
  notFetched: { url: string; reason: 'off-scope' | 'limit' }[];
}

// ------------------------------------------------------------------ HTML extraction (pure)

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

/** Kinds of static assets worth checking for long caching. */
export const STATIC_KINDS: ReadonlySet<ResourceKind> = new Set(['script', 'style', 'image', 'font', 'icon', 'css-url']);

const LINK_REL_KIND: Record<string, ResourceKind> = {
  stylesheet: 'style',
  icon: 'icon',
  'apple-touch-icon': 'icon',
  modulepreload: 'script',
  manifest: 'manifest',
};
const PRELOAD_AS_KIND: Record<string, ResourceKind> = { script: 'script', style: 'style', font: 'font', image: 'image', fetch: 'script' };

/**
 * CSS url() and @import "..." tokens. A regex instead of a CSS parser: we only need the URL
 * tokens of small inline styles, and a stray match costs at most one extra resource listed.
 */
const CSS_URL = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')/gi;

export function cssUrls(css: string): string[] {
  const out: string[] = [];
  for (const m of css.matchAll(CSS_URL)) {
    const u = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5];
    if (u) out.push(u);
  }
  return out;
}

/** URLs of a srcset attribute (HTML "parse a srcset attribute", without the descriptors). */
export function srcsetUrls(srcset: string): string[] {
  const out: string[] = [];
  let i = 0;
  const s = srcset;
  while (i < s.length) {
    while (i < s.length && /[\s,]/.test(s[i]!)) i++;
    const start = i;
    while (i < s.length && !/\s/.test(s[i]!)) i++;
    let url = s.slice(start, i);
    const endsCandidate = url.endsWith(',');
    url = url.replace(/,+$/, '');
    if (url) out.push(url);
    if (!endsCandidate) {
      // skip descriptors up to the next comma (outside parentheses)
      let depth = 0;
      while (i < s.length && !(s[i] === ',' && depth === 0)) {
        if (s[i] === '(') depth++;
        else if (s[i] === ')') depth = Math.max(0, depth - 1);
        i++;
      }
    }
  }
  return out;
}

function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

function absolute(raw: string, base: URL): string | null {
  const v = raw.trim();
  if (!v || v.startsWith('#')) return null;
  try {
    const u = new URL(v, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Subresources and in-document policies of an HTML page. Pure; bounded by MAX_RESOURCES_PER_PAGE. */
export function extractResources(html: string, pageUrl: string): { resources: PageResource[]; meta: PageFetch['meta'] } {
  const doc = parse(html, { sourceCodeLocationInfo: true });
  let base = new URL(pageUrl);
  let baseSeen = false;
  const resources: PageResource[] = [];
  const meta: PageFetch['meta'] = { csp: [], referrer: [] };
  const add = (el: Element, element: string, kind: ResourceKind, raw: string | undefined): void => {
    if (raw === undefined || resources.length >= MAX_RESOURCES_PER_PAGE) return;
    const url = absolute(raw, base);
    if (!url) return;
    const line = el.sourceCodeLocation?.startLine;
    resources.push({ element, kind, url, ...(line ? { line } : {}) });
  };
  const visit = (node: Node, parentTag: string | null): void => {
    if (!('tagName' in node)) return;
    const el = node as Element;
    const tag = el.tagName;
    switch (tag) {
      case 'base': {
        const href = attr(el, 'href');
        if (href && !baseSeen) {
          try {
            base = new URL(href, base);
            baseSeen = true;
          } catch {
            /* invalid base: browsers ignore it too */
          }
        }
        break;
      }
      case 'meta': {
        const equiv = attr(el, 'http-equiv')?.toLowerCase();
        const content = attr(el, 'content');
        if (equiv === 'content-security-policy' && content) meta.csp.push(content);
        if (attr(el, 'name')?.toLowerCase() === 'referrer' && content) meta.referrer.push(content);
        break;
      }
      case 'script':
        add(el, 'script[src]', 'script', attr(el, 'src'));
        break;
      case 'link': {
        const rels = (attr(el, 'rel') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
        let kind: ResourceKind | undefined;
        for (const r of rels) kind ??= LINK_REL_KIND[r];
        if (!kind && rels.includes('preload')) kind = PRELOAD_AS_KIND[(attr(el, 'as') ?? '').toLowerCase()];
        if (kind) add(el, 'link[href]', kind, attr(el, 'href'));
        break;
      }
      case 'img':
        add(el, 'img[src]', 'image', attr(el, 'src'));
        for (const u of srcsetUrls(attr(el, 'srcset') ?? '')) add(el, 'img[srcset]', 'image', u);
        break;
      case 'source': {
        const inMedia = parentTag === 'video' || parentTag === 'audio';
        add(el, 'source[src]', inMedia ? 'media' : 'image', attr(el, 'src'));
        for (const u of srcsetUrls(attr(el, 'srcset') ?? '')) add(el, 'source[srcset]', 'image', u);
        break;
      }
      case 'input':
        if ((attr(el, 'type') ?? '').toLowerCase() === 'image') add(el, 'input[src]', 'image', attr(el, 'src'));
        add(el, 'input[formaction]', 'form', attr(el, 'formaction'));
        break;
      case 'button':
        add(el, 'button[formaction]', 'form', attr(el, 'formaction'));
        break;
      case 'iframe':
      case 'frame':
        add(el, `${tag}[src]`, 'frame', attr(el, 'src'));
        break;
      case 'form':
        add(el, 'form[action]', 'form', attr(el, 'action'));
        break;
      case 'video':
      case 'audio':
      case 'track':
        add(el, `${tag}[src]`, 'media', attr(el, 'src'));
        if (tag === 'video') add(el, 'video[poster]', 'image', attr(el, 'poster'));
        break;
      case 'object':
        add(el, 'object[data]', 'object', attr(el, 'data'));
        break;
      case 'embed':
        add(el, 'embed[src]', 'object', attr(el, 'src'));
        break;
      case 'style': {
        const css = el.childNodes.map((c) => ('value' in c ? (c as DefaultTreeAdapterTypes.TextNode).value : '')).join('');
        for (const u of cssUrls(css)) add(el, 'style url()', 'css-url', u);
        break;
      }
    }
    const inline = attr(el, 'style');
    if (inline) for (const u of cssUrls(inline)) add(el, `${tag}[style] url()`, 'css-url', u);
    for (const c of el.childNodes) visit(c, tag);
    if (tag === 'template') for (const c of (el as DefaultTreeAdapterTypes.Template).content.childNodes) visit(c, tag);
  };
  for (const c of doc.childNodes) visit(c, null);
  return { resources, meta };
}

/** HTML by Content-Type, or sniffed when the server sent none. */
export function isHtml(headers: Record<string, string | string[]>, body: string): boolean {
  const ct = headers['content-type'];
  const v = (Array.isArray(ct) ? ct[0] : ct)?.toLowerCase();
  if (v !== undefined) return v.includes('text/html') || v.includes('application/xhtml+xml');
  return /^\s*(<!doctype html|<html)/i.test(body);
}

/** A fetched exchange as a page: parsed when it is a successful HTML response, body dropped. */
export function toPage(x: HttpExchange, source: PageFetch['source']): PageFetch {
  const html = x.status >= 200 && x.status < 300 && isHtml(x.headers, x.body);
  const parsed = html ? extractResources(x.body, x.finalUrl) : { resources: [], meta: { csp: [], referrer: [] } };
  return {
    url: x.url,
    source,
    finalUrl: x.finalUrl,
    status: x.status,
    headers: x.headers,
    ...(x.error ? { error: x.error } : {}),
    html,
    truncated: x.truncated,
    resources: parsed.resources,
    meta: parsed.meta,
  };
}

// ------------------------------------------------------------------ gatherer

export default defineGatherer({
  id: 'pages',
  title: 'Reading pages and their static assets',
  dependsOn: ['targets', 'dns', 'edge'],
  async gather(ctx) {
    const r = reachableNames(ctx);
    if (!r) return { error: { code: 'NOT_CONFIGURED', message: 'no domains in config' } };
    const edge = ctx.artifacts.edge;
    const probes = edge && !('error' in edge) ? edge : [];
    const scope = createScopeGuard(r.targets.names.map((n) => n.name));
    const canonical = r.targets.canonical ? new URL(r.targets.canonical) : null;
    const home = canonical ?? new URL(`https://${r.targets.apex}/`);

    const pages: PageFetch[] = [];
    const seen = new Set<string>();
    const push = (p: PageFetch): void => {
      if (seen.has(p.finalUrl)) return;
      seen.add(p.finalUrl);
      pages.push(p);
    };
    const get = (url: string): Promise<HttpExchange> =>
      ctx.net.http.request({ url, maxRedirects: PAGE_MAX_REDIRECTS, scope, signal: ctx.signal });

    // The canonical page first, then every name's root as already fetched by the edge gatherer.
    const rootOf = (x: HttpExchange) => !x.error && x.status > 0 && x.finalUrl.startsWith('https:');
    const canonicalRoot = canonical && canonical.pathname === '/' && !canonical.search;
    const canonicalProbe = canonicalRoot ? probes.find((p) => rootOf(p.https) && new URL(p.https.finalUrl).origin === canonical.origin) : undefined;
    if (canonical && !canonicalProbe) push(toPage(await get(canonical.href), 'canonical'));
    else if (canonicalProbe) push(toPage(canonicalProbe.https, 'canonical'));
    for (const p of probes) if (rootOf(p.https)) push(toPage(p.https, 'name'));

    const configured = (ctx.config.domains?.pages ?? []).slice(0, MAX_CONFIGURED_PAGES);
    const fetched = await mapLimit(configured, ctx.config.network.concurrency, async (raw) => {
      ctx.progress.update(raw);
      let url: string;
      try {
        url = new URL(raw, home).href;
      } catch {
        return null;
      }
      return toPage(await get(url), 'configured');
    });
    for (const p of fetched) if (p) push(p);

    // Static assets: in scope only, de-duplicated, bounded.
    const assetsToFetch: { url: string; kind: ResourceKind; page: string }[] = [];
    const notFetched: PagesArtifact['notFetched'] = [];
    const known = new Set<string>();
    for (const p of pages) {
      for (const res of p.resources) {
        if (!STATIC_KINDS.has(res.kind) || known.has(res.url)) continue;
        known.add(res.url);
        if (!scope(new URL(res.url))) notFetched.push({ url: res.url, reason: 'off-scope' });
        else if (assetsToFetch.length >= MAX_ASSETS) notFetched.push({ url: res.url, reason: 'limit' });
        else assetsToFetch.push({ url: res.url, kind: res.kind, page: p.finalUrl });
      }
    }
    const assets = await mapLimit(assetsToFetch, ctx.config.network.concurrency, async (a): Promise<AssetFetch> => {
      const req: HttpRequest = { url: a.url, method: 'HEAD', maxRedirects: ASSET_MAX_REDIRECTS, scope, signal: ctx.signal, maxBodyBytes: 1024 };
      let x = await ctx.net.http.request(req);
      // Some origins refuse HEAD; a GET whose body we cut after 1 KiB gives the same headers.
      if (x.status === 405 || x.status === 501) x = await ctx.net.http.request({ ...req, method: 'GET' });
      return { ...a, finalUrl: x.finalUrl, status: x.status, headers: x.headers, ...(x.error ? { error: x.error } : {}) };
    });
    return { pages, assets, notFetched };
  },
});
