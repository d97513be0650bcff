/**
 * `launchready demo`: start the flawed marketplace on loopback, audit it with every family that
 * has landed, write the reports, print the summary, shut everything down (also on Ctrl-C).
 */
import type { CliContext } from '../context.js';
import { startDemo } from '../../demo/index.js';
import { auditCommand, configFrom } from './audit.js';
import { AbortedError } from '../../core/errors.js';

export async function demoCommand(
  ctx: CliContext,
  opts: { out: string; format: string; color?: boolean; quiet?: boolean; keepRunning?: boolean; fixed?: boolean },
): Promise<number> {
  if (!opts.quiet) ctx.stderr.write(`starting the demo marketplace on loopback (${opts.fixed ? 'flaws fixed' : 'with its flaws'}) ...\n`);
  const demo = await startDemo({ flawed: !opts.fixed });
  try {
    if (ctx.signal.aborted) throw new AbortedError('stopped by the user');
    const code = await auditCommand(ctx, {
      opts: { out: opts.out, format: opts.format, failOn: 'blocker', ...(opts.color === false ? { color: false } : {}), ...(opts.quiet ? { quiet: true } : {}) },
      config: configFrom(demo.config),
      baseDir: demo.repoDir,
    });
    if (opts.keepRunning) {
      ctx.stderr.write(`demo servers stay up; DNS at ${demo.dns.address}. Ctrl-C to stop.\n`);
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    }
    // The demo is expected to find blockers: its exit code says whether the demo itself worked.
    return code === 1 ? 0 : code;
  } finally {
    await demo.stop();
  }
}
