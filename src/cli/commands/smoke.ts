/** `launchready smoke [flow...]`: run the configured flows against the deployed product. */
import type { CliContext } from '../context.js';
import { UsageError } from '../../core/errors.js';
import { loadConfig } from '../../config/loader.js';
import { createNet } from '../../net/index.js';
import { smokeCommandCore } from '../../flow/smoke.js';
import { formatSmoke } from '../../flow/report.js';
import { netOptionsFor, type CommonOptions } from './audit.js';

export async function smokeCommand(ctx: CliContext, flows: string[], opts: CommonOptions & { repeat?: string; parallel?: boolean }): Promise<number> {
  const repeat = opts.repeat ? Number(opts.repeat) : 1;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) throw new UsageError(`--repeat must be an integer from 1 to 100 (got "${opts.repeat}")`);
  const loaded = await loadConfig({ path: opts.config, cwd: ctx.cwd, env: ctx.env, required: true });
  const net = createNet(
    await netOptionsFor(ctx, loaded.config, loaded.baseDir, opts),
  );
  try {
    const out = await smokeCommandCore(loaded.config, net, {
      ...(flows.length ? { flows } : {}),
      repeat,
      parallel: !!opts.parallel,
      baseDir: loaded.baseDir,
      signal: ctx.signal,
    });
    if (opts.format === 'json') ctx.stdout.write(`${JSON.stringify({ ok: out.ok, results: out.results }, null, 2)}\n`);
    else ctx.stdout.write(`${formatSmoke(out.results, out.rollback)}\n`);
    return out.ok ? 0 : 1;
  } finally {
    await net.close();
  }
}
