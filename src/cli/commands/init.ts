/** `launchready init [url]`: write a commented starter config that validates. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { netOptionsFor } from './audit.js';
import { UsageError } from '../../core/errors.js';
import { probeForInit, renderStarterConfig } from '../../config/init.js';
import { configSchema } from '../../config/schema.js';
import { createNet } from '../../net/index.js';
import { writeAtomic } from '../output.js';

export async function initCommand(
  ctx: CliContext,
  url: string | undefined,
  opts: { out: string; force?: boolean; resolver?: string[]; connectTo?: string[]; ca?: string },
): Promise<number> {
  const file = resolve(ctx.cwd, opts.out);
  if (existsSync(file) && !opts.force) throw new UsageError(`${opts.out} already exists (use --force to overwrite)`);
  let input = {};
  if (url) {
    const netOptions = await netOptionsFor(ctx, configSchema.parse({}), ctx.cwd, opts);
    const net = createNet(netOptions);
    try {
      ctx.stderr.write(`probing ${url} ...\n`);
      input = await probeForInit(url, net);
    } finally {
      await net.close();
    }
  }
  writeAtomic(file, renderStarterConfig(input));
  ctx.stdout.write(`wrote ${opts.out}; next: edit it, then run  launchready audit\n`);
  return 0;
}
