/** `launchready probe <base-url>`: the security probes against one API, scope-locked to its host. */
import type { CliContext } from '../context.js';
import { UsageError } from '../../core/errors.js';
import { configSchema } from '../../config/schema.js';
import { createNet } from '../../net/index.js';
import { formatPlanned, probeCommandCore } from '../../probe/command.js';
import { netOptionsFor, emitReport, exitCodeFor, parseFailOn, type AuditOptions } from './audit.js';
import { parseFormats } from '../output.js';

export async function probeCommand(ctx: CliContext, url: string, opts: AuditOptions & { active?: boolean; dryRun?: boolean; burst?: string; origin?: string }): Promise<number> {
  const failOn = parseFailOn(opts.failOn);
  const formats = parseFormats(opts.format);
  if (!opts.out && formats.length > 1) throw new UsageError('several formats need --out DIR (one file per format)');
  const burst = opts.burst ? Number(opts.burst) : undefined;
  if (burst !== undefined && !(Number.isInteger(burst) && burst > 0 && burst <= 200)) throw new UsageError(`--burst must be 1..200 (got "${opts.burst}")`);
  const net = createNet(
    await netOptionsFor(ctx, configSchema.parse({}), ctx.cwd, opts),
  );
  try {
    const r = await probeCommandCore(url, net, {
      active: !!opts.active,
      dryRun: !!opts.dryRun,
      ...(burst ? { burst } : {}),
      ...(opts.origin ? { allowedOrigins: opts.origin.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      signal: ctx.signal,
    });
    if (opts.dryRun && r.artifact) {
      ctx.stdout.write(`${formatPlanned(r.artifact)}\n`);
      return 0;
    }
    emitReport(ctx, r.report, formats, { ...opts, failOn });
    return exitCodeFor(r.report, failOn);
  } finally {
    await net.close();
  }
}
