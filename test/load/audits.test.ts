/** The stage-4 perf rules on plain artifacts: a `fires` and a `staysQuiet` table per rule. */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import budgets from '../../src/audits/perf/budgets.js';
import unboundedList from '../../src/audits/perf/unbounded-list.js';
import noCompression from '../../src/audits/perf/no-compression.js';
import uncachedRead from '../../src/audits/perf/uncached-read.js';
import type { PerfRouteRun, ProbeExchange, RouteProbe } from '../../src/audits/perf/artifact.js';
import { newHistogram, encodeHistogram, summarize, toBuckets } from '../../src/load/histogram.js';
import { effectiveThresholds, perfSettings } from '../../src/load/routes.js';
import { NOW } from '../helpers/builders.js';

const config = configSchema.parse({});
const ctx = { config, now: NOW };

/** A loaded route whose latencies are `ms` (each recorded once) and `errors` failures out of the samples. */
function run(o: { kind?: 'read' | 'write'; ms?: number[]; errors?: number; critical?: boolean; thresholds?: string[]; refused?: boolean } = {}): PerfRouteRun {
  const kind = o.kind ?? 'read';
  const h = newHistogram();
  const ms = o.refused ? [] : (o.ms ?? Array.from({ length: 100 }, () => 20));
  for (const v of ms) h.recordValue(Math.round(v * 1000));
  const count = o.refused ? 100 : ms.length;
  const errors = o.refused ? 100 : (o.errors ?? 0);
  return {
    name: 'feed', method: kind === 'read' ? 'GET' : 'POST', url: 'https://www.example.test/api/feed', kind, critical: o.critical ?? false,
    thresholds: effectiveThresholds(kind, perfSettings(config), o.thresholds),
    load: {
      model: { kind: 'open', rate: 20 }, durationMs: 5000, count, errors, errorRate: count ? errors / count : 0,
      statusClasses: o.refused ? {} : { '2xx': count - errors, ...(errors ? { '5xx': errors } : {}) },
      errorKinds: o.refused ? { refused: 100 } : {}, errorSamples: o.refused ? { refused: 'ECONNREFUSED: connect ECONNREFUSED' } : {},
      bytes: 0, rps: 20, warmupCount: 0, latency: summarize(h), histogram: encodeHistogram(h), buckets: toBuckets(h), stopped: 'completed', workers: 1,
    },
  };
}
const perf = (...runs: PerfRouteRun[]) => ({ perf: { runs, skipped: [] } });
const slow = (p95: number) => [...Array.from({ length: 90 }, () => 20), ...Array.from({ length: 10 }, () => p95)];

describe('perf budgets', () => {
  const fires: [string, PerfRouteRun, string, string?][] = [
    ['slow read', run({ ms: slow(412) }), 'perf/read-over-budget'],
    ['slow write', run({ kind: 'write', ms: slow(700) }), 'perf/write-over-budget'],
    ['route threshold stricter than default', run({ ms: slow(150), thresholds: ['p(95)<100'] }), 'perf/read-over-budget'],
    ['avg threshold', run({ ms: slow(150), thresholds: ['avg<30'] }), 'perf/read-over-budget'],
    ['errors on a critical route', run({ errors: 5, critical: true }), 'perf/error-rate-over-budget', 'blocker'],
    ['errors on another route', run({ errors: 5 }), 'perf/error-rate-over-budget', 'high'],
    ['refused target', run({ refused: true, critical: true }), 'perf/error-rate-over-budget', 'blocker'],
  ];
  it.each(fires)('fires: %s', (_n, r, rule, severity) => {
    const { findings } = budgets.audit(perf(r), ctx);
    expect(findings.map((f) => f.rule)).toEqual([rule]);
    if (severity) expect(findings[0]!.severity).toBe(severity);
    expect(findings[0]!.target).toBe(`${r.method} ${r.url}`);
  });

  const staysQuiet: [string, PerfRouteRun][] = [
    ['fast read', run()],
    ['write at 450 ms (write budget is 500)', run({ kind: 'write', ms: slow(450) })],
    ['read at 412 ms with a relaxed route threshold', run({ ms: slow(412), thresholds: ['p(95)<500'] })],
    ['0.5% errors', run({ ms: Array.from({ length: 200 }, () => 20), errors: 1 })],
  ];
  it.each(staysQuiet)('stays quiet: %s', (_n, r) => {
    expect(budgets.audit(perf(r), ctx).findings).toEqual([]);
  });

  it('shows the observed value inline and reports a latency metric per route', () => {
    const res = budgets.audit(perf(run({ ms: slow(412) })), ctx);
    expect(res.findings[0]!.evidence!.failed).toEqual(['p(95) (412ms) < 300']);
    const m = res.metrics!['perf.feed'] as Record<string, unknown>;
    expect(m).toMatchObject({ kind: 'latency', name: 'feed', count: 100, errors: 0 });
    expect(m.buckets).toEqual(expect.arrayContaining([{ le: 20, count: 90 }, { le: 500, count: 10 }]));
  });

  it('is not applicable when every route was skipped, with the reasons', () => {
    const res = budgets.audit({ perf: { runs: [], skipped: [{ name: 'feed', url: 'https://x.test/', code: 'NOT_ACTIVE', reason: 'not on loopback' }] } }, ctx);
    expect(res.notApplicable).toMatch(/feed: not on loopback/);
  });
});

function px(o: Partial<ProbeExchange> = {}): ProbeExchange {
  return { url: 'https://www.example.test/api/feed', status: 200, headers: { 'content-type': 'application/json' }, bodyBytes: 500, truncated: false, items: null, pagination: null, acceptEncoding: false, ...o };
}
function probe(o: Partial<RouteProbe> & { lists?: [Partial<ProbeExchange>, Partial<ProbeExchange>, Partial<ProbeExchange>] } = {}): RouteProbe {
  const { lists, ...rest } = o;
  return {
    name: 'feed', url: 'https://www.example.test/api/feed', method: 'GET', kind: 'read', public: true, list: !!lists,
    plain: px({ acceptEncoding: true }),
    ...(lists ? { listProbes: { unlimited: px(lists[0]), limitOne: px(lists[1]), large: px(lists[2]), limitParam: 'limit', largePage: 1000 } } : {}),
    ...rest,
  };
}
const probes = (...p: RouteProbe[]) => ({ routeProbes: { probes: p, skipped: [] } });

describe('perf/unbounded-list', () => {
  const fires: [string, RouteProbe, string][] = [
    ['returns every row whatever the limit', probe({ lists: [{ items: 250 }, { items: 250 }, { items: 250 }] }), 'limit ignored'],
    ['no default page size', probe({ lists: [{ items: 250 }, { items: 1, pagination: 'next field' }, { items: 100, pagination: 'next field' }] }), 'no page size'],
    ['any large page without a cursor', probe({ lists: [{ items: 20 }, { items: 1 }, { items: 1000 }] }), 'limit not capped'],
  ];
  it.each(fires)('fires: %s', (_n, p, reason) => {
    const { findings } = unboundedList.audit(probes(p), ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.evidence).toMatchObject({ reason, ceiling: 100 });
  });
  const staysQuiet: [string, RouteProbe][] = [
    ['paginated and capped', probe({ lists: [{ items: 20, pagination: 'next field' }, { items: 1, pagination: 'next field' }, { items: 100, pagination: 'next field' }] })],
    ['small list without pagination', probe({ lists: [{ items: 12 }, { items: 1 }, { items: 12 }] })],
    ['large pages with a Link header', probe({ lists: [{ items: 500, pagination: 'link header' }, { items: 1, pagination: 'link header' }, { items: 1000, pagination: 'link header' }] })],
  ];
  it.each(staysQuiet)('stays quiet: %s', (_n, p) => {
    expect(unboundedList.audit(probes(p), ctx).findings).toEqual([]);
  });
});

describe('perf/no-compression', () => {
  const fires: [string, RouteProbe][] = [
    ['large JSON, no encoding', probe({ plain: px({ acceptEncoding: true, bodyBytes: 20_000 }) })],
    ['large HTML, identity', probe({ plain: px({ acceptEncoding: true, bodyBytes: 9_000, headers: { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'identity' } }) })],
  ];
  it.each(fires)('fires: %s', (_n, p) => {
    expect(noCompression.audit(probes(p), ctx).findings.map((f) => f.rule)).toEqual(['perf/no-compression']);
  });
  const staysQuiet: [string, RouteProbe][] = [
    ['gzip', probe({ plain: px({ acceptEncoding: true, bodyBytes: 20_000, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }) })],
    ['br', probe({ plain: px({ acceptEncoding: true, bodyBytes: 20_000, headers: { 'content-type': 'application/json', 'content-encoding': 'br' } }) })],
    ['small', probe({ plain: px({ acceptEncoding: true, bodyBytes: 1_000 }) })],
    ['an image', probe({ plain: px({ acceptEncoding: true, bodyBytes: 90_000, headers: { 'content-type': 'image/png' } }) })],
    ['an error page', probe({ plain: px({ acceptEncoding: true, bodyBytes: 20_000, status: 500 }) })],
  ];
  it.each(staysQuiet)('stays quiet: %s', (_n, p) => {
    expect(noCompression.audit(probes(p), ctx).findings).toEqual([]);
  });
});

describe('perf/uncached-read', () => {
  it.each([['no cache headers at all', probe()]] as [string, RouteProbe][])('fires: %s', (_n, p) => {
    expect(uncachedRead.audit(probes(p), ctx).findings.map((f) => f.rule)).toEqual(['perf/uncached-read']);
  });
  const staysQuiet: [string, RouteProbe][] = [
    ['Cache-Control', probe({ plain: px({ acceptEncoding: true, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=30' } }) })],
    ['explicit no-store', probe({ plain: px({ acceptEncoding: true, headers: { 'cache-control': 'no-store' } }) })],
    ['ETag', probe({ plain: px({ acceptEncoding: true, headers: { etag: 'W/"1"' } }) })],
    ['Last-Modified', probe({ plain: px({ acceptEncoding: true, headers: { 'last-modified': 'Mon, 01 Jun 2026 00:00:00 GMT' } }) })],
    ['not public', probe({ public: false })],
    ['a write route', probe({ kind: 'write' })],
  ];
  it.each(staysQuiet)('stays quiet: %s', (_n, p) => {
    expect(uncachedRead.audit(probes(p), ctx).findings).toEqual([]);
  });
});
