/** `launchready report saved.json --format html`: re-render a saved report. */
import type { CliContext } from '../context.js';
import { emitReport, exitCodeFor, parseFailOn, readReport, type CommonOptions } from './audit.js';
import { parseFormats } from '../output.js';
import { UsageError } from '../../core/errors.js';

export async function reportCommand(ctx: CliContext, file: string, opts: CommonOptions): Promise<number> {
  const report = readReport(file, ctx.cwd);
  const formats = parseFormats(opts.format);
  const failOn = parseFailOn(opts.failOn);
  if (!opts.out && formats.length > 1) throw new UsageError('several formats need --out DIR (one file per format)');
  emitReport(ctx, report, formats, { ...opts, failOn });
  return exitCodeFor(report, failOn);
}
