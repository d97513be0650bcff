/**
 * Stage 4 end to end through the engine: the demo marketplace (flawed and fixed) on loopback,
 * audited with the perf family and its two gatherers; plus the safety rules (scope, --active).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type LaunchreadyConfigInput } from '../../src/config/schema.js';
import { startMarketplace, type Marketplace } from '../../src/demo/marketplace.js';
import { buildRegistry } from '../../src/engine/registry.js';
import { runAudit } from '../../src/engine/run.js';
import { FAMILIES } from '../../src/audits/index.js';
import { GATHERERS } from '../../src/gather/index.js';
import { family as perfFamily } from '../../src/audits/perf/index.js';
import perfGatherer from '../../src/gather/perf.js';
import listsGatherer from '../../src/gather/lists.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import { parseConnectTo } from '../../src/net/connect-to.js';
import { runRouteLoads, perfCommandCore } from '../../src/load/command.js';
import type { Gatherer } from '../../src/core/audit.js';

const registry = buildRegistry([...FAMILIES.filter((f) => f.name !== 'perf'), perfFamily], [...GATHERERS.filter((g) => g.id !== 'perf' && g.id !== 'routeProbes'), perfGatherer, listsGatherer] as Gatherer[]);

interface App { market: Marketplace; server: http.Server; base: string }
async function app(flawed: boolean): Promise<App> {
  const market = await startMarketplace({ flawed });
  const server = http.createServer(market.handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { market, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
const apps: App[] = [];
afterAll(async () => {
  for (const a of apps) {
    a.server.closeAllConnections();
    await new Promise((r) => a.server.close(r));
    await a.market.close();
  }
});

function cfg(base: string, extra: Partial<LaunchreadyConfigInput> = {}) {
  return configSchema.parse({
    routes: [{ name: 'feed', url: `${base}/api/listings`, list: true, critical: true }],
    perf: { duration: '1s', warmup: '100ms', rate: 20 },
    ...extra,
  });
}

async function audit(config: ReturnType<typeof cfg>) {
  const net = createNet(defaultNetOptions());
  try {
    return (await runAudit({ config, configPath: null, baseDir: process.cwd(), net, registry, only: ['perf'] })).report;
  } finally {
    await net.close();
  }
}

describe('the demo marketplace feed', () => {
  let flawed: App;
  let fixed: App;
  beforeAll(async () => {
    [flawed, fixed] = await Promise.all([app(true), app(false)]);
    apps.push(flawed, fixed);
  });

  it('flawed: unbounded, uncompressed, uncached; latency histogram in the metrics', async () => {
    const report = await audit(cfg(flawed.base));
    const ids = report.findings.map((f) => f.id).sort();
    expect(ids).toEqual(['perf/no-compression', 'perf/unbounded-list', 'perf/uncached-read']);
    const ev = report.findings.find((f) => f.id === 'perf/unbounded-list')!.evidence;
    expect(ev).toMatchObject({ reason: 'limit ignored', noLimit: { items: 250 }, 'limit=1': { items: 250 } });
    const m = report.metrics['perf.feed'] as Record<string, number>;
    expect(m).toMatchObject({ kind: 'latency', name: 'feed', errors: 0 });
    expect(m.count).toBeGreaterThanOrEqual(18);
    expect(report.passed).toEqual(expect.arrayContaining(['perf/read-over-budget', 'perf/error-rate-over-budget']));
  });

  it('fixed: paginated, gzipped and cacheable, nothing fires', async () => {
    const report = await audit(cfg(fixed.base));
    expect(report.findings).toEqual([]);
    expect(report.passed).toEqual(expect.arrayContaining(['perf/unbounded-list', 'perf/no-compression', 'perf/uncached-read', 'perf/read-over-budget']));
  });

  it('a budget the route cannot meet fires, and the refused write is an error-rate blocker', async () => {
    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const dead = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    await new Promise((r) => s.close(r));
    const report = await audit(
      cfg(fixed.base, {
        routes: [
          { name: 'feed', url: `${fixed.base}/api/listings`, thresholds: ['p(50)<0.001'] },
          { name: 'gone', method: 'POST', url: `${dead}/api/x`, critical: true, body: { n: '{{seq}}' } },
        ],
        perf: { duration: '500ms', warmup: '0ms', rate: 20 },
      }),
    );
    const got = report.findings.map((f) => [f.id, f.severity]);
    expect(got).toContainEqual(['perf/read-over-budget', 'high']);
    expect(got).toContainEqual(['perf/error-rate-over-budget', 'blocker']);
    expect(report.verdict).toBe('not-ready');
  });
});

describe('safety', () => {
  it('skips a non-loopback target without active, listing the exact requests it would send', async () => {
    const net = createNet({ ...defaultNetOptions(), connectTo: [parseConnectTo('shop.example:80:192.0.2.1:80')] });
    try {
      const config = configSchema.parse({ domains: { apex: 'shop.example' }, routes: [{ name: 'feed', url: 'http://shop.example/api/feed', rate: 5, duration: '2s' }], perf: { warmup: 0 } });
      const a = await runRouteLoads(config, net, {});
      expect(a.runs).toEqual([]);
      expect(a.skipped[0]).toMatchObject({ code: 'NOT_ACTIVE', wouldSend: { method: 'GET', url: 'http://shop.example/api/feed', rate: 5, durationMs: 2000, requests: 10 } });
    } finally {
      await net.close();
    }
  });

  it('refuses hosts outside the configured domains', async () => {
    const net = createNet(defaultNetOptions());
    try {
      const config = configSchema.parse({ domains: { apex: 'shop.example' }, routes: [{ name: 'other', url: 'http://127.0.0.1:9/' }] });
      const a = await runRouteLoads(config, net, {});
      expect(a.skipped[0]).toMatchObject({ code: 'OFF_SCOPE' });
    } finally {
      await net.close();
    }
  });

  it('perfCommandCore honours overrides and caps the duration at perf.maxDuration', async () => {
    const a = await app(false);
    apps.push(a);
    const net = createNet(defaultNetOptions());
    try {
      const config = configSchema.parse({ routes: [{ name: 'feed', url: `${a.base}/api/listings` }], perf: { maxDuration: '400ms', warmup: 0 } });
      const t0 = Date.now();
      const r = await perfCommandCore(config, net, { rate: 30, duration: 60_000, signal: new AbortController().signal });
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(r.artifact.runs[0]!.load.count).toBeGreaterThanOrEqual(10);
      expect(r.artifact.runs[0]!.load.count).toBeLessThanOrEqual(14);
      expect(r.table).toMatch(/^route\s+reqs\s+req\/s\s+p50/);
      expect(r.table).toMatch(/feed .* pass/);
      expect(r.metrics['perf.feed']).toMatchObject({ kind: 'latency' });
    } finally {
      await net.close();
    }
  });

  it('rejects a bad threshold at config load, quoting it', () => {
    const r = configSchema.safeParse({ routes: [{ name: 'x', url: 'http://127.0.0.1/', thresholds: ['p95<300'] }] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error!.issues)).toMatch(/invalid threshold \\"p95<300\\"/);
  });
});
