/**
 * perf/unbounded-list's data-size probe end to end: a real loopback Fastify app whose list routes
 * honour `?limit=` and hold few rows (so the count probes stay quiet), seeded through a flow that
 * creates one row per run, with a cleanup step that deletes it. The unpaginated list grows with
 * every row (fires, evidence before/after/seeded); the one with a default page size stays bounded
 * (quiet); the seeded rows are gone afterwards.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { buildRegistry } from '../../src/engine/registry.js';
import { runAudit } from '../../src/engine/run.js';
import { family as perfFamily } from '../../src/audits/perf/index.js';
import perfGatherer from '../../src/gather/perf.js';
import listsGatherer from '../../src/gather/lists.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import { judgeGrowth } from '../../src/audits/perf/unbounded-list.js';
import type { Gatherer } from '../../src/core/audit.js';

const registry = buildRegistry([perfFamily], [perfGatherer, listsGatherer] as Gatherer[]);

let app: FastifyInstance;
let base = '';
const rows: { id: number; title: string; body: string }[] = [];
let nextId = 1;
const created: number[] = [];
const deleted: number[] = [];

beforeAll(async () => {
  for (let i = 0; i < 5; i++) rows.push({ id: nextId++, title: `seed ${i}`, body: 'x'.repeat(200) });
  app = Fastify();
  const limited = (limit: unknown, fallback: number) => {
    const n = Number(limit);
    return Number.isInteger(n) && n > 0 ? Math.min(n, 100) : fallback;
  };
  // Honours ?limit=, but without one returns every row: unbounded by default.
  app.get('/api/listings', async (req) => {
    const q = req.query as { limit?: string };
    return { items: q.limit === undefined ? rows : rows.slice(0, limited(q.limit, rows.length)) };
  });
  // A default page size of 10, newest first, no cursor field: bounded whatever the data.
  app.get('/api/paged', async (req) => ({ items: [...rows].reverse().slice(0, limited((req.query as { limit?: string }).limit, 10)) }));
  app.post('/api/listings', async (req, reply) => {
    const row = { id: nextId++, title: String((req.body as { title?: string }).title ?? ''), body: 'x'.repeat(200) };
    rows.push(row);
    created.push(row.id);
    return reply.code(201).send({ listing: row });
  });
  app.delete('/api/listings/:id', async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const i = rows.findIndex((r) => r.id === id);
    if (i < 0) return reply.code(404).send({ error: 'not found' });
    rows.splice(i, 1);
    deleted.push(id);
    return reply.code(204).send();
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

const flows = [
  {
    name: 'create-listing',
    steps: [{ name: 'create', method: 'POST', url: '/api/listings', json: { title: 'Seeded {{unique.id}}' }, expect: ['status == 201'], capture: { listingId: 'body.listing.id' } }],
    cleanup: [{ name: 'delete', method: 'DELETE', url: '/api/listings/{{listingId}}', expect: ['status == 204'] }],
  },
];

async function audit(route: string, seed = 'create-listing') {
  const config = configSchema.parse({
    routes: [{ name: 'feed', url: `${base}${route}`, list: true, seed }],
    flows: flows.map((f) => ({ ...f, baseUrl: base })),
    perf: { seedRows: 12, duration: '200ms', warmup: 0, rate: 5 },
  });
  const net = createNet(defaultNetOptions());
  try {
    return (await runAudit({ config, configPath: null, baseDir: process.cwd(), net, registry, only: ['perf'] })).report;
  } finally {
    await net.close();
  }
}

describe('perf/unbounded-list: the response grows with the data set', () => {
  it('fires for a list without a default page size, with before/after/seeded evidence, and cleans up', { timeout: 60_000 }, async () => {
    const createdBefore = created.length;
    const report = await audit('/api/listings');
    const f = report.findings.find((x) => x.id === 'perf/unbounded-list');
    expect(f).toBeDefined();
    const ev = f!.evidence as Record<string, unknown>;
    expect(ev).toMatchObject({ route: 'feed', reason: 'grows with data', seeded: 12, seedFlow: 'create-listing', before: { items: 5 }, after: { items: 17 }, growth: { items: 12 } });
    const grew = ev.growth as { bytes: number };
    expect(grew.bytes).toBeGreaterThan(12 * 200);
    // Every seeded row was deleted by the flow's cleanup step, after the second measurement.
    expect(created.length - createdBefore).toBe(12);
    expect(deleted).toEqual(expect.arrayContaining(created.slice(createdBefore)));
    expect(rows).toHaveLength(5);
    expect(report.metrics['perf.seed']).toEqual([expect.objectContaining({ route: 'feed', requested: 12, seeded: 12, cleanupFailed: 0 })]);
  });

  it('stays quiet for a list with a default page size', { timeout: 60_000 }, async () => {
    const report = await audit('/api/paged');
    expect(report.findings.map((x) => x.id)).not.toContain('perf/unbounded-list');
    expect(report.passed).toContain('perf/unbounded-list');
    expect(report.metrics['perf.seed']).toEqual([expect.objectContaining({ seeded: 12, before: expect.objectContaining({ items: 5 }), after: expect.objectContaining({ items: 10 }) })]);
    expect(rows).toHaveLength(5);
  });

  it('a seed flow that is not defined is recorded as skipped, and the count probes still judge', { timeout: 60_000 }, async () => {
    const report = await audit('/api/listings', 'no-such-flow');
    expect(report.findings.map((x) => x.id)).not.toContain('perf/unbounded-list');
    expect(report.metrics['perf.seed']).toEqual([expect.objectContaining({ route: 'feed', seeded: 0, skipped: 'seed flow "no-such-flow" is not defined in flows' })]);
    expect(rows).toHaveLength(5);
  });

  it('judges growth only from enough seeded rows and a list answer', () => {
    const size = (items: number | null, bytes: number, pagination: string | null = null) => ({ status: 200, items, bytes, pagination });
    const sp = { flow: 'f', requested: 30, seeded: 30, cleanupFailed: 0 };
    expect(judgeGrowth({ ...sp, before: size(3, 300), after: size(33, 3300) })).toEqual({ grows: true, growth: 30 });
    expect(judgeGrowth({ ...sp, before: size(3, 300), after: size(20, 2000) })?.grows).toBe(false);
    expect(judgeGrowth({ ...sp, before: size(3, 300), after: size(33, 3300, 'next field') })?.grows).toBe(false);
    expect(judgeGrowth({ ...sp, seeded: 3, before: size(3, 300), after: size(6, 600) })).toBeNull();
    expect(judgeGrowth({ ...sp, before: size(null, 300), after: size(null, 3300) })).toBeNull();
  });
});
