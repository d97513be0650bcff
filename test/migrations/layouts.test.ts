import type { LaunchreadyConfigInput } from '../../src/config/schema.js';
import { gatherContext } from '../helpers/builders.js';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lintMigrations } from '../../src/migrations/lint.js';
import gatherer from '../../src/gather/migrations.js';
import { family } from '../../src/audits/migrations/index.js';
import type { AuditContext } from '../../src/core/audit.js';
import { isArtifactError } from '../../src/core/audit.js';
import type { MigrationLintResult } from '../../src/migrations/types.js';
import { configSchema } from '../../src/config/schema.js';

const lint = (files: Record<string, string>) => lintMigrations(Object.entries(files).map(([path, text]) => ({ path, text })));
const summary = (r: MigrationLintResult) => r.files.map((f) => [f.path, f.layout, f.role, f.reversible]);

describe('layout detection and reversibility', () => {
  it('paired up/down SQL: a missing or empty down is irreversible, the down file is not linted', async () => {
    const r = await lint({
      'migrations/1_a.up.sql': 'CREATE TABLE a (id int);',
      'migrations/1_a.down.sql': 'DROP TABLE a;',
      'migrations/2_b.up.sql': 'CREATE TABLE b (id int);',
      'migrations/3_c.up.sql': 'CREATE TABLE c (id int);',
      'migrations/3_c.down.sql': '-- nothing\n',
    });
    expect(summary(r)).toEqual([
      ['migrations/1_a.down.sql', 'paired-sql', 'down', 'not-applicable'],
      ['migrations/1_a.up.sql', 'paired-sql', 'up', 'reversible'],
      ['migrations/2_b.up.sql', 'paired-sql', 'up', 'irreversible'],
      ['migrations/3_c.down.sql', 'paired-sql', 'down', 'not-applicable'],
      ['migrations/3_c.up.sql', 'paired-sql', 'up', 'irreversible'],
    ]);
    expect(r.issues.map((i) => [i.rule, i.file, i.evidence.reason])).toEqual([
      ['migrations/irreversible', 'migrations/2_b.up.sql', 'no down file 2_b.down.sql'],
      ['migrations/irreversible', 'migrations/3_c.up.sql', 'down file 3_c.down.sql is empty'],
    ]);
  });

  it('dbmate and goose: only the up section is linted; the down section decides reversibility', async () => {
    const r = await lint({
      'db/migrations/20240101_a.sql': '-- migrate:up\nCREATE INDEX i ON users (email);\n\n-- migrate:down\nDROP INDEX i;\n',
      'db/migrations/20240102_b.sql': '-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\n',
      'db/migrations/20240103_c.sql': '-- +goose Up\nCREATE TABLE c (id int);\n-- +goose Down\nDROP TABLE c;\n',
    });
    expect(summary(r).map((s) => s.slice(1))).toEqual([
      ['dbmate', 'up', 'reversible'],
      ['dbmate', 'up', 'irreversible'],
      ['goose', 'up', 'reversible'],
    ]);
    expect(r.issues.map((i) => [i.rule, i.file, i.line])).toEqual([
      ['migrations/index-not-concurrent', 'db/migrations/20240101_a.sql', 2],
      ['migrations/irreversible', 'db/migrations/20240102_b.sql', 1],
    ]);
  });

  it('Flyway: undo files are required only once the project uses them; Prisma and plain SQL have no down concept', async () => {
    const flyway = await lint({ 'sql/V1__init.sql': 'CREATE TABLE a (id int);', 'sql/V2__more.sql': 'CREATE TABLE b (id int);', 'sql/U1__init.sql': 'DROP TABLE a;' });
    expect(flyway.issues.map((i) => [i.rule, i.file])).toEqual([['migrations/irreversible', 'sql/V2__more.sql']]);
    const noUndo = await lint({ 'sql/V1__init.sql': 'CREATE TABLE a (id int);' });
    expect(noUndo.issues).toEqual([]);
    const prisma = await lint({ 'prisma/migrations/20240101_init/migration.sql': 'CREATE TABLE a (id int);\nALTER TABLE users DROP COLUMN bio;' });
    expect(summary(prisma)).toEqual([['prisma/migrations/20240101_init/migration.sql', 'prisma', 'up', 'not-applicable']]);
    expect(prisma.issues.map((i) => [i.rule, i.line])).toEqual([['migrations/drop-or-rename', 2]]);
  });

  it('node-pg-migrate: lints pgm.sql strings at their file position; builder calls are checked; auto-down for builder-only files', async () => {
    const text = [
      'exports.up = (pgm) => {',
      '  pgm.createTable("feed", { id: "id" });',
      '  pgm.createIndex("feed", "id");',
      '  pgm.createIndex("users", "email");',
      '  pgm.sql(`ALTER TABLE users',
      '    ADD COLUMN token uuid DEFAULT gen_random_uuid()`);',
      '  pgm.sql(`UPDATE users SET x = ${value}`);',
      '};',
    ].join('\n');
    const r = await lint({ 'migrations/1700000000000_feed.js': text, 'migrations/1700000000001_builder.js': 'exports.up = (pgm) => { pgm.createTable("x", {}); };' });
    expect(summary(r).map((s) => s.slice(1))).toEqual([
      ['node-pg-migrate', 'up', 'irreversible'],
      ['node-pg-migrate', 'up', 'reversible'],
    ]);
    expect(r.files[0]!.unlintedSnippets).toBe(1);
    expect(r.issues.map((i) => [i.rule, i.line, i.column])).toEqual([
      ['migrations/volatile-default', 6, 27],
      ['migrations/index-not-concurrent', 4, 3],
      ['migrations/irreversible', 1, 1],
    ]);
  });

  it('knex and TypeORM: raw SQL in up is linted, the down body is not; an empty down is irreversible', async () => {
    const r = await lint({
      'migrations/20240101_a.js': "exports.up = function (knex) {\n  return knex.raw('CREATE INDEX i ON users (email)');\n};\nexports.down = function (knex) {\n  return knex.raw('DROP TABLE users');\n};\n",
      'migrations/20240102_b.js': "exports.up = async (knex) => knex.schema.table('users', (t) => t.dropColumn('bio'));\nexports.down = async () => {};\n",
      'src/migrations/1700000000000-Init.ts':
        'export class Init1700000000000 implements MigrationInterface {\n  async up(queryRunner: QueryRunner) {\n    await queryRunner.query(`ALTER TABLE "users" RENAME COLUMN "a" TO "b"`);\n  }\n  async down(queryRunner: QueryRunner) {\n    await queryRunner.query(`ALTER TABLE "users" RENAME COLUMN "b" TO "a"`);\n  }\n}\n',
    });
    expect(summary(r).map((s) => s.slice(1))).toEqual([
      ['knex', 'up', 'reversible'],
      ['knex', 'up', 'irreversible'],
      ['typeorm', 'up', 'reversible'],
    ]);
    expect(r.issues.map((i) => [i.rule, i.file.split('/').pop(), i.line])).toEqual([
      ['migrations/index-not-concurrent', '20240101_a.js', 2],
      ['migrations/drop-or-rename', '20240102_b.js', 1],
      ['migrations/irreversible', '20240102_b.js', 1],
      ['migrations/drop-or-rename', '1700000000000-Init.ts', 3],
    ]);
  });

  it('Rails: up without down and irreversible change commands; add_index needs algorithm: :concurrently', async () => {
    const r = await lint({
      'db/migrate/20240101000000_add_email.rb': 'class AddEmail < ActiveRecord::Migration[7.1]\n  def change\n    add_index :users, :email\n    add_index :users, :name, algorithm: :concurrently\n  end\nend\n',
      'db/migrate/20240102000000_backfill.rb': 'class Backfill < ActiveRecord::Migration[7.1]\n  def up\n    execute "UPDATE users SET a = 1"\n  end\nend\n',
      'db/migrate/20240103000000_drop.rb': 'class Drop < ActiveRecord::Migration[7.1]\n  def change\n    remove_column :users, :bio\n  end\nend\n',
    });
    expect(summary(r).map((s) => s[3])).toEqual(['reversible', 'irreversible', 'irreversible']);
    expect(r.issues.map((i) => [i.rule, i.file.split('/').pop(), i.line])).toEqual([
      ['migrations/index-not-concurrent', '20240101000000_add_email.rb', 3],
      ['migrations/irreversible', '20240102000000_backfill.rb', 1],
      ['migrations/drop-or-rename', '20240103000000_drop.rb', 3],
      ['migrations/irreversible', '20240103000000_drop.rb', 1],
    ]);
  });

  it('Django: RunPython/RunSQL without a reverse are irreversible; noop reverse is fine', async () => {
    const r = await lint({
      'shop/migrations/0002_fill.py': 'from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.RunPython(fill, reverse_code=migrations.RunPython.noop),\n        migrations.RunSQL("UPDATE x SET y = (1)", "UPDATE x SET y = NULL"),\n    ]\n',
      'shop/migrations/0003_more.py': 'from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.RunSQL("UPDATE x SET (a, b) = (1, 2)"),\n    ]\n',
      'shop/migrations/__init__.py': '',
    });
    expect(summary(r)).toEqual([
      ['shop/migrations/0002_fill.py', 'django', 'up', 'reversible'],
      ['shop/migrations/0003_more.py', 'django', 'up', 'irreversible'],
    ]);
    expect(r.issues[0]!.evidence).toEqual({ layout: 'django', reason: 'RunSQL without reverse_sql' });
  });

  it('the irreversible finding can be accepted anywhere in the file', async () => {
    const r = await lint({ 'm/1.up.sql': '-- launchready-ignore irreversible (roll forward only)\nCREATE TABLE a (id int);' });
    expect(r.issues).toEqual([]);
    expect(r.ignored.map((i) => i.rule)).toEqual(['migrations/irreversible']);
  });
});

describe('gatherer + audits over a real folder', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'lr-migrations-'));
    const files: Record<string, string> = {
      'db/migrations/001_init.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email ON users (email);\n',
      'db/migrations/001_init.down.sql': 'DROP TABLE users;\n',
      'db/migrations/002_orders.up.sql': 'CREATE INDEX users_email2 ON users (email);\n',
      'db/migrations/node_modules/x.sql': 'DROP TABLE users;',
      'db/migrations/README.md': '# not a migration',
    };
    for (const [p, t] of Object.entries(files)) {
      await mkdir(dirname(join(base, p)), { recursive: true });
      await writeFile(join(base, p), t);
    }
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  const ctx = (database: LaunchreadyConfigInput['database']) => gatherContext({ database }, { baseDir: base, now: () => 0 });

  it('reads config.database.migrations relative to the config folder and the family turns issues into findings', async () => {
    const art = await gatherer.gather(ctx({ migrations: './db/migrations' }));
    if (isArtifactError(art)) throw new Error(art.error.message);
    expect(art.files.map((f) => f.path)).toEqual(['db/migrations/001_init.down.sql', 'db/migrations/001_init.up.sql', 'db/migrations/002_orders.up.sql']);
    const actx: AuditContext = { config: configSchema.parse({}), now: 0 };
    const byRule = Object.fromEntries(family.audits.map((a) => [a.meta.emits[0], a.audit({ migrations: art }, actx)]));
    expect(byRule['migrations/index-not-concurrent'].findings).toEqual([
      expect.objectContaining({ rule: 'migrations/index-not-concurrent', target: 'db/migrations/002_orders.up.sql', location: { file: 'db/migrations/002_orders.up.sql', line: 1, column: 1 }, remediation: expect.stringContaining('CREATE INDEX CONCURRENTLY users_email2') }),
    ]);
    expect(byRule['migrations/irreversible'].findings.map((f: { target: string }) => f.target)).toEqual(['db/migrations/002_orders.up.sql']);
    expect(byRule['migrations/drop-or-rename'].findings).toEqual([]);
    expect(byRule['migrations/drop-or-rename'].targets).toEqual(['db/migrations/001_init.up.sql', 'db/migrations/002_orders.up.sql']);
    // Every rule in the family is emitted by exactly one audit.
    expect(family.audits.flatMap((a) => a.meta.emits).sort()).toEqual(family.rules.map((r) => r.id).sort());
  });

  it('finds a conventional folder when none is configured, and names a missing folder', async () => {
    const found = await gatherer.gather(ctx({}));
    expect(isArtifactError(found) ? found.error : (found as MigrationLintResult).files.length).toBe(3);
    const missing = await gatherer.gather(ctx({ migrations: './nope' }));
    expect(missing).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringMatching(/^database\.migrations: migrations folder .*nope does not exist$/) } });
  });
});
