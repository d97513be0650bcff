/**
 * Core of `launchready probe <url>`: probe one API from its URL alone. Discovers common login,
 * signup and password-reset routes on that URL's host (one empty POST each, the only requests
 * before the probes proper), then runs the security family with the URL's host as the whole scope.
 * The CLI command (src/cli) parses options, calls this and prints the report.
 */
import type { Net } from '../net/types.js';
import type { Report } from '../core/types.js';
import { UsageError } from '../core/errors.js';
import { configSchema, type LaunchreadyConfig } from '../config/schema.js';
import { buildRegistry } from '../engine/registry.js';
import { runAudit, type ProgressEvent } from '../engine/run.js';
import { family } from '../audits/security/index.js';
import { securityGatherer } from '../gather/security.js';
import { createScopeGuard } from '../net/scope.js';
import { createSender } from './request.js';
import { NOT_FOUND_PATH, bodyHash } from './admin.js';
import type { Endpoint } from './run.js';
import type { PlannedRequest, SecurityArtifact } from './types.js';

/** Candidate routes, most common first; the first that answers per role wins. */
export const DISCOVERY_PATHS: { role: Endpoint['role']; path: string }[] = [
  { role: 'login', path: '/api/login' },
  { role: 'login', path: '/api/auth/login' },
  { role: 'login', path: '/api/v1/login' },
  { role: 'login', path: '/login' },
  { role: 'login', path: '/auth/login' },
  { role: 'login', path: '/users/sign_in' },
  { role: 'signup', path: '/api/signup' },
  { role: 'signup', path: '/api/register' },
  { role: 'signup', path: '/api/auth/register' },
  { role: 'signup', path: '/signup' },
  { role: 'signup', path: '/register' },
  { role: 'reset', path: '/api/password-reset' },
  { role: 'reset', path: '/api/auth/forgot-password' },
  { role: 'reset', path: '/api/forgot-password' },
  { role: 'reset', path: '/forgot-password' },
];

export interface ProbeCommandOptions {
  /** Allow active probes against a non-loopback host (`--active`). */
  active?: boolean;
  /** Send nothing; the report lists what would be sent (`--dry-run`). */
  dryRun?: boolean;
  /** Burst size (default 30, at most 200). */
  burst?: number;
  /** Expected body limit in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Extra allowed CORS origins. */
  allowedOrigins?: string[];
  signal?: AbortSignal;
  now?: () => number;
  onProgress?: (e: ProgressEvent) => void;
}

export interface ProbeCommandResult {
  report: Report;
  artifact: SecurityArtifact | null;
  /** Routes discovery found (role and URL). */
  discovered: Endpoint[];
}

/** Validates the URL argument: http(s) with a host. */
export function parseBaseUrl(baseUrl: string): URL {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new UsageError(`probe needs an http(s) URL, e.g. https://api.example.com (got "${baseUrl}")`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`probe needs an http(s) URL (got "${baseUrl}")`);
  return u;
}

/** Routes that exist on `base`: a POST with `{}` answered by anything but 404/405 or the catch-all page. */
export async function discoverEndpoints(base: URL, net: Net, signal: AbortSignal): Promise<Endpoint[]> {
  const sender = createSender(net, createScopeGuard([base.host]), signal);
  const prefix = base.pathname.replace(/\/+$/, '');
  const nf = (await sender.send({ method: 'POST', url: base.origin + prefix + NOT_FOUND_PATH, headers: { 'content-type': 'application/json' }, body: '{}' })).x;
  const found: Endpoint[] = [];
  for (const c of DISCOVERY_PATHS) {
    if (found.some((f) => f.role === c.role)) continue;
    const url = base.origin + prefix + c.path;
    const { x } = await sender.send({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '{}' });
    if (x.status === 0 || x.status === 404 || x.status === 405 || x.status === 501) continue;
    if (nf.status === x.status && bodyHash(nf.body) === bodyHash(x.body)) continue; // the catch-all answer
    found.push({ role: c.role, url, method: 'POST', contentType: 'application/json' });
  }
  return found;
}

/** The config `probe <url>` runs with: the URL is the API, its host the whole scope. */
export function probeConfig(base: URL, opts: ProbeCommandOptions): LaunchreadyConfig {
  return configSchema.parse({
    active: !!opts.active,
    security: {
      apis: [base.href.replace(/\/+$/, '') || base.origin],
      allowedOrigins: opts.allowedOrigins ?? [],
      ...(opts.burst ? { burst: opts.burst } : {}),
      ...(opts.bodyLimitBytes ? { bodyLimitBytes: opts.bodyLimitBytes } : {}),
      dryRun: !!opts.dryRun,
    },
  });
}

export async function probeCommandCore(baseUrl: string, net: Net, opts: ProbeCommandOptions = {}): Promise<ProbeCommandResult> {
  const base = parseBaseUrl(baseUrl);
  const signal = opts.signal ?? new AbortController().signal;
  const config = probeConfig(base, opts);
  const discovered = opts.dryRun ? [] : await discoverEndpoints(base, net, signal);
  const { report, artifacts } = await runAudit({
    config,
    configPath: null,
    baseDir: process.cwd(),
    net,
    registry: buildRegistry([family], [securityGatherer({ ...(opts.active ? { active: true } : {}), extraEndpoints: () => discovered })]),
    signal,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const a = artifacts.security;
  return { report, artifact: a && !('error' in a) ? a : null, discovered };
}

/** One line per planned request, for `--dry-run` and for skipped active probes. */
export function formatPlanned(a: SecurityArtifact): string {
  const line = (r: PlannedRequest) =>
    `  ${r.method} ${r.url}${r.count > 1 ? ` ×${r.count}` : ''}${r.bodyBytes ? ` (${r.bodyBytes} bytes${r.bodyPreview ? `: ${r.bodyPreview.slice(0, 60)}` : ''})` : ''}`;
  return a.skipped.map((s) => `${s.probe} ${s.target}: ${s.reason}\n${s.requests.map(line).join('\n')}`).join('\n');
}
