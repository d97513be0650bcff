/**
 * The monitor dashboard (fastify, server-rendered HTML, no client build): status of every check
 * (paginated), open incidents with acknowledge buttons, SLOs and error budgets, the notification
 * trail; a public read-only status page at /status; /metrics (Prometheus text format) and /healthz.
 *
 * Auth: everything but /status, /healthz and /ack/<signed token> needs a login with the dashboard
 * token (session cookie, HttpOnly, SameSite=Strict) or `Authorization: Bearer <token>` (/metrics
 * for Prometheus). State changes are POSTs carrying a per-session CSRF token.
 * Tests call `app.inject()` in-process; `startDashboard` listens on monitor.dashboard.listen.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AckTokenError, ackSecretOf, verifyAckToken } from './ack.js';
import { checkTarget } from './checks.js';
import type { MonitorConfig } from './config-schema.js';
import { Alerter } from './alerter.js';
import { evaluateSlo } from './slo.js';
import { bucketSeries, CHART_BUCKET_MS, CHART_WINDOW_MS, renderSparkline, renderUptimeBar } from './charts.js';
import type { MonitorStore } from './store.js';

/** Checks per page: 10,000 checks stay fast because a page renders 100 rows. */
const PAGE_SIZE = 100;
/** How long the public /status page is served from its last rendering. */
const STATUS_TTL_MS = 5_000;
/** Latency histogram bucket bounds for /metrics, in ms. */
const BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10000];
const SESSION_TTL_MS = 12 * 3_600_000;

export interface DashboardOptions {
  config: MonitorConfig;
  store: MonitorStore;
  /** Login token (monitor.dashboard.token); required. */
  token: string;
  now?: () => number;
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action 'self'">
<title>${esc(title)}</title><style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}
td,th{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left}.up{color:#188038}.down{color:#d93025}.ack{color:#e8710a}
svg.uptime,svg.spark{vertical-align:middle}</style>
</head><body>${body}</body></html>`;
}

function parseCookies(h: string | undefined): Record<string, string> {
  // Two cookies and no signing need: hand-parsed rather than adding @fastify/cookie.
  const out: Record<string, string> = {};
  for (const part of (h ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Prometheus text exposition format 0.0.4. */
export function renderMetrics(store: MonitorStore, now: number): string {
  const out: string[] = [];
  const label = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  out.push('# HELP launchready_check_up 1 when the last run of the check passed, 0 when it failed.', '# TYPE launchready_check_up gauge');
  const latest = store.latestRuns();
  for (const r of latest) out.push(`launchready_check_up{check="${label(r.checkId)}"} ${r.ok ? 1 : 0}`);
  out.push('# HELP launchready_check_last_run_timestamp_seconds Time of the last run.', '# TYPE launchready_check_last_run_timestamp_seconds gauge');
  for (const r of latest) out.push(`launchready_check_last_run_timestamp_seconds{check="${label(r.checkId)}"} ${Math.floor(r.at / 1000)}`);
  out.push('# HELP launchready_check_response_time_ms Response time of the last run.', '# TYPE launchready_check_response_time_ms gauge');
  for (const r of latest) out.push(`launchready_check_response_time_ms{check="${label(r.checkId)}"} ${r.durationMs}`);
  const unresolved = new Set(store.listIncidents({ states: ['open', 'acknowledged'], limit: 100_000 }).map((i) => i.checkId));
  out.push('# HELP launchready_check_incident_open 1 while the check has an open or acknowledged incident.', '# TYPE launchready_check_incident_open gauge');
  const withState = [...new Set([...latest.map((r) => r.checkId), ...unresolved])].sort();
  for (const id of withState) out.push(`launchready_check_incident_open{check="${label(id)}"} ${unresolved.has(id) ? 1 : 0}`);
  out.push('# HELP launchready_check_runs_total Runs of the check by result (kept as long as the day rollups, retention.dayDays).', '# TYPE launchready_check_runs_total counter');
  for (const c of store.runCounts()) {
    const l = label(c.checkId);
    out.push(`launchready_check_runs_total{check="${l}",result="up"} ${c.ok}`, `launchready_check_runs_total{check="${l}",result="down"} ${c.total - c.ok}`);
  }
  out.push('# HELP launchready_check_duration_ms Response time of runs in the last hour.', '# TYPE launchready_check_duration_ms histogram');
  for (const h of store.latencyHistogram(now - 3_600_000, BUCKETS_MS)) {
    const l = label(h.checkId);
    BUCKETS_MS.forEach((b, i) => out.push(`launchready_check_duration_ms_bucket{check="${l}",le="${b}"} ${h.buckets[i]}`));
    out.push(`launchready_check_duration_ms_bucket{check="${l}",le="+Inf"} ${h.count}`, `launchready_check_duration_ms_sum{check="${l}"} ${h.sumMs}`, `launchready_check_duration_ms_count{check="${l}"} ${h.count}`);
  }
  out.push('# HELP launchready_incidents Incidents by state (last 1000).', '# TYPE launchready_incidents gauge');
  const incidents = store.listIncidents({ limit: 1000 });
  for (const s of ['open', 'acknowledged', 'resolved'] as const) out.push(`launchready_incidents{state="${s}"} ${incidents.filter((i) => i.state === s).length}`);
  out.push('# HELP launchready_outbox_pending Notifications waiting for delivery.', '# TYPE launchready_outbox_pending gauge', `launchready_outbox_pending ${store.pendingOutbox().length}`);
  return out.join('\n') + '\n';
}

export function createDashboard(o: DashboardOptions): FastifyInstance {
  const now = o.now ?? Date.now;
  const app = Fastify({ logger: false });
  const sessions = new Map<string, { csrf: string; expires: number }>();
  const ackSecret = ackSecretOf(o.config.ackSecret, o.store);
  const alerter = new Alerter({ store: o.store, config: o.config, send: async () => undefined, ackSecret });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-frame-options', 'DENY').header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
  });

  const session = (req: FastifyRequest) => {
    const sid = parseCookies(req.headers.cookie).lr_session;
    const s = sid ? sessions.get(sid) : undefined;
    return s && s.expires > now() ? s : null;
  };
  const bearer = (req: FastifyRequest) => {
    const h = req.headers.authorization;
    return !!h && h.startsWith('Bearer ') && sameSecret(h.slice(7), o.token);
  };
  const requireLogin = (req: FastifyRequest, reply: FastifyReply) => {
    if (session(req) || bearer(req)) return true;
    void reply.code(303).header('location', '/login').send();
    return false;
  };

  app.get('/healthz', async () => 'ok');

  app.get('/login', async (_req, reply) => reply.type('text/html').send(page('Log in', `<h1>launchready monitor</h1><form method="post" action="/login"><label>Token <input name="token" type="password" autofocus></label> <button>Log in</button></form>`)));
  app.post('/login', async (req, reply) => {
    const token = (req.body as Record<string, string> | undefined)?.token ?? '';
    if (!sameSecret(token, o.token)) return reply.code(401).type('text/html').send(page('Log in', '<h1>Wrong token</h1><a href="/login">Try again</a>'));
    const sid = randomBytes(24).toString('base64url');
    sessions.set(sid, { csrf: randomBytes(24).toString('base64url'), expires: now() + SESSION_TTL_MS });
    return reply.code(303).header('set-cookie', `lr_session=${sid}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}`).header('location', '/').send();
  });

  app.get('/metrics', async (req, reply) => {
    if (!bearer(req) && !session(req)) return reply.code(401).send('unauthorized');
    return reply.type('text/plain; version=0.0.4').send(renderMetrics(o.store, now()));
  });

  const statusRows = (pageNo: number) => {
    const checks = o.config.checks.slice(pageNo * PAGE_SIZE, (pageNo + 1) * PAGE_SIZE);
    // Only the page's checks: one index seek each, however many checks there are.
    const latest = new Map(o.store.latestRuns(checks.map((c) => c.id)).map((r) => [r.checkId, r]));
    const open = new Map(o.store.listIncidents({ states: ['open', 'acknowledged'] }).map((i) => [i.checkId, i]));
    return { total: o.config.checks.length, rows: checks.map((c) => ({ c, last: latest.get(c.id), inc: open.get(c.id) })) };
  };

  /**
   * The public status page judges every check, not just a first page: the latest run of each
   * (one index seek per check), cached for STATUS_TTL_MS since the page is public and may be
   * polled. It lists every failing check first, then up to a page of the others.
   */
  let statusCache: { at: number; html: string } | null = null;
  app.get('/status', async (_req, reply) => {
    const t = now();
    if (!statusCache || t - statusCache.at >= STATUS_TTL_MS || t < statusCache.at) {
      const latest = new Map(o.store.latestRuns().map((r) => [r.checkId, r]));
      const all = o.config.checks.map((c) => ({ c, last: latest.get(c.id) }));
      const down = all.filter((r) => r.last && !r.last.ok);
      const rest = all.filter((r) => !(r.last && !r.last.ok));
      const shown = [...down, ...rest.slice(0, Math.max(0, PAGE_SIZE - down.length))];
      const more = all.length - shown.length;
      const row = (r: (typeof all)[number]) => `<tr><td>${esc(r.c.name ?? r.c.id)}</td><td class="${r.last?.ok === false ? 'down' : 'up'}">${r.last ? (r.last.ok ? 'up' : 'down') : 'pending'}</td></tr>`;
      const html = page('Status', `<h1>${down.length ? `${down.length} service(s) degraded` : 'All systems operational'}</h1><table>${shown.map(row).join('')}</table>${more > 0 ? `<p>and ${more} more service(s), none of them down</p>` : ''}`);
      statusCache = { at: t, html };
    }
    return reply.type('text/html').send(statusCache.html);
  });

  app.get('/', async (req, reply) => {
    if (!requireLogin(req, reply)) return;
    const csrf = session(req)?.csrf ?? '';
    const pageNo = Math.max(0, Number((req.query as Record<string, string>).page ?? 0) || 0);
    const { total, rows } = statusRows(pageNo);
    const incidents = o.store.listIncidents({ states: ['open', 'acknowledged'], limit: 100 });
    const t = now();
    // One query for the page's charts: minute rollups of its (at most 100) checks summed into 90 buckets.
    const since = Math.floor((t - CHART_WINDOW_MS) / CHART_BUCKET_MS + 1) * CHART_BUCKET_MS;
    const series = new Map<string, ReturnType<typeof o.store.series>>();
    for (const r of o.store.series(rows.map((x) => x.c.id), since, CHART_BUCKET_MS)) {
      if (!series.has(r.checkId)) series.set(r.checkId, []);
      series.get(r.checkId)!.push(r);
    }
    const charts = (id: string) => {
      const b = bucketSeries(series.get(id) ?? [], since);
      return { bar: renderUptimeBar(id, b), spark: renderSparkline(id, b) };
    };
    const slos = o.config.slos.flatMap((s) => evaluateSlo(o.store, s, t));
    const body = `<h1>launchready monitor</h1>
<h2>Open incidents (${incidents.length})</h2>
<table><tr><th>#</th><th>check</th><th>state</th><th>since</th><th>what failed</th><th></th></tr>
${incidents.map((i) => `<tr data-incident="${i.id}"><td>${i.id}</td><td>${esc(i.checkId)}</td><td class="${i.state === 'open' ? 'down' : 'ack'}">${i.state}</td><td>${new Date(i.openedAt).toISOString()}</td><td>${esc(i.summary.join('; '))}</td><td>${i.state === 'open' ? `<form method="post" action="/incidents/${i.id}/ack"><input type="hidden" name="csrf" value="${esc(csrf)}"><button>Acknowledge</button></form>` : esc(`by ${i.ackedBy ?? '?'}`)}</td></tr>`).join('')}
</table>
<h2>Checks (${total})</h2>
<table><tr><th>check</th><th>target</th><th>status</th><th>last</th><th>response</th><th>response time, 24 h</th><th>uptime, 24 h</th></tr>
${rows.map((r) => {
  const ch = charts(r.c.id);
  return `<tr data-check="${esc(r.c.id)}"><td>${esc(r.c.name ?? r.c.id)}</td><td>${esc(checkTarget(r.c))}</td><td class="${r.last?.ok === false ? 'down' : 'up'}">${r.last ? (r.last.ok ? 'up' : 'down') : 'pending'}</td><td>${r.last ? new Date(r.last.at).toISOString() : ''}</td><td>${r.last ? `${r.last.durationMs} ms` : ''}</td><td>${ch.spark}</td><td>${ch.bar}</td></tr>`;
}).join('')}
</table>
${total > (pageNo + 1) * PAGE_SIZE ? `<a href="/?page=${pageNo + 1}">next page</a>` : ''} ${pageNo > 0 ? `<a href="/?page=${pageNo - 1}">previous page</a>` : ''}
<h2>SLOs</h2>
<table><tr><th>SLO</th><th>kind</th><th>objective</th><th>compliance</th><th>error budget left</th><th>burning</th></tr>
${slos.map((s) => `<tr><td>${esc(s.name)}</td><td>${s.kind}</td><td>${(s.objective * 100).toFixed(2)}%</td><td>${s.window.compliance === null ? 'no data' : `${(s.window.compliance * 100).toFixed(3)}%`}</td><td>${s.budgetRemaining === null ? '' : `${(s.budgetRemaining * 100).toFixed(1)}%`}</td><td class="${s.firing ? 'down' : 'up'}">${s.firing ? 'yes' : 'no'}</td></tr>`).join('')}
</table>
<h2>Notifications</h2>
<table>${o.store.trail(null, 30).map((e) => `<tr><td>${new Date(e.at).toISOString()}</td><td>#${e.incidentId ?? '-'}</td><td>${esc(e.channel)}</td><td>${e.kind}</td><td class="${e.ok ? 'up' : 'down'}">${e.ok ? 'sent' : esc(`failed: ${e.error ?? ''}`)}</td></tr>`).join('')}</table>`;
    return reply.type('text/html').send(page('launchready monitor', body));
  });

  app.post('/incidents/:id/ack', async (req, reply) => {
    const s = session(req);
    if (!s) return reply.code(401).send('log in first');
    const csrf = (req.body as Record<string, string> | undefined)?.csrf ?? '';
    if (!sameSecret(csrf, s.csrf)) return reply.code(403).send('bad CSRF token');
    const id = Number((req.params as { id: string }).id);
    try {
      alerter.ack(id, 'dashboard', now());
    } catch {
      return reply.code(404).send(`no incident #${id}`);
    }
    return reply.code(303).header('location', '/').send();
  });

  // Signed link: GET shows a confirmation (mail scanners prefetch links), POST acknowledges.
  app.get('/ack/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    try {
      const id = verifyAckToken(ackSecret, token, now());
      return reply.type('text/html').send(page('Acknowledge', `<h1>Acknowledge incident #${id}?</h1><form method="post" action="/ack/${esc(token)}"><button>Acknowledge</button></form>`));
    } catch (e) {
      if (e instanceof AckTokenError) return reply.code(403).type('text/html').send(page('Acknowledge', `<h1>${esc(e.message)}</h1>`));
      throw e;
    }
  });
  app.post('/ack/:token', async (req, reply) => {
    try {
      const id = verifyAckToken(ackSecret, (req.params as { token: string }).token, now());
      const inc = alerter.ack(id, 'link', now());
      return reply.type('text/html').send(page('Acknowledged', `<h1>Incident #${inc.id} acknowledged</h1>`));
    } catch (e) {
      if (e instanceof AckTokenError) return reply.code(403).send(e.message);
      return reply.code(404).send('no such incident');
    }
  });

  return app;
}

/** Listen on monitor.dashboard.listen (default 127.0.0.1:7070); returns the bound URL. */
export async function startDashboard(o: DashboardOptions & { listen?: string }): Promise<{ url: string; app: FastifyInstance }> {
  const app = createDashboard(o);
  const m = /^(.*):(\d+)$/.exec(o.listen ?? o.config.dashboard?.listen ?? '127.0.0.1:7070');
  const host = (m?.[1] ?? '127.0.0.1').replace(/^\[|\]$/g, '');
  const url = await app.listen({ host, port: Number(m?.[2] ?? 7070) });
  return { url, app };
}
