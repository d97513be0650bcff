/**
 * PostgreSQL health rules against real servers: invalid index and sequence exhaustion on the shared
 * server (127.0.0.1:5432, own throwaway database), low cache hit on our own cluster started with
 * tiny shared_buffers. Each fires, then the fix clears it. Never skips: a missing server fails.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { auditDatabaseUrl } from '../../src/db/index.js';
import { invalidIndex, lowCacheHit, sequenceExhaustion, xidWraparound } from '../../src/audits/db/health.js';
import type { AuditContext } from '../../src/core/audit.js';
import type { DatabaseArtifact } from '../../src/db/types.js';
import { configSchema } from '../../src/config/schema.js';
import { startCluster, type Cluster } from './cluster.js';

const HOST = '127.0.0.1:5432';
const DB = `lr_health_${process.pid}_${randomBytes(3).toString('hex')}`;
const actx: AuditContext = { config: configSchema.parse({}), now: 0 };
const health = (a: DatabaseArtifact) => [invalidIndex, sequenceExhaustion, xidWraparound, lowCacheHit].flatMap((x) => x.audit({ database: a }, actx).findings);

async function sql(url: string, ...statements: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}

describe('health rules on the shared server', () => {
  const url = `postgres://postgres@${HOST}/${DB}`;
  beforeAll(async () => {
    await sql(`postgres://postgres@${HOST}/postgres`, `CREATE DATABASE ${DB}`);
    await sql(
      url,
      `CREATE TABLE accounts (id serial PRIMARY KEY, email text)`,
      `SELECT setval('accounts_id_seq', 2000000000)`,
      // An int column fed by a bigint sequence: the column caps it.
      `CREATE SEQUENCE ticket_seq`,
      `CREATE TABLE tickets (id int PRIMARY KEY DEFAULT nextval('ticket_seq'))`,
      `ALTER SEQUENCE ticket_seq OWNED BY tickets.id`,
      `SELECT setval('ticket_seq', 1990000000)`,
      `CREATE TABLE calm (id bigserial PRIMARY KEY)`,
      `INSERT INTO calm DEFAULT VALUES`,
      `INSERT INTO accounts (id, email) VALUES (1, 'a@example.test'), (2, 'a@example.test')`,
    );
    // A unique index built concurrently over duplicates fails and stays behind INVALID.
    await sql(url, `CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON accounts (email)`).catch(() => {});
  }, 60_000);
  afterAll(() => sql(`postgres://postgres@${HOST}/postgres`, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`));

  it('fires on the invalid index and the two nearly exhausted sequences; the wraparound age is read and quiet', async () => {
    const a = await auditDatabaseUrl(url);
    expect(a.sequences!.map((s) => [s.name, s.column, s.max, s.percentUsed])).toEqual([
      ['accounts_id_seq', 'accounts.id', 2147483647, 93.1],
      ['calm_id_seq', 'calm.id', 9223372036854775807, 0],
      ['ticket_seq', 'tickets.id', 2147483647, 92.6],
    ]);
    expect(a.xidAge).toBeGreaterThan(0);
    const fs = health(a);
    expect(fs.map((f) => `${f.rule} ${f.target}`).sort()).toEqual([
      'db/invalid-index public.accounts_email_key',
      'db/sequence-exhaustion public.accounts_id_seq',
      'db/sequence-exhaustion public.ticket_seq',
    ]);
  });

  it('the fixes clear them', async () => {
    const fs = health(await auditDatabaseUrl(url));
    const fixes = fs.flatMap((f) => f.remediation!.split('\n').map((l) => l.split('  --')[0]!));
    await sql(url, `DELETE FROM accounts WHERE id = 2`, ...fixes);
    expect(health(await auditDatabaseUrl(url))).toEqual([]);
  });
});

describe('low cache hit on a cluster with tiny shared_buffers', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster('-c shared_buffers=128kB');
  }, 90_000);
  afterAll(() => cluster?.stop());

  it('fires when reads come from disk, stays quiet once the working set fits', async () => {
    await sql(cluster.url(), `CREATE TABLE big (id int, pad text)`, `INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 60000) g`, `SELECT pg_stat_reset()`);
    for (let i = 0; i < 3; i++) await sql(cluster.url(), `SELECT count(*) FROM big`);
    await sql(cluster.url(), 'SELECT pg_stat_force_next_flush()');
    const a = await auditDatabaseUrl(cluster.url());
    expect(a.cacheHit!.reads).toBeGreaterThan(1000);
    expect(health(a).map((f) => f.rule)).toEqual(['db/low-cache-hit']);

    // The fix: a small working set that stays in memory, read many times.
    await sql(cluster.url(), `DROP TABLE big`, `CREATE TABLE small (id int PRIMARY KEY)`, `INSERT INTO small SELECT generate_series(1, 100)`, `SELECT pg_stat_reset()`);
    const c = new pg.Client({ connectionString: cluster.url() });
    await c.connect();
    // 6,000 index lookups in one statement (each touches index and heap pages already in memory).
    await c.query('SET enable_seqscan = off');
    await c.query('SELECT sum((SELECT id FROM small WHERE id = 1 + g % 100)) FROM generate_series(1, 6000) g');
    await c.query('SELECT pg_stat_force_next_flush()');
    await c.end();
    const b = await auditDatabaseUrl(cluster.url());
    expect(b.cacheHit!.hits + b.cacheHit!.reads).toBeGreaterThan(10_000);
    expect(health(b)).toEqual([]);
  }, 60_000);
});
