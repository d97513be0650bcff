/**
 * Against the real PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres). Each run creates
 * its own database and role with unique names and drops them afterwards. If the server is not
 * reachable, beforeAll throws and every test fails: these tests never skip.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { auditDatabaseUrl, DatabaseConnectError, DatabaseUrlError } from '../../src/db/index.js';
import gatherer from '../../src/gather/database.js';
import { family } from '../../src/audits/db/index.js';
import type { AuditContext, GatherContext } from '../../src/core/audit.js';
import type { DatabaseArtifact } from '../../src/db/types.js';
import type { FindingDraft } from '../../src/core/types.js';
import { configSchema } from '../../src/config/schema.js';

const HOST = '127.0.0.1:5432';
const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const DB = `lr_test_${suffix}`;
const APP = `lr_app_${suffix}`;
const OWNER = `lr_owner_${suffix}`;
const PASSWORD = 'Sup3r-Secret-pw';
const appUrl = `postgres://${APP}:${PASSWORD}@${HOST}/${DB}`;

const admin = (database = 'postgres') => new pg.Client({ connectionString: `postgres://postgres@${HOST}/${database}`, connectionTimeoutMillis: 5000 });
async function sql(database: string, ...statements: string[]): Promise<void> {
  const c = admin(database);
  await c.connect();
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}

const actx: AuditContext = { config: configSchema.parse({}), now: 0 };
function findings(a: DatabaseArtifact): FindingDraft[] {
  return family.audits.flatMap((x) => x.audit({ database: a }, actx).findings);
}
const ids = (fs: FindingDraft[]) => fs.map((f) => `${f.rule} ${f.target}`).sort();

beforeAll(async () => {
  await sql('postgres', `CREATE ROLE ${APP} LOGIN CREATEDB PASSWORD '${PASSWORD}'`, `CREATE ROLE ${OWNER} NOLOGIN`, `CREATE DATABASE ${DB}`);
  await sql(
    DB,
    `CREATE TABLE users (id bigint PRIMARY KEY, email text)`,
    `CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), note text, created_at timestamptz)`,
    `CREATE INDEX orders_note ON orders (note)`,
    `CREATE INDEX orders_note_created ON orders (note, created_at)`,
    `CREATE TABLE events (id bigint PRIMARY KEY, kind text)`,
    `INSERT INTO events SELECT g, 'k' || (g % 10) FROM generate_series(1, 12000) g`,
    `ALTER TABLE users OWNER TO ${OWNER}`,
    `ALTER TABLE events OWNER TO ${OWNER}`,
    `ALTER TABLE orders OWNER TO ${APP}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${APP}`,
  );
  // Make `events` a sequential-scan hotspot: 20 filtered reads without a usable index.
  const c = new pg.Client({ connectionString: appUrl });
  await c.connect();
  for (let i = 0; i < 20; i++) await c.query(`SELECT count(*) FROM events WHERE kind = 'k${i % 10}'`);
  await c.query('SELECT pg_stat_force_next_flush()');
  await c.query('SELECT 1');
  await c.end();
  // Statistics reach the shared view asynchronously: wait (bounded) until they are visible.
  for (let t = 0; t < 40; t++) {
    const r = admin(DB);
    await r.connect();
    const { rows } = await r.query(`SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'events'`);
    await r.end();
    if (Number(rows[0]?.seq_scan) >= 20) break;
    await new Promise((res) => setTimeout(res, 100));
  }
}, 60_000);

afterAll(async () => {
  await sql('postgres', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`, `DROP ROLE IF EXISTS ${APP}`, `DROP ROLE IF EXISTS ${OWNER}`);
});

describe('PostgreSQL database audit (real server)', () => {
  let first: DatabaseArtifact;

  it('gathers roles, ownership, indexes, foreign keys and scan statistics with the app role', async () => {
    first = await auditDatabaseUrl(appUrl);
    expect(first.target).toBe(`${HOST}/${DB}`);
    expect(first.role).toEqual({ name: APP, superuser: false, createRole: false, createDb: true, dangerousMemberships: [] });
    expect(first.tables.map((t) => [t.name, t.ownedByApp])).toEqual([['events', false], ['orders', true], ['users', false]]);
    expect(first.foreignKeys).toEqual([{ schema: 'public', table: 'orders', name: 'orders_user_id_fkey', columns: ['user_id'], references: 'users' }]);
    expect(first.indexes.find((i) => i.name === 'orders_note_created')?.columns).toEqual(['note', 'created_at']);
    const events = first.tables.find((t) => t.name === 'events')!;
    expect(events.rows).toBe(12000);
    expect(events.seqScan).toBeGreaterThanOrEqual(20);
    expect(first.statements.available).toBe(false);
    expect(first.statements.reason).toMatch(/shared_preload_libraries = 'pg_stat_statements'.*CREATE EXTENSION pg_stat_statements/);
    expect(JSON.stringify(first)).not.toContain(PASSWORD);
  });

  it('fires each rule the schema deserves, with exact fix statements', () => {
    const fs = findings(first);
    expect(ids(fs.filter((f) => f.rule !== 'db/unused-index'))).toEqual([
      `db/app-role-owns-schema ${APP}@${HOST}/${DB}`,
      'db/duplicate-index public.orders_note',
      'db/missing-fk-index public.orders',
      'db/seq-scan-hotspot public.events',
      `db/superuser-app-role ${APP}@${HOST}/${DB}`,
    ]);
    expect(fs.filter((f) => f.rule === 'db/unused-index').map((f) => f.target).sort()).toEqual(['public.orders_note', 'public.orders_note_created']);
    expect(fs.find((f) => f.rule === 'db/missing-fk-index')!.remediation).toBe('CREATE INDEX CONCURRENTLY orders_user_id_idx ON public.orders (user_id);');
    expect(fs.find((f) => f.rule === 'db/superuser-app-role')!.remediation).toContain(`ALTER ROLE ${APP} NOCREATEDB;`);
  });

  it('the fixes clear the findings', async () => {
    // Apply the remediations the audit printed (as the administrator), then audit again.
    const fs = findings(first);
    const fkFix = fs.find((f) => f.rule === 'db/missing-fk-index')!.remediation!;
    await sql('postgres', `ALTER ROLE ${APP} NOCREATEDB`);
    await sql(DB, fkFix, 'DROP INDEX CONCURRENTLY public.orders_note', `REASSIGN OWNED BY ${APP} TO ${OWNER}`, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${APP}`);
    const after = await auditDatabaseUrl(appUrl);
    const left = ids(findings(after)).filter((id) => !id.startsWith('db/unused-index') && !id.startsWith('db/seq-scan-hotspot'));
    expect(left).toEqual([]);
  });

  it('the superuser is a blocker', async () => {
    const a = await auditDatabaseUrl(`postgres://postgres@${HOST}/${DB}`);
    const f = findings(a).find((x) => x.rule === 'db/superuser-app-role')!;
    expect([f.severity, f.remediation]).toEqual(['blocker', expect.stringContaining('ALTER ROLE postgres NOSUPERUSER')]);
  });
});

describe('bad input: clear messages, never the password', () => {
  it.each([
    ['refused port', `postgres://${APP}:${PASSWORD}@127.0.0.1:1/${DB}`, 'ECONNREFUSED', /127\.0\.0\.1:1\/.*connection refused/],
    ['missing database', `postgres://${APP}:${PASSWORD}@${HOST}/lr_nope_${suffix}`, '3D000', /database does not exist/],
    ['unknown role', `postgres://lr_ghost_${suffix}:${PASSWORD}@${HOST}/${DB}`, '28000', /refused role "lr_ghost_/],
  ])('%s', async (_, url, code, message) => {
    const err = await auditDatabaseUrl(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseConnectError);
    expect((err as DatabaseConnectError).code).toBe(code);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain(PASSWORD);
  });

  it('a malformed or unsupported URL is a usage error that does not echo the password', async () => {
    const bad = await auditDatabaseUrl(`postgres://u:${PASSWORD}@[bad/x`).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DatabaseUrlError);
    expect((bad as Error).message).not.toContain(PASSWORD);
    await expect(auditDatabaseUrl('redis://localhost:6379')).rejects.toThrow(/scheme redis: is not supported/);
  });

  it('the gatherer turns failures into an error artifact naming the config field', async () => {
    const ctx = { config: configSchema.parse({ database: { url: `postgres://${APP}:${PASSWORD}@127.0.0.1:1/x` } }), baseDir: '.', progress: { update() {} } } as unknown as GatherContext;
    const r = await gatherer.gather(ctx);
    expect(r).toEqual({ error: { code: 'ECONNREFUSED', message: expect.stringMatching(/^database\.url: cannot connect to 127\.0\.0\.1:1\/x/) } });
    const none = await gatherer.gather({ ...ctx, config: configSchema.parse({}) } as GatherContext);
    expect(none).toEqual({ error: { code: 'NOT_CONFIGURED', message: 'no database.url in config' } });
  });
});

describe('a large schema (timing lives in bench/db.ts, `npm run bench:db`)', () => {
  const PERF_DB = `lr_perf_${suffix}`;
  afterAll(() => sql('postgres', `DROP DATABASE IF EXISTS ${PERF_DB} WITH (FORCE)`));

  it('reads a schema of 200 tables and 500 indexes completely', async () => {
    await sql('postgres', `CREATE DATABASE ${PERF_DB}`);
    // One DO block keeps the setup to a single round trip.
    await sql(
      PERF_DB,
      `DO $$ BEGIN FOR i IN 1..200 LOOP
         EXECUTE format('CREATE TABLE t%s (id bigint PRIMARY KEY, a int, b int, parent bigint REFERENCES t%s (id))', i, i);
         IF i <= 150 THEN EXECUTE format('CREATE INDEX t%s_a ON t%s (a)', i, i); EXECUTE format('CREATE INDEX t%s_ab ON t%s (a, b)', i, i); END IF;
       END LOOP; END $$`,
    );
    const a = await auditDatabaseUrl(`postgres://postgres@${HOST}/${PERF_DB}`);
    const fs = findings(a);
    expect([a.tables.length, a.indexes.length]).toEqual([200, 500]);
    expect(fs.filter((f) => f.rule === 'db/duplicate-index')).toHaveLength(150);
    expect(fs.filter((f) => f.rule === 'db/missing-fk-index')).toHaveLength(200);
  });
});
