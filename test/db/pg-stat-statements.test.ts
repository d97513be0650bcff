/**
 * db/slow-statement needs pg_stat_statements preloaded, which the shared server on 5432 does not
 * do: this file starts its own PostgreSQL cluster (the installed server binaries) in a temporary
 * folder on a spare loopback port, with shared_preload_libraries=pg_stat_statements, and removes
 * it afterwards. Any failure to start it fails the tests (never a skip).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { auditDatabaseUrl } from '../../src/db/index.js';
import { explainStatements } from '../../src/db/explain.js';
import { slowStatement } from '../../src/audits/db/statistics.js';
import { configSchema } from '../../src/config/schema.js';
import { startCluster, type Cluster } from './cluster.js';

let cluster: Cluster | undefined;
let url = '';

beforeAll(async () => {
  cluster = await startCluster();
  url = cluster.url();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('CREATE EXTENSION pg_stat_statements');
  await c.query('CREATE TABLE items (id int PRIMARY KEY)');
  // Three calls of a statement over the 300 ms read budget, many calls of a fast one.
  for (let i = 0; i < 3; i++) await c.query('SELECT pg_sleep(0.31), count(*) FROM items');
  for (let i = 0; i < 120; i++) await c.query('SELECT id FROM items WHERE id = $1', [i]);
  for (let i = 0; i < 5; i++) await c.query('SELECT count(*) FROM items');
  await c.end();
}, 90_000);

afterAll(() => cluster?.stop());

describe('pg_stat_statements (own cluster)', () => {
  it('reads normalised statements and flags the one over the read budget', async () => {
    const a = await auditDatabaseUrl(url);
    expect(a.statements.available).toBe(true);
    const sleepy = a.statements.statements.find((s) => s.query.includes('pg_sleep'))!;
    expect(sleepy).toMatchObject({ calls: 3, hasLimit: false });
    expect(sleepy.meanMs).toBeGreaterThan(300);
    const fast = a.statements.statements.find((s) => s.query.includes('WHERE id = $1'))!;
    expect(fast.calls).toBe(120);
    // Our own catalog queries are tagged and left out.
    expect(a.statements.statements.some((s) => s.query.includes('/* launchready */'))).toBe(false);

    const r = slowStatement.audit({ database: a }, { config: configSchema.parse({}), now: 0 });
    expect(r.findings.map((f) => [f.rule, f.severity, (f.evidence as { query: string }).query])).toEqual([['db/slow-statement', 'high', sleepy.query]]);
  });

  it('db explain plans the top statements; placeholders need PostgreSQL 16 (GENERIC_PLAN) or --query', async () => {
    const r = await explainStatements(url, { top: 10 });
    const count = r.statements.find((s) => s.query === 'SELECT count(*) FROM items')!;
    expect(count).toMatchObject({ source: 'pg_stat_statements', calls: 5, hints: [] });
    expect(count.plan[0]).toMatch(/^Aggregate/);
    const lookup = r.statements.find((s) => s.query.includes('WHERE id = $1'))!;
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const version = Number((await c.query('SHOW server_version_num')).rows[0].server_version_num);
    await c.end();
    if (version < 160000) expect(lookup.error).toMatch(/PostgreSQL < 16 cannot plan it generically/);
    else expect(lookup.plan[0]).toMatch(/Index Only Scan|Index Scan|Seq Scan/);
    expect((await explainStatements(url, { top: 10, analyze: true })).statements.find((s) => s.query.includes('WHERE id = $1'))!.error).toMatch(/ANALYZE needs real values/);
  });

  it('clears after the statistics no longer show the slow statement', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('SELECT pg_stat_statements_reset()');
    await c.end();
    const a = await auditDatabaseUrl(url);
    expect(slowStatement.audit({ database: a }, { config: configSchema.parse({}), now: 0 }).findings).toEqual([]);
  });
});
