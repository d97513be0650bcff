/** The `health` artifact: one GET of config.health.url (a path resolves on domains.canonical), body kept up to 8 KiB. */
import { defineGatherer } from '../core/audit.js';
import { createScopeGuard } from '../net/scope.js';
import { targetsFromDomains } from './targets.js';

const HEALTH_BYTES = 8 * 1024;

export default defineGatherer({
  id: 'health',
  title: 'Checking the health endpoint',
  // Its answer time is judged against health.maxMs: measure it alone, not while our own probes load the app.
  exclusive: true,
  async gather(ctx) {
    const h = ctx.config.health;
    if (!h) return { error: { code: 'NOT_CONFIGURED', message: 'no health endpoint in config (health.url)' } };
    const t = targetsFromDomains(ctx.config.domains);
    let url: URL;
    try {
      url = new URL(h.url, t.canonical ? `${t.canonical}/` : undefined);
    } catch {
      return { error: { code: 'BAD_CONFIG', message: `health.url "${h.url}" is not a URL (a path needs domains.canonical)` } };
    }
    const scope = createScopeGuard([...t.names.map((n) => n.name), url.host]);
    // Give a slow endpoint room to be measured as slow rather than cut at exactly maxMs.
    const timeoutMs = Math.max(ctx.config.network.timeoutMs, h.maxMs * 2);
    const exchange = await ctx.net.http.request({ url: url.href, maxRedirects: 3, scope, maxBodyBytes: HEALTH_BYTES, timeoutMs, signal: ctx.signal, headers: { accept: 'application/health+json, application/json;q=0.9, */*;q=0.1' } });
    return { url: url.href, maxMs: h.maxMs, exchange };
  },
});
