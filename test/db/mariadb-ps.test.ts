/**
 * MySQL/MariaDB with performance_schema ON, on our own throwaway MariaDB (the shared server on
 * 3306 has it off): slow statements and index usage from performance_schema, and the query
 * profile of a real Fastify + mysql2 app (N+1 fires, the JOIN version stays quiet).
 */
import { gatherContext } from '../helpers/builders.js';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import mysql from 'mysql2/promise';
import { auditDatabaseUrl } from '../../src/db/index.js';
import { slowStatement } from '../../src/audits/db/statistics.js';
import { unusedIndex } from '../../src/audits/db/indexes.js';
import gatherer from '../../src/gather/query-profile.js';
import nPlusOne from '../../src/audits/perf/n-plus-one.js';
import { configSchema } from '../../src/config/schema.js';
import { isArtifactError } from '../../src/core/audit.js';
import { startMariadb, type MariaServer } from './mariadb.js';

let server: MariaServer;
let pool: mysql.Pool;
let app: FastifyInstance;
let base = '';
let mode: 'n1' | 'join' = 'n1';
const actx = { config: configSchema.parse({}), now: 0 };

beforeAll(async () => {
  server = await startMariadb();
  const c = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root', password: '' });
  await c.query('CREATE DATABASE shop');
  await c.query('USE shop');
  await c.query('CREATE TABLE users (id int PRIMARY KEY, name varchar(50)) ENGINE=InnoDB');
  await c.query('CREATE TABLE posts (id int PRIMARY KEY, author_id int, title varchar(50), FOREIGN KEY (author_id) REFERENCES users (id)) ENGINE=InnoDB');
  await c.query('CREATE INDEX posts_title ON posts (title)');
  for (let i = 1; i <= 30; i++) await c.query('INSERT INTO users VALUES (?, ?)', [i, `user ${i}`]);
  for (let i = 1; i <= 60; i++) await c.query('INSERT INTO posts VALUES (?, ?, ?)', [i, 1 + (i % 30), `post ${i}`]);
  // Two statements over the 300 ms read budget.
  for (let i = 0; i < 2; i++) await c.query('SELECT SLEEP(0.31)');
  await c.end();

  pool = mysql.createPool({ host: '127.0.0.1', port: server.port, user: 'root', password: '', database: 'shop', connectionLimit: 2 });
  app = Fastify();
  app.get('/posts', async (req) => {
    const limit = Math.min(Number((req.query as { limit?: string }).limit ?? 3) || 3, 50);
    if (mode === 'join') {
      const [rows] = await pool.query('SELECT p.id, p.title, u.name FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.id LIMIT ?', [limit]);
      return { items: rows };
    }
    const [rows] = (await pool.query('SELECT id, title, author_id FROM posts ORDER BY id LIMIT ?', [limit])) as unknown as [{ id: number; title: string; author_id: number }[]];
    const items = [];
    for (const p of rows) {
      const [u] = (await pool.query('SELECT name FROM users WHERE id = ?', [p.author_id])) as unknown as [{ name: string }[]];
      items.push({ ...p, author: u[0]?.name });
    }
    return { items };
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await pool?.end();
  await server?.stop();
});

describe('MariaDB with performance_schema (own server)', () => {
  it('reads statement digests: the statement over the read budget is slow', async () => {
    const a = await auditDatabaseUrl(server.url('shop'));
    expect(a.statements.available).toBe(true);
    const sleepy = a.statements.statements.find((s) => /SLEEP/i.test(s.query))!;
    expect(sleepy).toMatchObject({ calls: 2 });
    expect(sleepy.meanMs).toBeGreaterThan(300);
    const fs = slowStatement.audit({ database: a }, actx).findings;
    expect(fs.filter((f) => /SLEEP/i.test((f.evidence as { query: string }).query)).map((f) => [f.rule, f.severity])).toEqual([['db/slow-statement', 'high']]);
    // The 90 fast INSERTs stay quiet (setup DDL may cross 300 ms on a loaded machine, so it is not asserted).
    expect(fs.filter((f) => /^INSERT/i.test((f.evidence as { query: string }).query))).toEqual([]);
  });

  it('index usage: an index never read is unused (info: the counters started with the server); reads clear it', async () => {
    const a = await auditDatabaseUrl(server.url('shop'));
    expect(a.indexScanStats).toBe(true);
    const f = unusedIndex.audit({ database: a }, actx).findings.filter((x) => x.target === 'shop.posts_title');
    expect(f.map((x) => [x.rule, x.severity, x.remediation?.split('  --')[0]])).toEqual([['db/unused-index', 'info', 'ALTER TABLE `shop`.`posts` DROP INDEX `posts_title`, ALGORITHM=INPLACE, LOCK=NONE;']]);
    const c = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root', password: '', database: 'shop' });
    for (let i = 1; i <= 60; i++) await c.query('SELECT id FROM posts FORCE INDEX (posts_title) WHERE title = ?', [`post ${i}`]);
    await c.end();
    const b = await auditDatabaseUrl(server.url('shop'));
    expect(b.indexes.find((i) => i.name === 'posts_title')!.idxScan).toBeGreaterThan(50);
    expect(unusedIndex.audit({ database: b }, actx).findings.filter((x) => x.target === 'shop.posts_title')).toEqual([]);
  });

  it('query profile from statement digests: the N+1 fires, the JOIN stays quiet', async () => {
    const ctx = () => gatherContext({ database: { url: server.url('shop') }, routes: [{ name: 'feed', url: `${base}/posts`, list: true }] });
    mode = 'n1';
    const a = await gatherer.gather(ctx());
    if (isArtifactError(a)) throw new Error(a.error.message);
    expect(a.source).toBe('performance_schema');
    const feed = a.routes[0]!;
    expect(feed.base.queriesPerRequest).toBe(4);
    const fs = nPlusOne.audit({ queryProfile: a }, actx).findings;
    expect(fs.map((f) => [f.rule, (f.evidence as { reason: string }).reason, (f.evidence as { query: string }).query])).toEqual([
      ['perf/n-plus-one', 'grows with items', expect.stringMatching(/^SELECT `?name`? FROM `?users`? WHERE `?id`? = \?/i)],
    ]);
    mode = 'join';
    const b = await gatherer.gather(ctx());
    if (isArtifactError(b)) throw new Error(b.error.message);
    expect(b.routes[0]!.scaling!.large.queriesPerRequest).toBe(1);
    expect(nPlusOne.audit({ queryProfile: b }, actx).findings).toEqual([]);
  }, 60_000);

  it('the shared server (performance_schema off): the profile is an error artifact with how to enable it', async () => {
    const r = await gatherer.gather(gatherContext({ database: { url: 'mysql://root@127.0.0.1:3306/mysql' }, routes: [{ name: 'feed', url: `${base}/posts` }] }));
    expect(isArtifactError(r) && r.error).toMatchObject({ code: 'NO_PERFORMANCE_SCHEMA', message: expect.stringMatching(/^database\.url: performance_schema is off .*performance_schema = ON/) });
  });
});
