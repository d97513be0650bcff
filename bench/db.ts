/**
 * Database benchmarks (`npm run bench:db`):
 *
 * 1. Migration linter beside squawk-cli (npm; its Linux binary comes from an optional platform
 *    package, no download) on the same fixture set (test/migrations/fixtures/*.sql): findings per
 *    rule side by side, squawk's rules mapped onto ours where they check the same thing.
 * 2. Time for 1,000 migration files (the fixtures copied round-robin into a temporary folder):
 *    our linter (in-process, libpg-query WASM) vs squawk (one process over all files), and the
 *    ratio. Budget: 5 s for ours.
 * 3. `launchready db` on a schema of 200 tables and 500 indexes on the PostgreSQL at
 *    127.0.0.1:5432 (a throwaway database, dropped afterwards): median of 5 runs. Budget: 3 s.
 *
 * squawk is not a project dependency: when node_modules/.bin/squawk is missing, the bench installs
 * squawk-cli@2.66.0 once into node_modules/.cache/launchready-bench/squawk with npm.
 * Exits 1 when one of our budgets is exceeded.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { lintMigrationsDir } from '../src/migrations/read.js';
import { lintMigrations } from '../src/migrations/lint.js';
import { auditDatabaseUrl } from '../src/db/index.js';
import { family } from '../src/audits/db/index.js';
import { configSchema } from '../src/config/schema.js';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'test/migrations/fixtures');
const SQUAWK_VERSION = '2.66.0';
const LINT_BUDGET_MS = 5_000;
const DB_BUDGET_MS = 3_000;

/** squawk rules that check what one of ours checks. Others (prefer-robust-stmts, timeouts...) are listed apart. */
const SQUAWK_TO_OURS: Record<string, string> = {
  'require-concurrent-index-creation': 'index-not-concurrent',
  'require-concurrent-index-deletion': 'index-not-concurrent',
  'disallowed-unique-constraint': 'index-not-concurrent',
  'adding-serial-primary-key-field': 'index-not-concurrent',
  'adding-field-with-default': 'volatile-default',
  'adding-not-nullable-field': 'not-null-without-default',
  'adding-required-field': 'not-null-without-default',
  'changing-column-type': 'column-type-change',
  'ban-drop-column': 'drop-or-rename',
  'ban-drop-table': 'drop-or-rename',
  'renaming-column': 'drop-or-rename',
  'renaming-table': 'drop-or-rename',
  'constraint-missing-not-valid': 'constraint-not-valid',
  'adding-foreign-key-constraint': 'constraint-not-valid',
};

function squawkBin(): string {
  const local = join(ROOT, 'node_modules/.bin/squawk');
  if (existsSync(local)) return local;
  const dir = join(ROOT, 'node_modules/.cache/launchready-bench/squawk');
  const bin = join(dir, 'node_modules/.bin/squawk');
  if (!existsSync(bin)) {
    console.log(`installing squawk-cli@${SQUAWK_VERSION} into ${dir} (once)...`);
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `squawk-cli@${SQUAWK_VERSION}`], { cwd: dir, stdio: 'inherit' });
  }
  return bin;
}

interface SquawkIssue {
  file: string;
  rule_name: string;
}

function runSquawk(bin: string, files: string[]): SquawkIssue[] {
  // squawk exits 1 on any warning; the JSON is on stdout either way.
  const r = spawnSync(bin, ['--reporter', 'json', ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  const out = r.stdout.trim();
  return out ? (JSON.parse(out) as SquawkIssue[]) : [];
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let failed = false;

// 1. Findings per rule on the same fixtures.
const squawk = squawkBin();
const sqlFixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.sql')).sort();
const fixDir = mkdtempSync(join(tmpdir(), 'lr-bench-db-fix-'));
for (const f of sqlFixtures) copyFileSync(join(FIXTURES, f), join(fixDir, f));
// Each fixture on its own, as squawk sees it (in one run our schema model would carry a CHECK (col
// IS NOT NULL) from the safe fixture into the unsafe one, and rightly call its SET NOT NULL cheap).
const ours = { issues: [] as { rule: string }[] };
for (const f of sqlFixtures) ours.issues.push(...(await lintMigrations([{ path: f, text: readFileSync(join(fixDir, f), 'utf8') }])).issues);
const theirs = runSquawk(squawk, sqlFixtures.map((f) => join(fixDir, f)));
rmSync(fixDir, { recursive: true, force: true });

const table = new Map<string, { ours: number; squawk: number; squawkRules: Set<string> }>();
const row = (rule: string) => table.get(rule) ?? (table.set(rule, { ours: 0, squawk: 0, squawkRules: new Set() }), table.get(rule)!);
for (const i of ours.issues) row(i.rule.replace(/^migrations\//, '')).ours++;
const unmapped = new Map<string, number>();
for (const i of theirs) {
  const mine = SQUAWK_TO_OURS[i.rule_name];
  if (!mine) {
    unmapped.set(i.rule_name, (unmapped.get(i.rule_name) ?? 0) + 1);
    continue;
  }
  const r = row(mine);
  r.squawk++;
  r.squawkRules.add(i.rule_name);
}
console.log(`\nFindings on ${sqlFixtures.length} fixture files (test/migrations/fixtures/*.sql), launchready vs squawk ${SQUAWK_VERSION}:\n`);
console.log(`${pad('rule', 28)}${pad('launchready', 13)}${pad('squawk', 8)}squawk rules`);
for (const [rule, r] of [...table].sort()) console.log(`${pad(rule, 28)}${pad(r.ours, 13)}${pad(r.squawk, 8)}${[...r.squawkRules].join(', ')}`);
console.log(`\nsquawk rules with no launchready counterpart: ${[...unmapped].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);

// 2. 1,000 files.
const N = 1_000;
const bigDir = mkdtempSync(join(tmpdir(), 'lr-bench-db-1000-'));
const bigFiles: string[] = [];
for (let i = 0; i < N; i++) {
  const name = `${String(i + 1).padStart(4, '0')}_${sqlFixtures[i % sqlFixtures.length]}`;
  copyFileSync(join(FIXTURES, sqlFixtures[i % sqlFixtures.length]!), join(bigDir, name));
  bigFiles.push(join(bigDir, name));
}
const oursMs: number[] = [];
const squawkMs: number[] = [];
let oursIssues = 0;
let squawkIssues = 0;
for (let run = 0; run < 3; run++) {
  let t = performance.now();
  oursIssues = (await lintMigrationsDir(bigDir)).issues.length;
  oursMs.push(performance.now() - t);
  t = performance.now();
  squawkIssues = runSquawk(squawk, bigFiles).length;
  squawkMs.push(performance.now() - t);
}
rmSync(bigDir, { recursive: true, force: true });
const o = median(oursMs);
const s = median(squawkMs);
console.log(`\n${N} migration files (median of 3):`);
console.log(`  launchready ${o.toFixed(0)} ms (${oursIssues} findings)   squawk ${s.toFixed(0)} ms (${squawkIssues} findings)   ratio ${(o / s).toFixed(2)}x   budget ${LINT_BUDGET_MS} ms ${o <= LINT_BUDGET_MS ? 'ok' : 'EXCEEDED'}`);
if (o > LINT_BUDGET_MS) failed = true;

// 3. Database audit of 200 tables and 500 indexes.
const HOST = '127.0.0.1:5432';
const DB = `lr_bench_${process.pid}`;
const admin = async (database: string, sql: string) => {
  const c = new pg.Client({ connectionString: `postgres://postgres@${HOST}/${database}`, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};
try {
  await admin('postgres', `CREATE DATABASE ${DB}`);
  await admin(
    DB,
    `DO $$ BEGIN FOR i IN 1..200 LOOP
       EXECUTE format('CREATE TABLE t%s (id bigint PRIMARY KEY, a int, b int, parent bigint REFERENCES t%s (id))', i, i);
       IF i <= 150 THEN EXECUTE format('CREATE INDEX t%s_a ON t%s (a)', i, i); EXECUTE format('CREATE INDEX t%s_ab ON t%s (a, b)', i, i); END IF;
     END LOOP; END $$`,
  );
  const ctx = { config: configSchema.parse({}), now: 0 };
  const times: number[] = [];
  let count = 0;
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    const a = await auditDatabaseUrl(`postgres://postgres@${HOST}/${DB}`);
    count = family.audits.flatMap((x) => x.audit({ database: a }, ctx).findings).length;
    times.push(performance.now() - t);
  }
  const m = median(times);
  console.log(`\ndb audit, 200 tables / 500 indexes (median of 5): ${m.toFixed(0)} ms, ${count} findings, budget ${DB_BUDGET_MS} ms ${m <= DB_BUDGET_MS ? 'ok' : 'EXCEEDED'}`);
  if (m > DB_BUDGET_MS) failed = true;
} finally {
  await admin('postgres', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch(() => {});
}
process.exit(failed ? 1 : 0);
