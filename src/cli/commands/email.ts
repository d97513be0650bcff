/** `launchready email verify <message.eml> --ip ADDR`: verify one real message the product sent. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { UsageError } from '../../core/errors.js';
import { configSchema } from '../../config/schema.js';
import { loadConfig } from '../../config/loader.js';
import { createNet } from '../../net/index.js';
import { verifyMessage, type VerifyResult } from '../../audits/email/verify.js';
import { netOptionsFor, type CommonOptions } from './audit.js';

export interface VerifyOptions extends CommonOptions {
  ip?: string;
  helo?: string;
  mailFrom?: string;
}

/** A message passes when SPF passes, one aligned DKIM signature verifies and DMARC passes. */
export function verdictOf(r: VerifyResult): boolean {
  return r.spf.result === 'pass' && r.dkim.some((d) => d.result === 'pass') && r.dmarc.result === 'pass';
}

export async function emailVerifyCommand(ctx: CliContext, file: string, opts: VerifyOptions): Promise<number> {
  if (!opts.ip || !isIP(opts.ip)) throw new UsageError('email verify needs --ip <address of the server that sent the message>');
  let eml: Buffer;
  try {
    eml = readFileSync(resolve(ctx.cwd, file));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const loaded = opts.config ? await loadConfig({ path: opts.config, cwd: ctx.cwd, env: ctx.env, required: true }) : { config: configSchema.parse({}), baseDir: ctx.cwd };
  const net = createNet(
    await netOptionsFor(ctx, loaded.config, loaded.baseDir, opts),
  );
  let r: VerifyResult;
  try {
    r = await verifyMessage(eml, { ip: opts.ip, dns: net.dns, ...(opts.helo ? { helo: opts.helo } : {}), ...(opts.mailFrom ? { mailFrom: opts.mailFrom } : {}) });
  } finally {
    await net.close();
  }
  const ok = verdictOf(r);
  if ((opts.format ?? 'terminal') === 'json') {
    ctx.stdout.write(`${JSON.stringify({ file, ip: opts.ip, pass: ok, ...r }, null, 2)}\n`);
  } else {
    const lines = [
      `${ok ? 'PASS' : 'FAIL'}  ${file} sent from ${opts.ip}`,
      `  SPF    ${r.spf.result.padEnd(10)} MAIL FROM ${r.spf.mailFrom || '<>'}${r.spf.mechanism ? ` (matched ${r.spf.mechanism})` : ''}, ${r.spf.lookups} lookups`,
      ...(r.dkim.length
        ? r.dkim.map((d) => `  DKIM   ${d.result.padEnd(10)} d=${d.domain} s=${d.selector}${d.aligned ? ' (aligned)' : ' (not aligned)'}${d.comment ? ` — ${d.comment}` : ''}`)
        : ['  DKIM   none       the message carries no DKIM signature']),
      `  DMARC  ${r.dmarc.result.padEnd(10)}${r.dmarc.domain ? ` ${r.dmarc.domain}` : ''}${r.dmarc.policy ? ` policy=${r.dmarc.policy}` : ''}`,
      `  ARC    ${r.arc.result}`,
    ];
    ctx.stdout.write(`${lines.join('\n')}\n`);
  }
  return ok ? 0 : 1;
}
