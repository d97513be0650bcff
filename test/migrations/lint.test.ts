import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintMigrations } from '../../src/migrations/lint.js';
import { readMigrationFiles } from '../../src/migrations/read.js';
import type { MigrationRuleId } from '../../src/migrations/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const one = (sql: string, path = 'migrations/002_change.sql') => lintMigrations([{ path, text: sql }]);
const rulesOf = async (sql: string, path?: string) => (await one(sql, path)).issues.map((i) => i.rule);

describe('fixture files: unsafe fires, safe stays quiet', () => {
  const names = [...new Set(readdirSync(FIXTURES).map((f) => f.replace(/\.(unsafe|safe)(\.sql)?$/, '')))];
  it.each(names)('%s', async (name) => {
    const rule = `migrations/${name}` as MigrationRuleId;
    const load = async (variant: string) => {
      const p = join(FIXTURES, `${name}.${variant}`);
      const files = readdirSync(FIXTURES).includes(`${name}.${variant}.sql`)
        ? [{ path: `migrations/${name}.${variant}.sql`, text: readFileSync(`${p}.sql`, 'utf8') }]
        : (await readMigrationFiles(p)).files;
      return (await lintMigrations(files)).issues;
    };
    expect((await load('unsafe')).map((i) => i.rule)).toContain(rule);
    expect(await load('safe')).toEqual([]);
  });
});

const fires: [MigrationRuleId, string][] = [
  ['migrations/index-not-concurrent', 'CREATE UNIQUE INDEX IF NOT EXISTS u ON users (email)'],
  ['migrations/index-not-concurrent', 'DROP INDEX users_email_idx'],
  ['migrations/index-not-concurrent', 'REINDEX INDEX users_email_idx'],
  ['migrations/index-not-concurrent', 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)'],
  ['migrations/index-not-concurrent', 'ALTER TABLE users ADD PRIMARY KEY (id)'],
  ['migrations/volatile-default', 'ALTER TABLE t ADD COLUMN r float8 DEFAULT random()'],
  ['migrations/volatile-default', 'ALTER TABLE t ADD COLUMN s bigserial'],
  ['migrations/volatile-default', 'ALTER TABLE t ADD COLUMN c timestamptz DEFAULT clock_timestamp()'],
  ['migrations/volatile-default', 'ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (a * 2) STORED'],
  ['migrations/volatile-default', 'ALTER TABLE t ADD COLUMN i int GENERATED ALWAYS AS IDENTITY'],
  ['migrations/volatile-default', 'ALTER TABLE t ADD COLUMN x text DEFAULT my_func()'],
  ['migrations/not-null-without-default', 'ALTER TABLE t ADD COLUMN n int NOT NULL'],
  ['migrations/not-null-without-default', 'ALTER TABLE t ALTER COLUMN n SET NOT NULL'],
  ['migrations/column-type-change', 'ALTER TABLE t ALTER COLUMN n TYPE text'],
  ['migrations/column-type-change', 'ALTER TABLE t ALTER COLUMN n SET DATA TYPE bigint USING n::bigint'],
  ['migrations/drop-or-rename', 'DROP TABLE IF EXISTS old_feed'],
  ['migrations/drop-or-rename', 'ALTER TABLE t RENAME COLUMN a TO b'],
  ['migrations/drop-or-rename', 'ALTER TABLE t RENAME TO t2'],
  ['migrations/drop-or-rename', 'ALTER TABLE t DROP COLUMN IF EXISTS c'],
  ['migrations/constraint-not-valid', 'ALTER TABLE t ADD CONSTRAINT pos CHECK (price > 0)'],
  ['migrations/constraint-not-valid', 'ALTER TABLE t ADD COLUMN user_id bigint REFERENCES users (id)'],
  ['migrations/constraint-not-valid', 'ALTER TABLE t ADD FOREIGN KEY (user_id) REFERENCES users (id), ADD COLUMN z int'],
];

const staysQuiet: [MigrationRuleId, string][] = [
  ['migrations/index-not-concurrent', 'CREATE TABLE feed (id int, user_id int); CREATE INDEX feed_user ON feed (user_id)'],
  ['migrations/index-not-concurrent', 'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx'],
  ['migrations/index-not-concurrent', 'REINDEX INDEX CONCURRENTLY users_email_idx'],
  ['migrations/index-not-concurrent', 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx'],
  ['migrations/index-not-concurrent', 'CREATE INDEX CONCURRENTLY i ON t (a); -- unrelated comment'],
  ['migrations/volatile-default', "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now(), ADD COLUMN j jsonb DEFAULT '{}'::jsonb"],
  ['migrations/volatile-default', 'ALTER TABLE t ADD COLUMN c timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP'],
  ['migrations/volatile-default', 'CREATE TABLE t2 (id int); ALTER TABLE t2 ADD COLUMN u uuid DEFAULT gen_random_uuid()'],
  ['migrations/not-null-without-default', "ALTER TABLE t ADD COLUMN s text NOT NULL DEFAULT 'x'"],
  ['migrations/not-null-without-default', 'CREATE TABLE n (id int); ALTER TABLE n ALTER COLUMN id SET NOT NULL'],
  ['migrations/not-null-without-default', 'ALTER TABLE t ALTER COLUMN n DROP NOT NULL'],
  ['migrations/column-type-change', 'CREATE TABLE c (v varchar(10)); ALTER TABLE c ALTER COLUMN v TYPE int USING 0'],
  ['migrations/drop-or-rename', 'DROP INDEX CONCURRENTLY i; DROP VIEW v'],
  ['migrations/drop-or-rename', 'CREATE TABLE r (a int); ALTER TABLE r RENAME COLUMN a TO b'],
  ['migrations/constraint-not-valid', 'ALTER TABLE t ADD CONSTRAINT pos CHECK (price > 0) NOT VALID'],
  ['migrations/constraint-not-valid', 'CREATE TABLE o (id int, user_id int REFERENCES users (id)); ALTER TABLE o ADD CONSTRAINT f FOREIGN KEY (id) REFERENCES x (id)'],
];

describe('SQL rules', () => {
  it.each(fires)('%s fires on: %s', async (rule, sql) => {
    expect(await rulesOf(sql)).toContain(rule);
  });
  it.each(staysQuiet)('%s stays quiet on: %s', async (rule, sql) => {
    expect(await rulesOf(sql)).not.toContain(rule);
  });

  it('knows column types from earlier migrations: widening varchar is quiet, narrowing fires', async () => {
    const r = await lintMigrations([
      { path: 'm/1_init.sql', text: 'CREATE TABLE u (name varchar(20), price numeric(10,2));' },
      { path: 'm/2_widen.sql', text: 'ALTER TABLE u ALTER COLUMN name TYPE varchar(50);\nALTER TABLE u ALTER COLUMN price TYPE numeric(12,2);' },
      { path: 'm/10_narrow.sql', text: 'ALTER TABLE u ALTER COLUMN name TYPE varchar(5);' },
    ]);
    expect(r.issues.map((i) => [i.rule, i.file, i.evidence.from, i.evidence.to])).toEqual([['migrations/column-type-change', 'm/10_narrow.sql', 'varchar(50)', 'varchar(5)']]);
  });

  it('accepts SET NOT NULL after a CHECK (col IS NOT NULL) from an earlier migration', async () => {
    const r = await lintMigrations([
      { path: 'm/1.sql', text: 'ALTER TABLE u ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;' },
      { path: 'm/2.sql', text: 'ALTER TABLE u VALIDATE CONSTRAINT c;\nALTER TABLE u ALTER COLUMN email SET NOT NULL;' },
    ]);
    expect(r.issues).toEqual([]);
  });
});

describe('locations, rewrites and ignore comments', () => {
  it('points at line:column of the statement (after comments) and gives the concurrent rewrite', async () => {
    const r = await one('-- add an index\n\n  CREATE INDEX feed_user ON feed (user_id);\n');
    expect(r.issues).toHaveLength(1);
    const i = r.issues[0]!;
    expect([i.file, i.line, i.column, i.table]).toEqual(['migrations/002_change.sql', 3, 3, 'feed']);
    expect(i.rewrite).toMatch(/^CREATE INDEX CONCURRENTLY feed_user ON feed \(user_id\);/);
  });

  it('counts columns in characters when the file has multi-byte text before the statement', async () => {
    const r = await one("SELECT 'héllo wörld'; CREATE INDEX i ON t (a);");
    expect([r.issues[0]!.line, r.issues[0]!.column]).toEqual([1, 23]);
  });

  it('a constraint finding points at the constraint, and NOT VALID is appended to the statement', async () => {
    const r = await one('ALTER TABLE orders\n  ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;');
    const i = r.issues[0]!;
    expect([i.line, i.column]).toEqual([2, 7]);
    expect(i.rewrite).toContain('ON DELETE CASCADE NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT fk;');
  });

  it.each([
    ['above the statement', '-- launchready-ignore index-not-concurrent\nCREATE INDEX i ON t (a);'],
    ['on the same line', 'CREATE INDEX i ON t (a); -- launchready-ignore migrations/index-not-concurrent'],
    ['inside the statement', 'CREATE INDEX i /* launchready-ignore index-not-concurrent */ ON t (a);'],
  ])('an ignore comment %s accepts that statement only', async (_, sql) => {
    const r = await one(`${sql}\nCREATE INDEX j ON t (b);`);
    const lastLine = sql.split('\n').length + 1;
    expect(r.ignored).toEqual([{ rule: 'migrations/index-not-concurrent', file: 'migrations/002_change.sql', line: lastLine - 1 }]);
    expect(r.issues.map((i) => [i.rule, i.line])).toEqual([['migrations/index-not-concurrent', lastLine]]);
  });

  it('an ignore comment for another rule does not hide the finding', async () => {
    expect(await rulesOf('-- launchready-ignore drop-or-rename\nCREATE INDEX i ON t (a);')).toEqual(['migrations/index-not-concurrent']);
  });

  it('a trailing ignore on the previous line does not leak to the next statement', async () => {
    const r = await one('CREATE INDEX i ON t (a); -- launchready-ignore index-not-concurrent\nCREATE INDEX j ON t (b);');
    expect(r.issues.map((i) => i.line)).toEqual([2]);
  });

  it('accepts a file that starts with a byte-order mark, and a file of comments only', async () => {
    expect((await one('\uFEFFCREATE INDEX i ON t (a);')).issues.map((i) => [i.rule, i.column])).toEqual([['migrations/index-not-concurrent', 2]]);
    expect((await one('-- nothing yet\n/* later */\n')).issues).toEqual([]);
  });

  it('reports a parse error at file:line:col and keeps linting the other files', async () => {
    const r = await lintMigrations([
      { path: 'm/1_bad.sql', text: 'SELECT 1;\nCREATE TABLE (x int);' },
      { path: 'm/2_ok.sql', text: 'CREATE INDEX i ON t (a);' },
    ]);
    expect(r.issues.map((i) => [i.rule, i.file, i.line, i.column])).toEqual([
      ['migrations/unparseable', 'm/1_bad.sql', 2, 14],
      ['migrations/index-not-concurrent', 'm/2_ok.sql', 1, 1],
    ]);
    expect(r.issues[0]!.evidence.error).toMatch(/syntax error at or near "\("/);
  });
});

describe('performance', () => {
  it('lints 1,000 migration files in under 5 s', async () => {
    const files = Array.from({ length: 1000 }, (_, n) => ({
      path: `migrations/${String(n).padStart(4, '0')}_m.sql`,
      text: `CREATE TABLE t${n} (id bigint PRIMARY KEY, name text);\nCREATE INDEX t${n}_name ON t${n} (name);\nALTER TABLE users ADD COLUMN c${n} int;\nALTER TABLE users ADD CONSTRAINT c${n}_fk FOREIGN KEY (c${n}) REFERENCES t${n} (id);\n`,
    }));
    const t0 = performance.now();
    const r = await lintMigrations(files);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.files).toHaveLength(1000);
    expect(r.issues.filter((i) => i.rule === 'migrations/constraint-not-valid')).toHaveLength(1000);
  });
});
