/**
 * http:// and https:// of every name that resolves (or is routed by connectTo), redirects followed
 * within the configured names only (scope lock): a redirect off-scope is recorded, not requested.
 */
import { defineGatherer } from '../core/audit.js';
import { createScopeGuard } from '../net/scope.js';
import type { EdgeProbe } from './artifacts.js';
import { mapLimit } from './limit.js';
import { reachableNames } from './reachable.js';

export const MAX_REDIRECTS = 10;

export default defineGatherer({
  id: 'edge',
  title: 'Fetching every name over HTTP and HTTPS',
  dependsOn: ['targets', 'dns'],
  async gather(ctx) {
    const r = reachableNames(ctx);
    if (!r) return { error: { code: 'NOT_CONFIGURED', message: 'no domains in config' } };
    const { targets: t, names } = r;
    const scope = createScopeGuard(t.names.map((n) => n.name));
    return mapLimit(names, ctx.config.network.concurrency, async (n): Promise<EdgeProbe> => {
      ctx.progress.update(n.name);
      const [http, https] = await Promise.all(
        ['http', 'https'].map((scheme) =>
          ctx.net.http.request({ url: `${scheme}://${n.name}/`, maxRedirects: MAX_REDIRECTS, scope, signal: ctx.signal }),
        ),
      );
      return { name: n.name, http: http!, https: https! };
    });
  },
});
