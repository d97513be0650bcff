/**
 * Running one check once: probe (I/O) -> ProbeResult -> conditions -> CheckRun.
 * Reads what the conditions need only (Gatus `needsToReadBody`): a certificate probe runs for an
 * http check only when a condition uses [CERTIFICATE_EXPIRATION].
 */
import { connect as tcpConnect } from 'node:net';
import { createDnsClient } from '../net/dns.js';
import type { Net } from '../net/types.js';
import { evaluateCondition, parseCondition, placeholdersUsed, type ParsedCondition } from './conditions.js';
import type { MonitorCheckConfig } from './config-schema.js';
import { parseDuration } from './duration.js';
import { maskHeaders, maskText, maskUrl } from './mask.js';
import type { CheckKind, CheckRun, FailureContext, ProbeResult } from './types.js';

/** Bodies are read up to 256 KiB: enough for a health JSON, bounded for 10,000 checks. */
const MAX_BODY_BYTES = 256 * 1024;
/** Body excerpt kept in an incident, in characters. */
const EXCERPT_CHARS = 500;

/** Default conditions when a check lists none. */
export const DEFAULT_CONDITIONS: Record<CheckKind, string[]> = {
  http: ['[STATUS] < 400'],
  tls: ['[CONNECTED] == true', '[CERTIFICATE_EXPIRATION] > 336h'],
  dns: ['[DNS_RCODE] == NOERROR'],
  tcp: ['[CONNECTED] == true'],
  postgres: ['[CONNECTED] == true'],
  mysql: ['[CONNECTED] == true'],
  redis: ['[CONNECTED] == true'],
  flow: ['[CONNECTED] == true'],
};

/** A smoke flow runner (the flow engine plugs in here; absent, flow checks report an error). */
export type FlowRunner = (flow: string, opts: { timeoutMs: number; signal?: AbortSignal }) => Promise<{ ok: boolean; error?: string }>;

export interface CheckDeps {
  net: Net;
  now: () => number;
  runFlow?: FlowRunner;
  signal?: AbortSignal;
}

/** What a check probes, safe to show (passwords masked). */
export function checkTarget(c: MonitorCheckConfig): string {
  if (c.url) return maskUrl(c.url);
  if (c.flow) return `flow:${c.flow}`;
  return c.port ? `${c.host}:${c.port}` : (c.host ?? c.id);
}

export function conditionsOf(c: MonitorCheckConfig): ParsedCondition[] {
  return (c.conditions.length > 0 ? c.conditions : DEFAULT_CONDITIONS[c.kind]).map(parseCondition);
}

// ---------------------------------------------------------------- probes

async function probeHttp(c: MonitorCheckConfig, deps: CheckDeps, timeoutMs: number, needsCert: boolean): Promise<ProbeResult> {
  const x = await deps.net.http.request({
    url: c.url!,
    method: c.method ?? 'GET',
    headers: c.headers,
    body: c.body,
    timeoutMs,
    maxBodyBytes: MAX_BODY_BYTES,
    signal: deps.signal,
  });
  const r: ProbeResult = {
    responseTimeMs: Math.round(x.timing.totalMs),
    connected: x.status > 0,
    headers: x.headers,
  };
  if (x.status > 0) {
    r.status = x.status;
    r.body = x.body;
  }
  if (x.remoteAddress) r.ip = x.remoteAddress;
  if (x.error) r.error = `${x.error.code}: ${x.error.message}`;
  const u = new URL(c.url!);
  if (needsCert && u.protocol === 'https:') {
    const t = await deps.net.tls.probe({ host: u.hostname, port: u.port ? Number(u.port) : 443, timeoutMs });
    const leaf = t.chain[0];
    if (leaf) r.certificateExpirationMs = Date.parse(leaf.validTo) - deps.now();
  }
  return r;
}

async function probeTls(c: MonitorCheckConfig, deps: CheckDeps, timeoutMs: number): Promise<ProbeResult> {
  const t = await deps.net.tls.probe({ host: c.host!, port: c.port ?? 443, timeoutMs });
  const r: ProbeResult = { responseTimeMs: Math.round(t.elapsedMs), connected: !t.error && t.chain.length > 0 };
  if (t.address) r.ip = t.address;
  const leaf = t.chain[0];
  if (leaf) r.certificateExpirationMs = Date.parse(leaf.validTo) - deps.now();
  if (t.error) r.error = `${t.error.code}: ${t.error.message}`;
  else if (!t.authorized) r.error = `certificate not trusted: ${t.authorizationError ?? 'unknown'}`;
  else if (!t.hostnameMatches) r.error = `certificate does not cover ${c.host}`;
  return r;
}

async function probeDns(c: MonitorCheckConfig, deps: CheckDeps, timeoutMs: number): Promise<ProbeResult> {
  // A fresh client per run: Net's DNS client caches answers for its lifetime, and a monitor must
  // see a record change on the next run.
  const client = createDnsClient({ servers: deps.net.options.resolvers, timeoutMs });
  let a;
  try {
    a = await client.query(c.host!, c.recordType ?? 'A');
  } finally {
    client.close();
  }
  const values = a.answers
    .filter((rec) => rec.type === a.type)
    .map((rec) => ('address' in rec ? rec.address : 'target' in rec ? rec.target : 'exchange' in rec ? rec.exchange : 'strings' in rec ? rec.strings.join('') : 'value' in rec ? rec.value : ''))
    .sort();
  const r: ProbeResult = { responseTimeMs: Math.round(a.elapsedMs), dnsRcode: a.rcode, connected: a.rcode !== 'TIMEOUT' && a.rcode !== 'ERROR', body: values.join(',') };
  if (a.error) r.error = a.error;
  return r;
}

/**
 * TCP connect. Net (src/net) has no raw-TCP probe because audits never need one; a monitor port
 * check is the one place that does, so it opens the socket here, on the configured host only.
 */
function probeTcp(c: MonitorCheckConfig, timeoutMs: number, now: () => number): Promise<ProbeResult> {
  const started = now();
  return new Promise((resolve) => {
    const sock = tcpConnect({ host: c.host!, port: c.port! });
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...r, responseTimeMs: Math.max(0, now() - started) });
    };
    const timer = setTimeout(() => done({ connected: false, error: `TIMEOUT: no connection within ${timeoutMs} ms` }), timeoutMs);
    sock.once('connect', () => done({ connected: true, ip: sock.remoteAddress ?? '' }));
    sock.once('error', (e: NodeJS.ErrnoException) => done({ connected: false, error: `CONNECT: ${e.code ?? e.message}` }));
  });
}

async function probePostgres(c: MonitorCheckConfig, timeoutMs: number, now: () => number): Promise<ProbeResult> {
  const { default: pg } = await import('pg');
  const started = now();
  const client = new pg.Client({ connectionString: c.url, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs, query_timeout: timeoutMs });
  try {
    await client.connect();
    const res = await client.query(c.query ?? 'SELECT 1');
    return { connected: true, rows: res.rowCount ?? res.rows.length, body: res.rows[0] ? JSON.stringify(res.rows[0]) : '', responseTimeMs: now() - started };
  } catch (e) {
    return { connected: false, error: `POSTGRES: ${maskText((e as Error).message)}`, responseTimeMs: now() - started };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * MySQL/MariaDB: connect and run `query` (default SELECT 1) with mysql2. Like postgres, the first
 * row is [BODY] as JSON and the row count [ROWS]; BIGINT and DECIMAL come back as numbers where
 * they fit so `[BODY].n > 5` compares numerically.
 */
async function probeMysql(c: MonitorCheckConfig, timeoutMs: number, now: () => number): Promise<ProbeResult> {
  const { createConnection } = await import('mysql2/promise');
  const started = now();
  let conn: Awaited<ReturnType<typeof createConnection>> | null = null;
  try {
    conn = await createConnection({ uri: c.url!, connectTimeout: timeoutMs, supportBigNumbers: true, bigNumberStrings: false, decimalNumbers: true, multipleStatements: false });
    const [rows] = await conn.query({ sql: c.query ?? 'SELECT 1', timeout: timeoutMs });
    const list = Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    return { connected: true, rows: list.length, body: list[0] ? JSON.stringify(list[0]) : '', responseTimeMs: now() - started };
  } catch (e) {
    return { connected: false, error: `MYSQL: ${maskText((e as Error).message)}`, responseTimeMs: now() - started };
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

async function probeRedis(c: MonitorCheckConfig, timeoutMs: number, now: () => number): Promise<ProbeResult> {
  const { Redis } = await import('ioredis');
  const started = now();
  // No reconnect loop and no offline queue: one probe is one attempt, bounded by the timeout.
  const client = new Redis(c.url!, { lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const pong = await client.ping();
    const r: ProbeResult = { connected: pong === 'PONG', body: pong };
    if (c.queue) r.queueDepth = await client.llen(c.queue);
    return { ...r, responseTimeMs: now() - started };
  } catch (e) {
    return { connected: false, error: `REDIS: ${maskText((e as Error).message)}`, responseTimeMs: now() - started };
  } finally {
    client.disconnect();
  }
}

async function probeFlow(c: MonitorCheckConfig, deps: CheckDeps, timeoutMs: number): Promise<ProbeResult> {
  const started = deps.now();
  if (!deps.runFlow) return { connected: false, error: `FLOW: no flow engine available to run "${c.flow}"` };
  const r = await deps.runFlow(c.flow!, { timeoutMs, signal: deps.signal });
  return { connected: r.ok, responseTimeMs: deps.now() - started, ...(r.error ? { error: r.error } : {}) };
}

export async function probe(c: MonitorCheckConfig, deps: CheckDeps, conds: ParsedCondition[], timeoutMs: number): Promise<ProbeResult> {
  switch (c.kind) {
    case 'http': return probeHttp(c, deps, timeoutMs, placeholdersUsed(conds).has('CERTIFICATE_EXPIRATION'));
    case 'tls': return probeTls(c, deps, timeoutMs);
    case 'dns': return probeDns(c, deps, timeoutMs);
    case 'tcp': return probeTcp(c, timeoutMs, deps.now);
    case 'postgres': return probePostgres(c, timeoutMs, deps.now);
    case 'mysql': return probeMysql(c, timeoutMs, deps.now);
    case 'redis': return probeRedis(c, timeoutMs, deps.now);
    case 'flow': return probeFlow(c, deps, timeoutMs);
    default: {
      const never: never = c.kind;
      throw new Error(`unhandled check kind ${String(never)}`);
    }
  }
}

function failureContext(r: ProbeResult): FailureContext {
  const ctx: FailureContext = {};
  if (r.status !== undefined) ctx.status = r.status;
  if (r.headers) ctx.headers = maskHeaders(r.headers);
  if (r.body) ctx.bodyExcerpt = maskText(r.body.slice(0, EXCERPT_CHARS));
  if (r.error) ctx.error = maskText(r.error);
  return ctx;
}

/** Run one check once. Never throws for a probe failure: it becomes a failed run. */
export async function runCheck(c: MonitorCheckConfig, deps: CheckDeps, defaults: { timeout: string }): Promise<CheckRun> {
  const at = deps.now();
  const conds = conditionsOf(c);
  const timeoutMs = parseDuration(c.timeout ?? defaults.timeout);
  let r: ProbeResult;
  try {
    r = await probe(c, deps, conds, timeoutMs);
  } catch (e) {
    r = { connected: false, error: `ERROR: ${maskText((e as Error).message)}` };
  }
  const conditions = conds.map((p) => evaluateCondition(p, r));
  const ok = !r.error && conditions.every((x) => x.success);
  const run: CheckRun = { checkId: c.id, at, ok, durationMs: r.responseTimeMs ?? Math.max(0, deps.now() - at), conditions };
  if (r.error) run.error = maskText(r.error);
  if (!ok) run.context = failureContext(r);
  return run;
}
