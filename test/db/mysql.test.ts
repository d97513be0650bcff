/**
 * Against the real MariaDB on 127.0.0.1:3306 (root, empty password). Each run creates its own
 * database and accounts with unique names and drops them afterwards. If the server is not
 * reachable, beforeAll throws and every test fails: these tests never skip.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { auditDatabaseUrl, DatabaseConnectError } from '../../src/db/index.js';
import { parseGrants } from '../../src/db/mysql.js';
import { family } from '../../src/audits/db/index.js';
import type { AuditContext } from '../../src/core/audit.js';
import type { DatabaseArtifact } from '../../src/db/types.js';
import type { FindingDraft } from '../../src/core/types.js';
import { configSchema } from '../../src/config/schema.js';

const HOST = '127.0.0.1:3306';
const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const DB = `lr_my_${suffix}`;
const APP = `lr_app_${suffix}`.slice(0, 32);
const RO = `lr_ro_${suffix}`.slice(0, 32);
const PASSWORD = 'My-Sup3r-Secret';
const url = (user: string, db = DB) => `mysql://${user}:${PASSWORD}@${HOST}/${db}`;

async function root(...statements: string[]): Promise<void> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', connectTimeout: 5000 });
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}

const actx: AuditContext = { config: configSchema.parse({}), now: 0 };
function audit(a: DatabaseArtifact): { findings: FindingDraft[]; skipped: string[] } {
  const rs = family.audits.map((x) => ({ id: x.meta.id, r: x.audit({ database: a }, actx) }));
  return { findings: rs.flatMap((x) => x.r.findings), skipped: rs.filter((x) => x.r.notApplicable).map((x) => x.id) };
}

beforeAll(async () => {
  await root(
    `CREATE DATABASE ${DB}`,
    `CREATE USER '${APP}'@'%' IDENTIFIED BY '${PASSWORD}'`,
    `CREATE USER '${RO}'@'%' IDENTIFIED BY '${PASSWORD}'`,
    // The application account can change the schema and read server files: both findings.
    `GRANT ALL PRIVILEGES ON ${DB}.* TO '${APP}'@'%'`,
    `GRANT FILE ON *.* TO '${APP}'@'%'`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${DB}.* TO '${RO}'@'%'`,
    `CREATE TABLE ${DB}.users (id int PRIMARY KEY, email varchar(200)) ENGINE=InnoDB`,
    `CREATE TABLE ${DB}.orders (id int PRIMARY KEY, user_id int, note varchar(100), created_at datetime, CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES ${DB}.users (id)) ENGINE=InnoDB`,
    `CREATE INDEX orders_note ON ${DB}.orders (note)`,
    `CREATE INDEX orders_note_created ON ${DB}.orders (note, created_at)`,
  );
}, 60_000);

afterAll(async () => {
  await root(`DROP DATABASE IF EXISTS ${DB}`, `DROP USER IF EXISTS '${APP}'@'%'`, `DROP USER IF EXISTS '${RO}'@'%'`);
});

describe('MariaDB database audit (real server)', () => {
  it('reads grants, tables, indexes and foreign keys with the application account', async () => {
    const a = await auditDatabaseUrl(url(APP));
    expect([a.engine, a.database, a.target]).toEqual(['mysql', DB, `${HOST}/${DB}`]);
    expect(a.role).toMatchObject({ name: APP, superuser: false, createRole: false, createDb: false, dangerousMemberships: ['FILE'], account: `'${APP}'@'%'`, ddlPrivileges: ['ALL PRIVILEGES'] });
    expect(a.tables.map((t) => t.name)).toEqual(['orders', 'users']);
    expect(a.foreignKeys).toEqual([{ schema: DB, table: 'orders', name: 'orders_user', columns: ['user_id'], references: 'users' }]);
    // InnoDB created the FK index itself (named after the constraint).
    expect(a.indexes.find((i) => i.name === 'orders_user')?.columns).toEqual(['user_id']);
    expect(a.indexes.find((i) => i.name === 'orders_note_created')).toMatchObject({ columns: ['note', 'created_at'], method: 'btree', unique: false });
    expect(a.indexes.find((i) => i.name === 'PRIMARY' && i.table === 'users')).toMatchObject({ primary: true, unique: true });
    expect(JSON.stringify(a)).not.toContain(PASSWORD);
  });

  it('fires the privilege and duplicate-index rules with MySQL fix statements; the FK index rule stays quiet on InnoDB', async () => {
    const a = await auditDatabaseUrl(url(APP));
    const { findings: fs, skipped } = audit(a);
    expect(fs.map((f) => `${f.rule} ${f.target}`).sort()).toEqual([
      `db/app-role-owns-schema ${APP}@${HOST}/${DB}`,
      `db/duplicate-index ${DB}.orders_note`,
      `db/superuser-app-role ${APP}@${HOST}/${DB}`,
    ]);
    expect(fs.find((f) => f.rule === 'db/superuser-app-role')).toMatchObject({ severity: 'high', evidence: { memberships: ['FILE'] } });
    expect(fs.find((f) => f.rule === 'db/app-role-owns-schema')!.remediation).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${DB}\`.* TO '${APP}'@'%';`);
    expect(fs.find((f) => f.rule === 'db/duplicate-index')!.remediation).toMatch(new RegExp(`^ALTER TABLE \`${DB}\`\\.\`orders\` DROP INDEX \`orders_note\`, ALGORITHM=INPLACE, LOCK=NONE;`));
    // No per-table scan counters, and performance_schema is off on this server: said, not guessed.
    expect(skipped).toEqual(expect.arrayContaining(['db-seq-scan-hotspot', 'db-unused-index', 'db-slow-statement']));
    expect(a.statements).toMatchObject({ available: false, reason: expect.stringMatching(/performance_schema = ON/) });
  });

  it('the fixes clear the findings', async () => {
    const a = await auditDatabaseUrl(url(APP));
    const fs = audit(a).findings;
    // Apply the printed statements as root (the duplicate index drop, then least privilege).
    const drop = fs.find((f) => f.rule === 'db/duplicate-index')!.remediation!.split('  --')[0]!;
    const priv = fs.find((f) => f.rule === 'db/app-role-owns-schema')!.remediation!.split('\n').filter((l) => !l.startsWith('--'));
    await root(drop, ...priv);
    const after = audit(await auditDatabaseUrl(url(APP))).findings;
    expect(after).toEqual([]);
  });

  it('a least-privilege account is quiet on privileges', async () => {
    const fs = audit(await auditDatabaseUrl(url(RO))).findings;
    expect(fs.filter((f) => f.rule.startsWith('db/superuser') || f.rule.startsWith('db/app-role'))).toEqual([]);
  });

  it('root is a blocker', async () => {
    const a = await auditDatabaseUrl(`mysql://root@${HOST}/${DB}`);
    const f = audit(a).findings.find((x) => x.rule === 'db/superuser-app-role')!;
    expect(f).toMatchObject({ severity: 'blocker', evidence: { attributes: ['SUPERUSER'] } });
    // Never "revoke everything from root": the application gets its own account instead.
    expect(f.remediation).not.toContain('REVOKE');
    expect(f.remediation).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${DB}\`.* TO 'app'@'%';`);
  });
});

describe('MariaDB bad input: clear messages, never the password', () => {
  it.each([
    ['refused port', `mysql://${APP}:${PASSWORD}@127.0.0.1:1/${DB}`, 'ECONNREFUSED', /127\.0\.0\.1:1\/.*connection refused/],
    ['wrong password', `mysql://${APP}:wrong-${PASSWORD}@${HOST}/${DB}`, 'ER_ACCESS_DENIED_ERROR', /access denied for user/],
    ['missing database', `mysql://root@${HOST}/lr_nope_${suffix}`, 'ER_BAD_DB_ERROR', /database does not exist/],
    ['no database in the URL', `mysql://root@${HOST}/`, 'NO_DATABASE', /names no database/],
  ])('%s', async (_, u, code, message) => {
    const err = await auditDatabaseUrl(u).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseConnectError);
    expect((err as DatabaseConnectError).code).toBe(code);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain(PASSWORD);
  });
});

describe('parseGrants', () => {
  it('reads privileges and scopes; column lists, role grants and GRANT OPTION handled', () => {
    expect(
      parseGrants([
        "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION",
        "GRANT SELECT, INSERT (`a`, `b`), UPDATE ON `shop`.* TO `app`@`%`",
        'GRANT `reader` TO `app`@`%`',
        "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*ABCDEF'",
      ]),
    ).toEqual([
      { privileges: ['ALL PRIVILEGES', 'GRANT OPTION'], on: '*.*' },
      { privileges: ['SELECT', 'INSERT', 'UPDATE'], on: 'shop.*' },
      { privileges: ['USAGE'], on: '*.*' },
    ]);
  });
});
