/**
 * The `security` artifact: CORS, admin, payload, rate-limit, cookie and prompt-injection probes of
 * config.security (src/probe/run.ts does the work; this file adapts it to the gatherer contract).
 */
import { defineGatherer } from '../core/audit.js';
import { runSecurityProbes, type Endpoint } from '../probe/run.js';

/** The gatherer, optionally with `--active` and discovered endpoints (`launchready probe`). */
export function securityGatherer(opts: { active?: boolean; extraEndpoints?: () => Endpoint[] } = {}) {
  return defineGatherer({
    id: 'security',
    title: 'Probing CORS, rate limits, admin URLs, payloads and cookies',
    async gather(ctx) {
      const sec = ctx.config.security;
      if (!sec) return { error: { code: 'NOT_CONFIGURED', message: 'no security section in config (security.apis, security.endpoints)' } };
      const hasTargets = sec.apis.length || sec.endpoints.length || sec.admin.length || sec.session || sec.ai?.endpoints.length || opts.extraEndpoints;
      if (!hasTargets) return { error: { code: 'NOT_CONFIGURED', message: 'security section names no API, endpoint or admin URL' } };
      return runSecurityProbes({
        config: ctx.config,
        net: ctx.net,
        signal: ctx.signal,
        ...(opts.active ? { active: true } : {}),
        ...(opts.extraEndpoints ? { extraEndpoints: opts.extraEndpoints() } : {}),
        progress: (m) => ctx.progress.update(m),
      });
    },
  });
}

export default securityGatherer();
