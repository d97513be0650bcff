/**
 * http:// and https:// of every name that resolves (or is routed by connectTo), redirects followed
 * within the configured names only (scope lock): a redirect off-scope is recorded, not requested.
 *
 * When a root redirects, two more facts are fetched: the https:// redirect response itself (HSTS
 * preload requires the header on the apex's redirect, not only on the page it leads to), and
 * `/launchready-probe?x=1` over the redirecting scheme(s), to see whether path and query survive.
 *
 * Bodies are kept (up to network.maxBodyBytes): dns/dangling-cname matches the root response of a
 * name CNAMEd to a takeover-prone provider against that provider's "not claimed" page, and the
 * domain map reads the response headers for the edge and hosting provider of each name.
 */
import { defineGatherer } from '../core/audit.js';
import { createScopeGuard } from '../net/scope.js';
import type { EdgeProbe } from './artifacts.js';
import { mapLimit } from './limit.js';
import { reachableNames } from './reachable.js';

export const MAX_REDIRECTS = 10;
/** Path and query requested to check that the canonical redirect keeps them. */
export const PROBE_PATH = '/launchready-probe?x=1';
/** Bodies of the extra requests are not used: read little. */
const SMALL_BODY = 16 * 1024;

export default defineGatherer({
  id: 'edge',
  title: 'Fetching every name over HTTP and HTTPS',
  dependsOn: ['targets', 'dns'],
  async gather(ctx) {
    const r = reachableNames(ctx);
    if (!r) return { error: { code: 'NOT_CONFIGURED', message: 'no domains in config' } };
    const { targets: t, names } = r;
    const scope = createScopeGuard(t.names.map((n) => n.name));
    const follow = (url: string, maxBodyBytes?: number) =>
      ctx.net.http.request({ url, maxRedirects: MAX_REDIRECTS, scope, signal: ctx.signal, ...(maxBodyBytes ? { maxBodyBytes } : {}) });
    return mapLimit(names, ctx.config.network.concurrency, async (n): Promise<EdgeProbe> => {
      ctx.progress.update(n.name);
      const [http, https] = await Promise.all([follow(`http://${n.name}/`), follow(`https://${n.name}/`)]);
      const probe: EdgeProbe = { name: n.name, http, https };
      const httpRedirects = http.redirects.length > 0;
      const httpsRedirects = https.redirects.length > 0;
      const [first, pathHttp, pathHttps] = await Promise.all([
        httpsRedirects ? ctx.net.http.request({ url: `https://${n.name}/`, maxRedirects: 0, maxBodyBytes: 1024, signal: ctx.signal }) : undefined,
        httpRedirects ? follow(`http://${n.name}${PROBE_PATH}`, SMALL_BODY) : undefined,
        httpsRedirects ? follow(`https://${n.name}${PROBE_PATH}`, SMALL_BODY) : undefined,
      ]);
      if (first && first.status > 0) probe.httpsFirstHop = { status: first.status, headers: first.headers };
      if (pathHttp || pathHttps) probe.pathProbe = { ...(pathHttp ? { http: pathHttp } : {}), ...(pathHttps ? { https: pathHttps } : {}) };
      return probe;
    });
  },
});
