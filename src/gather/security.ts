/**
 * The `security` artifact: CORS, admin, GraphQL, payload, rate-limit, lockout, cookie and
 * prompt-injection probes of config.security (src/probe/run.ts does the work; this file adapts it
 * to the gatherer contract). Flows are loaded here (flowFiles need the config's directory) so that
 * steps marked with a role become endpoints too.
 */
import { defineGatherer } from '../core/audit.js';
import { runSecurityProbes, type Endpoint } from '../probe/run.js';
import { loadFlows } from '../flow/load.js';
import type { Flow } from '../flow/types.js';

/** The gatherer, optionally with `--active` and discovered endpoints (`launchready probe`). */
export function securityGatherer(opts: { active?: boolean; extraEndpoints?: () => Endpoint[] } = {}) {
  return defineGatherer({
    id: 'security',
    title: 'Probing CORS, rate limits, admin URLs, payloads and cookies',
    async gather(ctx) {
      const sec = ctx.config.security;
      if (!sec) return { error: { code: 'NOT_CONFIGURED', message: 'no security section in config (security.apis, security.endpoints)' } };
      let flows: Flow[] = [];
      let flowsError: string | undefined;
      if (ctx.config.flows?.length || ctx.config.flowFiles?.length) {
        try {
          flows = await loadFlows(ctx.config, ctx.baseDir);
        } catch (err) {
          flowsError = (err as Error)?.message ?? String(err);
          flows = (ctx.config.flows ?? []) as Flow[];
        }
      }
      const flowRoles = flows.some((f) => [...f.steps, ...(f.cleanup ?? [])].some((s) => s.role && ['login', 'signup', 'password-reset', 'search'].includes(s.role)));
      const hasTargets =
        sec.apis.length || sec.endpoints.length || sec.admin.length || sec.session || sec.ai?.endpoints.length || sec.graphql.length || flowRoles || opts.extraEndpoints;
      if (!hasTargets) return { error: { code: 'NOT_CONFIGURED', message: 'security section names no API, endpoint, admin URL or GraphQL endpoint, and no flow step has a role' } };
      return runSecurityProbes({
        config: ctx.config,
        net: ctx.net,
        signal: ctx.signal,
        ...(opts.active ? { active: true } : {}),
        ...(opts.extraEndpoints ? { extraEndpoints: opts.extraEndpoints() } : {}),
        flows,
        ...(flowsError ? { flowsError } : {}),
        progress: (m) => ctx.progress.update(m),
      });
    },
  });
}

export default securityGatherer();
