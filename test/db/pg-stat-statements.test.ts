/**
 * db/slow-statement needs pg_stat_statements preloaded, which the shared server on 5432 does not
 * do: this file starts its own PostgreSQL cluster (the installed server binaries) in a temporary
 * folder on a spare loopback port, with shared_preload_libraries=pg_stat_statements, and removes
 * it afterwards. Any failure to start it fails the tests (never a skip).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { auditDatabaseUrl } from '../../src/db/index.js';
import { slowStatement } from '../../src/audits/db/statistics.js';
import { configSchema } from '../../src/config/schema.js';

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const v = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  if (!v || !existsSync(join(root, v, 'bin', 'initdb'))) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return join(root, v, 'bin');
}

/** A free loopback port (the OS picks it; we release it just before postgres binds it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const asPostgres = (bin: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', join(pgBin(), bin), ...args], { stdio: 'pipe', timeout: 60_000 });

let dir = '';
let port = 0;
let url = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lr-pgss-'));
  // The server runs as the OS user postgres, which must own its data and socket folders.
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  chownSync(dir, uid, gid);
  port = await freePort();
  asPostgres('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c shared_preload_libraries=pg_stat_statements -c fsync=off`;
  asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
  url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('CREATE EXTENSION pg_stat_statements');
  await c.query('CREATE TABLE items (id int PRIMARY KEY)');
  // Three calls of a statement over the 300 ms read budget, many calls of a fast one.
  for (let i = 0; i < 3; i++) await c.query('SELECT pg_sleep(0.31), count(*) FROM items');
  for (let i = 0; i < 120; i++) await c.query('SELECT id FROM items WHERE id = $1', [i]);
  await c.end();
}, 90_000);

afterAll(() => {
  if (existsSync(join(dir, 'data', 'postmaster.pid'))) asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

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

  it('clears after the statistics no longer show the slow statement', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('SELECT pg_stat_statements_reset()');
    await c.end();
    const a = await auditDatabaseUrl(url);
    expect(slowStatement.audit({ database: a }, { config: configSchema.parse({}), now: 0 }).findings).toEqual([]);
  });
});
