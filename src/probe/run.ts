/**
 * Runs the security probes of one config and returns the `security` artifact. Order matters:
 * passive probes first (CORS, anonymous admin, GraphQL introspection, session login), then, per
 * host where active probes are allowed, payloads before bursts (a burst that trips a rate limiter
 * would otherwise turn the payload probes into 429s), the lockout bursts (alone, so nothing else
 * spends the per-IP budget meanwhile), bursts concurrently across endpoints, admin as a user,
 * prompt injection. Endpoints are security.endpoints plus flow steps marked with a role.
 */
import type { LaunchreadyConfig } from '../config/schema.js';
import type { Net } from '../net/types.js';
import { createScopeGuard, isLoopback } from '../net/scope.js';
import { targetsFromDomains } from '../gather/targets.js';
import { mapLimit } from '../gather/limit.js';
import { createSender, planned, type ProbeRequest, type Sender } from './request.js';
import { apexOf, originAllowed, probeOrigins } from './cors.js';
import { COMMON_ADMIN_PATHS, NOT_FOUND_PATH, bodyHash } from './admin.js';
import { malformedPayloads, oversizedBody } from './payloads.js';
import { burstRequest, runBurst, type BurstSpec } from './ratelimit.js';
import { ATTACKS, followed, jsonEscape } from './prompt.js';
import { graphqlCandidates, INTROSPECTION_BODY, INTROSPECTION_MAX_BYTES, isGraphqlAnswer, summarizeSchema, TYPENAME_BODY } from './graphql.js';
import { lockoutSpecs, runLockout, type LockoutSpec } from './lockout.js';
import { endpointsFromFlows } from './flows.js';
import type { Flow } from '../flow/types.js';
import type { AdminProbe, AiProbe, CorsProbe, GraphqlProbe, PayloadProbe, ProbeExchange, SecurityArtifact, SkippedProbe } from './types.js';

type SecurityConfig = NonNullable<LaunchreadyConfig['security']>;
export type Endpoint = SecurityConfig['endpoints'][number];

export interface RunSecurityOptions {
  config: LaunchreadyConfig;
  net: Net;
  signal: AbortSignal;
  /** Allow active probes against non-loopback hosts (`--active`); config `active: true` also does. */
  active?: boolean;
  /** Extra endpoints found by `launchready probe` discovery. */
  extraEndpoints?: Endpoint[];
  /** Flows of the config: steps with role login/signup/password-reset/search become endpoints too. */
  flows?: Flow[];
  /** Why the flows could not be loaded (reported in `skipped`, the other probes still run). */
  flowsError?: string;
  progress?: (message: string) => void;
  clock?: () => number;
}

/** Resolves a config URL (absolute, or a path against the first API base). */
export function resolveUrl(u: string, apis: readonly string[]): string {
  if (/^https?:\/\//i.test(u)) return u;
  const base = apis[0]!;
  const b = new URL(base.endsWith('/') ? base : `${base}/`);
  return new URL(u.replace(/^\//, ''), b.pathname === '/' ? b.origin + '/' : b).href;
}

function withBody(method: string): boolean {
  return !/^(GET|HEAD|DELETE|OPTIONS)$/i.test(method);
}

export async function runSecurityProbes(o: RunSecurityOptions): Promise<SecurityArtifact> {
  const sec = o.config.security!;
  const clock = o.clock ?? (() => performance.now());
  const say = o.progress ?? (() => {});
  const apis = sec.apis;
  const fromFlows = endpointsFromFlows(o.flows ?? [], o.config.domains?.canonical);
  const configured: (Endpoint & { source?: string })[] = [...sec.endpoints, ...(o.extraEndpoints ?? [])].map((e) => ({ ...e, url: resolveUrl(e.url, apis) }));
  // A flow step already listed in security.endpoints (same role, method and URL) is probed once.
  const endpoints = [
    ...configured,
    ...fromFlows.endpoints.filter((f) => !configured.some((e) => e.role === f.role && e.method.toUpperCase() === f.method && e.url === f.url)),
  ];
  const lockout = lockoutSpec(sec, endpoints, apis);
  const graphqlList = graphqlCandidates(sec.graphql.map((u) => resolveUrl(u, apis)), apis, sec.discoverAdmin);
  const adminUrls = sec.admin.map((u) => resolveUrl(u, apis));
  const session = sec.session ? { ...sec.session, url: resolveUrl(sec.session.url, apis) } : undefined;
  const aiEnabled = !!sec.ai?.enabled && sec.ai.endpoints.length > 0;
  const aiEndpoints = aiEnabled ? sec.ai!.endpoints.map((e) => ({ ...e, url: resolveUrl(e.url, apis) })) : [];

  // Scope: every host the security section names, plus the production names of `domains`.
  const declared = [
    ...apis, ...endpoints.map((e) => e.url), ...adminUrls, ...(session ? [session.url] : []), ...aiEndpoints.map((e) => e.url),
    ...(lockout ? [lockout.url] : []), ...graphqlList.map((g) => g.url),
  ];
  const scopeHosts = [...new Set([...declared.map((u) => new URL(u).host), ...targetsFromDomains(o.config.domains).names.map((n) => n.name)])];
  const scope = createScopeGuard(scopeHosts);
  const sender = createSender(o.net, scope, o.signal);
  const timeoutMs = o.net.options.timeoutMs;
  const conc = Math.max(1, Math.min(o.config.network.concurrency, 16));

  // Admin candidates: configured URLs, then common paths on each API origin and the admin subdomain.
  const adminTargets: { url: string; source: 'config' | 'common' }[] = adminUrls.map((url) => ({ url, source: 'config' as const }));
  if (sec.discoverAdmin) {
    const origins = new Set(apis.map((a) => new URL(a).origin));
    const t = targetsFromDomains(o.config.domains);
    const adminName = t.names.find((n) => n.name.startsWith('admin.'));
    if (adminName) origins.add(`https://${adminName.name}`);
    for (const origin of origins) for (const p of COMMON_ADMIN_PATHS) adminTargets.push({ url: origin + p, source: 'common' });
  }
  const adminList = adminTargets.filter((a, i) => adminTargets.findIndex((b) => b.url === a.url) === i);

  const art: SecurityArtifact = {
    scope: scopeHosts, dryRun: sec.dryRun, activeHosts: [], cors: [], bursts: [], admin: [], payloads: [], cookies: [], ai: [],
    aiCanaryConfigured: !!sec.ai?.canary, offScope: [], other: [], skipped: [], requestsSent: 0,
  };

  const corsRequests = (base: string, origin: string): [ProbeRequest, ProbeRequest] => [
    { method: 'GET', url: base, headers: { origin } },
    { method: 'OPTIONS', url: base, headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } },
  ];
  const burstSpecs: BurstSpec[] = endpoints.map((e) => ({
    role: e.role, method: e.method, url: e.url, ...(e.body ? { body: e.body } : {}), contentType: e.contentType, burst: sec.burst, windowMs: sec.windowMs,
    ...(e.source ? { source: e.source } : {}),
  }));
  const payloadRequests = (e: (typeof endpoints)[number]): { kind: PayloadProbe['kind']; req: ProbeRequest }[] => [
    { kind: 'oversized', req: { method: e.method.toUpperCase(), url: e.url, headers: { 'content-type': 'application/json' }, body: oversizedBody(sec.bodyLimitBytes + 1) } },
    ...malformedPayloads().map((p) => ({ kind: p.kind, req: { method: e.method.toUpperCase(), url: e.url, headers: { 'content-type': p.contentType }, body: p.body } })),
  ];
  const aiRequest = (e: (typeof aiEndpoints)[number], prompt: string): ProbeRequest => ({
    method: e.method.toUpperCase(),
    url: e.url,
    headers: { 'content-type': e.contentType },
    body: e.body.replace(/\{\{prompt\}\}/g, /json/i.test(e.contentType) ? jsonEscape(prompt) : prompt),
  });

  // Parts of the config that could not be used, whatever runs.
  const configNotes: SkippedProbe[] = [];
  if (o.flowsError) configNotes.push({ probe: 'rate-limit', target: 'flows', reason: `flow steps with a role were not used: ${o.flowsError}`, requests: [] });
  for (const source of fromFlows.unresolved) {
    configNotes.push({ probe: 'rate-limit', target: source, reason: `${source}: relative URL needs the flow's baseUrl or domains.canonical`, requests: [] });
  }
  if (sec.lockout && !lockout) {
    configNotes.push({ probe: 'lockout', target: 'security.lockout', reason: 'security.lockout needs a login endpoint: set lockout.url, or list one in security.endpoints or a flow step with role login', requests: [] });
  }

  if (sec.dryRun) {
    const reason = 'dry run (security.dryRun): nothing sent';
    const all: SkippedProbe[] = [];
    for (const base of apis) all.push({ probe: 'all', target: base, reason, requests: probeOrigins(apexOf(base)).flatMap((p) => corsRequests(base, p.origin).map((r) => planned(r))) });
    if (adminList.length) all.push({ probe: 'all', target: 'admin', reason, requests: adminList.map((a) => planned({ method: 'GET', url: a.url })) });
    if (session) all.push({ probe: 'all', target: session.url, reason, requests: [planned({ method: session.method, url: session.url, headers: { 'content-type': session.contentType }, body: session.body }, 1, true)] });
    if (graphqlList.length) all.push({ probe: 'all', target: 'graphql', reason, requests: graphqlList.flatMap((g) => [planned(graphqlRequest(g.url, TYPENAME_BODY)), planned(graphqlRequest(g.url, INTROSPECTION_BODY))]) });
    art.skipped = all.concat(activeSkips(() => true, reason), configNotes);
    return art;
  }

  // ---------------------------------------------------------------- passive
  say('CORS');
  const corsJobs = apis.flatMap((base) => probeOrigins(apexOf(base)).map((p) => ({ base, ...p })));
  art.cors = await mapLimit(corsJobs, conc, async (j): Promise<CorsProbe> => {
    const [s, p] = corsRequests(j.base, j.origin);
    const [simple, preflight] = [(await sender.send(s)).x, (await sender.send(p)).x];
    return { base: j.base, origin: j.origin, kind: j.kind, allowed: originAllowed(j.origin, sec.allowedOrigins), simple, preflight };
  });

  say('admin URLs');
  const notFound = new Map<string, AdminProbe['notFound']>();
  await mapLimit([...new Set(adminList.map((a) => new URL(a.url).origin))], conc, async (origin) => {
    const { x } = await sender.send({ method: 'GET', url: origin + NOT_FOUND_PATH });
    if (x.status > 0) notFound.set(origin, { status: x.status, bodyBytes: x.bodyBytes, bodyHash: bodyHash(x.body) });
  });
  const fetchAdmin = async (a: { url: string; source: 'config' | 'common' }, as: AdminProbe['as'], cookie?: string): Promise<AdminProbe> => {
    const { x } = await sender.send({ method: 'GET', url: a.url, maxRedirects: 5, ...(cookie ? { headers: { cookie } } : {}) });
    const nf = notFound.get(new URL(a.url).origin);
    return { url: a.url, as, source: a.source, exchange: x, bodyHash: bodyHash(x.body), ...(nf ? { notFound: nf } : {}) };
  };
  art.admin = await mapLimit(adminList, conc, (a) => fetchAdmin(a, 'anonymous'));

  if (graphqlList.length) {
    say('GraphQL introspection');
    art.graphql = await mapLimit(graphqlList, conc, async (g): Promise<GraphqlProbe> => {
      const detect = (await sender.send(graphqlRequest(g.url, TYPENAME_BODY))).x;
      const isGraphql = detect.status >= 200 && detect.status < 300 && isGraphqlAnswer(detect.body);
      if (!isGraphql) return { url: g.url, source: g.source, isGraphql, detect };
      const r = await sender.send({ ...graphqlRequest(g.url, INTROSPECTION_BODY), maxBodyBytes: INTROSPECTION_MAX_BYTES });
      const schema = summarizeSchema(r.fullBody);
      return { url: g.url, source: g.source, isGraphql, detect, introspection: r.x, ...(schema ? { schema } : {}) };
    });
  }

  let userCookie: string | undefined;
  if (session) {
    say('session login');
    const r = await sender.send({ method: session.method.toUpperCase(), url: session.url, headers: { 'content-type': session.contentType }, body: session.body });
    art.other.push(r.x);
    const pairs = r.rawSetCookie.map((c) => c.split(';')[0]!.trim()).filter((c) => c.includes('='));
    if (pairs.length) userCookie = pairs.join('; ');
  }

  // Which hosts may take active probes: loopback by name or by the address we actually reached.
  const activeOrigins = new Set(
    [...endpoints.map((e) => e.url), ...aiEndpoints.map((e) => e.url), ...(lockout ? [lockout.url] : []), ...(userCookie ? adminList.map((a) => a.url) : [])].map((u) => new URL(u).origin),
  );
  await mapLimit([...activeOrigins].filter((origin) => !sender.remoteByOrigin.has(origin)), conc, async (origin) => {
    art.other.push((await sender.send({ method: 'GET', url: `${origin}/` })).x);
  });
  const allowActive = (url: string): boolean => {
    const u = new URL(url);
    if (o.active || o.config.active || isLoopback(u.hostname)) return true;
    const remote = sender.remoteByOrigin.get(u.origin);
    return remote !== undefined && isLoopback(remote);
  };
  const inactiveReason = (url: string) =>
    `active probes against ${new URL(url).host} (not a loopback address) need --active or active: true in config`;

  // ---------------------------------------------------------------- active
  const run = endpoints.filter((e) => allowActive(e.url));
  art.activeHosts = [...new Set([...activeOrigins].filter((u) => allowActive(u)).map((u) => new URL(u).host))];

  say('payloads');
  art.payloads = (
    await mapLimit(run.filter((e) => withBody(e.method)), conc, async (e) => {
      const out: PayloadProbe[] = [];
      for (const p of payloadRequests(e)) {
        const { x } = await sender.send(p.req);
        out.push({ kind: p.kind, url: e.url, ...(p.kind === 'oversized' ? { limit: sec.bodyLimitBytes } : {}), exchange: x });
      }
      return out;
    })
  ).flat();

  if (lockout && allowActive(lockout.url)) {
    say('per-account lockout versus per-IP limit');
    art.lockout = await runLockout(sender, lockout, clock, o.signal, timeoutMs);
  }

  say('rate-limit bursts');
  // Concurrent across endpoints, sequential within one burst (runBurst).
  art.bursts = await Promise.all(burstSpecs.filter((s) => allowActive(s.url)).map((s) => runBurst(sender, s, clock, o.signal, timeoutMs)));

  if (userCookie) {
    say('admin URLs as an ordinary user');
    art.admin.push(...(await mapLimit(adminList.filter((a) => allowActive(a.url)), conc, (a) => fetchAdmin(a, 'user', userCookie))));
  }

  if (aiEnabled) {
    say('prompt injection');
    const canary = sec.ai!.canary;
    art.ai = (
      await mapLimit(aiEndpoints.filter((e) => allowActive(e.url)), conc, async (e) => {
        const out: AiProbe[] = [];
        for (const a of ATTACKS) {
          const { x } = await sender.send({ ...aiRequest(e, a.prompt), timeoutMs: Math.max(timeoutMs, 15_000) });
          out.push({ url: e.url, attack: a.attack, marker: a.marker, canaryLeaked: !!canary && x.body.includes(canary), markerFollowed: followed(a, x.body), exchange: redactCanary(x, canary) });
        }
        return out;
      })
    ).flat();
  }

  art.skipped = activeSkips((u) => !allowActive(u), null).concat(configNotes);
  art.cookies = sender.cookies;
  art.offScope = sender.offScope;
  art.requestsSent = sender.sent;
  return art;

  /** Skipped active probes, with the exact requests they would send. */
  function activeSkips(skip: (url: string) => boolean, reason: string | null): SkippedProbe[] {
    const out: SkippedProbe[] = [];
    const why = (u: string) => reason ?? inactiveReason(u);
    for (const e of endpoints.filter((x) => skip(x.url))) {
      const spec = burstSpecs.find((s) => s.url === e.url && s.role === e.role)!;
      out.push({ probe: 'rate-limit', target: e.url, reason: why(e.url), requests: [planned(burstRequest(spec, 1), spec.burst)] });
      if (withBody(e.method)) {
        const reqs = payloadRequests(e);
        out.push({ probe: 'oversized-body', target: e.url, reason: why(e.url), requests: [planned(reqs[0]!.req)] });
        out.push({ probe: 'malformed-input', target: e.url, reason: why(e.url), requests: reqs.slice(1).map((r) => planned(r.req)) });
      }
    }
    if (session) {
      const adm = adminList.filter((a) => skip(a.url));
      if (adm.length) out.push({ probe: 'admin-as-user', target: session.url, reason: why(adm[0]!.url), requests: adm.map((a) => planned({ method: 'GET', url: a.url, headers: { cookie: '<session of the test user>' } })) });
    }
    if (lockout && skip(lockout.url)) {
      out.push({ probe: 'lockout', target: lockout.url, reason: why(lockout.url), requests: lockoutSpecs(lockout).map((b) => planned(burstRequest(b, 1), b.burst)) });
    }
    for (const e of aiEndpoints.filter((x) => skip(x.url))) {
      out.push({ probe: 'prompt-injection', target: e.url, reason: why(e.url), requests: ATTACKS.map((a) => planned(aiRequest(e, a.prompt))) });
    }
    return out;
  }
}

function graphqlRequest(url: string, body: string): ProbeRequest {
  return { method: 'POST', url, headers: { 'content-type': 'application/json', accept: 'application/json' }, body };
}

/** The lockout bursts' target: lockout.url (with the matching endpoint's method and body), else the first login endpoint. */
function lockoutSpec(sec: SecurityConfig, endpoints: readonly Endpoint[], apis: readonly string[]): LockoutSpec | null {
  const l = sec.lockout;
  if (!l) return null;
  const url = l.url ? resolveUrl(l.url, apis) : endpoints.find((e) => e.role === 'login')?.url;
  if (!url) return null;
  const e = endpoints.find((x) => x.url === url && x.role === 'login') ?? endpoints.find((x) => x.url === url);
  return {
    url,
    method: e?.method ?? 'POST',
    ...(e?.body ? { body: e.body } : {}),
    contentType: e?.contentType ?? 'application/json',
    account: l.account,
    attempts: l.attempts,
    windowMs: sec.windowMs,
  };
}

/** The canary never lands in an artifact: replaced wherever the response echoed it. */
function redactCanary(x: ProbeExchange, canary: string | undefined): ProbeExchange {
  if (!canary || !x.body.includes(canary)) return x;
  return { ...x, body: x.body.split(canary).join('<canary>') };
}
