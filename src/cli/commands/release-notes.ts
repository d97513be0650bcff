/**
 * `launchready release-notes [--from TAG] [--to REF]`: a Markdown deploy note for the release —
 * commits since the last tag grouped by Conventional Commit type, migrations added (in order) and
 * changed, env keys added/removed since the tag and missing between environments, launch blockers
 * and known issues from the newest audit (with what was fixed since the tag), and the rollback steps.
 *
 * This file collects the facts (git, files, history DB); src/audits/deploy/release-notes.ts renders.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { UsageError } from '../../core/errors.js';
import { loadConfig } from '../../config/loader.js';
import type { LaunchreadyConfig } from '../../config/schema.js';
import { git, GitError } from '../../secrets/sources/git.js';
import { analyseEnvText } from '../../secrets/env.js';
import { findMigrationsDir } from '../../migrations/read.js';
import { HistoryStore } from '../../engine/history.js';
import type { Finding } from '../../core/types.js';
import { writeAtomic } from '../output.js';
import { renderReleaseNotes, type EnvKeyChange, type EnvParityGap, type NoteCommit, type NoteFinding, type ReleaseNotesInput } from '../../audits/deploy/release-notes.js';

/** Commits listed at most (the newest ones). */
export const MAX_NOTE_COMMITS = 1000;

export interface ReleaseNotesOptions {
  config?: string;
  from?: string;
  to?: string;
  format?: string;
  out?: string;
  quiet?: boolean;
}

const run = async (root: string, args: string[]) => (await git(root, args)).toString('utf8');
const tryRun = async (root: string, args: string[]) => {
  try {
    return await run(root, args);
  } catch (e) {
    if (e instanceof GitError) return null;
    throw e;
  }
};

async function repoRoot(dir: string): Promise<string> {
  try {
    return (await run(dir, ['rev-parse', '--show-toplevel'])).trim();
  } catch (e) {
    throw new UsageError(`release-notes needs a git repository: ${dir} is not inside one (${e instanceof GitError ? e.message : String(e)})`);
  }
}

async function commitsBetween(root: string, from: string | null, to: string): Promise<{ commits: NoteCommit[]; truncated: boolean }> {
  const out = await run(root, ['log', '--no-merges', `--max-count=${MAX_NOTE_COMMITS + 1}`, '--format=%H%x1f%s%x1f%b%x1f%an%x1f%aI%x1e', from ? `${from}..${to}` : to]);
  const commits = out
    .split('\x1e')
    .map((r) => r.replace(/^\n/, ''))
    .filter((r) => r.includes('\x1f'))
    .map((r) => {
      const [sha, subject, body, author, date] = r.split('\x1f');
      return { sha: sha!, subject: subject!, body: (body ?? '').trim(), author: author!, date: (date ?? '').trim() };
    });
  return { commits: commits.slice(0, MAX_NOTE_COMMITS), truncated: commits.length > MAX_NOTE_COMMITS };
}

async function migrationChanges(root: string, baseDir: string, config: LaunchreadyConfig, from: string | null, to: string): Promise<ReleaseNotesInput['migrations']> {
  const configured = config.database?.migrations;
  const dir = configured ? resolve(baseDir, configured) : await findMigrationsDir(baseDir);
  if (!dir) return { dir: null, added: [], changed: [] };
  const rel = relative(root, dir) || '.';
  if (!from) {
    const files = (await tryRun(root, ['ls-tree', '-r', '--name-only', '-z', to, '--', rel])) ?? '';
    return { dir: rel, added: files.split('\0').filter(Boolean).sort(), changed: [] };
  }
  const out = await run(root, ['diff', '--name-status', '-z', '--no-renames', from, to, '--', rel]);
  const parts = out.split('\0').filter(Boolean);
  const added: string[] = [];
  const changed: { file: string; status: 'modified' | 'deleted' }[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [status, file] = [parts[i]!, parts[i + 1]!];
    if (status === 'A') added.push(file);
    else if (status === 'M' || status === 'D' || status === 'T') changed.push({ file, status: status === 'D' ? 'deleted' : 'modified' });
  }
  return { dir: rel, added: added.sort(), changed };
}

function keysOf(text: string, file: string): Set<string> {
  return new Set(analyseEnvText(text, file).entries.map((e) => e.key));
}

async function envFacts(root: string, baseDir: string, config: LaunchreadyConfig, from: string | null, to: string, toIsHead: boolean): Promise<ReleaseNotesInput['env']> {
  const dir = resolve(baseDir, config.env?.dir ?? config.repo?.path ?? '.');
  const files: [string, string][] = Object.entries(config.env?.files ?? {});
  if (existsSync(join(dir, '.env.example')) && !files.some(([, f]) => resolve(dir, f) === join(dir, '.env.example'))) files.push(['example', '.env.example']);
  const changes: EnvKeyChange[] = [];
  const now = new Map<string, { file: string; keys: Set<string> }>();
  for (const [env, f] of files) {
    const abs = resolve(dir, f);
    const rel = relative(root, abs);
    const atTo = await tryRun(root, ['show', `${to}:${rel}`]);
    const current = atTo ?? (toIsHead && existsSync(abs) ? readFileSync(abs, 'utf8') : null);
    if (current === null) {
      changes.push({ env, file: f, added: [], removed: [], note: `not found${toIsHead ? '' : ` at ${to}`}` });
      continue;
    }
    const keys = keysOf(current, f);
    if (env !== 'example') now.set(env, { file: f, keys });
    if (!from) continue;
    if (atTo === null) {
      changes.push({ env, file: f, added: [], removed: [], note: 'not tracked in git, so not compared with the tag (keys compared across environments below)' });
      continue;
    }
    const before = await tryRun(root, ['show', `${from}:${rel}`]);
    const old = before === null ? new Set<string>() : keysOf(before, f);
    changes.push({ env, file: f, added: [...keys].filter((k) => !old.has(k)).sort(), removed: [...old].filter((k) => !keys.has(k)).sort() });
  }
  const parity: EnvParityGap[] = [];
  for (const [env, { file, keys }] of now) {
    const missing = new Map<string, string[]>();
    for (const [other, o] of now) if (other !== env) for (const k of o.keys) if (!keys.has(k)) missing.set(k, [...(missing.get(k) ?? []), other]);
    parity.push({ env, file, missing: [...missing].sort(([a], [b]) => a.localeCompare(b)).map(([key, definedIn]) => ({ key, definedIn })) });
  }
  return { changes, parity };
}

const noteFinding = (f: Finding): NoteFinding => ({ id: f.id, severity: f.severity, title: f.title, target: f.target });

function auditFacts(dbFile: string, configKey: string, fromDate: string | null): ReleaseNotesInput['audit'] | undefined {
  if (!existsSync(dbFile)) return undefined;
  const store = new HistoryStore(dbFile);
  try {
    const runs = store.runsOf(configKey, 'audit');
    const latest = runs[0] && store.report(runs[0].id);
    if (!latest) return undefined;
    const blockers = latest.findings.filter((f) => f.severity === 'blocker' && !f.deferred);
    const knownIssues = latest.findings.filter((f) => !blockers.includes(f));
    let fixed: NoteFinding[] | null = null;
    if (fromDate) {
      const before = runs.find((r) => Date.parse(r.startedAt) <= Date.parse(fromDate));
      const old = before && store.report(before.id);
      if (old) {
        const open = new Set(latest.findings.map((f) => f.fingerprint));
        fixed = old.findings.filter((f) => !open.has(f.fingerprint)).map(noteFinding);
      }
    }
    return { runId: runs[0]!.id, at: latest.startedAt, blockers: blockers.map(noteFinding), knownIssues: knownIssues.map(noteFinding), fixed };
  } finally {
    store.close();
  }
}

/** Collects every fact of the notes (exported for tests and for the handover pack). */
export async function collectReleaseNotes(o: { cwd: string; baseDir: string; configPath: string | null; config: LaunchreadyConfig; from?: string; to?: string }): Promise<ReleaseNotesInput> {
  const root = await repoRoot(resolve(o.baseDir, o.config.repo?.path ?? '.'));
  const to = o.to ?? 'HEAD';
  if ((await tryRun(root, ['rev-parse', '--verify', '--quiet', `${to}^{commit}`])) === null) throw new UsageError(`--to ${to}: no such commit, tag or branch in ${root}`);
  let from: string | null = o.from ?? null;
  if (from !== null) {
    if ((await tryRun(root, ['rev-parse', '--verify', '--quiet', `${from}^{commit}`])) === null) throw new UsageError(`--from ${from}: no such tag or commit in ${root}`);
  } else {
    // The last tag before `to` (when `to` is itself tagged, the one before it).
    const hasParent = (await tryRun(root, ['rev-parse', '--verify', '--quiet', `${to}^`])) !== null;
    from = hasParent ? ((await tryRun(root, ['describe', '--tags', '--abbrev=0', `${to}^`]))?.trim() || null) : null;
  }
  const exact = (await tryRun(root, ['describe', '--tags', '--exact-match', to]))?.trim();
  const sha = (await run(root, ['rev-parse', `${to}^{commit}`])).trim();
  const release = exact || `${to} (${sha.slice(0, 7)})`;
  const date = (await run(root, ['log', '-1', '--format=%cI', sha])).trim();
  const fromDate = from ? (await run(root, ['log', '-1', '--format=%cI', `${from}^{commit}`])).trim() : null;
  const head = (await run(root, ['rev-parse', 'HEAD'])).trim();
  const { commits, truncated } = await commitsBetween(root, from, to);
  const audit = auditFacts(resolve(o.baseDir, '.launchready/history.db'), o.configPath ?? o.cwd, fromDate);
  return {
    release,
    from,
    to,
    date,
    commits,
    commitsTruncated: truncated,
    migrations: await migrationChanges(root, o.baseDir, o.config, from, to),
    env: await envFacts(root, o.baseDir, o.config, from, to, sha === head),
    rollback: o.config.handover?.rollback ?? [],
    ...(audit ? { audit } : {}),
  };
}

export async function releaseNotesCommand(ctx: CliContext, opts: ReleaseNotesOptions): Promise<number> {
  const format = opts.format ?? 'md';
  if (format !== 'md' && format !== 'json') throw new UsageError(`--format must be md or json (got "${format}")`);
  const loaded = await loadConfig({ ...(opts.config ? { path: opts.config } : {}), cwd: ctx.cwd, env: ctx.env, required: false });
  const notes = await collectReleaseNotes({ cwd: ctx.cwd, baseDir: loaded.baseDir, configPath: loaded.path, config: loaded.config, ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) });
  const text = format === 'json' ? `${JSON.stringify(notes, null, 2)}\n` : renderReleaseNotes(notes);
  if (!opts.out) {
    ctx.stdout.write(text);
    return 0;
  }
  // A folder gets one file per release: release-notes/v1.4.0.md
  let file = resolve(ctx.cwd, opts.out);
  const isDir = opts.out.endsWith('/') || (existsSync(file) && statSync(file).isDirectory());
  if (isDir) file = join(file, `${notes.release.replace(/[^\w.-]+/g, '-').replace(/-+$/, '')}.${format}`);
  writeAtomic(file, text);
  if (!opts.quiet) ctx.stdout.write(`wrote release notes: ${file}\n`);
  return 0;
}
