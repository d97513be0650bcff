/** The `database` artifact: catalog and statistics facts from config.database.url. */
import { defineGatherer } from '../core/audit.js';
import { auditDatabaseUrl, DatabaseConnectError, DatabaseUrlError } from '../db/index.js';

export default defineGatherer({
  id: 'database',
  title: 'Reading database statistics',
  async gather(ctx) {
    const url = ctx.config.database?.url;
    if (!url) return { error: { code: 'NOT_CONFIGURED', message: 'no database.url in config' } };
    ctx.progress.update('connecting to the database');
    try {
      return await auditDatabaseUrl(url);
    } catch (e) {
      if (e instanceof DatabaseConnectError) return { error: { code: e.code, message: `database.url: ${e.message}` } };
      if (e instanceof DatabaseUrlError) return { error: { code: 'BAD_URL', message: `database.url: ${e.message}` } };
      throw e;
    }
  },
});
