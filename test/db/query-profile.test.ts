/**
 * The query profile end to end: a real Fastify app on loopback reading a real PostgreSQL cluster
 * (our own, with pg_stat_statements preloaded). The feed first runs one query per post (N+1), then
 * the fix (one JOIN) is switched on and the finding clears. A dashboard with 22 different queries
 * per request trips perf/too-many-queries.
 */
import { gatherContext } from '../helpers/builders.js';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import gatherer from '../../src/gather/query-profile.js';
import nPlusOne from '../../src/audits/perf/n-plus-one.js';
import tooManyQueries from '../../src/audits/perf/too-many-queries.js';
import { configSchema, type LaunchreadyConfigInput } from '../../src/config/schema.js';
import { isArtifactError } from '../../src/core/audit.js';
import type { QueryProfileArtifact } from '../../src/db/types.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import { startCluster, type Cluster } from './cluster.js';
import { runAudit } from '../../src/engine/run.js';
import { buildRegistry } from '../../src/engine/registry.js';
import { FAMILIES } from '../../src/audits/index.js';
import { GATHERERS } from '../../src/gather/index.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

let cluster: Cluster;
let app: FastifyInstance;
let pool: pg.Pool;
let base = '';
let mode: 'n1' | 'join' = 'n1';
const TABLES = 22;
/** Letters, not digits: libpg-query fingerprints strip numeric suffixes (partitions t_1, t_2 are one shape). */
const table = (i: number) => `widget_${String.fromCharCode(97 + i)}`;

beforeAll(async () => {
  cluster = await startCluster();
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE shop');
  await admin.end();
  const c = new pg.Client({ connectionString: cluster.url('shop') });
  await c.connect();
  await c.query('CREATE EXTENSION pg_stat_statements');
  await c.query('CREATE TABLE users (id int PRIMARY KEY, name text)');
  await c.query('CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users (id), title text)');
  await c.query(`INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 50) g`);
  await c.query(`INSERT INTO posts SELECT g, 1 + g % 50, 'post ' || g FROM generate_series(1, 100) g`);
  for (let i = 0; i < TABLES; i++) await c.query(`CREATE TABLE ${table(i)} (id int)`);
  await c.end();

  pool = new pg.Pool({ connectionString: cluster.url('shop'), max: 2 });
  app = Fastify();
  const limitOf = (q: unknown) => Math.min(Number((q as { limit?: string }).limit ?? 3) || 3, 50);
  app.get('/posts', async (req) => {
    const limit = limitOf(req.query);
    if (mode === 'join') {
      const { rows } = await pool.query('SELECT p.id, p.title, u.name AS author FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.id LIMIT $1', [limit]);
      return { items: rows };
    }
    const { rows } = await pool.query('SELECT id, title, author_id FROM posts ORDER BY id LIMIT $1', [limit]);
    // The N+1: one lookup per post, in parallel (as Promise.all in real apps).
    const items = await Promise.all(
      rows.map(async (p: { id: number; title: string; author_id: number }) => {
        const u = await pool.query('SELECT name FROM users WHERE id = $1', [p.author_id]);
        return { id: p.id, title: p.title, author: u.rows[0]?.name };
      }),
    );
    return { items };
  });
  app.get('/dashboard', async () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < TABLES; i++) counts[table(i)] = Number((await pool.query(`SELECT count(*) AS n FROM ${table(i)}`)).rows[0].n);
    return counts;
  });
  app.get('/health', async () => ({ ok: true }));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
}, 90_000);

afterAll(async () => {
  await app?.close();
  await pool?.end();
  cluster?.stop();
});

const ctx = (input: LaunchreadyConfigInput) => gatherContext(input);

const routes = () => [
  { name: 'feed', url: `${base}/posts`, list: true },
  { name: 'dashboard', url: `${base}/dashboard` },
  { name: 'health', url: `${base}/health` },
];

async function profile(): Promise<QueryProfileArtifact> {
  const c = ctx({ database: { url: cluster.url('shop') }, routes: routes() });
  const a = await gatherer.gather(c);
  if (isArtifactError(a)) throw new Error(`profile failed: ${a.error.message}`);
  return a;
}

const audit = (a: QueryProfileArtifact) => {
  const config = configSchema.parse({ database: { url: cluster.url('shop') } });
  return [...nPlusOne.audit({ queryProfile: a }, { config, now: 0 }).findings, ...tooManyQueries.audit({ queryProfile: a }, { config, now: 0 }).findings];
};

describe('query profile against a real app and pg_stat_statements', () => {
  it('counts queries per request and finds the N+1 that grows with the page size', async () => {
    mode = 'n1';
    const a = await profile();
    expect(a.skipped).toEqual([]);
    const feed = a.routes.find((r) => r.name === 'feed')!;
    // Default page of 3 posts: 1 list query + 3 lookups; below the 5-repeat threshold on its own.
    expect(feed.base.queriesPerRequest).toBe(4);
    expect(feed.base.items).toBe(3);
    expect(feed.scaling!.small.items).toBe(2);
    expect(feed.scaling!.large.items).toBe(20);
    const lookup = feed.scaling!.large.statements.find((s) => s.query.includes('FROM users'))!;
    expect(lookup).toMatchObject({ query: 'SELECT name FROM users WHERE id = $1', perRequest: 20 });
    expect(a.routes.find((r) => r.name === 'dashboard')!.base.queriesPerRequest).toBe(TABLES);
    expect(a.routes.find((r) => r.name === 'health')!.base.queriesPerRequest).toBe(0);

    const fs = audit(a);
    expect(fs.map((f) => `${f.rule} ${f.target}`).sort()).toEqual([`perf/n-plus-one GET ${base}/posts`, `perf/too-many-queries GET ${base}/dashboard`]);
    const n1 = fs.find((f) => f.rule === 'perf/n-plus-one')!;
    expect(n1.evidence).toMatchObject({
      route: 'feed',
      reason: 'grows with items',
      query: 'SELECT name FROM users WHERE id = $1',
      scaling: { limitParam: 'limit', items: [2, 20], perRequest: [2, 20] },
    });
    // Normalised text only: no literal ids reach the report.
    expect(JSON.stringify(fs)).not.toMatch(/id = \d/);
    expect(fs.find((f) => f.rule === 'perf/too-many-queries')!.evidence).toMatchObject({ route: 'dashboard', queriesPerRequest: TABLES, max: 20 });
  }, 60_000);

  it('the JOIN version stays quiet', async () => {
    mode = 'join';
    const a = await profile();
    const feed = a.routes.find((r) => r.name === 'feed')!;
    expect(feed.base.queriesPerRequest).toBe(1);
    expect(feed.scaling!.large.queriesPerRequest).toBe(1);
    expect(audit(a).filter((f) => f.rule === 'perf/n-plus-one')).toEqual([]);
  }, 60_000);
});

describe('query profile read by a role without pg_read_all_stats', () => {
  it('counts hidden statements but never calls them an N+1', async () => {
    const c = new pg.Client({ connectionString: cluster.url('shop') });
    await c.connect();
    await c.query('CREATE ROLE stats_ro LOGIN');
    await c.end();
    mode = 'n1';
    const a = await gatherer.gather(ctx({ database: { url: cluster.url('shop'), statsUrl: `postgres://stats_ro@127.0.0.1:${cluster.port}/shop` }, routes: routes() }));
    if (isArtifactError(a)) throw new Error(a.error.message);
    expect(a.hiddenTexts).toBe(true);
    const feed = a.routes.find((r) => r.name === 'feed')!;
    expect(feed.base.queriesPerRequest).toBe(4);
    expect(feed.scaling!.large.statements.every((s) => s.query === '<insufficient privilege>')).toBe(true);
    const fs = audit(a);
    expect(fs.map((f) => f.rule)).toEqual(['perf/too-many-queries']);
  }, 60_000);
});

describe('query profile through the engine', () => {
  it('runs alone (never beside the load test) and reports both rules with the rest of stage 4', async () => {
    mode = 'n1';
    const config = configSchema.parse({ database: { url: cluster.url('shop') }, routes: routes(), perf: { duration: '1s', warmup: 0, rate: 5 } });
    const net = createNet(defaultNetOptions());
    const order: string[] = [];
    try {
      const { report, artifacts } = await runAudit({
        config,
        configPath: null,
        baseDir: '.',
        net,
        registry: buildRegistry(FAMILIES, [...GATHERERS, gatherer]),
        only: ['perf'],
        onProgress: (e) => {
          if (e.type === 'gather-start' || e.type === 'gather-end') order.push(`${e.type === 'gather-start' ? '+' : '-'}${e.id}`);
        },
      });
      // Exclusive gatherers run one at a time after the others: the load's queries never reach the profile.
      const at = (x: string) => order.indexOf(x);
      expect(at('+queryProfile')).toBeGreaterThan(at('-routeProbes'));
      expect(at('+queryProfile') > at('-perf') || at('+perf') > at('-queryProfile')).toBe(true);
      expect(at('-perf')).toBeGreaterThan(-1);
      const feed = (artifacts.queryProfile as QueryProfileArtifact).routes.find((r) => r.name === 'feed')!;
      expect(feed.base.queriesPerRequest).toBe(4);
      expect(report.findings.filter((f) => f.id === 'perf/n-plus-one' || f.id === 'perf/too-many-queries').map((f) => `${f.id} ${f.severity} ${f.target}`).sort()).toEqual([
        `perf/n-plus-one high GET ${base}/posts`,
        `perf/too-many-queries medium GET ${base}/dashboard`,
      ]);
    } finally {
      await net.close();
    }
  }, 90_000);
});

describe('query profile: bad input', () => {
  it('pg_stat_statements missing: an error artifact that says how to enable it', async () => {
    // The shared server on 5432 has no pg_stat_statements in database postgres.
    const a = await gatherer.gather(ctx({ database: { url: 'postgres://postgres@127.0.0.1:5432/postgres' }, routes: routes() }));
    expect(isArtifactError(a) && a.error.code).toMatch(/NO_EXTENSION|NOT_LOADED/);
    expect(isArtifactError(a) && a.error.message).toMatch(/^database\.url: .*shared_preload_libraries = 'pg_stat_statements'/);
    // ... and names the second source, which needs no server setting.
    expect(isArtifactError(a) && a.error.message).toMatch(/CREATE EXTENSION pg_stat_statements.*or profile from OpenTelemetry traces instead \(any database\): set database\.otlp: \{ listen: "127\.0\.0\.1:4318" \}/);
  });

  it('refused connection names the field and never prints the password', async () => {
    const a = await gatherer.gather(ctx({ database: { url: 'postgres://app:Sup3r-Secret@127.0.0.1:5432/x', statsUrl: 'postgres://stats:Sup3r-Secret@127.0.0.1:1/x' }, routes: routes() }));
    expect(isArtifactError(a) && a.error).toMatchObject({ code: 'ECONNREFUSED', message: expect.stringMatching(/^database\.statsUrl: cannot connect to 127\.0\.0\.1:1\/x/) });
    expect(JSON.stringify(a)).not.toContain('Sup3r-Secret');
  });

  it('routes needing a login or outside the configured hosts are skipped with the reason, never requested', async () => {
    const a = await gatherer.gather(
      ctx({
        domains: { apex: 'example.com' },
        perf: { hosts: [new URL(base).host] },
        database: { url: cluster.url('shop') },
        routes: [
          { name: 'inbox', url: `${base}/posts`, auth: 'login' },
          { name: 'elsewhere', url: 'http://127.0.0.2:9/posts' },
          { name: 'health', url: `${base}/health` },
        ],
      }),
    );
    if (isArtifactError(a)) throw new Error(a.error.message);
    expect(a.routes.map((r) => r.name)).toEqual(['health']);
    expect(a.skipped).toEqual([
      { name: 'inbox', reason: 'needs auth flow "login"; the profile sends anonymous requests only' },
      { name: 'elsewhere', reason: '127.0.0.2:9 is not one of the configured hosts' },
    ]);
  });

  it('not configured: no database, profile off, or no GET route', async () => {
    const codes = await Promise.all([
      gatherer.gather(ctx({ routes: routes() })),
      gatherer.gather(ctx({ database: { url: cluster.url('shop'), profile: false }, routes: routes() })),
      gatherer.gather(ctx({ database: { url: cluster.url('shop') }, routes: [{ name: 'w', method: 'POST', url: `${base}/posts` }] })),
    ]);
    expect(codes.map((c) => isArtifactError(c) && c.error.code)).toEqual(['NOT_CONFIGURED', 'NOT_CONFIGURED', 'NOT_CONFIGURED']);
  });
});

describe('perf --profile-queries from pg_stat_statements (CLI)', () => {
  it('profiles the selected route before the load and reports perf/too-many-queries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr-perf-pgss-'));
    writeFileSync(join(dir, 'launchready.config.json'), JSON.stringify({ database: { url: cluster.url('shop') }, routes: routes(), perf: { duration: '300ms', warmup: 0, rate: 5 } }));
    const r = await cli(['perf', 'dashboard', '--profile-queries', '--quiet', '--no-history', '--fail-on', 'medium'], { cwd: dir });
    expect(r.stdout).toContain(`query profile: pg_stat_statements 127.0.0.1:${cluster.port}/shop, 3 requests per sample`);
    // Each of the 22 count queries runs once: no repeated shape.
    expect(r.stdout).toMatch(new RegExp(`\\ndashboard +${TABLES} +-\\n`));
    expect(r.stdout).toMatch(/\nMEDIUM perf\/too-many-queries GET http:\/\/127\.0\.0\.1:\d+\/dashboard /);
    expect(r.code).toBe(1);
  }, 60_000);

  it('pg_stat_statements missing: exit 2 before any load, with how to enable it and the OTLP alternative', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr-perf-pgss-'));
    writeFileSync(join(dir, 'launchready.config.json'), JSON.stringify({ database: { url: 'postgres://postgres@127.0.0.1:5432/postgres' }, routes: routes() }));
    const r = await cli(['perf', '--profile-queries', '--quiet', '--no-history'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--profile-queries: database\.url: pg_stat_statements is not installed in 127\.0\.0\.1:5432\/postgres; enable pg_stat_statements: add shared_preload_libraries.*CREATE EXTENSION pg_stat_statements.*database\.otlp/);
    expect(r.stdout).toBe('');
  });
});
