/**
 * `launchready db explain`: plans and missing-index hints against the real PostgreSQL on
 * 127.0.0.1:5432 (own throwaway database), the read-only guarantees, and the pure helpers.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { explainStatements, filterColumns, missingIndexHints, renderPlan, type PlanNode } from '../../src/db/explain.js';
import { DatabaseUrlError } from '../../src/db/index.js';
import { dbExplainCommand } from '../../src/cli/commands/topic.js';
import type { CliContext } from '../../src/cli/context.js';

const HOST = '127.0.0.1:5432';
const DB = `lr_explain_${process.pid}_${randomBytes(3).toString('hex')}`;
const url = `postgres://postgres@${HOST}/${DB}`;

async function sql(u: string, ...statements: string[]): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: u, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    const out = [];
    for (const s of statements) out.push((await c.query(s)).rows);
    return out;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await sql(`postgres://postgres@${HOST}/postgres`, `CREATE DATABASE ${DB}`);
  await sql(url, `CREATE TABLE events (id bigint PRIMARY KEY, kind text)`, `INSERT INTO events SELECT g, 'k' || (g % 100) FROM generate_series(1, 12000) g`, `ANALYZE events`,
    `CREATE TABLE logs (id bigint PRIMARY KEY, level text)`, `INSERT INTO logs SELECT g, 'l' || (g % 5) FROM generate_series(1, 15000) g`, `ANALYZE logs`);
}, 60_000);
afterAll(() => sql(`postgres://postgres@${HOST}/postgres`, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`));

function capture(): { ctx: CliContext; out: () => string } {
  let buf = '';
  const stdout = new Writable({ write(chunk, _enc, cb) { buf += String(chunk); cb(); } });
  return { ctx: { cwd: '.', env: {}, stdout, stderr: stdout, signal: new AbortController().signal, now: () => 0 }, out: () => buf };
}

describe('db explain against the real server', () => {
  it('hints the index a filtered sequential scan of a large table needs; the index clears the hint', async () => {
    const r = await explainStatements(url, { query: `SELECT id FROM events WHERE kind = 'k7'` });
    const s = r.statements[0]!;
    expect(s.plan[0]).toMatch(/^Seq Scan on public\.events|^Seq Scan on events/);
    expect(s.hints).toEqual([expect.stringMatching(/^CREATE INDEX CONCURRENTLY ON public\.events \(kind\);  -- sequential scan of 12000 rows/)]);
    await sql(url, s.hints[0]!.split('  --')[0]!, 'ANALYZE events');
    const after = await explainStatements(url, { query: `SELECT id FROM events WHERE kind = 'k7'` });
    expect(after.statements[0]!.plan.join('\n')).toMatch(/Index|Bitmap/);
    expect(after.statements[0]!.hints).toEqual([]);
  });

  it('--analyze runs the statement in a read-only transaction: a write fails and changes nothing', async () => {
    const ok = await explainStatements(url, { query: 'SELECT count(*) FROM events', analyze: true });
    expect(ok.statements[0]!.plan[0]).toMatch(/actual rows=1 .*buffers hit=/);
    const w = await explainStatements(url, { query: 'DELETE FROM events', analyze: true });
    expect(w.statements[0]!.error).toMatch(/read-only transaction/);
    const smuggled = await explainStatements(url, { query: 'SELECT 1; COMMIT; DELETE FROM events', analyze: true });
    expect(smuggled.statements[0]!.error).toMatch(/multiple commands|syntax error/);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM events')).toEqual([[{ n: 12000 }]]);
  });

  it('without --query and without pg_stat_statements: a usage error that says how to enable it', async () => {
    const e = await explainStatements(url).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DatabaseUrlError);
    expect((e as Error).message).toMatch(/shared_preload_libraries = 'pg_stat_statements'/);
  });

  it('the command prints the plan and hint and exits 1 while a hint remains', async () => {
    const c = capture();
    expect(await dbExplainCommand(c.ctx, url, { query: `SELECT id FROM logs WHERE level = 'l1'` })).toBe(1);
    expect(c.out()).toContain(`EXPLAIN on ${HOST}/${DB}`);
    expect(c.out()).toMatch(/\n  Seq Scan on public\.logs .*\n +Filter: \(level = 'l1'::text\)\n  hint: CREATE INDEX CONCURRENTLY ON public\.logs \(level\);/);
    const quiet = capture();
    expect(await dbExplainCommand(quiet.ctx, url, { query: 'SELECT level FROM logs WHERE id = 7', format: 'json' })).toBe(0);
    expect(JSON.parse(quiet.out()).statements[0]).toMatchObject({ source: 'argument', hints: [], plan: [expect.stringMatching(/^Index Scan using logs_pkey on public\.logs/)] });
    await expect(dbExplainCommand(c.ctx, url, { top: '0' })).rejects.toThrow(/--top must be a whole number/);
  });
});

describe('db explain helpers (pure)', () => {
  const seq = (filter: string, rel = 'orders'): PlanNode => ({ 'Node Type': 'Seq Scan', 'Relation Name': rel, Schema: 'public', Filter: filter, 'Total Cost': 10, 'Plan Rows': 5 });
  it.each([
    ["(kind = 'k1'::text)", ['kind']],
    ['((user_id = 42) AND (created_at > now()))', ['user_id', 'created_at']],
    ['(("Status")::text = ANY (\'{a,b}\'::text[]))', ['Status']],
    ['(deleted_at IS NULL)', ['deleted_at']],
  ])('filterColumns(%s)', (filter, cols) => {
    expect(filterColumns(filter)).toEqual(cols);
  });

  const fires: [string, PlanNode, number][] = [['a filtered seq scan of 50k rows', seq('(user_id = 42)'), 50_000]];
  const staysQuiet: [string, PlanNode, number][] = [
    ['a small table', seq('(user_id = 42)'), 9_999],
    ['a seq scan without a filter', { 'Node Type': 'Seq Scan', 'Relation Name': 'orders', Schema: 'public' }, 50_000],
    ['an index scan', { 'Node Type': 'Index Scan', 'Relation Name': 'orders', Schema: 'public', 'Index Name': 'orders_user', Filter: '(x = 1)' }, 50_000],
  ];
  it.each(fires)('hint fires: %s', (_, plan, rows) => {
    expect(missingIndexHints({ 'Node Type': 'Limit', Plans: [plan] }, () => rows)).toHaveLength(1);
  });
  it.each(staysQuiet)('hint stays quiet: %s', (_, plan, rows) => {
    expect(missingIndexHints(plan, () => rows)).toEqual([]);
  });
  it('renders nested nodes with their filter', () => {
    expect(renderPlan({ 'Node Type': 'Limit', 'Total Cost': 1, 'Plan Rows': 1, Plans: [seq('(a = 1)')] })).toEqual([
      'Limit (cost=1 rows=1)',
      '  -> Seq Scan on public.orders (cost=10 rows=5)',
      '       Filter: (a = 1)',
    ]);
  });
});
