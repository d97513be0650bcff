import { describe, it, expect } from 'vitest';
import { family } from '../../src/audits/db/index.js';
import type { AuditContext } from '../../src/core/audit.js';
import type { DatabaseArtifact, DbIndex } from '../../src/db/types.js';
import { configSchema } from '../../src/config/schema.js';

const ctx: AuditContext = { config: configSchema.parse({}), now: 0 };

function art(over: Partial<DatabaseArtifact> = {}): DatabaseArtifact {
  return {
    engine: 'postgres',
    serverVersion: '15.20',
    database: 'shop',
    target: '127.0.0.1:5432/shop',
    role: { name: 'app', superuser: false, createRole: false, createDb: false, dangerousMemberships: [] },
    statsResetAt: null,
    statsAgeSeconds: null,
    tables: [{ schema: 'public', name: 'orders', owner: 'owner', ownedByApp: false, rows: 100, seqScan: 1, idxScan: 100 }],
    indexes: [],
    foreignKeys: [],
    statements: { available: true, statements: [] },
    unavailable: [],
    ...over,
  };
}
const idx = (name: string, columns: string[], over: Partial<DbIndex> = {}): DbIndex => ({
  schema: 'public',
  table: 'orders',
  name,
  columns,
  unique: false,
  primary: false,
  valid: true,
  partial: false,
  method: 'btree',
  idxScan: 1000,
  sizeBytes: 8192,
  definition: '',
  ...over,
});
const fk = { schema: 'public', table: 'orders', name: 'orders_user_id_fkey', columns: ['user_id'], references: 'users' };
const stmt = (meanMs: number, calls: number) => ({ queryId: '42', query: 'SELECT * FROM orders WHERE user_id = $1', calls, meanMs, totalMs: meanMs * calls, rowsPerCall: 1, hasLimit: false });

function run(rule: string, a: DatabaseArtifact) {
  const audit = family.audits.find((x) => x.meta.emits.includes(rule))!;
  return audit.audit({ database: a }, ctx);
}

const fires: [string, DatabaseArtifact][] = [
  ['db/superuser-app-role', art({ role: { name: 'app', superuser: true, createRole: true, createDb: true, dangerousMemberships: [] } })],
  ['db/superuser-app-role', art({ role: { name: 'app', superuser: false, createRole: false, createDb: true, dangerousMemberships: [] } })],
  ['db/superuser-app-role', art({ role: { name: 'app', superuser: false, createRole: false, createDb: false, dangerousMemberships: ['pg_execute_server_program'] } })],
  ['db/app-role-owns-schema', art({ tables: [{ schema: 'public', name: 'orders', owner: 'app', ownedByApp: true, rows: 0, seqScan: 0, idxScan: null }] })],
  ['db/missing-fk-index', art({ foreignKeys: [fk], indexes: [idx('orders_pkey', ['id'], { unique: true, primary: true })] })],
  ['db/missing-fk-index', art({ foreignKeys: [fk], indexes: [idx('orders_created_user', ['created_at', 'user_id'])] })],
  ['db/missing-fk-index', art({ foreignKeys: [fk], indexes: [idx('orders_user_partial', ['user_id'], { partial: true })] })],
  ['db/seq-scan-hotspot', art({ tables: [{ schema: 'public', name: 'orders', owner: 'o', ownedByApp: false, rows: 50_000, seqScan: 100, idxScan: 900 }] })],
  ['db/seq-scan-hotspot', art({ tables: [{ schema: 'public', name: 'orders', owner: 'o', ownedByApp: false, rows: 10_000, seqScan: 3, idxScan: null }] })],
  ['db/slow-statement', art({ statements: { available: true, statements: [stmt(25, 100)] } })],
  ['db/slow-statement', art({ statements: { available: true, statements: [stmt(450, 2)] } })],
  ['db/unused-index', art({ indexes: [idx('orders_note', ['note'], { idxScan: 50 })] })],
  ['db/duplicate-index', art({ indexes: [idx('orders_user', ['user_id']), idx('orders_user_created', ['user_id', 'created_at'])] })],
  ['db/duplicate-index', art({ indexes: [idx('b_same', ['user_id']), idx('a_same', ['user_id'])] })],
  ['db/invalid-index', art({ indexes: [idx('orders_email_key', ['email'], { unique: true, valid: false, definition: 'CREATE UNIQUE INDEX orders_email_key ON public.orders USING btree (email)' })] })],
  ['db/sequence-exhaustion', art({ sequences: [{ schema: 'public', name: 'orders_id_seq', column: 'orders.id', lastValue: 1_950_000_000, max: 2147483647, percentUsed: 90.8 }] })],
  ['db/xid-wraparound', art({ xidAge: 1_200_000_000 })],
  ['db/low-cache-hit', art({ cacheHit: { hitPercent: 98.5, hits: 98_500, reads: 1_500 } })],
];

const staysQuiet: [string, DatabaseArtifact][] = [
  ['db/superuser-app-role', art()],
  ['db/app-role-owns-schema', art()],
  ['db/missing-fk-index', art({ foreignKeys: [fk], indexes: [idx('orders_user', ['user_id'])] })],
  ['db/missing-fk-index', art({ foreignKeys: [{ ...fk, columns: ['a', 'b'] }], indexes: [idx('orders_b_a_c', ['b', 'a', 'c'])] })],
  ['db/seq-scan-hotspot', art({ tables: [{ schema: 'public', name: 'orders', owner: 'o', ownedByApp: false, rows: 50_000, seqScan: 5, idxScan: 95 }] })],
  ['db/seq-scan-hotspot', art({ tables: [{ schema: 'public', name: 'orders', owner: 'o', ownedByApp: false, rows: 9_999, seqScan: 100, idxScan: 0 }] })],
  ['db/slow-statement', art({ statements: { available: true, statements: [stmt(25, 99), stmt(19.9, 10_000), stmt(300, 1)] } })],
  ['db/unused-index', art({ indexes: [idx('orders_note', ['note'], { idxScan: 51 }), idx('orders_key', ['k'], { idxScan: 0, unique: true })] })],
  ['db/duplicate-index', art({ indexes: [idx('orders_user', ['user_id']), idx('orders_created_user', ['created_at', 'user_id'])] })],
  ['db/duplicate-index', art({ indexes: [idx('orders_user_key', ['user_id'], { unique: true }), idx('orders_user_created', ['user_id', 'created_at'])] })],
  ['db/duplicate-index', art({ indexes: [idx('orders_user', ['user_id']), idx('orders_user_gin', ['user_id', 'tags'], { method: 'gin' })] })],
  ['db/invalid-index', art({ indexes: [idx('orders_email_key', ['email'], { unique: true })] })],
  ['db/invalid-index', art({ engine: 'mysql', indexes: [idx('orders_email_key', ['email'], { valid: false })] })],
  ['db/sequence-exhaustion', art({ sequences: [{ schema: 'public', name: 'orders_id_seq', column: 'orders.id', lastValue: 1_932_000_000, max: 2147483647, percentUsed: 89.9 }] })],
  ['db/xid-wraparound', art({ xidAge: 200_000_000 })],
  ['db/low-cache-hit', art({ cacheHit: { hitPercent: 99.2, hits: 99_200, reads: 800 } })],
  ['db/low-cache-hit', art({ cacheHit: { hitPercent: 50, hits: 500, reads: 500 } })],
];

describe('db audits (pure)', () => {
  it.each(fires.map(([r, a], n) => [r, n, a] as const))('%s fires (case %i)', (rule, _n, a) => {
    expect(run(rule, a).findings.map((f) => f.rule)).toEqual([rule]);
  });
  it.each(staysQuiet.map(([r, a], n) => [r, n, a] as const))('%s stays quiet (case %i)', (rule, _n, a) => {
    expect(run(rule, a).findings).toEqual([]);
  });

  it('grades the role finding and writes the exact ALTER ROLE / REVOKE statements', () => {
    const su = run('db/superuser-app-role', art({ role: { name: 'App User', superuser: true, createRole: false, createDb: true, dangerousMemberships: [] } })).findings[0]!;
    expect(su.severity).toBe('blocker');
    expect(su.remediation).toContain('ALTER ROLE "App User" NOSUPERUSER NOCREATEDB;');
    const mem = run('db/superuser-app-role', art({ role: { name: 'app', superuser: false, createRole: false, createDb: false, dangerousMemberships: ['pg_read_server_files'] } })).findings[0]!;
    expect([mem.severity, mem.remediation]).toEqual(['high', expect.stringContaining('REVOKE pg_read_server_files FROM app;')]);
    expect(run('db/superuser-app-role', art({ role: { name: 'app', superuser: false, createRole: false, createDb: true, dangerousMemberships: [] } })).findings[0]!.severity).toBe('medium');
  });

  it('the ownership fix reassigns to an owner role and grants DML only', () => {
    const f = run('db/app-role-owns-schema', art({ tables: [{ schema: 'shop', name: 'orders', owner: 'app', ownedByApp: true, rows: 0, seqScan: 0, idxScan: null }] })).findings[0]!;
    expect(f.remediation!.split('\n')).toEqual(
      expect.arrayContaining(['REASSIGN OWNED BY app TO app_owner;  -- in database shop', 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA shop TO app;']),
    );
  });

  it('missing FK index gives the CREATE INDEX CONCURRENTLY statement; unused index is info right after a stats reset', () => {
    const f = run('db/missing-fk-index', art({ foreignKeys: [fk] })).findings[0]!;
    expect(f.remediation).toBe('CREATE INDEX CONCURRENTLY orders_user_id_idx ON public.orders (user_id);');
    const u = run('db/unused-index', art({ statsAgeSeconds: 3600, statsResetAt: '2026-11-29T00:00:00.000Z', indexes: [idx('orders_note', ['note'], { idxScan: 0 })] })).findings[0]!;
    expect([u.severity, u.evidence?.statsRecentlyReset]).toEqual(['info', true]);
  });

  it('health: the invalid index is rebuilt concurrently; wraparound over 1.6 billion is a blocker; sequence fix widens to bigint', () => {
    const inv = run('db/invalid-index', art({ indexes: [idx('orders_email_key', ['email'], { unique: true, valid: false, definition: 'CREATE UNIQUE INDEX orders_email_key ON public.orders USING btree (email)' })] })).findings[0]!;
    expect(inv.remediation!.split('\n')[0]).toBe('DROP INDEX CONCURRENTLY public.orders_email_key;');
    expect(inv.remediation).toContain('CREATE UNIQUE INDEX CONCURRENTLY orders_email_key ON public.orders USING btree (email);');
    expect(run('db/xid-wraparound', art({ xidAge: 1_700_000_000 })).findings[0]!.severity).toBe('blocker');
    const seq = run('db/sequence-exhaustion', art({ sequences: [{ schema: 'public', name: 'orders_id_seq', column: 'orders.id', lastValue: 2_000_000_000, max: 2147483647, percentUsed: 93.1 }] })).findings[0]!;
    expect(seq.remediation).toContain('ALTER TABLE public.orders ALTER COLUMN id TYPE bigint;');
    expect(run('db/low-cache-hit', art()).notApplicable).toMatch(/PostgreSQL only/);
  });

  it('slow-statement is not applicable, with the enable hint, when pg_stat_statements is missing', () => {
    const r = run('db/slow-statement', art({ statements: { available: false, reason: 'pg_stat_statements is not installed; enable it: shared_preload_libraries', statements: [] } }));
    expect(r.notApplicable).toMatch(/shared_preload_libraries/);
  });
});
