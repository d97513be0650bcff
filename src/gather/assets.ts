/**
 * The `assets` artifact (deploy/stale-assets): load the canonical page, then GET every script and
 * stylesheet it references, bounded (MAX_STALE_ASSETS, 4 at a time, 64 KiB each, in scope only).
 * GET rather than HEAD: some servers and CDNs answer HEAD differently, and what matters is whether a
 * browser gets the asset. HTML parsing is shared with the pages gatherer (extractResources, parse5).
 *
 * Each asset gets a digest of the bytes served; the audit publishes the list as
 * metrics['deploy.assetManifest'] and the history DB keeps it per run. When history holds an earlier
 * release of the page (a different asset list), its assets the page no longer references are fetched
 * again (MAX_PREVIOUS_ASSETS) so the audit can tell whether clients still on the old HTML break.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineGatherer } from '../core/audit.js';
import { createScopeGuard } from '../net/scope.js';
import type { HttpExchange, Net, ScopeGuard } from '../net/types.js';
import type { AssetCheck, PreviousRelease } from '../audits/deploy/artifact.js';
import { HistoryStore } from '../engine/history.js';
import { assetProblem } from '../audits/deploy/stale-assets.js';
import { extractResources } from './pages.js';
import { mapLimit } from './limit.js';
import { targetsFromDomains } from './targets.js';

export const MAX_STALE_ASSETS = 40;
/** Assets of the previous release fetched again. */
export const MAX_PREVIOUS_ASSETS = 20;
const ASSET_BYTES = 64 * 1024;
/** Where `launchready audit` records runs (src/cli/commands/audit.ts), relative to the config's directory. */
export const HISTORY_DB = '.launchready/history.db';

export function assetDigest(x: Pick<HttpExchange, 'status' | 'body' | 'error'>): string | undefined {
  if (x.error || x.status === 0) return undefined;
  return createHash('sha256').update(x.body).digest('hex').slice(0, 16);
}

async function checkAsset(net: Net, url: string, kind: 'script' | 'style', scope: ScopeGuard, signal: AbortSignal): Promise<AssetCheck> {
  const x = await net.http.request({ url, maxRedirects: 3, scope, maxBodyBytes: ASSET_BYTES, signal });
  const ct = x.headers['content-type'];
  const digest = assetDigest(x);
  return {
    url,
    kind,
    status: x.status,
    ...(ct ? { contentType: Array.isArray(ct) ? ct[0]! : ct } : {}),
    ...(x.error ? { error: `${x.error.code}: ${x.error.message}` } : {}),
    ms: Math.round(x.timing.totalMs),
    ...(digest ? { digest } : {}),
  };
}

/** The previous release's manifest of `page` from the history DB, or undefined (no DB, no earlier release). */
export function readPreviousManifest(baseDir: string, page: string, currentUrls: string[]) {
  const file = resolve(baseDir, HISTORY_DB);
  if (!existsSync(file)) return undefined;
  const store = new HistoryStore(file);
  try {
    return store.previousAssetManifest(page, currentUrls);
  } finally {
    store.close();
  }
}

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
    const assets = await mapLimit(todo, 4, ([url, kind]) => checkAsset(ctx.net, url, kind, scope, ctx.signal));
    let previous: PreviousRelease | undefined;
    let previousError: string | undefined;
    try {
      // Same rule as the manifest the audit records: only assets that loaded.
      const prev = readPreviousManifest(ctx.baseDir, base.finalUrl, assets.filter((a) => !assetProblem(a)).map((a) => a.url));
      if (prev) {
        const current = new Set(assets.map((a) => a.url));
        const old = prev.assets.filter((a) => !current.has(a.url) && (a.kind === 'script' || a.kind === 'style')).filter((a) => {
          try {
            return scope(new URL(a.url));
          } catch {
            return false;
          }
        });
        ctx.progress.update(`${old.length} assets of the previous release`);
        const rechecked = await mapLimit(old.slice(0, MAX_PREVIOUS_ASSETS), 4, (a) => checkAsset(ctx.net, a.url, a.kind as 'script' | 'style', scope, ctx.signal));
        previous = { runId: prev.runId, lastSeenAt: prev.lastSeenAt, assets: prev.assets, rechecked };
      }
    } catch (e) {
      previousError = `${HISTORY_DB}: ${(e as Error).message}`;
    }
    return { ...base, assets, ...(previous ? { previous } : {}), ...(previousError ? { previousError } : {}) };
  },
});
