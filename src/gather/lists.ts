/**
 * The `routeProbes` artifact: a few single requests per route, no load. Every read route gets one
 * GET offering `Accept-Encoding: gzip, br` (compression and cache headers); list routes also get
 * three probes without Accept-Encoding, so sizes compare: no limit, `limit=1`, and a large page.
 * A list route with `seed: <flow>` is also measured before and after running that flow
 * perf.seedRows times (each run creates one row; the flows' cleanup steps run afterwards), so an
 * unbounded list shows up even on a near-empty staging database.
 * Requests stay within the configured hosts (the same scope as load), redirects are not followed.
 */
import { defineGatherer } from '../core/audit.js';
import type { HttpExchange, Net, ScopeGuard } from '../net/types.js';
import type { LaunchreadyConfig } from '../config/schema.js';
import type { ListSize, ProbeExchange, RouteProbe, RouteProbesArtifact, SeedProbe } from '../audits/perf/artifact.js';
import { createSession, loadFlows, runFlow, type FlowResult, type FlowSession } from '../flow/index.js';
import { loadScope, perfSettings, resolveRoutes, resolveTarget, type ResolvedRoute } from '../load/routes.js';
import { compileTemplate, renderTemplate } from '../load/template.js';

/** Envelope keys that commonly hold the items of a list response. */
const ENVELOPES = ['data', 'items', 'results', 'records', 'rows', 'entries', 'hits', 'edges', 'nodes', 'list', 'objects'];
/** Body keys that point at a next page. */
const NEXT_KEYS = ['next', 'nextCursor', 'next_cursor', 'cursor', 'nextPageToken', 'next_page_token', 'nextPage', 'next_page', 'endCursor', 'hasNextPage', 'has_more', 'hasMore'];
const LIST_BODY_CAP = 16 * 1024 * 1024;

/** Items in a JSON list body (array, or an envelope up to two levels deep), else null. */
export function countItems(body: unknown, depth = 0): number | null {
  if (Array.isArray(body)) return body.length;
  if (depth > 1 || !body || typeof body !== 'object') return null;
  for (const k of ENVELOPES) {
    const v = (body as Record<string, unknown>)[k];
    if (v !== undefined) {
      const n = countItems(v, depth + 1);
      if (n !== null) return n;
    }
  }
  return null;
}

/** Where a next-page pointer is: Link rel=next, or a next/cursor key (top level, meta, links, pageInfo). */
export function findPagination(headers: Record<string, string | string[]>, body: unknown): string | null {
  const link = headers.link;
  if (link && /rel="?next"?/i.test(Array.isArray(link) ? link.join(',') : link)) return 'link header';
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  for (const scope of [b, b.meta, b.links, b.pagination, b.pageInfo, b.page_info, b.paging]) {
    if (!scope || typeof scope !== 'object') continue;
    for (const k of NEXT_KEYS) if (k in (scope as object)) return `${scope === b ? '' : 'nested '}${k} field`;
  }
  return null;
}

const KEPT = ['content-type', 'content-encoding', 'cache-control', 'etag', 'last-modified', 'expires', 'vary', 'link'];

export function toProbe(x: HttpExchange, acceptEncoding: boolean): ProbeExchange {
  const headers: Record<string, string> = {};
  for (const k of KEPT) {
    const v = x.headers[k];
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  let parsed: unknown = undefined;
  if (!headers['content-encoding'] && !x.truncated && /json/i.test(headers['content-type'] ?? '')) {
    try {
      parsed = JSON.parse(x.body);
    } catch {
      /* not JSON after all */
    }
  }
  return {
    url: x.url,
    status: x.status,
    headers,
    bodyBytes: x.bodyBytes,
    truncated: x.truncated,
    items: parsed === undefined ? null : countItems(parsed),
    pagination: parsed === undefined ? (headers.link && /rel="?next"?/i.test(headers.link) ? 'link header' : null) : findPagination(x.headers, parsed),
    acceptEncoding,
    ...(x.error ? { error: `${x.error.code}: ${x.error.message}` } : {}),
  };
}

/** The URL with `param` set (or removed when value is null). */
export function withParam(url: string, param: string, value: string | null): string {
  const u = new URL(url);
  if (value === null) u.searchParams.delete(param);
  else u.searchParams.set(param, value);
  return u.href;
}

const size = (p: ProbeExchange): ListSize => ({ status: p.status, items: p.items, bytes: p.bodyBytes, pagination: p.pagination, ...(p.error ? { error: p.error } : {}) });

const flowFailure = (r: FlowResult): string =>
  r.error?.message ?? (r.failedStep ? `step "${r.failedStep}" ${[...r.steps].reverse().find((x) => x.outcome !== 'passed')?.reason ?? 'failed'}` : 'failed');

/**
 * The data-size probe: the list (no limit) before, the seed flow run `rows` times with its
 * cleanup deferred, the list again, then every run's cleanup (with that run's captured ids).
 * Writes data, so like load it needs a loopback target or `active`.
 */
export async function probeSeedGrowth(
  r: ResolvedRoute & { seed: string },
  measure: () => Promise<ProbeExchange>,
  o: { config: LaunchreadyConfig; net: Net; baseDir: string; scope: ScopeGuard; rows: number; signal?: AbortSignal },
): Promise<SeedProbe> {
  const out: SeedProbe = { flow: r.seed, requested: o.rows, seeded: 0, cleanupFailed: 0 };
  let flow;
  try {
    flow = (await loadFlows(o.config, o.baseDir)).find((f) => f.name === r.seed);
  } catch (err) {
    return { ...out, skipped: `seed flow "${r.seed}" could not load: ${(err as Error).message}` };
  }
  if (!flow) return { ...out, skipped: `seed flow "${r.seed}" is not defined in flows` };
  try {
    const t = await resolveTarget(r.url.replace(/\{\{[^}]*\}\}/g, 'x'), o.net);
    if (!t.loopback && !o.config.active) return { ...out, skipped: `seeding writes ${o.rows} rows: ${new URL(t.origin).host} is not on loopback, so it needs --active or active: true` };
  } catch (err) {
    return { ...out, skipped: `cannot resolve the route's host: ${(err as Error).message}` };
  }
  const baseUrl = flow.baseUrl ?? o.config.domains?.canonical ?? new URL(r.url.replace(/\{\{[^}]*\}\}/g, 'x')).origin;
  out.before = size(await measure());
  const sessions: FlowSession[] = [];
  const steps = { ...flow, cleanup: [] };
  try {
    for (let i = 0; i < o.rows && !o.signal?.aborted; i++) {
      const session = createSession();
      sessions.push(session);
      const res = await runFlow(steps, { http: o.net.http, baseUrl, session, scope: o.scope, signal: o.signal, baseDir: o.baseDir });
      if (res.ok) out.seeded++;
      else {
        out.seedError ??= `run ${i + 1}: ${flowFailure(res)}`;
        // A seed flow that failed twice will not start working: stop writing.
        if (i - out.seeded >= 1) break;
      }
    }
    if (out.seeded > 0) out.after = size(await measure());
  } finally {
    // Cleanup after the second measurement: each run's cleanup steps, with the ids it captured.
    if (flow.cleanup?.length) {
      const cleanup = { ...flow, steps: [], cleanup: flow.cleanup };
      for (const session of sessions) {
        const res = await runFlow(cleanup, { http: o.net.http, baseUrl, session, scope: o.scope, baseDir: o.baseDir });
        if (res.cleanup.some((x) => x.outcome === 'failed' || x.outcome === 'error')) out.cleanupFailed++;
      }
    }
  }
  return out;
}

export default defineGatherer({
  id: 'routeProbes',
  title: 'Probing routes (lists, compression, caching)',
  async gather(ctx) {
    if (ctx.config.routes.length === 0) return { error: { code: 'NOT_CONFIGURED', message: 'no routes in config' } };
    const s = perfSettings(ctx.config);
    const scope = loadScope(ctx.config);
    const out: RouteProbesArtifact = { probes: [], skipped: [] };
    for (const r of resolveRoutes(ctx.config)) {
      if (r.method !== 'GET') continue; // only safe requests: writes are probed by load alone
      let url: string;
      try {
        url = renderTemplate(compileTemplate(r.url), { seq: 0, vu: 0 });
        if (!scope(new URL(url))) {
          out.skipped.push({ name: r.name, reason: `${new URL(url).host} is not one of the configured hosts` });
          continue;
        }
      } catch (err) {
        out.skipped.push({ name: r.name, reason: (err as Error).message });
        continue;
      }
      if (r.auth) {
        out.skipped.push({ name: r.name, reason: `needs auth flow "${r.auth}"; probes run anonymous requests only` });
        continue;
      }
      ctx.progress.update(r.name);
      const get = (u: string, acceptEncoding: boolean, maxBodyBytes?: number) =>
        ctx.net.http.request({
          url: u,
          headers: { ...r.headers, ...(acceptEncoding ? { 'accept-encoding': 'gzip, br' } : {}), accept: 'application/json, text/html;q=0.9, */*;q=0.8' },
          signal: ctx.signal,
          timeoutMs: s.timeoutMs,
          ...(maxBodyBytes ? { maxBodyBytes } : {}),
        });
      const probe: RouteProbe = { name: r.name, url: r.url, method: r.method, kind: r.kind, public: r.public, list: r.list };
      probe.plain = toProbe(await get(url, true), true);
      // `list: true` in config, or detected: the plain answer is a JSON array or a list envelope.
      if (r.list || r.seed || probe.plain.items !== null) {
        const [unlimited, limitOne, large] = await Promise.all([
          get(withParam(url, r.limitParam, null), false, LIST_BODY_CAP),
          get(withParam(url, r.limitParam, '1'), false, LIST_BODY_CAP),
          get(withParam(url, r.limitParam, String(s.largePage)), false, LIST_BODY_CAP),
        ]);
        probe.listProbes = { unlimited: toProbe(unlimited, false), limitOne: toProbe(limitOne, false), large: toProbe(large, false), limitParam: r.limitParam, largePage: s.largePage };
        if (r.seed) {
          ctx.progress.update(`${r.name}: seeding ${s.seedRows} rows with flow "${r.seed}"`);
          const measure = async () => toProbe(await get(withParam(url, r.limitParam, null), false, LIST_BODY_CAP), false);
          probe.seedProbe = await probeSeedGrowth({ ...r, seed: r.seed }, measure, { config: ctx.config, net: ctx.net, baseDir: ctx.baseDir, scope, rows: s.seedRows, signal: ctx.signal });
        }
      }
      out.probes.push(probe);
    }
    return out;
  },
});
