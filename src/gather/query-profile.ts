/**
 * The `queryProfile` artifact: which statements one request to each GET route runs. For every
 * route, one at a time and alone (exclusive: other probes would add their own queries), it sends
 * one warm-up request (connection setup, ORM metadata and caches are not the route's steady
 * state), snapshots pg_stat_statements (MySQL/MariaDB: performance_schema statement digests), sends `database.profileRequests` requests in sequence,
 * snapshots again and divides the difference by the requests. List routes (route `list: true`, or
 * a JSON list body) get two more samples, `limit`=2 and `limit`=20, so a statement count that
 * grows with the number of items shows even when each request looks small (n_plus_one_control).
 *
 * Only GET routes without an auth flow, within the configured hosts; redirects are not followed.
 */
import { defineGatherer, type GatherContext } from '../core/audit.js';
import { DatabaseConnectError, DatabaseUrlError, parseDbUrl } from '../db/url.js';
import { diffSnapshots, openStatsReader, StatsUnavailableError, type StatsReader, type StatsSnapshot } from '../db/profile.js';
import type { ProfileSample, QueryProfileArtifact, RouteQueryProfile } from '../db/types.js';
import { loadScope, perfSettings, resolveRoutes } from '../load/routes.js';
import { compileTemplate, renderTemplate } from '../load/template.js';
import { countItems, withParam } from './lists.js';

/** Page sizes of the scaling samples: few items, then ten times as many. */
export const SMALL_PAGE = 2;
export const LARGE_PAGE = 20;
/** Response bodies are read up to this size (only the item count is kept). */
const BODY_CAP = 4 * 1024 * 1024;

/** Wait between two snapshots that must agree before a count is trusted (ms). */
const SETTLE_MS = 30;
const SETTLE_TRIES = 10;

/**
 * A snapshot taken once the counters have stopped moving: MySQL/MariaDB record a statement's
 * digest after its result reached the client, so the app's last statement can land just after our
 * snapshot. Two equal snapshots in a row (bounded by SETTLE_TRIES on a busy database).
 */
async function settledSnapshot(reader: StatsReader): Promise<StatsSnapshot> {
  let snap = await reader.snapshot();
  for (let i = 0; i < SETTLE_TRIES; i++) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const again = await reader.snapshot();
    if (again.size === snap.size && [...again].every(([k, v]) => snap.get(k)?.calls === v.calls)) return again;
    snap = again;
  }
  return snap;
}

async function sample(ctx: GatherContext, reader: StatsReader, url: string, headers: Record<string, string>, requests: number, timeoutMs: number): Promise<ProfileSample & { hidden: boolean }> {
  const get = () =>
    ctx.net.http.request({ url, headers: { ...headers, accept: 'application/json, text/html;q=0.9, */*;q=0.8' }, signal: ctx.signal, timeoutMs, maxBodyBytes: BODY_CAP });
  await get(); // warm-up, not counted
  const before = await settledSnapshot(reader);
  const statuses = new Set<number>();
  let items: number | null = null;
  for (let i = 0; i < requests; i++) {
    const x = await get();
    if (x.error) throw new Error(`${x.error.code}: ${x.error.message}`);
    statuses.add(x.status);
    items = null;
    if (!x.truncated && /json/i.test(String(x.headers['content-type'] ?? ''))) {
      try {
        items = countItems(JSON.parse(x.body));
      } catch {
        /* not JSON after all */
      }
    }
  }
  const after = await settledSnapshot(reader);
  const d = await diffSnapshots(before, after, requests);
  return { url, requests, statuses: [...statuses].sort((a, b) => a - b), items, queriesPerRequest: d.queriesPerRequest, statements: d.statements, hidden: d.hidden };
}

export default defineGatherer({
  id: 'queryProfile',
  title: 'Profiling the queries of each route (pg_stat_statements / performance_schema)',
  exclusive: true,
  async gather(ctx) {
    const db = ctx.config.database;
    const url = db?.statsUrl ?? db?.url;
    if (!url) return { error: { code: 'NOT_CONFIGURED', message: 'no database.url in config' } };
    if (db?.profile === false) return { error: { code: 'NOT_CONFIGURED', message: 'database.profile is false' } };
    const routes = resolveRoutes(ctx.config).filter((r) => r.method === 'GET');
    if (routes.length === 0) return { error: { code: 'NOT_CONFIGURED', message: 'no GET routes in config' } };
    const field = db?.statsUrl ? 'database.statsUrl' : 'database.url';
    let reader: StatsReader;
    try {
      // Rows are limited to the application's database, even when statsUrl connects elsewhere.
      const appDb = db?.url ? parseDbUrl(db.url).target.split('/').slice(1).join('/') : undefined;
      reader = await openStatsReader(url, appDb || undefined);
    } catch (e) {
      if (e instanceof StatsUnavailableError || e instanceof DatabaseConnectError) return { error: { code: e.code, message: `${field}: ${e.message}` } };
      if (e instanceof DatabaseUrlError) return { error: { code: 'BAD_URL', message: `${field}: ${e.message}` } };
      throw e;
    }
    const s = perfSettings(ctx.config);
    const scope = loadScope(ctx.config);
    const requests = db?.profileRequests ?? 3;
    const out: QueryProfileArtifact = { source: reader.source, target: reader.target, hiddenTexts: false, routes: [], skipped: [] };
    try {
      for (const r of routes) {
        if (ctx.signal.aborted) break;
        let target: string;
        try {
          target = renderTemplate(compileTemplate(r.url), { seq: 0, vu: 0 });
          if (!scope(new URL(target))) {
            out.skipped.push({ name: r.name, reason: `${new URL(target).host} is not one of the configured hosts` });
            continue;
          }
        } catch (err) {
          out.skipped.push({ name: r.name, reason: (err as Error).message });
          continue;
        }
        if (r.auth) {
          out.skipped.push({ name: r.name, reason: `needs auth flow "${r.auth}"; the profile sends anonymous requests only` });
          continue;
        }
        ctx.progress.update(r.name);
        try {
          const base = await sample(ctx, reader, target, r.headers, requests, s.timeoutMs);
          out.hiddenTexts ||= base.hidden;
          const profile: RouteQueryProfile = { name: r.name, method: r.method, url: r.url, base: strip(base) };
          if (r.list || base.items !== null) {
            const small = await sample(ctx, reader, withParam(target, r.limitParam, String(SMALL_PAGE)), r.headers, requests, s.timeoutMs);
            const large = await sample(ctx, reader, withParam(target, r.limitParam, String(LARGE_PAGE)), r.headers, requests, s.timeoutMs);
            out.hiddenTexts ||= small.hidden || large.hidden;
            profile.scaling = { limitParam: r.limitParam, small: strip(small), large: strip(large) };
          }
          out.routes.push(profile);
        } catch (err) {
          out.skipped.push({ name: r.name, reason: `profile failed: ${(err as Error).message}` });
        }
      }
    } finally {
      await reader.close();
    }
    return out;
  },
});

function strip(s: ProfileSample & { hidden: boolean }): ProfileSample {
  const { hidden: _hidden, ...rest } = s;
  return rest;
}
