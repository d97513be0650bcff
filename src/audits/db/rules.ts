/** Rule definitions of the `db/*` family: least privilege (stage 3) and indexes/statements (stage 4). */
import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'db/superuser-app-role',
    stage: 3,
    severity: 'blocker',
    title: 'The application connects with a superuser or role-creating database role',
    why: 'Any SQL injection or leaked DATABASE_URL then owns the whole server: read every database, create roles, run programs on the host (COPY ... PROGRAM), and bypass row-level security.',
    remediation: 'Connect the application with a role that has NOSUPERUSER NOCREATEROLE NOCREATEDB and only the grants it needs; keep the privileged role for migrations and administration.',
    severityNote: 'Graded: superuser is a blocker; CREATEROLE or membership of pg_*_server_* roles is high; CREATEDB alone is medium.',
  },
  {
    id: 'db/app-role-owns-schema',
    stage: 3,
    severity: 'medium',
    title: 'The application role owns the tables',
    why: 'The owner of a table can ALTER, TRUNCATE or DROP it and grant it away: an injection or a bug in the running application can destroy the schema, not only rows.',
    remediation: 'Move ownership to a separate (NOLOGIN) owner role used by migrations (REASSIGN OWNED BY), and grant the application role only SELECT/INSERT/UPDATE/DELETE and sequence usage.',
  },
  {
    id: 'db/missing-fk-index',
    stage: 4,
    severity: 'medium',
    title: 'Foreign key without an index on its columns',
    why: 'Joins from the parent and every DELETE/UPDATE of a parent row scan the whole child table, and take locks while doing it: list pages and deletes slow down as the table grows.',
    remediation: 'Create an index whose leading columns are the foreign key columns, with CREATE INDEX CONCURRENTLY.',
  },
  {
    id: 'db/seq-scan-hotspot',
    stage: 4,
    severity: 'high',
    title: 'Large table read mostly by sequential scans',
    why: 'A table of 10,000+ rows where indexes serve under 95% of scans is read end to end by some frequent query: its latency grows with the data and it burns CPU and cache under launch traffic.',
    remediation: 'Find the queries filtering this table (pg_stat_statements, or `launchready db explain`), EXPLAIN them and add the index their WHERE/ORDER BY needs.',
  },
  {
    id: 'db/slow-statement',
    stage: 4,
    severity: 'medium',
    title: 'Slow statement',
    why: 'A statement with a mean time of 20 ms or more over 100+ calls, or over the read budget, adds directly to the p95 of every route that runs it and will queue under load.',
    remediation: 'EXPLAIN (ANALYZE, BUFFERS) the statement, add the missing index or a LIMIT, or cache its result.',
    severityNote: 'High when the mean alone exceeds the read budget (300 ms).',
  },
  {
    id: 'db/unused-index',
    stage: 4,
    severity: 'low',
    title: 'Index never (or almost never) used',
    why: 'Every index slows down each INSERT/UPDATE and takes disk and cache; one with 50 scans or fewer since statistics were reset earns nothing back.',
    remediation: 'Check replicas and rare jobs first (statistics are per server), then drop it with DROP INDEX CONCURRENTLY.',
    severityNote: 'Reported as info when statistics were reset less than 7 days ago (after a restore every index looks unused).',
  },
  {
    id: 'db/duplicate-index',
    stage: 4,
    severity: 'low',
    title: 'Index duplicated by another index',
    why: 'An index whose columns are a prefix of another index on the same table serves no query the longer one cannot, and still costs every write.',
    remediation: 'Drop the shorter index with DROP INDEX CONCURRENTLY.',
  },
];
