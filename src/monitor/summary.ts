/**
 * The monitor config and repository summarised for audits (pure helpers of src/gather/monitor.ts):
 * what each check covers, and which error-tracking SDKs or env keys the backend has.
 */
import type { CheckRole, MonitorArtifact } from '../audits/monitor/artifact.js';
import { checkTarget } from './checks.js';
import type { MonitorCheckConfig, MonitorConfig } from './config-schema.js';
import { parseDuration } from './duration.js';

/** Health endpoints by convention (Spring actuator, k8s probes, Rails /up). */
const HEALTH_PATH = /(^|\/)(health|healthz|healthcheck|ready|readyz|live|livez|ping|up|status)(\/|$|\.json$)/i;

/** What a check covers: its explicit role, else inferred from kind, method and URL path. */
export function roleOf(c: MonitorCheckConfig): CheckRole {
  if (c.role) return c.role;
  if (c.kind === 'flow') return 'core-action';
  if (c.kind !== 'http' || !c.url) return 'other';
  let path = '/';
  try {
    path = new URL(c.url).pathname;
  } catch {
    return 'other';
  }
  if (HEALTH_PATH.test(path)) return 'api-health';
  // A write (signup, checkout) exercises the product, not just the page.
  if ((c.method ?? 'GET').toUpperCase() !== 'GET') return 'core-action';
  if (path === '/' || path === '') return 'homepage';
  return 'other';
}

/** Packages that report backend errors: Sentry SDKs, OpenTelemetry, and other trackers. */
export const ERROR_TRACKING_PACKAGE = /^(@sentry\/.+|@opentelemetry\/.+|dd-trace|newrelic|@bugsnag\/.+|rollbar|@honeybadger-io\/.+|@highlight-run\/.+|elastic-apm-node)$/;
/** Env keys that point the SDK somewhere (a non-empty value is required). */
export const ERROR_TRACKING_ENV = /^(?:[A-Z0-9_]*_)?(SENTRY_DSN|OTEL_EXPORTER_OTLP_(?:TRACES_)?ENDPOINT)$/;

export function summariseConfig(m: MonitorConfig | undefined): Omit<MonitorArtifact, 'errorTracking' | 'channelTests'> {
  if (!m) return { configured: false, checks: [], channels: [], escalation: null, slos: [] };
  return {
    configured: true,
    checks: m.checks.map((c) => ({ id: c.id, kind: c.kind, role: roleOf(c), target: checkTarget(c) })),
    channels: Object.entries(m.channels).map(([name, c]) => ({ name, type: c.type })),
    escalation: m.escalation ? { steps: m.escalation.steps.map((s) => ({ afterMs: parseDuration(s.after), notify: s.notify })), repeatMs: m.escalation.repeat ? parseDuration(m.escalation.repeat) : null } : null,
    slos: m.slos.map((s) => ({ name: s.name, ...(s.availability !== undefined ? { availability: s.availability } : {}), latency: !!s.latency })),
  };
}

/** Error-tracking packages in one package.json text. */
export function trackingDeps(pkgJson: string): string[] {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(pkgJson) as Record<string, unknown>;
  } catch {
    return [];
  }
  const names = ['dependencies', 'devDependencies', 'optionalDependencies'].flatMap((k) => Object.keys((pkg[k] as Record<string, string> | undefined) ?? {}));
  return names.filter((n) => ERROR_TRACKING_PACKAGE.test(n)).sort();
}
