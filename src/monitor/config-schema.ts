/**
 * The `monitor` section of the config (imported by src/config/schema.ts). Kept here so the monitor's
 * many keys do not crowd the shared schema file. Durations are strings like `30s`, `10m`, `336h`.
 * Secrets (webhook URLs, tokens, SMTP passwords) should be written as `${ENV_VAR}`.
 */
import { z } from 'zod';
import { validateConditions } from './conditions.js';
import { isDuration } from './duration.js';

const duration = (what: string) =>
  z.string().refine(isDuration, { message: 'expected a duration such as 30s, 10m, 336h or 30d' }).describe(what);

const CHECK_KINDS = ['http', 'tls', 'dns', 'tcp', 'postgres', 'mysql', 'redis', 'flow'] as const;

export const monitorCheckSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/i, 'letters, digits, ".", "_" and "-"').describe('Stable id of the check (used in incidents, links and metrics)'),
    name: z.string().optional().describe('Display name (defaults to the id)'),
    kind: z.enum(CHECK_KINDS).describe('What to probe: http, tls, dns, tcp, postgres, mysql, redis or flow'),
    url: z.string().optional().describe('http: the URL; postgres/mysql/redis: the connection URL, e.g. mysql://user:${MYSQL_PASSWORD}@db:3306/app'),
    host: z.string().optional().describe('tls/tcp: host name; dns: the name to query'),
    port: z.number().int().min(1).max(65535).optional().describe('tls (default 443) / tcp port'),
    method: z.string().optional().describe('http method (default GET)'),
    headers: z.record(z.string(), z.string()).optional().describe('http request headers'),
    body: z.string().optional().describe('http request body'),
    recordType: z.enum(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'CAA']).optional().describe('dns: record type to query (default A)'),
    query: z.string().optional().describe('postgres/mysql: query to run (default SELECT 1); its first row becomes [BODY], the row count [ROWS]'),
    queue: z.string().optional().describe('redis: list key whose length is [QUEUE_DEPTH], e.g. bull:emails:wait'),
    flow: z.string().optional().describe('flow: name of a smoke flow from the config'),
    role: z.enum(['homepage', 'api-health', 'core-action', 'other']).optional().describe('What the check covers (inferred from the URL when absent; core-action for flow checks)'),
    interval: duration('Time between runs (default monitor.defaults.interval)').optional(),
    timeout: duration('Time limit of one run (default monitor.defaults.timeout)').optional(),
    jitter: duration('Random delay added to each run so checks do not fire in lockstep').optional(),
    conditions: z.array(z.string()).default([]).describe('Gatus-style conditions, e.g. "[STATUS] == 200", "[BODY].status == ok"; default: the kind\'s basic health condition'),
    parent: z.string().optional().describe('Id of a check this one depends on: while the parent is down this one does not alert'),
    failureThreshold: z.number().int().positive().optional().describe('Consecutive failures before an incident opens'),
    successThreshold: z.number().int().positive().optional().describe('Consecutive successes before it resolves'),
  })
  .describe('One monitor check');

const smtp = z
  .strictObject({
    host: z.string().describe('SMTP server'),
    port: z.number().int().min(1).max(65535).default(587).describe('SMTP port'),
    secure: z.boolean().default(false).describe('TLS from the start (port 465); otherwise STARTTLS when offered'),
    ignoreTLS: z.boolean().default(false).describe('Never upgrade with STARTTLS (only for a loopback relay)'),
    user: z.string().optional().describe('SMTP user'),
    pass: z.string().optional().describe('SMTP password; write ${SMTP_PASSWORD}'),
  })
  .describe('SMTP connection');

const apiBase = z.string().url().optional().describe('API base URL override (tests, proxies, EU endpoints)');

export const channelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('email'), smtp, from: z.string().describe('Sender address'), to: z.array(z.string()).min(1).describe('Recipients') }),
  z.strictObject({ type: z.literal('slack'), webhookUrl: z.string().url().describe('Slack incoming webhook URL; write ${SLACK_WEBHOOK_URL}') }),
  z.strictObject({
    type: z.literal('webhook'),
    url: z.string().url().describe('Receiver URL (JSON POST)'),
    secret: z.string().optional().describe('HMAC-SHA256 key; the signature is sent as X-Launchready-Signature: sha256=<hex> over "<timestamp>.<body>"'),
    headers: z.record(z.string(), z.string()).optional().describe('Extra request headers'),
  }),
  z.strictObject({ type: z.literal('pagerduty'), routingKey: z.string().describe('Events v2 integration (routing) key; write ${PAGERDUTY_ROUTING_KEY}'), apiBase }),
  z.strictObject({ type: z.literal('teams'), webhookUrl: z.string().url().describe('Microsoft Teams incoming webhook / workflow URL') }),
  z.strictObject({ type: z.literal('discord'), webhookUrl: z.string().url().describe('Discord webhook URL') }),
  z.strictObject({ type: z.literal('telegram'), botToken: z.string().describe('Bot token; write ${TELEGRAM_BOT_TOKEN}'), chatId: z.string().describe('Chat id'), apiBase }),
]);

export const escalationSchema = z
  .strictObject({
    steps: z
      .array(
        z.strictObject({
          after: duration('Time since the incident opened, e.g. 0m, 10m'),
          notify: z.array(z.string()).min(1).describe('Channel names to notify'),
        }),
      )
      .min(1)
      .describe('Ordered steps; each is sent when its time has passed and nobody acknowledged'),
    repeat: duration('Repeat the last step this often until acknowledged').optional(),
  })
  .describe('Escalation policy');

export const sloSchema = z
  .strictObject({
    name: z.string().describe('SLO name'),
    checks: z.array(z.string()).min(1).describe('Check ids the objective covers'),
    availability: z.number().gt(0).lt(100).optional().describe('Objective in percent of successful runs, e.g. 99.9'),
    latency: z
      .strictObject({ percentile: z.number().gt(0).lt(100).default(95).describe('Percentile, e.g. 95'), below: duration('Threshold, e.g. 300ms') })
      .optional()
      .describe('Latency objective, e.g. p95 below 300ms'),
    window: duration('Rolling window, e.g. 30d').default('30d'),
  })
  .describe('A service level objective');

export const monitorSchema = z
  .strictObject({
    store: z.string().default('.launchready/monitor.db').describe('SQLite file of results, incidents and the notification outbox (relative to the config), or a postgres:// URL (optional ?schema=name) shared by several instances; write ${MONITOR_DATABASE_URL}'),
    standbyPoll: duration('PostgreSQL store: how often a standby instance tries to become leader (bounds the takeover time after the leader dies)').default('5s'),
    shareChecks: z.boolean().default(true).describe('PostgreSQL store: every live instance runs a share of the checks (rendezvous hashing over the instances heartbeating in the store); false: the leader runs them all'),
    instanceLease: duration('PostgreSQL store with shareChecks: an instance whose heartbeat is older than this loses its share of the checks to the others').default('10s'),
    publicUrl: z.string().url().optional().describe('Base URL of the dashboard as reachable by responders; enables signed acknowledge links in alerts'),
    ackSecret: z.string().optional().describe('HMAC key for acknowledge links; write ${MONITOR_ACK_SECRET} (default: a random key kept in the store)'),
    defaults: z
      .strictObject({
        interval: duration('Default time between runs').default('60s'),
        timeout: duration('Default time limit of one run').default('10s'),
        jitter: duration('Default random delay added to each run').default('0s'),
        failureThreshold: z.number().int().positive().default(2).describe('Consecutive failures before an incident opens'),
        successThreshold: z.number().int().positive().default(2).describe('Consecutive successes before it resolves'),
      })
      .prefault({})
      .describe('Defaults for every check'),
    checks: z.array(monitorCheckSchema).default([]).describe('Uptime checks'),
    channels: z.record(z.string(), channelSchema).default({}).describe('Alert channels by name'),
    escalation: escalationSchema.optional(),
    maintenance: z
      .array(z.strictObject({ start: z.string().describe('ISO 8601 start'), end: z.string().describe('ISO 8601 end'), checks: z.array(z.string()).optional().describe('Affected check ids (default all)') }))
      .default([])
      .describe('Maintenance windows: no new incidents open inside them'),
    slos: z.array(sloSchema).default([]).describe('Service level objectives'),
    dashboard: z
      .strictObject({
        listen: z.string().default('127.0.0.1:7070').describe('host:port of the dashboard'),
        token: z.string().optional().describe('Login token; write ${MONITOR_DASHBOARD_TOKEN}'),
      })
      .optional()
      .describe('Web dashboard'),
    errorTracking: z
      .strictObject({
        sentryDsn: z.string().optional().describe('Sentry-compatible DSN; write ${SENTRY_DSN}'),
        otelEndpoint: z.string().optional().describe('OpenTelemetry OTLP exporter endpoint'),
      })
      .optional()
      .describe('Error tracking the backend reports to'),
    retention: z
      .strictObject({
        rawDays: z.number().int().positive().default(7).describe('Days of raw results kept'),
        minuteDays: z.number().int().positive().default(2).describe('Days of per-minute rollups kept'),
        hourDays: z.number().int().positive().default(90).describe('Days of per-hour rollups kept'),
        dayDays: z.number().int().positive().default(800).describe('Days of per-day rollups kept'),
      })
      .prefault({})
      .describe('How long results are kept'),
    verifyChannels: z.boolean().default(false).describe('During `audit`, send a test notification to every channel (monitor/channel-unreachable)'),
  })
  .superRefine((m, ctx) => {
    // Cross-field checks, every problem at once, each with its path (STYLE.md 8).
    const ids = new Set<string>();
    m.checks.forEach((c, i) => {
      const at = (k: string) => ['checks', i, k];
      if (ids.has(c.id)) ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicate check id "${c.id}"` });
      ids.add(c.id);
      const needs = c.kind === 'http' || c.kind === 'postgres' || c.kind === 'mysql' || c.kind === 'redis' ? 'url' : c.kind === 'flow' ? 'flow' : 'host';
      if (!c[needs]) ctx.addIssue({ code: 'custom', path: at(needs), message: `a ${c.kind} check needs ${needs}` });
      if (c.kind === 'tcp' && !c.port) ctx.addIssue({ code: 'custom', path: at('port'), message: 'a tcp check needs port' });
      for (const err of validateConditions(c.conditions, c.kind)) ctx.addIssue({ code: 'custom', path: at('conditions'), message: err });
    });
    m.checks.forEach((c, i) => {
      if (c.parent && !ids.has(c.parent)) ctx.addIssue({ code: 'custom', path: ['checks', i, 'parent'], message: `unknown parent check "${c.parent}"` });
    });
    m.escalation?.steps.forEach((s, i) =>
      s.notify.forEach((n, j) => {
        if (!(n in m.channels)) ctx.addIssue({ code: 'custom', path: ['escalation', 'steps', i, 'notify', j], message: `unknown channel "${n}"; defined: ${Object.keys(m.channels).join(', ') || 'none'}` });
      }),
    );
    m.slos.forEach((s, i) => {
      if (s.availability === undefined && !s.latency) ctx.addIssue({ code: 'custom', path: ['slos', i], message: 'an SLO needs availability or latency' });
      s.checks.forEach((c, j) => {
        if (!ids.has(c)) ctx.addIssue({ code: 'custom', path: ['slos', i, 'checks', j], message: `unknown check "${c}"` });
      });
    });
    m.maintenance.forEach((w, i) => {
      if (Number.isNaN(Date.parse(w.start)) || Number.isNaN(Date.parse(w.end)) || Date.parse(w.end) <= Date.parse(w.start)) {
        ctx.addIssue({ code: 'custom', path: ['maintenance', i], message: 'start and end must be ISO 8601 times with end after start' });
      }
    });
  })
  .describe('Uptime monitor, alerting and escalation');

export type MonitorConfig = z.output<typeof monitorSchema>;
export type MonitorCheckConfig = z.output<typeof monitorCheckSchema>;
export type ChannelConfig = z.output<typeof channelSchema>;
export type EscalationConfig = z.output<typeof escalationSchema>;
