/** `launchready history`: the runs recorded in .launchready/history.db. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { HistoryStore } from '../../engine/history.js';
import { UsageError } from '../../core/errors.js';

export async function historyCommand(ctx: CliContext, opts: { config?: string; json?: boolean; limit: string }): Promise<number> {
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer (got "${opts.limit}")`);
  const configPath = opts.config ? resolve(ctx.cwd, opts.config) : undefined;
  const dbFile = resolve(configPath ? dirname(configPath) : ctx.cwd, '.launchready/history.db');
  if (!existsSync(dbFile)) {
    ctx.stdout.write(opts.json ? '[]\n' : `no runs recorded yet (${dbFile} does not exist; run launchready audit)\n`);
    return 0;
  }
  const store = new HistoryStore(dbFile);
  try {
    const rows = store.list(configPath, limit);
    if (opts.json) {
      ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    ctx.stdout.write(`${'run'.padEnd(5)} ${'started'.padEnd(20)} ${'verdict'.padEnd(17)} score findings blockers  config\n`);
    for (const r of rows) {
      ctx.stdout.write(
        `${String(r.id).padEnd(5)} ${r.startedAt.slice(0, 19).replace('T', ' ').padEnd(20)} ${r.verdict.padEnd(17)} ${String(r.score).padStart(5)} ${String(r.findings).padStart(8)} ${String(r.blockers).padStart(8)}  ${r.configKey}\n`,
      );
    }
    return 0;
  } finally {
    store.close();
  }
}
