/** Gatherer replacements for single-topic commands. */
import { defineGatherer, type Gatherer } from '../../core/audit.js';
import { normalizeName } from '../../gather/targets.js';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

/** `launchready tls host`: check exactly that name, not its apex and www. */
export function tlsOnlyTargets(host: string): Gatherer {
  const name = normalizeName(host);
  return defineGatherer({
    id: 'targets',
    title: `Target ${name}`,
    async gather() {
      return { apex: name, canonical: null, names: [{ name, role: 'apex' as const }], staging: [] };
    },
  }) as Gatherer;
}

/** `launchready db explain <url> [--query SQL] [--analyze] [--top N]`: plans plus missing-index hints. Exit 1 when a hint is given. */
export async function dbExplainCommand(
  ctx: CliContext,
  url: string,
  opts: { query?: string; analyze?: boolean; top?: string; format?: string },
): Promise<number> {
  const { explainStatements } = await import('../../db/explain.js'); // lazy: pg loads only for this command
  const top = opts.top === undefined ? 5 : Number(opts.top);
  if (!Number.isInteger(top) || top < 1 || top > 50) throw new UsageError(`--top must be a whole number from 1 to 50; got ${opts.top}`);
  const r = await explainStatements(url, { ...(opts.query ? { query: opts.query } : {}), analyze: !!opts.analyze, top });
  if ((opts.format ?? 'terminal') === 'json') ctx.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else {
    const lines = [`EXPLAIN${opts.analyze ? ' ANALYZE' : ''} on ${r.target}`];
    for (const s of r.statements) {
      lines.push('', `${s.source === 'pg_stat_statements' ? `calls ${s.calls}, mean ${s.meanMs} ms: ` : ''}${s.query.replace(/\s+/g, ' ').slice(0, 300)}`);
      if (s.error) lines.push(`  (no plan: ${s.error})`);
      lines.push(...s.plan.map((l) => `  ${l}`), ...s.hints.map((h) => `  hint: ${h}`));
    }
    if (!r.statements.length) lines.push('', 'no statements recorded in pg_stat_statements yet');
    ctx.stdout.write(`${lines.join('\n')}\n`);
  }
  return r.statements.some((s) => s.hints.length) ? 1 : 0;
}
