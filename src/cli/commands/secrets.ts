/**
 * `launchready secrets [path]`, `launchready env [dir]`, `launchready env diff <a> <b>`,
 * `launchready logs <file|dir>`: the stage-1 families on their own, from arguments alone.
 */
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { defineGatherer, type Gatherer } from '../../core/audit.js';
import { auditCommand, configFrom, type AuditOptions } from './audit.js';
import { scanSecrets } from '../../secrets/scan.js';
import { writeBaseline } from '../../secrets/baseline.js';
import { installHook } from '../../secrets/hook.js';
import { diffEnv } from '../../secrets/env.js';

export interface SecretsOptions extends AuditOptions {
  scanHistory?: boolean;
  staged?: boolean;
  baselineFile?: string;
  updateBaseline?: boolean;
  installHook?: boolean;
}

export const DEFAULT_SECRETS_BASELINE = '.launchready/secrets-baseline.json';

export async function secretsCommand(ctx: CliContext, path: string | undefined, opts: SecretsOptions): Promise<number> {
  const root = resolve(ctx.cwd, path ?? '.');
  if (opts.installHook) {
    const r = await installHook(root);
    ctx.stdout.write(`${r.action} ${r.path}: runs \`launchready secrets --staged\` before each commit\n`);
    return 0;
  }
  if (opts.updateBaseline) {
    const file = resolve(root, opts.baselineFile ?? DEFAULT_SECRETS_BASELINE);
    const scan = await scanSecrets({ path: root, history: !!opts.scanHistory });
    const fps = [...scan.worktree.hits, ...scan.bundles.hits, ...(scan.history?.hits ?? [])].map((h) => h.fingerprint);
    await writeBaseline(file, fps);
    ctx.stdout.write(`wrote ${fps.length} accepted fingerprint(s) to ${file}; review it into git\n`);
    return 0;
  }
  const repo = { path: root, history: !!opts.scanHistory, ...(opts.baselineFile ? { baseline: opts.baselineFile } : {}) };
  // --staged scans only the lines added in the index (the pre-commit hook's job).
  const gatherers: Gatherer[] = opts.staged
    ? [
        defineGatherer({
          id: 'secrets',
          title: 'Scanning the staged changes for secrets',
          gather: async () => scanSecrets({ path: root, history: false, staged: true, ...(opts.baselineFile ? { baseline: opts.baselineFile } : {}) }),
        }) as Gatherer,
      ]
    : [];
  return auditCommand(ctx, { opts, only: ['secrets'], config: configFrom({ repo }), baseDir: ctx.cwd, gatherers });
}

export async function envCommand(ctx: CliContext, dir: string | undefined, opts: AuditOptions & { required?: string }): Promise<number> {
  const required = opts.required ? opts.required.split(',').map((s) => s.trim()).filter(Boolean) : [];
  return auditCommand(ctx, { opts, only: ['env'], config: configFrom({ env: { dir: dir ?? '.', required } }) });
}

export async function envDiffCommand(ctx: CliContext, a: string, b: string, opts: { format?: string }): Promise<number> {
  const t = await diffEnv(resolve(ctx.cwd, a), resolve(ctx.cwd, b));
  if (opts.format === 'json') {
    ctx.stdout.write(`${JSON.stringify(t, null, 2)}\n`);
  } else {
    const w = Math.max(3, ...t.rows.map((r) => r.key.length));
    const cw = Math.max(a.length, b.length, 12);
    ctx.stdout.write(`${'key'.padEnd(w)}  ${a.padEnd(cw)}  ${b.padEnd(cw)}  status\n`);
    for (const r of t.rows) ctx.stdout.write(`${r.key.padEnd(w)}  ${(r.a ?? '—').padEnd(cw)}  ${(r.b ?? '—').padEnd(cw)}  ${r.status}\n`);
    ctx.stdout.write(`\n${Object.entries(t.counts).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
  }
  return t.rows.some((r) => r.status === 'only-a' || r.status === 'only-b' || r.status === 'empty-a' || r.status === 'empty-b') ? 1 : 0;
}

export async function logsCommand(ctx: CliContext, paths: string[], opts: AuditOptions): Promise<number> {
  return auditCommand(ctx, { opts, only: ['logs'], config: configFrom({ logs: { paths } }) });
}
