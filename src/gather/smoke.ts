/** The `smoke` artifact: every configured flow, run once against production (src/flow/smoke.ts). */
import { defineGatherer } from '../core/audit.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { runSmoke } from '../flow/smoke.js';

export default defineGatherer({
  id: 'smoke',
  title: 'Running smoke flows',
  async gather(ctx) {
    if (!ctx.config.flows?.length && !ctx.config.flowFiles?.length) return { error: { code: 'NOT_CONFIGURED', message: 'no flows in config' } };
    try {
      const flows = await runSmoke(ctx.config, ctx.net, {
        baseDir: ctx.baseDir,
        signal: ctx.signal,
        now: ctx.now,
        onStep: (flow, s) => ctx.progress.update(`${flow}: ${s.name} ${s.outcome}`),
      });
      return { flows };
    } catch (e) {
      if (e instanceof ConfigError || e instanceof UsageError) return { error: { code: 'BAD_FLOWS', message: e.message } };
      throw e;
    }
  },
});
