/**
 * The `perf` artifact: every configured route loaded by the engine (src/load), one after another,
 * within the safety rules (scope lock, loopback or active, hard caps). A route that cannot be
 * loaded is recorded in `skipped` with the reason and the exact requests it would have sent.
 * Routes declaring `sideEffects` are then probed against launchready's own SMTP receiver /
 * webhook sink (perf.sinks) for perf/blocking-side-effect.
 */
import { defineGatherer } from '../core/audit.js';
import { runRouteLoads } from '../load/command.js';
import { probeSideEffects } from '../load/side-effects.js';

export default defineGatherer({
  id: 'perf',
  title: 'Load-testing the configured routes',
  exclusive: true,
  async gather(ctx) {
    if (ctx.config.routes.length === 0) return { error: { code: 'NOT_CONFIGURED', message: 'no routes in config' } };
    const artifact = await runRouteLoads(ctx.config, ctx.net, {
      signal: ctx.signal,
      baseDir: ctx.baseDir,
      onProgress: (route, p) =>
        ctx.progress.update(`${route}: ${p.phase}, ${p.count} req, ${p.currentRps} req/s, p95 ${p.p95 ?? '-'} ms, ${p.errors} errors`),
    });
    if (ctx.config.routes.some((r) => r.sideEffects?.length)) {
      ctx.progress.update('side effects: loading routes with and without a delayed receiver');
      artifact.sideEffects = await probeSideEffects(ctx.config, ctx.net, { signal: ctx.signal, baseDir: ctx.baseDir });
    }
    return artifact;
  },
});
