/**
 * Notifiers: one pure `buildPayload(channel, message)` per channel type (golden-tested) and one
 * `sendNotification` that sends it with a few quick retries. Long outages are covered by the
 * outbox (alerter.ts), which retries with back-off and never drops a message.
 */
import { createHmac } from 'node:crypto';
import type { HttpClient } from '../../net/types.js';
import type { ChannelConfig } from '../config-schema.js';
import type { AlertMessage } from '../types.js';
import { lines, plainText, title } from './text.js';

/** An HTTP POST to a chat/paging API. */
export interface HttpPayload {
  transport: 'http';
  url: string;
  headers: Record<string, string>;
  body: string;
}
/** A mail for nodemailer. */
export interface MailPayload {
  transport: 'smtp';
  from: string;
  to: string[];
  subject: string;
  text: string;
}
export type Payload = HttpPayload | MailPayload;

const JSON_HEADERS = { 'content-type': 'application/json' };
/** Colours by kind: red, orange, green, grey (Discord wants an integer, Slack/Teams a hex). */
const COLOR = { down: 0xd93025, escalated: 0xe8710a, resolved: 0x188038, test: 0x5f6368 };
function color(m: AlertMessage): number {
  return m.kind === 'resolved' ? COLOR.resolved : m.kind === 'test' ? COLOR.test : m.kind === 'open' ? COLOR.down : COLOR.escalated;
}
const hex = (n: number) => `#${n.toString(16).padStart(6, '0')}`;

/** Webhook signature over `<timestamp>.<body>` (timestamp in unix seconds), as Stripe and Slack do. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function buildPayload(ch: ChannelConfig, m: AlertMessage): Payload {
  switch (ch.type) {
    case 'email':
      return { transport: 'smtp', from: ch.from, to: ch.to, subject: title(m), text: plainText(m) };
    case 'slack':
      return {
        transport: 'http',
        url: ch.webhookUrl,
        headers: JSON_HEADERS,
        body: JSON.stringify({
          text: title(m),
          attachments: [{ color: hex(color(m)), text: lines(m).join('\n'), ...(m.ackUrl && m.kind !== 'resolved' && m.kind !== 'test' ? { actions: [{ type: 'button', text: 'Acknowledge', url: m.ackUrl }] } : {}) }],
        }),
      };
    case 'webhook': {
      const body = JSON.stringify({ event: m.kind, incident: m.incidentId, check: { id: m.checkId, name: m.checkName, target: m.target }, summary: m.summary, startedAt: m.startedAt, at: m.at, ackUrl: m.ackUrl ?? null, context: m.context ?? null });
      const ts = Math.floor(Date.parse(m.at) / 1000);
      const headers: Record<string, string> = { ...JSON_HEADERS, ...ch.headers, 'x-launchready-event': m.kind };
      if (ch.secret) {
        headers['x-launchready-timestamp'] = String(ts);
        headers['x-launchready-signature'] = signWebhook(ch.secret, ts, body);
      }
      return { transport: 'http', url: ch.url, headers, body };
    }
    case 'pagerduty': {
      // Events API v2: one dedup key per incident so trigger/resolve pair up in PagerDuty.
      const action = m.kind === 'resolved' ? 'resolve' : 'trigger';
      const dedup = m.incidentId !== null ? `launchready-${m.checkId}-${m.incidentId}` : `launchready-test-${m.at}`;
      const body: Record<string, unknown> = { routing_key: ch.routingKey, event_action: action, dedup_key: dedup };
      if (action === 'trigger') {
        body.payload = { summary: title(m), source: m.target, severity: m.kind === 'test' ? 'info' : 'critical', timestamp: m.at, component: m.checkId, custom_details: { failed: m.summary, context: m.context ?? null } };
        if (m.ackUrl) body.links = [{ href: m.ackUrl, text: 'Acknowledge in launchready' }];
      }
      return { transport: 'http', url: `${(ch.apiBase ?? 'https://events.pagerduty.com').replace(/\/$/, '')}/v2/enqueue`, headers: JSON_HEADERS, body: JSON.stringify(body) };
    }
    case 'teams':
      return {
        transport: 'http',
        url: ch.webhookUrl,
        headers: JSON_HEADERS,
        body: JSON.stringify({
          type: 'message',
          attachments: [
            {
              contentType: 'application/vnd.microsoft.card.adaptive',
              content: {
                $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
                type: 'AdaptiveCard',
                version: '1.4',
                body: [{ type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: title(m), wrap: true }, ...lines(m).map((t) => ({ type: 'TextBlock', text: t, wrap: true }))],
                ...(m.ackUrl && m.kind !== 'resolved' && m.kind !== 'test' ? { actions: [{ type: 'Action.OpenUrl', title: 'Acknowledge', url: m.ackUrl }] } : {}),
              },
            },
          ],
        }),
      };
    case 'discord':
      return {
        transport: 'http',
        url: ch.webhookUrl,
        headers: JSON_HEADERS,
        // allowed_mentions: none, so a check name like "@everyone" cannot ping a whole server.
        body: JSON.stringify({ content: title(m), embeds: [{ title: title(m), description: lines(m).join('\n').slice(0, 4000), color: color(m) }], allowed_mentions: { parse: [] } }),
      };
    case 'telegram':
      return {
        transport: 'http',
        url: `${(ch.apiBase ?? 'https://api.telegram.org').replace(/\/$/, '')}/bot${ch.botToken}/sendMessage`,
        headers: JSON_HEADERS,
        body: JSON.stringify({ chat_id: ch.chatId, text: plainText(m).slice(0, 4096), disable_web_page_preview: true }),
      };
    default: {
      const never: never = ch;
      throw new Error(`unhandled channel type ${JSON.stringify(never)}`);
    }
  }
}

export class NotifyError extends Error {
  override name = 'NotifyError';
  constructor(readonly channel: string, message: string, readonly retryable: boolean) {
    super(`channel ${channel}: ${message}`);
  }
}

export interface SendDeps {
  http: HttpClient;
  /** Waits between quick retries; injected so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Quick attempts per send (default 3). */
  attempts?: number;
  timeoutMs?: number;
}

/** URL without secrets for messages: Telegram puts the token in the path, webhooks in the path too. */
function safeUrl(u: string): string {
  try {
    const x = new URL(u);
    return `${x.protocol}//${x.host}/…`;
  } catch {
    return '<url>';
  }
}

async function sendMail(ch: Extract<ChannelConfig, { type: 'email' }>, p: MailPayload, timeoutMs: number): Promise<void> {
  const { default: nodemailer } = await import('nodemailer');
  const t = nodemailer.createTransport({
    host: ch.smtp.host,
    port: ch.smtp.port,
    secure: ch.smtp.secure,
    ignoreTLS: ch.smtp.ignoreTLS,
    auth: ch.smtp.user ? { user: ch.smtp.user, pass: ch.smtp.pass ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await t.sendMail({ from: p.from, to: p.to, subject: p.subject, text: p.text });
  } finally {
    t.close();
  }
}

async function sendOnce(name: string, ch: ChannelConfig, p: Payload, deps: SendDeps): Promise<void> {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  if (p.transport === 'smtp') {
    if (ch.type !== 'email') throw new Error('smtp payload for a non-email channel');
    try {
      await sendMail(ch, p, timeoutMs);
    } catch (e) {
      const err = e as { code?: string; responseCode?: number; message: string };
      // 5xx SMTP replies are permanent (bad recipient, relay denied); connection errors are not.
      throw new NotifyError(name, `smtp ${ch.smtp.host}:${ch.smtp.port}: ${err.code ?? ''} ${err.message}`.trim(), !(err.responseCode && err.responseCode >= 500));
    }
    return;
  }
  const x = await deps.http.request({ url: p.url, method: 'POST', headers: p.headers, body: p.body, timeoutMs, maxBodyBytes: 16 * 1024 });
  if (x.error) throw new NotifyError(name, `${safeUrl(p.url)}: ${x.error.code}`, true);
  if (x.status >= 200 && x.status < 300) return;
  // 429 and 5xx are worth retrying; other 4xx mean the payload or URL is wrong.
  throw new NotifyError(name, `${safeUrl(p.url)} answered HTTP ${x.status}`, x.status === 429 || x.status >= 500);
}

/** Send with quick retries (0.5 s, 2 s); throws NotifyError after the last attempt. */
export async function sendNotification(name: string, ch: ChannelConfig, m: AlertMessage, deps: SendDeps): Promise<void> {
  const p = buildPayload(ch, m);
  const attempts = deps.attempts ?? 3;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: NotifyError | null = null;
  for (let i = 0; i < attempts; i++) {
    try {
      await sendOnce(name, ch, p, deps);
      return;
    } catch (e) {
      last = e instanceof NotifyError ? e : new NotifyError(name, (e as Error).message, true);
      if (!last.retryable || i === attempts - 1) break;
      await sleep(500 * 4 ** i);
    }
  }
  throw last!;
}

/** The message `launchready monitor test-alert <channel>` sends. */
export function testMessage(now: number): AlertMessage {
  const at = new Date(now).toISOString();
  return { kind: 'test', incidentId: null, checkId: 'test', checkName: 'launchready', target: 'test-alert', summary: [], startedAt: at, at };
}
