/**
 * `launchready perf [route...]` (routes from config) and `launchready perf <url> [--method M]
 * [--header 'K: V'] [--body JSON] [--rate N | --vus N] [--duration 10s] [--threshold 'p(95)<300']
 * [--kind read|write]` (one ad-hoc route, no config needed); `--export-k6 out.js` writes a k6 script.
 */
import type { CliContext } from '../context.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { configSchema, type LaunchreadyConfig } from '../../config/schema.js';
import { loadConfig } from '../../config/loader.js';
import { createNet } from '../../net/index.js';
import { perfCommandCore } from '../../load/command.js';
import type { LoadProgress } from '../../load/types.js';
import { exportK6FromConfig } from '../../load/k6-export.js';
import { writeAtomic } from '../output.js';
import { netOptionsFor, exitCodeFor, parseFailOn, type CommonOptions } from './audit.js';
import { toFinding } from '../../engine/run.js';
import { registry } from '../../engine/registry.js';
import type { Finding } from '../../core/types.js';
import { resolve } from 'node:path';

export interface PerfOptions extends CommonOptions {
  method?: string;
  header?: string[];
  body?: string;
  rate?: string;
  vus?: string;
  duration?: string;
  threshold?: string[];
  kind?: string;
  active?: boolean;
  exportK6?: string;
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.replace(/\/s$/, ''));
  if (!(n > 0)) throw new UsageError(`--${name} must be a positive number (got "${v}")`);
  return n;
}

/** "10s", "1500ms", "2m" -> ms. */
function durationMs(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new UsageError(`--duration must look like 10s, 1500ms or 2m (got "${v}")`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1_000);
}

function adHocConfig(url: string, o: PerfOptions): LaunchreadyConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`not a URL: "${url}"`);
  }
  const headers: Record<string, string> = {};
  for (const h of o.header ?? []) {
    const i = h.indexOf(':');
    if (i < 1) throw new UsageError(`--header must look like 'Name: value' (got "${h}")`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  let body: unknown;
  if (o.body !== undefined) {
    try {
      body = JSON.parse(o.body);
    } catch {
      body = o.body;
    }
  }
  try {
    return configSchema.parse({
      domains: { apex: u.hostname },
      routes: [
        {
          name: 'adhoc',
          method: (o.method ?? 'GET').toUpperCase(),
          url,
          headers,
          ...(body !== undefined ? { body } : {}),
          ...(o.kind ? { kind: o.kind } : {}),
          ...(o.threshold?.length ? { thresholds: o.threshold } : {}),
        },
      ],
    });
  } catch (err) {
    throw new UsageError(`bad perf arguments: ${(err as Error).message}`);
  }
}

export async function perfCommand(ctx: CliContext, args: string[], o: PerfOptions): Promise<number> {
  const failOn = parseFailOn(o.failOn);
  const adHoc = args.length === 1 && /^https?:\/\//i.test(args[0]!);
  const loaded = adHoc
    ? { config: adHocConfig(args[0]!, o), baseDir: ctx.cwd }
    : await loadConfig({ path: o.config, cwd: ctx.cwd, env: ctx.env, required: true });
  if (o.exportK6) {
    const script = exportK6FromConfig(loaded.config, adHoc ? undefined : args.length ? args : undefined);
    writeAtomic(resolve(ctx.cwd, o.exportK6), script);
    ctx.stdout.write(`wrote k6 script ${o.exportK6}: run it with  k6 run ${o.exportK6}\n`);
    return 0;
  }
  if (!loaded.config.routes.length) throw new ConfigError(null, [{ path: 'routes', message: 'no routes to load-test: add routes to the config or give a URL' }]);
  const net = createNet(
    await netOptionsFor(ctx, loaded.config, loaded.baseDir, o),
  );
  try {
    const rate = num('rate', o.rate);
    const vus = num('vus', o.vus);
    const duration = durationMs(o.duration);
    const out = await perfCommandCore(loaded.config, net, {
      ...(adHoc ? {} : args.length ? { routes: args } : {}),
      ...(rate ? { rate } : {}),
      ...(vus ? { vus } : {}),
      ...(duration ? { duration } : {}),
      active: !!o.active || loaded.config.active,
      baseDir: loaded.baseDir,
      signal: ctx.signal,
      ...(o.quiet
        ? {}
        : {
            onProgress: (route: string, p: LoadProgress) =>
              ctx.stderr.write(
                `\r${route} ${p.phase}: ${p.count} req, ${p.currentRps.toFixed(0)} req/s, p95 ${p.p95 === null ? '–' : `${p.p95.toFixed(1)} ms`}, ${p.errors} errors   `,
              ),
          }),
    });
    if (!o.quiet) ctx.stderr.write('\n');
    const reg = registry();
    const findings = out.findings.map((d) => toFinding(d, { registry: reg, config: loaded.config })).filter((f): f is Finding => f !== null);
    if (o.format === 'json') ctx.stdout.write(`${JSON.stringify({ runs: out.artifact.runs, metrics: out.metrics, findings }, null, 2)}\n`);
    else {
      ctx.stdout.write(`${out.table}\n`);
      for (const f of findings) ctx.stdout.write(`${f.severity.toUpperCase()} ${f.id} ${f.target} ${JSON.stringify(f.evidence)}\n`);
    }
    return exitCodeFor({ findings }, failOn);
  } finally {
    await net.close();
  }
}
