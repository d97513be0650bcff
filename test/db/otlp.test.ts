/**
 * The query profile from OpenTelemetry traces (database.otlp): a real loopback app backed by the
 * shared PostgreSQL (127.0.0.1:5432, db test, its own schema) that continues launchready's W3C
 * traceparent and exports real OTLP/HTTP JSON spans (resourceSpans/scopeSpans/spans, hex ids,
 * uint64 nanosecond strings, db.statement / db.query.text attributes) to launchready's receiver in
 * batches, as the batch span processor does. No pg_stat_statements involved.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { profileRoutes } from '../../src/gather/query-profile.js';
import nPlusOne from '../../src/audits/perf/n-plus-one.js';
import tooManyQueries from '../../src/audits/perf/too-many-queries.js';
import { configSchema, type LaunchreadyConfigInput } from '../../src/config/schema.js';
import { isArtifactError } from '../../src/core/audit.js';
import type { QueryProfileArtifact } from '../../src/db/types.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import { spansOf, startOtlpReceiver, queriesOf } from '../../src/db/otlp.js';
import { aggregateTraces, maskLiterals, normaliseStatement } from '../../src/db/profile.js';
import type { TraceSpan } from '../../src/db/otlp.js';
import { freePort } from './cluster.js';
import { cli } from '../helpers/cli.js';

const SCHEMA = `lr_otlp_${process.pid}`;
const TABLES = 21;
const table = (i: number) => `gadget_${String.fromCharCode(97 + i)}`;

let pool: pg.Pool;
let app: Server;
let base = '';
let otlpPort = 0;
let mode: 'n1' | 'join' = 'n1';
/** false: the app starts its own traces (ignores traceparent); null endpoint: it exports nothing. */
let propagate = true;
let exportTo: string | null = null;

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: string } }[];
}

/** Wall clock in Unix nanoseconds (monotonic within the process). */
const t0 = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
const nowNs = () => t0 + process.hrtime.bigint();
const hex = (n: number) => randomBytes(n).toString('hex');

/** The batch exporter: spans queue up and go out every 100 ms as one OTLP JSON export (gzip on every other one). */
let queue: Span[] = [];
let exports = 0;
let flusher: NodeJS.Timeout;
async function flush() {
  if (!queue.length || !exportTo) return;
  const spans = queue;
  queue = [];
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop-api' } }] },
        scopeSpans: [{ scope: { name: 'test-instrumentation', version: '1.0.0' }, spans }],
      },
    ],
  });
  const gzip = exports++ % 2 === 1;
  const res = await fetch(exportTo, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
    body: gzip ? gzipSync(body) : body,
  });
  if (res.status !== 200) throw new Error(`export refused: ${res.status} ${await res.text()}`);
}

/** Runs `sql` with `params` as a real query and records a CLIENT span with the statement as the driver reports it (values inlined). */
async function traced(spans: Span[], traceId: string, parent: string, sql: string, params: unknown[], ormWrapper = false) {
  const start = nowNs();
  const spanId = hex(8);
  const res = await pool.query(sql, params);
  const inlined = sql.replace(/\$(\d+)/g, (_, i) => (typeof params[Number(i) - 1] === 'number' ? String(params[Number(i) - 1]) : `'${String(params[Number(i) - 1])}'`));
  const end = nowNs();
  if (ormWrapper) {
    // An ORM span around the driver's span, both with the statement: one query, not two.
    const ormId = hex(8);
    spans.push({ traceId, spanId: ormId, parentSpanId: parent, name: 'orm:findUnique', kind: 1, startTimeUnixNano: String(start - 1000n), endTimeUnixNano: String(end + 1000n), attributes: [{ key: 'db.statement', value: { stringValue: inlined } }, { key: 'db.system', value: { stringValue: 'postgresql' } }] });
    parent = ormId;
  }
  spans.push({
    traceId,
    spanId,
    parentSpanId: parent,
    name: `pg.query:${sql.split(' ')[0]}`,
    kind: 3,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(end),
    // The new semantic conventions' names (db.query.text, db.system.name) on every other span.
    attributes: ormWrapper
      ? [{ key: 'db.query.text', value: { stringValue: inlined } }, { key: 'db.system.name', value: { stringValue: 'postgresql' } }]
      : [{ key: 'db.statement', value: { stringValue: inlined } }, { key: 'db.system', value: { stringValue: 'postgresql' } }],
  });
  return res.rows;
}

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.query(`CREATE SCHEMA ${SCHEMA}`);
  await admin.query(`SET search_path = ${SCHEMA}`);
  await admin.query('CREATE TABLE users (id int PRIMARY KEY, name text)');
  await admin.query('CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users (id), title text)');
  await admin.query(`INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 50) g`);
  await admin.query(`INSERT INTO posts SELECT g, 1 + g % 50, 'post ' || g FROM generate_series(1, 100) g`);
  for (let i = 0; i < TABLES; i++) await admin.query(`CREATE TABLE ${table(i)} (id int)`);
  await admin.end();
  pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 4, options: `-c search_path=${SCHEMA}` });

  otlpPort = await freePort();
  app = createServer((req, res) => {
    const started = nowNs();
    const tp = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(String(req.headers.traceparent ?? ''));
    const traceId = propagate && tp ? tp[1]! : hex(16);
    const parent = propagate && tp ? tp[2]! : '';
    const serverId = hex(8);
    const spans: Span[] = [];
    const url = new URL(req.url ?? '/', 'http://x');
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 3) || 3, 50);
    const handle = async (): Promise<unknown> => {
      if (url.pathname === '/posts') {
        if (mode === 'join') return { items: await traced(spans, traceId, serverId, 'SELECT p.id, p.title, u.name AS author FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.id LIMIT $1', [limit]) };
        const rows = await traced(spans, traceId, serverId, 'SELECT id, title, author_id FROM posts ORDER BY id LIMIT $1', [limit]);
        // The N+1, fired in parallel (Promise.all): the lookups overlap in time.
        return {
          items: await Promise.all(
            rows.map(async (p: { id: number; title: string; author_id: number }, i: number) => {
              const u = await traced(spans, traceId, serverId, 'SELECT name FROM users WHERE id = $1', [p.author_id], i % 2 === 0);
              return { id: p.id, title: p.title, author: u[0]?.name };
            }),
          ),
        };
      }
      if (url.pathname === '/dashboard') {
        const counts: Record<string, number> = {};
        for (let i = 0; i < TABLES; i++) counts[table(i)] = Number((await traced(spans, traceId, serverId, `SELECT count(*) AS n FROM ${table(i)} WHERE id > $1`, [i]))[0].n);
        return counts;
      }
      return { ok: true };
    };
    handle()
      .then((body) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        spans.push({
          traceId,
          spanId: serverId,
          ...(parent ? { parentSpanId: parent } : {}),
          name: `GET ${url.pathname}`,
          kind: 2,
          startTimeUnixNano: String(started),
          endTimeUnixNano: String(nowNs()),
          attributes: [{ key: 'http.response.status_code', value: { intValue: '200' } }],
        });
        queue.push(...spans);
      })
      .catch((e: Error) => res.writeHead(500).end(e.message));
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(app.address() as { port: number }).port}`;
  exportTo = `http://127.0.0.1:${otlpPort}/v1/traces`;
  flusher = setInterval(() => void flush().catch(() => {}), 100);
}, 60_000);

afterAll(async () => {
  clearInterval(flusher);
  await new Promise((r) => app?.close(r));
  await pool?.end();
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.end();
});

const routes = () => [
  { name: 'feed', url: `${base}/posts`, list: true },
  { name: 'dashboard', url: `${base}/dashboard` },
  { name: 'health', url: `${base}/health` },
];

async function profile(input: LaunchreadyConfigInput = {}): Promise<QueryProfileArtifact> {
  const config = configSchema.parse({ database: { otlp: { listen: `127.0.0.1:${otlpPort}`, waitMs: 3000 } }, routes: routes(), ...input });
  const net = createNet(defaultNetOptions());
  try {
    const a = await profileRoutes(config, { http: net.http, signal: new AbortController().signal });
    if (isArtifactError(a)) throw new Error(`profile failed: ${a.error.message}`);
    return a;
  } finally {
    await net.close();
  }
}

const audit = (a: QueryProfileArtifact) => {
  const config = configSchema.parse({});
  return [...nPlusOne.audit({ queryProfile: a }, { config, now: 0 }).findings, ...tooManyQueries.audit({ queryProfile: a }, { config, now: 0 }).findings];
};

describe('query profile from OTLP traces (real app, real spans over HTTP)', () => {
  it('counts the database spans of each request trace; the parallel N+1 fires, normalised and marked overlapping', async () => {
    mode = 'n1';
    propagate = true;
    const a = await profile();
    expect(a).toMatchObject({ source: 'otlp', target: `127.0.0.1:${otlpPort}`, skipped: [] });
    const feed = a.routes.find((r) => r.name === 'feed')!;
    // 3 posts: 1 list query + 3 lookups (the ORM span around a driver span counts once).
    expect(feed.base.queriesPerRequest).toBe(4);
    expect(feed.scaling!.small.items).toBe(2);
    const lookup = feed.scaling!.large.statements.find((s) => s.query.includes('FROM users'))!;
    // Same normaliser as pg_stat_statements: the literal ids of the spans are $1, one shape.
    expect(lookup).toMatchObject({ query: 'SELECT name FROM users WHERE id = $1', perRequest: 20, overlapping: true });
    expect(lookup.totalMs).toBeGreaterThan(0);
    expect(a.routes.find((r) => r.name === 'dashboard')!.base.queriesPerRequest).toBe(TABLES);
    expect(a.routes.find((r) => r.name === 'health')!.base.queriesPerRequest).toBe(0);

    const fs = audit(a);
    expect(fs.map((f) => `${f.rule} ${f.target}`).sort()).toEqual([`perf/n-plus-one GET ${base}/posts`, `perf/too-many-queries GET ${base}/dashboard`]);
    expect(fs.find((f) => f.rule === 'perf/n-plus-one')!.evidence).toMatchObject({
      reason: 'grows with items',
      query: 'SELECT name FROM users WHERE id = $1',
      scaling: { limitParam: 'limit', items: [2, 20], perRequest: [2, 20] },
      overlapping: true,
      totalMs: expect.any(Number),
    });
    // Literal values of the spans (ids, the count tables' bounds) never reach the report.
    expect(JSON.stringify(a)).not.toMatch(/= \d|> \d/);
  }, 60_000);

  it('the JOIN version stays quiet', async () => {
    mode = 'join';
    const a = await profile();
    const feed = a.routes.find((r) => r.name === 'feed')!;
    expect(feed.base.queriesPerRequest).toBe(1);
    expect(feed.scaling!.large.queriesPerRequest).toBe(1);
    expect(audit(a).filter((f) => f.rule === 'perf/n-plus-one')).toEqual([]);
  }, 60_000);

  it('an app that does not continue traceparent: each route skipped, saying so', async () => {
    propagate = false;
    try {
      const a = await profile({ database: { otlp: { listen: `127.0.0.1:${otlpPort}`, waitMs: 400 } }, routes: [{ name: 'health', url: `${base}/health` }] });
      expect(a.routes).toEqual([]);
      expect(a.skipped[0]!.reason).toMatch(/^profile failed: no spans arrived within 400 ms for 3 of 3 requests .*must continue the W3C traceparent header/);
    } finally {
      propagate = true;
    }
  }, 30_000);

  it('an app that exports nothing: the skip says where to export', async () => {
    const saved = exportTo;
    exportTo = null;
    try {
      const a = await profile({ database: { otlp: { listen: `127.0.0.1:${otlpPort}`, waitMs: 300 } }, routes: [{ name: 'health', url: `${base}/health` }] });
      expect(a.skipped[0]!.reason).toMatch(`point the app's OTLP/HTTP JSON exporter at http://127.0.0.1:${otlpPort}/v1/traces`);
    } finally {
      exportTo = saved;
      queue = [];
    }
  }, 30_000);
});

describe('perf --profile-queries (CLI)', () => {
  it('prints queries per request and repeated shapes, reports the findings and exits 1 (--fail-on high)', async () => {
    mode = 'n1';
    const dir = mkdtempSync(join(tmpdir(), 'lr-perf-profile-'));
    writeFileSync(
      join(dir, 'launchready.config.json'),
      JSON.stringify({ database: { otlp: { listen: `127.0.0.1:${otlpPort}`, waitMs: 3000 } }, routes: routes(), perf: { duration: '300ms', warmup: 0, rate: 5 } }),
    );
    const r = await cli(['perf', 'feed', 'health', '--profile-queries', '--quiet', '--no-history', '--fail-on', 'high'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`query profile: otlp 127.0.0.1:${otlpPort}, 3 requests per sample`);
    expect(r.stdout).toMatch(/\nfeed +4 +3x SELECT name FROM users WHERE id = \$1 \(parallel\)\n/);
    expect(r.stdout).toMatch(/\n {2}limit=20 \(20 items\) +21 +20x SELECT name FROM users WHERE id = \$1 \(parallel\)\n/);
    expect(r.stdout).toMatch(/\nhealth +0 +-\n/);
    expect(r.stdout).toMatch(/\nHIGH perf\/n-plus-one GET http:\/\/127\.0\.0\.1:\d+\/posts /);
    // The dashboard was not selected: not profiled, not loaded.
    expect(r.stdout).not.toContain('dashboard');
    expect(r.code).toBe(1);

    const j = await cli(['perf', 'health', '--profile-queries', '--quiet', '--no-history', '--format', 'json', '--fail-on', 'high'], { cwd: dir });
    const report = JSON.parse(j.stdout);
    expect(report.metrics['perf.queryProfile']).toMatchObject({ source: 'otlp', routes: [{ name: 'health', base: { queriesPerRequest: 0 } }] });
    expect(report.passed).toEqual(expect.arrayContaining(['perf/n-plus-one', 'perf/too-many-queries']));
    expect(j.code).toBe(0);
  }, 90_000);

  it('no database in the config: a usage error naming both sources', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr-perf-profile-'));
    writeFileSync(join(dir, 'launchready.config.json'), JSON.stringify({ routes: routes() }));
    const r = await cli(['perf', '--profile-queries', '--quiet', '--no-history'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--profile-queries: no database\.url \(or database\.otlp for traces\) in config/);
  });
});

describe('OTLP receiver', () => {
  it('answers protobuf with 415 and the setting to change, refuses other paths and bad JSON, takes gzip', async () => {
    const rx = await startOtlpReceiver('127.0.0.1:0');
    try {
      const post = (body: string | Buffer, headers: Record<string, string>, path = '/v1/traces') => fetch(`http://${rx.address}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
      const proto = await post(Buffer.from([0x0a, 0x00]), { 'content-type': 'application/x-protobuf' });
      expect(proto.status).toBe(415);
      expect((await proto.json()).message).toMatch(/OTLP\/HTTP JSON only .*OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http\/json/);
      expect((await post('{}', { 'content-type': 'application/json' }, '/v1/metrics')).status).toBe(404);
      expect((await fetch(`http://${rx.address}/v1/traces`)).status).toBe(405);
      expect((await post('{"resourceSpans": [', { 'content-type': 'application/json' })).status).toBe(400);

      const tc = rx.newTrace();
      const span = { traceId: tc.traceId, spanId: hex(8), parentSpanId: tc.spanId, name: 'GET /', kind: 'SPAN_KIND_SERVER', startTimeUnixNano: '1', endTimeUnixNano: '2' };
      const ok = await post(gzipSync(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span, { ...span, traceId: hex(16) }] }] }] })), { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' });
      expect(ok.status).toBe(200);
      expect(rx.spans(tc.traceId).map((s) => s.kind)).toEqual([2]);
      expect(rx.stats()).toMatchObject({ exports: 1, spans: 1, foreignSpans: 1, refused: 4 });
      expect(await rx.waitFor([tc], 2000)).toEqual([]);
    } finally {
      await rx.close();
    }
  });

  it('a port in use is a clear error naming the setting', async () => {
    const a = await startOtlpReceiver('127.0.0.1:0');
    try {
      await expect(startOtlpReceiver(a.address)).rejects.toThrow(/address is in use .*database\.otlp\.listen/);
    } finally {
      await a.close();
    }
  });

  it('reads base64 ids (protobuf JSON mapping), legacy instrumentationLibrarySpans and both attribute names', () => {
    const tid = randomBytes(16);
    const spans = spansOf({
      resourceSpans: [
        {
          instrumentationLibrarySpans: [
            {
              spans: [
                { traceId: tid.toString('base64'), spanId: randomBytes(8).toString('base64'), kind: 3, startTimeUnixNano: 5, endTimeUnixNano: 9, attributes: [{ key: 'db.statement', value: { stringValue: 'SELECT 1' } }, { key: 'db.system', value: { stringValue: 'mysql' } }] },
                { traceId: 'not-an-id', spanId: 'x' },
              ],
            },
          ],
        },
      ],
    });
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ traceId: tid.toString('hex'), kind: 3, start: 5n, end: 9n, statement: 'SELECT 1', system: 'mysql' });
    expect(queriesOf(spans)).toHaveLength(1);
  });
});

describe('statement normaliser for span texts', () => {
  it('PostgreSQL text: the pg_stat_statements shape; values gone', async () => {
    const a = await normaliseStatement("SELECT name FROM users WHERE id = 42 AND token = 'Sup3r-Secret'");
    const b = await normaliseStatement('SELECT name FROM users WHERE id = $1 AND token = $2');
    expect(a).toEqual(b);
    expect(a.query).toBe('SELECT name FROM users WHERE id = $1 AND token = $2');
  });

  it('MySQL text (backticks, ? placeholders, IN lists): masked by hand, one shape', async () => {
    const a = await normaliseStatement("SELECT `name` FROM `users` WHERE `id` IN (1, 2, 3) AND email = 'a@b.c' -- trailing");
    const b = await normaliseStatement('SELECT `name` FROM `users` WHERE `id` IN (?, ?) AND email = ?');
    expect(a).toEqual(b);
    expect(a.fingerprint).toMatch(/^text:[0-9a-f]{16}$/);
    expect(a.query).toBe('SELECT `name` FROM `users` WHERE `id` IN (?) AND email = ?');
    expect(maskLiterals('UPDATE t2 SET v = -1.5e3, h = 0xFF WHERE "x" = "secret value"')).toBe('UPDATE t2 SET v = ?, h = ? WHERE "x" = ?');
  });
});

describe('aggregateTraces', () => {
  const span = (traceId: string, statement: string | null, start: number, end: number, parentSpanId = 'p'): TraceSpan => ({ traceId, spanId: hex(8), parentSpanId, name: 'q', kind: 3, start: BigInt(start), end: BigInt(end), statement, system: 'postgresql' });
  it('per request over several traces; sequential calls are not overlapping, parallel ones are; spans without a statement do not count', async () => {
    const seq = [0, 1, 2, 3, 4].map((i) => span('a', `SELECT name FROM users WHERE id = ${i}`, i * 10, i * 10 + 5));
    const par = [0, 1, 2, 3, 4].map((i) => span('b', `SELECT name FROM users WHERE id = ${i + 10}`, i, 100 + i));
    const r = await aggregateTraces([[...seq, span('a', null, 0, 1)], par], 2);
    expect(r).toEqual({ queriesPerRequest: 5, hidden: false, statements: [{ fingerprint: expect.any(String), query: 'SELECT name FROM users WHERE id = $1', perRequest: 5, totalMs: 0, overlapping: true }] });
    const only = await aggregateTraces([seq], 1);
    expect(only.statements[0]!.overlapping).toBeUndefined();
    expect(only.statements[0]!.totalMs).toBe(0); // 25 ns
  });
});
