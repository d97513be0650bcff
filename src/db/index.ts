/** Public entry points of the database audit (the CLI's `launchready db <url>` calls these). */
import type { DatabaseArtifact } from './types.js';
import { gatherPostgres } from './postgres.js';
import { gatherMysql } from './mysql.js';
import { parseDbUrl } from './url.js';

export { DatabaseConnectError, DatabaseUrlError, maskUrl } from './url.js';
export type { DatabaseArtifact } from './types.js';

/**
 * Connects with `url` (postgres:// or mysql:// / mariadb://), reads roles or grants, ownership,
 * indexes, foreign keys, scan statistics and statement statistics (pg_stat_statements /
 * performance_schema), and returns the artifact the db/* audits read.
 * Throws DatabaseUrlError (bad URL) or DatabaseConnectError (refused, auth, no database);
 * messages never contain the password.
 */
export async function auditDatabaseUrl(url: string): Promise<DatabaseArtifact> {
  const { engine } = parseDbUrl(url);
  return engine === 'postgres' ? gatherPostgres(url) : gatherMysql(url);
}
