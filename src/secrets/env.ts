/**
 * Environment files: parse with dotenv's own parser (the one the apps use, so quoting, `export`,
 * multi-line values and comments mean the same thing), then reduce every value to facts that are
 * safe to store: a hash, a masked preview, the detector rule it matches, its host.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'dotenv';
import { UsageError } from '../core/errors.js';
import { detect } from './detect.js';
import { git, isGitWorkTree, splitZ } from './sources/git.js';
import type { EnvEntry, EnvFileInfo, EnvFilesArtifact } from './types.js';
import { isPlaceholder, redact, sha256Hex, shannon } from './util.js';

/** Framework prefixes that inline a variable into browser bundles. */
export const BROWSER_PREFIXES = ['NEXT_PUBLIC_', 'VITE_', 'REACT_APP_', 'NUXT_PUBLIC_', 'EXPO_PUBLIC_', 'PUBLIC_', 'GATSBY_'];

const SECRET_NAME = /(?:SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|API_?KEY|ACCESS_?KEY|CREDENTIAL|SERVICE_ROLE|SIGNING|WEBHOOK_KEY|AUTH_KEY)/i;
/** Names that say "public by design" even though they contain KEY/TOKEN-like words. */
const PUBLIC_NAME = /(?:PUBLISHABLE|ANON|CLIENT_ID|SITE_KEY|PUBLIC_KEY|MEASUREMENT|_DSN$|_URL$|_URI$|_HOST$|_PORT$|_ID$|_NAME$|_REGION$)/i;
/** Names whose value, in a browser variable, is a secret whatever it looks like. */
export const BROWSER_SECRET_NAME = /(?:SECRET|PRIVATE|PASSWORD|PASSWD|SERVICE_ROLE)/i;

const EXAMPLE_SUFFIX = /^(?:example|sample|template|dist|defaults?)$/i;

/** `.env.production.local` -> `production`; `.env` -> `default`; `.env.example` -> `example`. */
export function envNameOf(file: string): string {
  const base = path.basename(file);
  const m = /^\.env(?:\.(.+))?$/.exec(base);
  if (!m) return normaliseEnvName(base.replace(/\.env$/, '') || 'default');
  if (!m[1]) return 'default';
  const parts = m[1].split('.').filter((p) => p !== 'local');
  if (parts.length === 0) return 'local';
  return normaliseEnvName(parts[0]!);
}

export function normaliseEnvName(n: string): string {
  const l = n.toLowerCase();
  if (l === 'prod' || l === 'production' || l === 'live') return 'production';
  if (l === 'stage' || l === 'staging' || l === 'preview') return 'staging';
  if (l === 'dev' || l === 'development') return 'development';
  if (EXAMPLE_SUFFIX.test(l)) return 'example';
  return l;
}

const LOCAL_HOSTS = /^(?:localhost|.+\.localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|::1|\[::1\]|host\.docker\.internal)$/i;

function hostOf(value: string): string | undefined {
  if (value.includes('://')) {
    try {
      const h = new URL(value).hostname.toLowerCase();
      return h.replace(/^\[|\]$/g, '') || undefined;
    } catch {
      // `postgres://u:p@host:5432/db?x` parses fine; values that do not are not URLs we can judge.
      const m = /:\/\/(?:[^@/]*@)?([^/:?#]+)/.exec(value);
      return m?.[1]?.toLowerCase();
    }
  }
  const m = /^([a-z0-9.-]+|\[[0-9a-f:]+\]):\d{2,5}$/i.exec(value);
  return m?.[1]?.toLowerCase().replace(/^\[|\]$/g, '');
}

export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.test(host) || host === '::1';
}

/** Display form of a value: secrets show at most 4 characters. */
export function maskValue(value: string, looksSecret: boolean): string {
  if (value === '') return '';
  if (looksSecret) return redact(value);
  return value.length <= 40 ? value : value.slice(0, 37) + '…';
}

/** Reduce one KEY=value to safe facts. `file` feeds the detector (fingerprints). */
export function analyseEntry(key: string, value: string, file: string, line: number): EnvEntry {
  const hit = value ? detect(`${key}=${value}`, file)[0] : undefined;
  const nameSecret = SECRET_NAME.test(key) && !PUBLIC_NAME.test(key);
  const looksSecret = hit !== undefined || (nameSecret && value.length >= 8 && !isPlaceholder(value) && shannon(value) >= 3);
  const e: EnvEntry = {
    key,
    empty: value.trim() === '',
    length: value.length,
    valueHash: sha256Hex(value).slice(0, 16),
    masked: maskValue(value, looksSecret),
    looksSecret,
    localhost: false,
    line,
  };
  if (hit) {
    e.secretRule = hit.rule;
    if (hit.browserSafe) e.browserSafe = true;
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value.trim())?.[1]?.toLowerCase();
  if (scheme) e.scheme = scheme;
  const host = value ? hostOf(value.trim()) : undefined;
  if (host) {
    e.host = host;
    e.localhost = isLocalHost(host);
  }
  return e;
}

/** Line of each key's first definition (dotenv.parse does not report positions). */
function keyLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  text.split('\n').forEach((l, i) => {
    const m = /^\s*(?:export\s+)?([\w.-]+)\s*[=:]/.exec(l);
    if (m && !out.has(m[1]!)) out.set(m[1]!, i + 1);
  });
  return out;
}

/** Parse one dotenv text into an EnvFileInfo (tracked unknown: the caller fills it in). */
export function analyseEnvText(text: string, file: string, env = envNameOf(file)): EnvFileInfo {
  const info: EnvFileInfo = { path: file, env, isExample: env === 'example', tracked: null, entries: [] };
  let parsed: Record<string, string>;
  try {
    parsed = parse(text);
  } catch (e) {
    info.parseError = (e as Error).message;
    return info;
  }
  const lines = keyLines(text);
  for (const [key, value] of Object.entries(parsed)) info.entries.push(analyseEntry(key, value, file, lines.get(key) ?? 0));
  return info;
}

const ENV_FILE = /^\.env(?:\..+)?$/;

export interface ReadEnvOptions {
  dir: string;
  /** Environment name -> file (relative to dir), from config.env.files. */
  files?: Record<string, string>;
  required?: string[];
}

/** Discover and analyse the env files of `dir` (+ configured ones). */
export async function readEnvFiles(opts: ReadEnvOptions): Promise<EnvFilesArtifact> {
  const dir = path.resolve(opts.dir);
  const wanted = new Map<string, string>(); // rel path -> env name
  for (const [env, rel] of Object.entries(opts.files ?? {})) wanted.set(rel, normaliseEnvName(env));
  let names: string[] = [];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && ENV_FILE.test(e.name)).map((e) => e.name);
  } catch (e) {
    throw new UsageError(`env: cannot read directory ${opts.dir}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  for (const n of names.sort()) if (!wanted.has(n)) wanted.set(n, envNameOf(n));
  const isGit = await isGitWorkTree(dir);
  const tracked = isGit ? new Set(splitZ(await git(dir, ['ls-files', '-z', '--', ...wanted.keys()]).catch(() => Buffer.alloc(0)))) : null;
  const files: EnvFileInfo[] = [];
  for (const [rel, env] of wanted) {
    let text: string;
    try {
      text = await readFile(path.join(dir, rel), 'utf8');
    } catch (e) {
      files.push({ path: rel, env, isExample: env === 'example', tracked: null, entries: [], parseError: `cannot read: ${(e as NodeJS.ErrnoException).code ?? e}` });
      continue;
    }
    const info = analyseEnvText(text, rel, env);
    info.tracked = tracked ? tracked.has(rel) : null;
    files.push(info);
  }
  return { dir, files, required: [...(opts.required ?? [])] };
}

export type EnvDiffStatus = 'same' | 'different' | 'only-a' | 'only-b' | 'empty-a' | 'empty-b';

export interface EnvDiffTable {
  a: string;
  b: string;
  rows: { key: string; a: string | null; b: string | null; status: EnvDiffStatus; secret: boolean }[];
  counts: Record<EnvDiffStatus, number>;
}

/** `launchready env diff <a> <b>`: keys by file, values masked (secrets show at most 4 chars). */
export async function diffEnv(a: string, b: string): Promise<EnvDiffTable> {
  const load = async (f: string) => {
    try {
      return analyseEnvText(await readFile(f, 'utf8'), f);
    } catch (e) {
      throw new UsageError(`env diff: cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  };
  const [fa, fb] = [await load(a), await load(b)];
  const ma = new Map(fa.entries.map((e) => [e.key, e]));
  const mb = new Map(fb.entries.map((e) => [e.key, e]));
  const keys = [...new Set([...ma.keys(), ...mb.keys()])].sort();
  const counts: Record<EnvDiffStatus, number> = { same: 0, different: 0, 'only-a': 0, 'only-b': 0, 'empty-a': 0, 'empty-b': 0 };
  const rows = keys.map((key) => {
    const ea = ma.get(key);
    const eb = mb.get(key);
    const secret = Boolean(ea?.looksSecret || eb?.looksSecret);
    // When either side is secret, both sides are shown masked.
    const show = (e: EnvEntry | undefined) => (e ? (secret && !e.empty ? redact(e.masked.replace(/…$/, '')) : e.masked) : null);
    let status: EnvDiffStatus;
    if (!ea) status = 'only-b';
    else if (!eb) status = 'only-a';
    else if (ea.empty && !eb.empty) status = 'empty-a';
    else if (eb.empty && !ea.empty) status = 'empty-b';
    else status = ea.valueHash === eb.valueHash ? 'same' : 'different';
    counts[status]++;
    return { key, a: show(ea), b: show(eb), status, secret };
  });
  return { a, b, rows, counts };
}
