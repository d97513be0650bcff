/**
 * Notifiers: pure payloads against golden files (test/monitor/golden/, regenerate on purpose with
 * `npx vitest run test/monitor/notifiers.test.ts -u`), and real sends to loopback receivers,
 * including email through nodemailer to a real smtp-server.
 */
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelSchema, type ChannelConfig } from '../../src/monitor/config-schema.js';
import { testAlert } from '../../src/monitor/monitor.js';
import { buildPayload, NotifyError, sendNotification } from '../../src/monitor/notifiers/index.js';
import type { AlertMessage } from '../../src/monitor/types.js';
import type { Net } from '../../src/net/types.js';
import { config, loopbackNet, startReceiver, type Receiver } from './helpers.js';

const msg: AlertMessage = {
  kind: 'open',
  incidentId: 12,
  checkId: 'api',
  checkName: 'API health',
  target: 'https://api.example.com/healthz',
  summary: ['[STATUS] (503) == 200'],
  startedAt: '2026-06-01T10:00:00.000Z',
  at: '2026-06-01T10:00:00.000Z',
  ackUrl: 'https://status.example.com/ack/12.1780394400.sig',
  context: { status: 503, bodyExcerpt: '{"error":"db down"}' },
};
const resolved: AlertMessage = { ...msg, kind: 'resolved', summary: [], at: '2026-06-01T10:20:00.000Z', ackUrl: undefined, context: undefined };

const CHANNELS: Record<string, (base: string) => ChannelConfig> = {
  slack: (b) => channelSchema.parse({ type: 'slack', webhookUrl: `${b}/slack` }),
  webhook: (b) => channelSchema.parse({ type: 'webhook', url: `${b}/hook`, secret: 'whsec-test' }),
  pagerduty: (b) => channelSchema.parse({ type: 'pagerduty', routingKey: 'R0UTINGKEY', apiBase: `${b}/pd` }),
  teams: (b) => channelSchema.parse({ type: 'teams', webhookUrl: `${b}/teams` }),
  discord: (b) => channelSchema.parse({ type: 'discord', webhookUrl: `${b}/discord` }),
  telegram: (b) => channelSchema.parse({ type: 'telegram', botToken: '123:SECRET', chatId: '-100', apiBase: `${b}/tg` }),
};

let rx: Receiver;
let net: Net;
let smtp: SMTPServer;
let smtpPort: number;
const mails: { from: string; to: string[]; data: string }[] = [];

beforeAll(async () => {
  rx = await startReceiver();
  net = loopbackNet();
  // DEPENDENCIES.md note 9: smtp-server's built-in certificate is expired, so STARTTLS is disabled.
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await Promise.all([rx.close(), net.close(), new Promise<void>((r) => smtp.close(() => r()))]);
});

describe('buildPayload (golden)', () => {
  it.each(Object.keys(CHANNELS))('%s', async (type) => {
    const ch = CHANNELS[type]!('https://hooks.example.com');
    const out = { open: buildPayload(ch, msg), resolved: buildPayload(ch, resolved) };
    const pretty = JSON.stringify(out, (k, v: unknown) => (k === 'body' && typeof v === 'string' ? JSON.parse(v) : v), 2);
    await expect(pretty + '\n').toMatchFileSnapshot(`golden/${type}.json`);
  });

  it('email', async () => {
    const ch = channelSchema.parse({ type: 'email', smtp: { host: 'smtp.example.com' }, from: 'alerts@example.com', to: ['oncall@example.com'] });
    await expect(JSON.stringify(buildPayload(ch, msg), null, 2) + '\n').toMatchFileSnapshot('golden/email.json');
  });

  it('signs webhooks with HMAC-SHA256 over "<timestamp>.<body>"', () => {
    const p = buildPayload(CHANNELS.webhook!('https://h.example.com'), msg);
    if (p.transport !== 'http') throw new Error('expected http');
    const ts = p.headers['x-launchready-timestamp']!;
    expect(p.headers['x-launchready-signature']).toBe(`sha256=${createHmac('sha256', 'whsec-test').update(`${ts}.${p.body}`).digest('hex')}`);
  });

  it('pairs PagerDuty trigger and resolve by dedup key', () => {
    const pd = CHANNELS.pagerduty!('https://h.example.com');
    const a = buildPayload(pd, msg);
    const b = buildPayload(pd, resolved);
    if (a.transport !== 'http' || b.transport !== 'http') throw new Error('expected http');
    expect(JSON.parse(a.body)).toMatchObject({ event_action: 'trigger', dedup_key: 'launchready-api-12' });
    expect(JSON.parse(b.body)).toMatchObject({ event_action: 'resolve', dedup_key: 'launchready-api-12' });
  });
});

describe('sendNotification to loopback receivers', () => {
  it.each(Object.keys(CHANNELS))('%s is received', async (type) => {
    const ch = CHANNELS[type]!(rx.url);
    const before = rx.got.length;
    await sendNotification(type, ch, msg, { http: net.http, sleep: async () => undefined });
    expect(rx.got.length).toBe(before + 1);
    const got = rx.got.at(-1)!;
    const p = buildPayload(ch, msg);
    if (p.transport !== 'http') throw new Error('expected http');
    expect(got.body).toBe(p.body);
    expect(got.path).toBe(new URL(p.url).pathname);
  });

  it('email arrives at a real SMTP server', async () => {
    const ch = channelSchema.parse({ type: 'email', smtp: { host: '127.0.0.1', port: smtpPort, ignoreTLS: true }, from: 'alerts@example.test', to: ['oncall@example.test'] });
    await sendNotification('email', ch, msg, { http: net.http });
    const m = mails.at(-1)!;
    expect(m.to).toEqual(['oncall@example.test']);
    expect(m.data).toContain('Subject: [DOWN] API health is failing (incident #12)');
    expect(m.data).toContain('[STATUS] (503) == 200');
  });

  it('retries a 503 then succeeds; gives up at once on a 404; never leaks the Telegram token', async () => {
    const sleeps: number[] = [];
    rx.status = 503;
    const ch = CHANNELS.slack!(rx.url);
    const p = sendNotification('slack', ch, msg, { http: net.http, attempts: 3, sleep: async (ms) => { sleeps.push(ms); if (sleeps.length === 2) rx.status = 200; } });
    await p;
    expect(sleeps).toEqual([500, 2000]);
    rx.status = 404;
    const tg = CHANNELS.telegram!(rx.url);
    const err = await sendNotification('tg', tg, msg, { http: net.http, sleep: async () => { throw new Error('must not retry a 404'); } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect((err as NotifyError).message).toMatch(/HTTP 404/);
    expect((err as NotifyError).message).not.toContain('SECRET');
    rx.status = 200;
  });

  it('testAlert sends a test message and fails clearly for an unreachable channel', async () => {
    const cfg = config({ monitor: { channels: { ok: { type: 'discord', webhookUrl: `${rx.url}/discord-test` }, down: { type: 'slack', webhookUrl: 'http://127.0.0.1:1/x' } } } });
    await testAlert(cfg, 'ok', net, { now: Date.parse('2026-06-01T00:00:00Z'), sleep: async () => undefined });
    expect(rx.on('/discord-test')[0]!.json.content).toBe('[TEST] launchready test notification');
    await expect(testAlert(cfg, 'down', net, { sleep: async () => undefined })).rejects.toThrow(/channel down: http:\/\/127\.0\.0\.1:1\/…: CONNECT/);
    await expect(testAlert(cfg, 'nope', net)).rejects.toThrow(/unknown channel "nope"; defined: ok, down/);
  });
});
