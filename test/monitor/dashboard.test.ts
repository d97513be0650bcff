/**
 * Dashboard: in-process requests (login, CSRF, metrics format, public page, signed links), then
 * headless Chromium against a listening dashboard: log in, see the down check, acknowledge, and
 * escalation stops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAckToken } from '../../src/monitor/ack.js';
import { ManualClock } from '../../src/monitor/clock.js';
import { createDashboard, startDashboard } from '../../src/monitor/dashboard.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { SqliteStore } from '../../src/monitor/sqlite.js';
import type { AlertMessage } from '../../src/monitor/types.js';
import type { Net } from '../../src/net/types.js';
import { launchBrowser } from '../helpers/browser.js';
import { config, loopbackNet, startTarget, type Target } from './helpers.js';

const MIN = 60_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const TOKEN = 'dash-token-123';

let target: Target;
let net: Net;
beforeAll(async () => {
  target = await startTarget();
  net = loopbackNet();
});
afterAll(async () => {
  await Promise.all([target.close(), net.close()]);
});

/** A monitor with one down check and an open incident; `sent` collects alerts. */
async function scenario() {
  const m = config({
    monitor: {
      ackSecret: 'ack-secret',
      defaults: { failureThreshold: 1 },
      checks: [
        { id: 'home', name: 'Home <page>', kind: 'http', url: `${target.url}/` },
        { id: 'api', kind: 'http', url: `${target.url}/healthz`, conditions: ['[STATUS] == 204'] },
      ],
      channels: { a: { type: 'webhook', url: 'http://127.0.0.1:9/a' }, b: { type: 'webhook', url: 'http://127.0.0.1:9/b' } },
      escalation: { steps: [{ after: '0m', notify: ['a'] }, { after: '10m', notify: ['b'] }], repeat: '5m' },
      slos: [{ name: 'api', checks: ['api'], availability: 99.9 }],
    },
  }).monitor!;
  const store = new SqliteStore(':memory:');
  const clock = new ManualClock(T0);
  const sent: AlertMessage[] = [];
  const mon = new Monitor({ config: m, net, store, clock, random: () => 0, send: async (_n, _c, msg) => void sent.push(msg) });
  await mon.tick();
  return { m, store, clock, mon, sent };
}

async function login(app: ReturnType<typeof createDashboard>) {
  const r = await app.inject({ method: 'POST', url: '/login', payload: `token=${TOKEN}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(r.statusCode).toBe(303);
  return String(r.headers['set-cookie']).split(';')[0]!;
}

describe('dashboard (in-process)', () => {
  it('requires a login, and rejects a wrong token', async () => {
    const { m, store } = await scenario();
    const app = createDashboard({ config: m, store, token: TOKEN, now: () => T0 });
    expect((await app.inject('/')).statusCode).toBe(303);
    expect((await app.inject({ method: 'POST', url: '/login', payload: 'token=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode).toBe(401);
    expect((await app.inject('/metrics')).statusCode).toBe(401);
    expect((await app.inject('/healthz')).body).toBe('ok');
    const pub = await app.inject('/status');
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain('1 service(s) degraded');
    expect(pub.body).toContain('Home &#60;page&#62;'); // escaped
  });

  it('the public status page judges every check, not only the first page, and lists the failing ones first', async () => {
    const checks = Array.from({ length: 150 }, (_, i) => ({ id: `c${String(i).padStart(3, '0')}`, kind: 'http' as const, url: `${target.url}/` }));
    const m = config({ monitor: { checks } }).monitor!;
    const store = new SqliteStore(':memory:');
    let t = T0;
    for (const c of checks) store.recordRun({ checkId: c.id, at: T0, ok: c.id !== 'c140', durationMs: 5, conditions: [] });
    const app = createDashboard({ config: m, store, token: TOKEN, now: () => t });
    const first = await app.inject('/status');
    expect(first.body).toContain('1 service(s) degraded');
    expect(first.body).toMatch(/<table><tr><td>c140<\/td><td class="down">down/);
    expect(first.body).toContain('and 50 more service(s), none of them down');
    // Served from the last rendering for a few seconds (public and polled), then judged again.
    store.recordRun({ checkId: 'c140', at: T0 + MIN, ok: true, durationMs: 5, conditions: [] });
    t += 1_000;
    expect((await app.inject('/status')).body).toContain('1 service(s) degraded');
    t += 5_000;
    expect((await app.inject('/status')).body).toContain('All systems operational');
  });

  it('shows the down check and acknowledges only with the CSRF token', async () => {
    const { m, store } = await scenario();
    const app = createDashboard({ config: m, store, token: TOKEN, now: () => T0 });
    const cookie = await login(app);
    const home = await app.inject({ url: '/', headers: { cookie } });
    expect(home.body).toMatch(/data-check="api".*class="down">down/);
    const [inc] = store.listIncidents();
    const csrf = /name="csrf" value="([^"]+)"/.exec(home.body)![1]!;
    const form = { 'content-type': 'application/x-www-form-urlencoded', cookie };
    expect((await app.inject({ method: 'POST', url: `/incidents/${inc!.id}/ack`, payload: 'csrf=forged', headers: form })).statusCode).toBe(403);
    expect(store.getIncident(inc!.id)!.state).toBe('open');
    expect((await app.inject({ method: 'POST', url: `/incidents/${inc!.id}/ack`, payload: `csrf=${csrf}`, headers: form })).statusCode).toBe(303);
    expect(store.getIncident(inc!.id)).toMatchObject({ state: 'acknowledged', ackedBy: 'dashboard' });
  });

  it('serves Prometheus metrics to a bearer token', async () => {
    const { m, store } = await scenario();
    const app = createDashboard({ config: m, store, token: TOKEN, now: () => T0 + 1000 });
    const r = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    expect(r.body).toContain('launchready_check_up{check="api"} 0');
    expect(r.body).toContain('launchready_check_up{check="home"} 1');
    expect(r.body).toMatch(/launchready_check_duration_ms_bucket\{check="api",le="\+Inf"\} 1/);
    expect(r.body).toContain('launchready_incidents{state="open"} 1');
    for (const line of r.body.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+]+)$/);
  });

  it('acknowledges through a signed link with a confirmation step, and refuses an expired one', async () => {
    const { m, store } = await scenario();
    const app = createDashboard({ config: m, store, token: TOKEN, now: () => T0 });
    const [inc] = store.listIncidents();
    const good = signAckToken('ack-secret', inc!.id, T0 + 3_600_000);
    expect((await app.inject(`/ack/${good}`)).body).toContain(`Acknowledge incident #${inc!.id}?`);
    expect(store.getIncident(inc!.id)!.state).toBe('open'); // GET never changes state
    expect((await app.inject({ method: 'POST', url: `/ack/${good}` })).statusCode).toBe(200);
    expect(store.getIncident(inc!.id)!.state).toBe('acknowledged');
    const expired = signAckToken('ack-secret', inc!.id, T0 - 1000);
    expect((await app.inject({ method: 'POST', url: `/ack/${expired}` })).statusCode).toBe(403);
  });
});

describe('dashboard in Chromium', () => {
  it('log in, see the down check, acknowledge, and escalation stops', async () => {
    const { m, store, clock, mon, sent } = await scenario();
    const { url, app } = await startDashboard({ config: m, store, token: TOKEN, now: () => clock.now(), listen: '127.0.0.1:0' });
    const browser = await launchBrowser();
    try {
      const p = await browser.newPage();
      await p.goto(`${url}/`);
      expect(p.url()).toMatch(/\/login$/);
      await p.fill('input[name=token]', TOKEN);
      await p.click('button');
      await p.waitForURL(`${url}/`);
      expect(await p.locator('tr[data-check="api"] .down').innerText()).toBe('down');
      await p.click('tr[data-incident] button');
      await p.waitForURL(`${url}/`);
      expect(await p.locator('tr[data-incident] .ack').innerText()).toBe('acknowledged');
      for (let i = 0; i < 20; i++) {
        clock.advance(MIN);
        await mon.tick();
      }
      // No escalation after the acknowledgement (the SLO burn-rate incident of the same outage escalates on its own).
      expect(sent.filter((s) => s.checkId === 'api').map((s) => s.kind)).toEqual(['open']);
      expect(sent.filter((s) => s.checkId === 'slo:api').map((s) => s.kind)).toContain('escalation');
    } finally {
      await browser.close();
      await app.close();
    }
  });
});

/**
 * Charts: a check with 24 h of stored runs (one per 16-minute bucket, a failure in bucket 10, a gap
 * over buckets 20-24, a half-failed bucket 30, response time 100 + bucket ms) rendered as an uptime
 * bar and a sparkline; the SVG must show exactly those numbers.
 */
describe('dashboard charts', () => {
  const BUCKET = 16 * MIN;
  const NOW = T0 + 5 * MIN;
  const SINCE = T0 - 24 * 60 * MIN + BUCKET; // first of the 90 buckets; bucket 89 starts at T0
  function chartScenario() {
    const m = config({ monitor: { checks: [{ id: 'shop', name: 'Shop', kind: 'http', url: `${target.url}/` }] } }).monitor!;
    const store = new SqliteStore(':memory:');
    const fail = { conditions: [{ condition: '[STATUS] == 200', display: '[STATUS] (500) == 200', success: false }] };
    store.transaction(() => {
      for (let i = 0; i < 90; i++) {
        if (i >= 20 && i <= 24) continue;
        const at = SINCE + i * BUCKET + MIN;
        store.recordRun({ checkId: 'shop', at, ok: i !== 10, durationMs: 100 + i, conditions: [], ...(i === 10 ? fail : {}) });
        if (i === 30) store.recordRun({ checkId: 'shop', at: at + MIN, ok: false, durationMs: 300, ...fail });
      }
      // Older than the window: must not appear.
      store.recordRun({ checkId: 'shop', at: SINCE - 2 * BUCKET, ok: false, durationMs: 9999, ...fail });
    });
    return { m, store };
  }
  const expected = Array.from({ length: 90 }, (_, i) => {
    if (i >= 20 && i <= 24) return { total: 0, ok: 0, cls: 'seg-none', avg: '' };
    if (i === 10) return { total: 1, ok: 0, cls: 'seg-down', avg: String(110) };
    if (i === 30) return { total: 2, ok: 1, cls: 'seg-partial', avg: String(Math.round((130 + 300) / 2)) };
    return { total: 1, ok: 1, cls: 'seg-ok', avg: String(100 + i) };
  });
  const uptime = (90 - 5 - 1) / (85 + 1); // 84 of 86 runs up

  it('renders an uptime bar and a sparkline from the stored rollups (in-process)', async () => {
    const { m, store } = chartScenario();
    const app = createDashboard({ config: m, store, token: TOKEN, now: () => NOW });
    const home = await app.inject({ url: '/', headers: { cookie: await login(app) } });
    const bar = /<svg class="uptime" data-check="shop" data-uptime="([\d.]+)"[^>]*>(.*?)<\/svg>/.exec(home.body);
    expect(bar).not.toBeNull();
    expect(Number(bar![1])).toBeCloseTo(uptime, 4);
    const rects = [...bar![2]!.matchAll(/<rect class="([\w-]+)"[^>]*data-start="(\d+)" data-total="(\d+)" data-ok="(\d+)"/g)];
    expect(rects.map((r) => ({ total: Number(r[3]), ok: Number(r[4]), cls: r[1] }))).toEqual(expected.map(({ total, ok, cls }) => ({ total, ok, cls })));
    expect(Number(rects[0]![2])).toBe(SINCE);
    const spark = /<svg class="spark" data-check="shop" data-max-ms="(\d+)" data-values="([^"]*)"[^>]*>(.*?)<\/svg>/.exec(home.body);
    expect(spark![2]!.split(',')).toEqual(expected.map((e) => e.avg));
    expect(Number(spark![1])).toBe(215);
    // The gap splits the line in two: buckets 0-19 and 25-89.
    expect(spark![3]!.match(/<polyline /g)).toHaveLength(2);
  });

  it('draws them in Chromium: 90 segments with the stored counts and a two-part sparkline', async () => {
    const { m, store } = chartScenario();
    const { url, app } = await startDashboard({ config: m, store, token: TOKEN, now: () => NOW, listen: '127.0.0.1:0' });
    const browser = await launchBrowser();
    try {
      const p = await browser.newPage();
      await p.goto(`${url}/login`);
      await p.fill('input[name=token]', TOKEN);
      await p.click('button');
      await p.waitForURL(`${url}/`);
      const bar = p.locator('tr[data-check="shop"] svg.uptime');
      await expect(bar.getAttribute('aria-label')).resolves.toBe(`${(uptime * 100).toFixed(2)}% up in the last 24 h`);
      const segs = await bar.locator('rect').evaluateAll((els) => els.map((e) => ({ cls: e.getAttribute('class'), total: Number(e.getAttribute('data-total')), ok: Number(e.getAttribute('data-ok')), w: e.getBoundingClientRect().width, fill: getComputedStyle(e).fill })));
      expect(segs).toHaveLength(90);
      expect(segs.map(({ cls, total, ok }) => ({ cls, total, ok }))).toEqual(expected.map(({ total, ok, cls }) => ({ total, ok, cls })));
      expect(segs.every((s) => s.w > 0)).toBe(true); // laid out, not just present in the markup
      expect(segs[10]!.fill).toBe('rgb(217, 48, 37)');
      expect(segs[30]!.fill).toBe('rgb(232, 113, 10)');
      expect(segs[0]!.fill).toBe('rgb(24, 128, 56)');
      expect(segs[22]!.fill).toBe('rgb(221, 221, 221)');
      const lines = await p.locator('tr[data-check="shop"] svg.spark polyline').evaluateAll((els) => els.map((e) => (e as SVGPolylineElement).points.numberOfItems));
      expect(lines).toEqual([20, 65]);
      // Highest point (bucket 30, 215 ms) is drawn at the top of the chart: smallest y.
      const ys = await p.locator('tr[data-check="shop"] svg.spark polyline').evaluateAll((els) => els.flatMap((e) => Array.from((e as SVGPolylineElement).points, (pt) => pt.y)));
      expect(ys.indexOf(Math.min(...ys))).toBe(30 - 5);
    } finally {
      await browser.close();
      await app.close();
    }
  });
});
