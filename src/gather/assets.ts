/**
 * The `assets` artifact (deploy/stale-assets): load the canonical page, then GET every script and
 * stylesheet it references, bounded (MAX_STALE_ASSETS, 4 at a time, 64 KiB each, in scope only).
 * GET rather than HEAD: some servers and CDNs answer HEAD differently, and what matters is whether a
 * browser gets the asset. HTML parsing is shared with the pages gatherer (extractResources, parse5).
 */
import { defineGatherer } from '../core/audit.js';
import { createScopeGuard } from '../net/scope.js';
import type { AssetCheck } from '../audits/deploy/artifact.js';
import { extractResources } from './pages.js';
import { mapLimit } from './limit.js';
import { targetsFromDomains } from './targets.js';

export const MAX_STALE_ASSETS = 40;
const ASSET_BYTES = 64 * 1024;

export default defineGatherer({
  id: 'assets',
  title: 'Loading the scripts and stylesheets of the canonical page',
  async gather(ctx) {
    const t = targetsFromDomains(ctx.config.domains);
    if (!t.canonical) return { error: { code: 'NOT_CONFIGURED', message: 'no domains.canonical in config' } };
    const scope = createScopeGuard(t.names.map((n) => n.name));
    const page = await ctx.net.http.request({ url: `${t.canonical}/`, maxRedirects: 5, scope, signal: ctx.signal });
    const base = { page: page.url, finalUrl: page.finalUrl, pageStatus: page.status, assets: [] as AssetCheck[], skipped: [] as { url: string; reason: string }[] };
    if (page.error || page.status < 200 || page.status > 299) return { ...base, ...(page.error ? { pageError: `${page.error.code}: ${page.error.message}` } : {}) };
    const refs = [
      ...new Map(
        extractResources(page.body, page.finalUrl)
          .resources.filter((r) => r.kind === 'script' || r.kind === 'style')
          .map((r) => [r.url, r.kind as 'script' | 'style']),
      ),
    ];
    const todo: [string, 'script' | 'style'][] = [];
    for (const [url, kind] of refs) {
      let inScope = false;
      try {
        inScope = scope(new URL(url));
      } catch {
        base.skipped.push({ url, reason: 'not a URL' });
        continue;
      }
      if (!inScope) base.skipped.push({ url, reason: 'off-scope' });
      else if (todo.length >= MAX_STALE_ASSETS) base.skipped.push({ url, reason: 'limit' });
      else todo.push([url, kind]);
    }
    ctx.progress.update(`${todo.length} assets`);
    base.assets = await mapLimit(todo, 4, async ([url, kind]): Promise<AssetCheck> => {
      const x = await ctx.net.http.request({ url, maxRedirects: 3, scope, maxBodyBytes: ASSET_BYTES, signal: ctx.signal });
      const ct = x.headers['content-type'];
      return {
        url,
        kind,
        status: x.status,
        ...(ct ? { contentType: Array.isArray(ct) ? ct[0]! : ct } : {}),
        ...(x.error ? { error: `${x.error.code}: ${x.error.message}` } : {}),
        ms: Math.round(x.timing.totalMs),
      };
    });
    return base;
  },
});
