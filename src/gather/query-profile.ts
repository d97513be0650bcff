/**
 * The `queryProfile` artifact: which statements one request to each GET route runs. For every
 * route, one at a time and alone (exclusive: other probes would add their own queries), it sends
 * one warm-up request (connection setup, ORM metadata and caches are not the route's steady
 * state), snapshots pg_stat_statements (MySQL/MariaDB: performance_schema statement digests), sends `database.profileRequests` requests in sequence,
 * snapshots again and divides the difference by the requests. List routes (route `list: true`, or
 * a JSON list body) get two more samples, `limit`=2 and `limit`=20, so a statement count that
 * grows with the number of items shows even when each request looks small (n_plus_one_control).
 *
 * With `database.otlp` the queries come from traces instead (src/db/otlp.ts): launchready listens
 * for OTLP/HTTP JSON, sends each profiled request with its own W3C traceparent, and counts the
 * database spans of that trace; no database.url needed, any database.
 *
 * Only GET routes without an auth flow, within the configured hosts; redirects are not followed.
 * `profileRoutes` is shared with `launchready perf --profile-queries`.
 */
import { defineGatherer, type ArtifactError } from '../core/audit.js';
import type { LaunchreadyConfig } from '../config/schema.js';
import type { HttpClient } from '../net/types.js';
import { DatabaseConnectError, DatabaseUrlError, parseDbUrl } from '../db/url.js';
import { openStatsReader, otlpSource, statsSource, StatsUnavailableError, DEFAULT_OTLP_WAIT_MS, type QuerySource } from '../db/profile.js';
import { OtlpListenError, startOtlpReceiver } from '../db/otlp.js';
import type { ProfileSample, QueryProfileArtifact, RouteQueryProfile } from '../db/types.js';
import { loadScope, perfSettings, resolveRoutes } from '../load/routes.js';
import { compileTemplate, renderTemplate } from '../load/template.js';
import { countItems, withParam } from './lists.js';

/** Page sizes of the scaling samples: few items, then ten times as many. */
export const SMALL_PAGE = 2;
export const LARGE_PAGE = 20;
/** Response bodies are read up to this size (only the item count is kept). */
const BODY_CAP = 4 * 1024 * 1024;

interface Io {
  http: HttpClient;
  signal: AbortSignal;
}

async function sample(io: Io, src: QuerySource, url: string, headers: Record<string, string>, requests: number, timeoutMs: number): Promise<ProfileSample & { hidden: boolean }> {
  const get = (extra: Record<string, string> = {}) =>
    io.http.request({ url, headers: { ...headers, ...extra, accept: 'application/json, text/html;q=0.9, */*;q=0.8' }, signal: io.signal, timeoutMs, maxBodyBytes: BODY_CAP });
  await get(src.warmupHeaders()); // warm-up, not counted
  const statuses = new Set<number>();
  let items: number | null = null;
  const d = await src.measure(
    requests,
    async (headersFor) => {
      for (let i = 0; i < requests; i++) {
        const x = await get(headersFor(i));
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
    },
    io.signal,
  );
  return { url, requests, statuses: [...statuses].sort((a, b) => a - b), items, queriesPerRequest: d.queriesPerRequest, statements: d.statements, hidden: d.hidden };
}

/**
 * The source the config asks for: OTLP traces (database.otlp) or the statement statistics of
 * database.statsUrl / database.url. An ArtifactError names the field and says how to fix it.
 */
export async function openQuerySource(config: LaunchreadyConfig): Promise<QuerySource | ArtifactError> {
  const db = config.database;
  if (db?.profile === false) return { error: { code: 'NOT_CONFIGURED', message: 'database.profile is false' } };
  if (db?.otlp) {
    try {
      return otlpSource(await startOtlpReceiver(db.otlp.listen), db.otlp.waitMs ?? DEFAULT_OTLP_WAIT_MS);
    } catch (e) {
      if (e instanceof OtlpListenError) return { error: { code: e.code, message: `database.otlp.listen: ${e.message}` } };
      throw e;
    }
  }
  const url = db?.statsUrl ?? db?.url;
  if (!url) return { error: { code: 'NOT_CONFIGURED', message: 'no database.url (or database.otlp for traces) in config' } };
  const field = db?.statsUrl ? 'database.statsUrl' : 'database.url';
  try {
    // Rows are limited to the application's database, even when statsUrl connects elsewhere.
    const appDb = db?.url ? parseDbUrl(db.url).target.split('/').slice(1).join('/') : undefined;
    return statsSource(await openStatsReader(url, appDb || undefined));
  } catch (e) {
    if (e instanceof StatsUnavailableError || e instanceof DatabaseConnectError) return { error: { code: e.code, message: `${field}: ${e.message}` } };
    if (e instanceof DatabaseUrlError) return { error: { code: 'BAD_URL', message: `${field}: ${e.message}` } };
    throw e;
  }
}

/**
 * The query profile of the GET routes of `config` (all, or those named in `names`), one at a time.
 * Shared by the gatherer (audit) and `launchready perf --profile-queries`.
 */
export async function profileRoutes(config: LaunchreadyConfig, io: Io & { progress?: (route: string) => void }, names?: string[]): Promise<QueryProfileArtifact | ArtifactError> {
  if (!config.database) return { error: { code: 'NOT_CONFIGURED', message: 'no database.url (or database.otlp for traces) in config' } };
  const routes = resolveRoutes(config, names).filter((r) => r.method === 'GET');
  if (routes.length === 0) return { error: { code: 'NOT_CONFIGURED', message: 'no GET routes in config' } };
  const src = await openQuerySource(config);
  if ('error' in src) return src;
  const s = perfSettings(config);
  const scope = loadScope(config);
  const requests = config.database.profileRequests ?? 3;
  const out: QueryProfileArtifact = { source: src.source, target: src.target, hiddenTexts: false, routes: [], skipped: [] };
  try {
    for (const r of routes) {
      if (io.signal.aborted) break;
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
      io.progress?.(r.name);
      try {
        const base = await sample(io, src, target, r.headers, requests, s.timeoutMs);
        out.hiddenTexts ||= base.hidden;
        const profile: RouteQueryProfile = { name: r.name, method: r.method, url: r.url, base: strip(base) };
        if (r.list || base.items !== null) {
          const small = await sample(io, src, withParam(target, r.limitParam, String(SMALL_PAGE)), r.headers, requests, s.timeoutMs);
          const large = await sample(io, src, withParam(target, r.limitParam, String(LARGE_PAGE)), r.headers, requests, s.timeoutMs);
          out.hiddenTexts ||= small.hidden || large.hidden;
          profile.scaling = { limitParam: r.limitParam, small: strip(small), large: strip(large) };
        }
        out.routes.push(profile);
      } catch (err) {
        out.skipped.push({ name: r.name, reason: `profile failed: ${(err as Error).message}` });
      }
    }
  } finally {
    await src.close();
  }
  return out;
}

export default defineGatherer({
  id: 'queryProfile',
  title: 'Profiling the queries of each route (pg_stat_statements / performance_schema / OTLP traces)',
  exclusive: true,
  gather: (ctx) => profileRoutes(ctx.config, { http: ctx.net.http, signal: ctx.signal, progress: (r) => ctx.progress.update(r) }),
});

function strip(s: ProfileSample & { hidden: boolean }): ProfileSample {
  const { hidden: _hidden, ...rest } = s;
  return rest;
}
