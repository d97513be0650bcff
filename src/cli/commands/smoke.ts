/** `launchready smoke [flow...]`: run the configured flows against the deployed product. */
import type { CliContext } from '../context.js';
import { UsageError } from '../../core/errors.js';
import { loadConfig } from '../../config/loader.js';
import { createNet } from '../../net/index.js';
import { smokeCommandCore } from '../../flow/smoke.js';
import { formatSmoke, formatSmokeJunit } from '../../flow/report.js';
import { outputPaths, parseFormats, writeAtomic } from '../output.js';
import type { Format } from '../../report/index.js';
import { netOptionsFor, type CommonOptions } from './audit.js';

/** Formats smoke writes (the report formats html/md/sarif belong to audits). */
const SMOKE_FORMATS: Format[] = ['terminal', 'json', 'junit'];

export async function smokeCommand(ctx: CliContext, flows: string[], opts: CommonOptions & { repeat?: string; parallel?: boolean }): Promise<number> {
  const repeat = opts.repeat ? Number(opts.repeat) : 1;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) throw new UsageError(`--repeat must be an integer from 1 to 100 (got "${opts.repeat}")`);
  const formats = parseFormats(opts.format);
  const unsupported = formats.filter((f) => !SMOKE_FORMATS.includes(f));
  if (unsupported.length) throw new UsageError(`smoke writes ${SMOKE_FORMATS.join(', ')} (not ${unsupported.join(', ')})`);
  if (!opts.out && formats.length > 1) throw new UsageError('several formats need --out DIR (one file per format)');
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
    const render = (f: Format) =>
      f === 'json' ? `${JSON.stringify({ ok: out.ok, results: out.results, rollback: out.rollback }, null, 2)}\n` : f === 'junit' ? formatSmokeJunit(out.results) : `${formatSmoke(out.results, out.rollback)}\n`;
    if (!opts.out) ctx.stdout.write(render(formats[0]!));
    else {
      for (const [f, p] of outputPaths(formats, opts.out, ctx.cwd, 'smoke')) writeAtomic(p, render(f));
      // The terminal text is printed as well, so the CI log shows the failing step and the rollback steps.
      if (!opts.quiet) ctx.stdout.write(`${formatSmoke(out.results, out.rollback)}\n`);
      if (!opts.quiet) for (const [f, p] of outputPaths(formats, opts.out, ctx.cwd, 'smoke')) ctx.stdout.write(`wrote smoke ${f}: ${p}\n`);
    }
    return out.ok ? 0 : 1;
  } finally {
    await net.close();
  }
}
