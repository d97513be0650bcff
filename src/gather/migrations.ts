/** The `migrations` artifact: lint of config.database.migrations (or a conventional folder). */
import { resolve } from 'node:path';
import { defineGatherer } from '../core/audit.js';
import { findMigrationsDir, lintMigrationsDir, MigrationsDirError } from '../migrations/read.js';

export default defineGatherer({
  id: 'migrations',
  title: 'Linting database migrations',
  async gather(ctx) {
    const configured = ctx.config.database?.migrations;
    const dir = configured ? resolve(ctx.baseDir, configured) : await findMigrationsDir(ctx.baseDir);
    if (!dir) return { error: { code: 'NOT_CONFIGURED', message: 'no database.migrations in config and no migrations folder found' } };
    ctx.progress.update(`reading ${configured ?? dir}`);
    try {
      return await lintMigrationsDir(dir, ctx.baseDir);
    } catch (e) {
      if (e instanceof MigrationsDirError) return { error: { code: e.code, message: `database.migrations: ${e.message}` } };
      throw e;
    }
  },
});
