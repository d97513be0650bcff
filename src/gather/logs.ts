/** The `logs` artifact: secrets and personal data in config.logs.paths (plain, JSON lines, .gz rotations). */
import { defineGatherer } from '../core/audit.js';
import { scanLogs } from '../secrets/logs.js';

export default defineGatherer({
  id: 'logs',
  title: 'Checking log files for secrets and personal data',
  async gather(ctx) {
    const paths = ctx.config.logs?.paths ?? [];
    if (paths.length === 0) return { error: { code: 'NOT_CONFIGURED', message: 'no logs.paths in config' } };
    ctx.progress.update(`reading ${paths.length} log path(s)`);
    return scanLogs(paths, ctx.baseDir);
  },
});
