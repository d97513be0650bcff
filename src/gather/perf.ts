/**
 * The `perf` artifact: every configured route loaded by the engine (src/load), one after another,
 * within the safety rules (scope lock, loopback or active, hard caps). A route that cannot be
 * loaded is recorded in `skipped` with the reason and the exact requests it would have sent.
 */
import { defineGatherer } from '../core/audit.js';
import { runRouteLoads } from '../load/command.js';

export default defineGatherer({
  id: 'perf',
  title: 'Load-testing the configured routes',
  exclusive: true,
  async gather(ctx) {
    if (ctx.config.routes.length === 0) return { error: { code: 'NOT_CONFIGURED', message: 'no routes in config' } };
    return runRouteLoads(ctx.config, ctx.net, {
      signal: ctx.signal,
      baseDir: ctx.baseDir,
      onProgress: (route, p) =>
        ctx.progress.update(`${route}: ${p.phase}, ${p.count} req, ${p.currentRps} req/s, p95 ${p.p95 ?? '-'} ms, ${p.errors} errors`),
    });
  },
});
