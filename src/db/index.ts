/** Public entry points of the database audit (the CLI's `launchready db <url>` calls these). */
import type { DatabaseArtifact } from './types.js';
import { gatherPostgres } from './postgres.js';
import { DatabaseUrlError, parseDbUrl } from './url.js';

export { DatabaseConnectError, DatabaseUrlError, maskUrl } from './url.js';
export type { DatabaseArtifact } from './types.js';

/**
 * Connects with `url`, reads roles, ownership, indexes, foreign keys, scan statistics and
 * pg_stat_statements, and returns the artifact the db/* audits read.
 * Throws DatabaseUrlError (bad URL) or DatabaseConnectError (refused, auth, no database);
 * messages never contain the password.
 */
export async function auditDatabaseUrl(url: string): Promise<DatabaseArtifact> {
  const { engine } = parseDbUrl(url);
  if (engine === 'postgres') return gatherPostgres(url);
  throw new DatabaseUrlError('MySQL/MariaDB URLs are not supported yet; use a postgres:// URL');
}
