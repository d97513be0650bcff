/**
 * `launchready demo`: start the flawed marketplace on loopback, audit it with every family that
 * has landed, write the reports, the launch plan and the handover pack, print the summary, shut
 * everything down (also on Ctrl-C).
 */
import type { CliContext } from '../context.js';
import { startDemo } from '../../demo/index.js';
import { auditCommand, configFrom } from './audit.js';
import { AbortedError } from '../../core/errors.js';
import type { Report } from '../../core/types.js';
import { join, resolve } from 'node:path';
import { writePack, writePlan } from './handover.js';
import { effortText } from '../../plan/build.js';

export async function demoCommand(
  ctx: CliContext,
  opts: { out: string; format: string; color?: boolean; quiet?: boolean; keepRunning?: boolean; fixed?: boolean },
): Promise<number> {
  if (!opts.quiet) ctx.stderr.write(`starting the demo marketplace on loopback (${opts.fixed ? 'flaws fixed' : 'with its flaws'}) ...\n`);
  const demo = await startDemo({ flawed: !opts.fixed });
  try {
    if (ctx.signal.aborted) throw new AbortedError('stopped by the user');
    let report: Report | null = null;
    const code = await auditCommand(ctx, {
      opts: { out: opts.out, format: opts.format, failOn: 'blocker', ...(opts.color === false ? { color: false } : {}), ...(opts.quiet ? { quiet: true } : {}) },
      config: configFrom(demo.config),
      baseDir: demo.repoDir,
      onReport: (r) => (report = r),
    });
    if (report) {
      // Stage 7 from the same report: the 48-hour plan and the handover pack, beside the reports.
      const out = resolve(ctx.cwd, opts.out);
      const now = new Date(ctx.now()).toISOString();
      const plan = writePlan(report, out, now);
      const pack = await writePack(report, join(out, 'handover'), now, { env: ctx.env });
      if (!opts.quiet) {
        ctx.stdout.write(`wrote launch plan: ${plan.md} (${plan.items ? `${plan.items} fix${plan.items === 1 ? '' : 'es'}, ${effortText(plan.totalMin)}` : 'nothing to fix'}) and ${plan.html}
`);
        ctx.stdout.write(`wrote handover pack: ${join(out, 'handover', 'README.md')} and ${join(out, 'handover', 'handover.html')} (${pack.gaps} gap${pack.gaps === 1 ? '' : 's'})
`);
      }
    }
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
