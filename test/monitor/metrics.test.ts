/**
 * `/metrics` in the Prometheus text exposition format (0.0.4), parsed by a small strict parser
 * (no prom-client): every sample belongs to a family declared by `# TYPE` before it, names and
 * labels follow the format's grammar, no series repeats, counters end in `_total`, histogram
 * buckets are cumulative and end at `+Inf` = `_count`. Values are asserted against runs and an
 * incident written to the store, on SQLite and on the local PostgreSQL (throwaway schema), through
 * the dashboard server with a bearer token.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createDashboard } from '../../src/monitor/dashboard.js';
import { PgStore } from '../../src/monitor/postgres.js';
import { SqliteStore } from '../../src/monitor/sqlite.js';
import type { MonitorStore } from '../../src/monitor/store.js';
import type { CheckRun } from '../../src/monitor/types.js';
import { config, pgSchema } from './helpers.js';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const TOKEN = 'metrics-token';

interface Family {
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** Strict parser for the text format: throws on anything the format does not allow. */
export function parseExposition(text: string): Map<string, Family> {
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const at = `line ${i + 1} (${JSON.stringify(line)})`;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line))) {
      const f = families.get(m[1]!);
      if (f?.help !== undefined) throw new Error(`${at}: second HELP`);
      if (f) f.help = m[2]!;
      else families.set(m[1]!, { type: 'untyped', help: m[2]!, samples: [] });
      return;
    }
    if ((m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      const f = families.get(m[1]!) ?? { type: 'untyped' as const, samples: [] };
      if (f.samples.length) throw new Error(`${at}: TYPE after samples`);
      f.type = m[2] as Family['type'];
      families.set(m[1]!, f);
      return;
    }
    if (line.startsWith('#')) throw new Error(`${at}: unknown comment`);
    m = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`).exec(line);
    if (!m) throw new Error(`${at}: not a sample`);
    const [, name, labelText, valueText] = m;
    const labels: Record<string, string> = {};
    if (labelText) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
      let pos = 0;
      while (pos < labelText.length) {
        re.lastIndex = pos;
        const l = re.exec(labelText);
        if (!l) throw new Error(`${at}: bad label at ${pos}`);
        if (l[1]! in labels) throw new Error(`${at}: label ${l[1]} twice`);
        labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
        pos = re.lastIndex;
      }
    }
    if (!/^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)|[+-]?Inf|NaN)$/.test(valueText!)) throw new Error(`${at}: bad value`);
    const value = valueText === '+Inf' || valueText === 'Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    const family = [...families.entries()].find(([fname, f]) => name === fname || (f.type === 'histogram' && [`${fname}_bucket`, `${fname}_sum`, `${fname}_count`].includes(name!)));
    if (!family || family[1].type === 'untyped') throw new Error(`${at}: sample without a TYPE declared before it`);
    const key = `${name}{${Object.entries(labels).sort().map(([k, v]) => `${k}=${v}`).join(',')}}`;
    if (seen.has(key)) throw new Error(`${at}: series ${key} twice`);
    seen.add(key);
    family[1].samples.push({ name: name!, labels, value });
  });
  for (const [name, f] of families) {
    if (f.type === 'counter' && !name.endsWith('_total')) throw new Error(`counter ${name} must end in _total`);
    if (f.type === 'counter' && f.samples.some((s) => s.value < 0)) throw new Error(`counter ${name} negative`);
    if (f.type === 'histogram') {
      const series = new Map<string, Family['samples']>();
      for (const s of f.samples) {
        const { le: _le, ...rest } = s.labels;
        const k = JSON.stringify(rest);
        if (!series.has(k)) series.set(k, []);
        series.get(k)!.push(s);
      }
      for (const [k, ss] of series) {
        const buckets = ss.filter((s) => s.name.endsWith('_bucket'));
        const les = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
        if (les.at(-1) !== Infinity) throw new Error(`${name}${k}: buckets must end at +Inf`);
        for (let i = 1; i < buckets.length; i++) {
          if (!(les[i]! > les[i - 1]!) || buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${name}${k}: buckets not cumulative`);
        }
        const count = ss.find((s) => s.name.endsWith('_count'));
        if (!count || count.value !== buckets.at(-1)!.value || !ss.some((s) => s.name.endsWith('_sum'))) throw new Error(`${name}${k}: _count must equal the +Inf bucket, and _sum be present`);
      }
    }
  }
  return families;
}

const value = (fs: Map<string, Family>, family: string, labels: Record<string, string>, sample = family) =>
  fs.get(family)?.samples.find((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length)?.value;

const run = (checkId: string, at: number, ok: boolean, ms: number): CheckRun => ({ checkId, at, ok, durationMs: ms, conditions: [] });

const pgSchemas: Awaited<ReturnType<typeof pgSchema>>[] = [];
afterAll(async () => {
  await Promise.all(pgSchemas.map((s) => s.drop()));
});

const backends: { name: string; open(): Promise<MonitorStore> }[] = [
  { name: 'sqlite', open: async () => new SqliteStore(':memory:') },
  {
    name: 'postgres',
    open: async () => {
      const s = await pgSchema('lr_metrics');
      pgSchemas.push(s);
      return new PgStore(s.url);
    },
  },
];

describe.each(backends)('/metrics on $name', (backend) => {
  it('is valid exposition text whose values match the stored runs and incidents', async () => {
    const store = await backend.open();
    try {
      const m = config({
        monitor: {
          checks: [
            { id: 'api', kind: 'http', url: 'http://127.0.0.1:9/healthz' },
            { id: 'home.main', kind: 'http', url: 'http://127.0.0.1:9/' },
            { id: 'idle', kind: 'tcp', host: '127.0.0.1', port: 9 },
          ],
        },
      }).monitor!;
      // api: up, up, down (last 250 ms) with an open incident; home.main: 3 runs up (last 80 ms); idle: never ran.
      for (const [i, [ok, ms]] of ([[true, 40], [true, 300], [false, 250]] as const).entries()) store.recordRun(run('api', T0 + i * 60_000, ok, ms));
      for (const [i, ms] of [20, 120, 80].entries()) store.recordRun(run('home.main', T0 + i * 60_000 + 1, true, ms));
      const inc = store.openIncident({ checkId: 'api', openedAt: T0 + 120_000, nextAt: null, summary: ['[STATUS] (500) == 200'] });
      store.putCheckState({ checkId: 'api', consecutiveFailures: 1, consecutiveSuccesses: 0, lastOk: false, lastAt: T0 + 120_000, incidentId: inc.id });
      const resolved = store.openIncident({ checkId: 'home.main', openedAt: T0 - 600_000, nextAt: null, summary: ['x'] });
      store.updateIncident(resolved.id, { state: 'resolved', resolvedAt: T0 - 300_000 });

      const app = createDashboard({ config: m, store, token: TOKEN, now: () => T0 + 180_000 });
      expect((await app.inject('/metrics')).statusCode).toBe(401);
      const r = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const fs = parseExposition(r.body);
      const home = 'home.main';

      expect(fs.get('launchready_check_up')?.type).toBe('gauge');
      expect(value(fs, 'launchready_check_up', { check: 'api' })).toBe(0);
      expect(value(fs, 'launchready_check_up', { check: home })).toBe(1);
      expect(value(fs, 'launchready_check_up', { check: 'idle' })).toBeUndefined(); // no run, no sample

      expect(value(fs, 'launchready_check_response_time_ms', { check: 'api' })).toBe(250);
      expect(value(fs, 'launchready_check_response_time_ms', { check: home })).toBe(80);
      expect(value(fs, 'launchready_check_last_run_timestamp_seconds', { check: 'api' })).toBe((T0 + 120_000) / 1000);
      expect(value(fs, 'launchready_check_last_run_timestamp_seconds', { check: home })).toBe(Math.floor((T0 + 120_001) / 1000));

      expect(value(fs, 'launchready_check_incident_open', { check: 'api' })).toBe(1);
      expect(value(fs, 'launchready_check_incident_open', { check: home })).toBe(0);
      expect(value(fs, 'launchready_incidents', { state: 'open' })).toBe(1);
      expect(value(fs, 'launchready_incidents', { state: 'resolved' })).toBe(1);
      expect(value(fs, 'launchready_incidents', { state: 'acknowledged' })).toBe(0);

      expect(fs.get('launchready_check_runs_total')?.type).toBe('counter');
      expect(value(fs, 'launchready_check_runs_total', { check: 'api', result: 'up' })).toBe(2);
      expect(value(fs, 'launchready_check_runs_total', { check: 'api', result: 'down' })).toBe(1);
      expect(value(fs, 'launchready_check_runs_total', { check: home, result: 'up' })).toBe(3);
      expect(value(fs, 'launchready_check_runs_total', { check: home, result: 'down' })).toBe(0);

      // Histogram of the last hour: api 40, 300, 250 ms; home 20, 120, 80 ms.
      const h = 'launchready_check_duration_ms';
      expect(fs.get(h)?.type).toBe('histogram');
      expect(value(fs, h, { check: 'api', le: '50' }, `${h}_bucket`)).toBe(1);
      expect(value(fs, h, { check: 'api', le: '250' }, `${h}_bucket`)).toBe(2);
      expect(value(fs, h, { check: 'api', le: '500' }, `${h}_bucket`)).toBe(3);
      expect(value(fs, h, { check: 'api' }, `${h}_count`)).toBe(3);
      expect(value(fs, h, { check: 'api' }, `${h}_sum`)).toBe(590);
      expect(value(fs, h, { check: home, le: '100' }, `${h}_bucket`)).toBe(2);
      expect(value(fs, h, { check: home }, `${h}_sum`)).toBe(220);

      // One more run moves the counters and the gauges.
      store.recordRun(run('api', T0 + 180_000, true, 35));
      const fs2 = parseExposition((await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body);
      expect(value(fs2, 'launchready_check_up', { check: 'api' })).toBe(1);
      expect(value(fs2, 'launchready_check_runs_total', { check: 'api', result: 'up' })).toBe(3);
      expect(value(fs2, 'launchready_check_response_time_ms', { check: 'api' })).toBe(35);
      await app.close();
    } finally {
      store.close();
    }
  });

  it('the parser rejects what Prometheus would', () => {
    expect(() => parseExposition('x 1\n')).toThrow(/without a TYPE/);
    expect(() => parseExposition('# TYPE x gauge\nx{a="1",a="2"} 1\n')).toThrow(/twice/);
    expect(() => parseExposition('# TYPE x gauge\nx{a="1"} 1\nx{a="1"} 2\n')).toThrow(/twice/);
    expect(() => parseExposition('# TYPE x counter\nx 1\n')).toThrow(/_total/);
    expect(() => parseExposition('# TYPE x gauge\nx{a="un"escaped"} 1\n')).toThrow(/bad label/);
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/cumulative/);
    expect(() => parseExposition('# TYPE x gauge\nx 1')).toThrow(/newline/);
    expect(parseExposition('# HELP x y\n# TYPE x gauge\nx{a="q\\"\\n"} 1.5e3\n').get('x')!.samples[0]).toEqual({ name: 'x', labels: { a: 'q"\n' }, value: 1500 });
  });
});
