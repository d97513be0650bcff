/**
 * The alert state machine end to end on loopback: a real target that goes down and comes back,
 * real webhook receivers, a SQLite store on disk, and a ManualClock (no sleeping).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AckTokenError, signAckToken, verifyAckToken } from '../../src/monitor/ack.js';
import { ManualClock } from '../../src/monitor/clock.js';
import { ackByToken, ackIncident, Monitor } from '../../src/monitor/monitor.js';
import { SqliteStore } from '../../src/monitor/sqlite.js';
import type { Net } from '../../src/net/types.js';
import { config, loopbackNet, startReceiver, startTarget, type Receiver, type Target } from './helpers.js';

const MIN = 60_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const noSleep = async () => undefined;

let target: Target;
let parentTarget: Target;
let rx: Receiver;
let net: Net;
let dir: string;

beforeAll(async () => {
  [target, parentTarget, rx] = await Promise.all([startTarget(), startTarget(), startReceiver()]);
  net = loopbackNet();
});
afterAll(async () => {
  await Promise.all([target.close(), parentTarget.close(), rx.close(), net.close()]);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lr-monitor-'));
  rx.got.length = 0;
  rx.status = 200;
  target.status = 200;
  parentTarget.status = 200;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function monitorConfig(extra: Record<string, unknown> = {}) {
  return config({
    monitor: {
      publicUrl: 'https://status.example.test',
      ackSecret: 'test-ack-secret',
      defaults: { interval: '1m', failureThreshold: 2, successThreshold: 2 },
      checks: [
        { id: 'edge', kind: 'http', url: `${parentTarget.url}/`, conditions: ['[STATUS] == 200'] },
        { id: 'api', name: 'API health', kind: 'http', url: `${target.url}/healthz`, conditions: ['[STATUS] == 200', '[BODY].status == ok'], parent: 'edge' },
      ],
      channels: {
        first: { type: 'webhook', url: `${rx.url}/first`, secret: 'hook-secret' },
        second: { type: 'slack', webhookUrl: `${rx.url}/second` },
      },
      escalation: { steps: [{ after: '0m', notify: ['first'] }, { after: '10m', notify: ['second'] }], repeat: '5m' },
      ...extra,
    },
  }).monitor!;
}

function setup(extra: Record<string, unknown> = {}, clock = new ManualClock(T0), path = join(dir, 'monitor.db')) {
  const store = new SqliteStore(path);
  const m = monitorConfig(extra);
  const mon = new Monitor({ config: m, net, store, clock, random: () => 0, sendSleep: noSleep });
  return { store, mon, clock, m };
}

/** Advance one interval and tick. */
async function step(mon: Monitor, clock: ManualClock, ms = MIN) {
  clock.advance(ms);
  await mon.tick();
}

const kinds = (path: string) => rx.on(path).map((g) => (g.json.event as string) ?? (g.json.text as string).split(']')[0]!.slice(1));

describe('alert state machine', () => {
  it('opens after the failure threshold, escalates, repeats until acknowledged, and tells everyone when resolved', async () => {
    const { store, mon, clock, m } = setup();
    await mon.tick(); // t0: healthy
    target.status = 500;
    await step(mon, clock); // failure 1
    expect(store.listIncidents()).toHaveLength(0);
    await step(mon, clock); // failure 2 -> open
    const [inc] = store.listIncidents();
    expect(inc).toMatchObject({ checkId: 'api', state: 'open', nextStep: 1 });
    expect(inc!.summary).toEqual(['[STATUS] (500) == 200']); // the body still says ok: only the status failed
    expect(inc!.context).toMatchObject({ status: 500 });
    expect(kinds('/first')).toEqual(['open']);
    const open = rx.on('/first')[0]!;
    expect(open.json.summary).toEqual(['[STATUS] (500) == 200']);
    expect(open.headers['x-launchready-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(String(open.json.ackUrl)).toMatch(/^https:\/\/status\.example\.test\/ack\/\d+\.\d+\./);
    expect(rx.on('/second')).toHaveLength(0);

    for (let i = 0; i < 9; i++) await step(mon, clock); // open + 9 min: not yet
    expect(rx.on('/second')).toHaveLength(0);
    await step(mon, clock); // open + 10 min
    expect(kinds('/second')).toEqual(['DOWN (escalated)']);
    for (let i = 0; i < 5; i++) await step(mon, clock); // +5 min: one repeat
    expect(kinds('/second')).toEqual(['DOWN (escalated)', 'STILL DOWN']);

    ackIncident(store, m, inc!.id, 'alice', clock.now());
    for (let i = 0; i < 15; i++) await step(mon, clock);
    expect(rx.on('/second')).toHaveLength(2); // escalation stopped
    expect(store.getIncident(inc!.id)).toMatchObject({ state: 'acknowledged', ackedBy: 'alice' });

    target.status = 200;
    await step(mon, clock);
    expect(store.getIncident(inc!.id)!.state).toBe('acknowledged');
    await step(mon, clock); // success 2 -> resolved
    expect(store.getIncident(inc!.id)!.state).toBe('resolved');
    expect(kinds('/first')).toEqual(['open', 'resolved']);
    expect(kinds('/second').at(-1)).toBe('RESOLVED');
    expect(store.trail(inc!.id).map((t) => `${t.channel}:${t.kind}:${t.ok}`)).toEqual([
      'first:open:true', 'second:escalation:true', 'second:repeat:true', 'first:resolved:true', 'second:resolved:true',
    ]);
    store.close();
  });

  it('suppresses a child while its parent is down, but never swallows "resolved"', async () => {
    const { store, mon, clock } = setup();
    await mon.tick();
    parentTarget.status = 503;
    target.status = 503;
    await step(mon, clock);
    await step(mon, clock);
    const open = store.listIncidents({ states: ['open'] }).map((i) => i.checkId);
    expect(open).toEqual(['edge']); // the child did not page
    expect(rx.got.map((g) => (g.json.check as { id: string }).id)).toEqual(['edge']);

    // Child incident opened while the parent was up, then the parent fails: child resolve still sent.
    parentTarget.status = 200;
    await step(mon, clock);
    await step(mon, clock);
    await step(mon, clock); // parent resolved; child fails 5 times in a row -> opens now
    expect(store.listIncidents({ states: ['open'] }).map((i) => i.checkId)).toEqual(['api']);
    parentTarget.status = 503;
    target.status = 200;
    await step(mon, clock);
    await step(mon, clock);
    const events = rx.on('/first').map((g) => `${(g.json.check as { id: string }).id}:${g.json.event as string}`);
    expect(events).toContain('api:resolved');
    store.close();
  });

  it('opens no incident inside a maintenance window', async () => {
    const { store, mon, clock } = setup({ maintenance: [{ start: new Date(T0).toISOString(), end: new Date(T0 + 30 * MIN).toISOString(), checks: ['api'] }] });
    target.status = 500;
    for (let i = 0; i < 5; i++) await step(mon, clock);
    expect(store.listIncidents()).toHaveLength(0);
    clock.t = T0 + 31 * MIN;
    await mon.tick();
    expect(store.listIncidents({ states: ['open'] })).toHaveLength(1);
    store.close();
  });

  it('keeps undeliverable notifications in the outbox and retries them with back-off', async () => {
    const { store, mon, clock } = setup();
    rx.status = 500;
    target.status = 500;
    await mon.tick();
    await step(mon, clock);
    expect(store.pendingOutbox()).toHaveLength(1);
    expect(store.pendingOutbox()[0]).toMatchObject({ channel: 'first', attempts: 1 });
    expect(rx.got).toHaveLength(0);
    rx.status = 200;
    await step(mon, clock, 10_000); // back-off is 30 s: not yet
    expect(rx.got).toHaveLength(0);
    await step(mon, clock, 25_000);
    expect(kinds('/first')).toEqual(['open']);
    expect(store.pendingOutbox()).toHaveLength(0);
    const [inc] = store.listIncidents();
    expect(store.trail(inc!.id).map((t) => t.ok)).toEqual([false, true]);
    store.close();
  });

  it('survives a restart: escalation continues on schedule and nothing is sent twice', async () => {
    const path = join(dir, 'restart.db');
    const clock = new ManualClock(T0);
    let { store, mon } = setup({}, clock, path);
    target.status = 500;
    await mon.tick();
    await step(mon, clock); // open at T0+1m
    expect(kinds('/first')).toEqual(['open']);
    store.close(); // "crash": the process goes away with an open, unacknowledged incident

    clock.advance(4 * MIN);
    ({ store, mon } = setup({}, clock, path));
    await mon.tick();
    expect(kinds('/first')).toEqual(['open']); // not re-sent
    expect(rx.on('/second')).toHaveLength(0); // step 2 is due at open + 10m
    clock.t = T0 + MIN + 10 * MIN - 1;
    await mon.tick();
    expect(rx.on('/second')).toHaveLength(0);
    clock.t = T0 + MIN + 10 * MIN;
    await mon.tick();
    expect(rx.on('/second')).toHaveLength(1);
    store.close();
  });
});

describe('acknowledge links', () => {
  const secret = 'k';
  it('accepts a valid token and acknowledges the incident', async () => {
    const { store, mon, clock, m } = setup();
    target.status = 500;
    await mon.tick();
    await step(mon, clock);
    const [inc] = store.listIncidents();
    const token = signAckToken('test-ack-secret', inc!.id, clock.now() + 3_600_000);
    expect(ackByToken(store, m, token, clock.now())).toMatchObject({ state: 'acknowledged', ackedBy: 'link' });
    store.close();
  });
  it.each([
    ['tampered id', (t: string) => t.replace(/^7\./, '8.'), /signature/],
    ['tampered signature', (t: string) => t.slice(0, -2) + (t.endsWith('AA') ? 'BB' : 'AA'), /signature/],
    ['garbage', () => 'not-a-token', /malformed/],
  ])('rejects a %s', (_n, mutate, re) => {
    const token = signAckToken(secret, 7, T0 + 1000);
    expect(() => verifyAckToken(secret, mutate(token), T0)).toThrow(re);
  });
  it('rejects an expired link', () => {
    const token = signAckToken(secret, 7, T0 + 1000);
    expect(verifyAckToken(secret, token, T0)).toBe(7);
    expect(() => verifyAckToken(secret, token, T0 + 2000)).toThrow(AckTokenError);
  });
});
