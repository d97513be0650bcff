/**
 * Finds, reads, interpolates and validates the config file.
 *
 * YAML (and JSON, which is parsed by the same YAML 1.2 parser so it gets line numbers too) is read
 * with a LineCounter: every problem — YAML syntax, duplicate key, unknown key, wrong type, missing
 * required key, unset environment variable — is reported at once with file, line, column and the
 * dotted path. TypeScript/JavaScript configs (`export default defineConfig({...})`) are imported with
 * tsx and validated by the same schema (paths, no line numbers).
 *
 * Values that came from `${VAR}` are never echoed: an error on such a value names the variable.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import { configSchema, type LaunchreadyConfig } from './schema.js';
import { formatPath, interpolateTree, type ConfigPath, type Env } from './interpolate.js';

export interface LoadedConfig {
  config: LaunchreadyConfig;
  /** Absolute path of the config file, null when none was found (defaults). */
  path: string | null;
  /** Directory relative paths in the config resolve from (the config file's directory). */
  baseDir: string;
  /** Names of env vars that were interpolated (values never kept here). */
  envVars: string[];
}

/** Looked for, in this order, in the working directory when no `--config` is given. */
export const CONFIG_FILENAMES: string[] = [
  'launchready.config.yaml',
  'launchready.config.yml',
  'launchready.config.ts',
  'launchready.config.mts',
  'launchready.config.js',
  'launchready.config.mjs',
  'launchready.config.json',
];

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

export interface LoadConfigOptions {
  /** `--config` value (file, or a directory to search); relative to cwd. */
  path?: string;
  cwd: string;
  env: Env;
  /** When true, finding no config file is an error; otherwise defaults are returned. */
  required?: boolean;
}

export async function loadConfig(opts: LoadConfigOptions): Promise<LoadedConfig> {
  let file: string | null = null;
  if (opts.path !== undefined) {
    const abs = path.resolve(opts.cwd, opts.path);
    const kind = await fileKind(abs);
    if (kind === 'missing') throw new ConfigError(display(abs, opts.cwd), [{ path: '', message: 'config file not found' }]);
    file = kind === 'dir' ? await findConfigIn(abs) : abs;
    if (file === null) throw notFound(abs, opts.cwd);
  } else {
    file = await findConfigIn(opts.cwd);
    if (file === null) {
      if (opts.required) throw notFound(opts.cwd, opts.cwd);
      return { config: configSchema.parse({}), path: null, baseDir: opts.cwd, envVars: [] };
    }
  }

  const shown = display(file, opts.cwd);
  const ext = path.extname(file).toLowerCase();
  const parsed = MODULE_EXTENSIONS.has(ext)
    ? validateObject(await importConfigModule(file, shown), shown, opts.env, null)
    : parseDetailed(await readText(file, shown), shown, opts.env);
  return { config: parsed.config, path: file, baseDir: path.dirname(file), envVars: parsed.envVars };
}

/** Parse YAML or JSON config text, interpolate `${VAR}`s and validate. Throws ConfigError. */
export function parseConfigText(text: string, file: string, env: Env): LaunchreadyConfig {
  return parseDetailed(text, file, env).config;
}

// ---------------------------------------------------------------- finding and reading

async function fileKind(p: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    return (await stat(p)).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

async function findConfigIn(dir: string): Promise<string | null> {
  for (const name of CONFIG_FILENAMES) {
    const p = path.join(dir, name);
    if ((await fileKind(p)) === 'file') return p;
  }
  return null;
}

function notFound(dir: string, cwd: string): ConfigError {
  return new ConfigError(null, [
    {
      path: '',
      message: `no config file in ${display(dir, cwd) || '.'} (looked for ${CONFIG_FILENAMES.join(', ')}); run "launchready init" to write one`,
    },
  ]);
}

/** Paths inside cwd are shown relative (shorter messages); others absolute. */
function display(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

async function readText(file: string, shown: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(shown, [{ path: '', message: `cannot read config file (${(err as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
}

async function importConfigModule(file: string, shown: string): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    // tsx's programmatic loader: handles .ts/.mts and plain JS alike, without a build step,
    // and keeps its hooks scoped to this import (no global require hooks left behind).
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  } catch (err) {
    // First line only: a syntax error's code frame could quote a hard-coded secret.
    const first = String((err as Error)?.message ?? err).split('\n')[0];
    throw new ConfigError(shown, [{ path: '', message: `cannot load config module: ${first}` }]);
  }
  let value = mod.default;
  // A CommonJS `module.exports = {...}` arrives as default; an ESM-transpiled one may nest it again.
  if (value && typeof value === 'object' && 'default' in value && Object.keys(value).length === 1) {
    value = (value as { default: unknown }).default;
  }
  if (value === undefined) {
    throw new ConfigError(shown, [{ path: '', message: 'config module has no default export (write `export default defineConfig({ ... })`)' }]);
  }
  return await value;
}

// ---------------------------------------------------------------- YAML -> validated config

interface Parsed {
  config: LaunchreadyConfig;
  envVars: string[];
}

function parseDetailed(text: string, file: string, env: Env): Parsed {
  const lineCounter = new LineCounter();
  // uniqueKeys: duplicate keys are errors (the later one would silently win otherwise).
  // merge: `<<: *defaults` is a common YAML config idiom.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { path: '', message: yamlMessage(e.code, e.message), line: pos.line, column: pos.col };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // e.g. an alias bomb ("billion laughs") exceeding maxAliasCount.
    throw new ConfigError(file, [{ path: '', message: `cannot read YAML: ${(err as Error).message}` }]);
  }
  // An empty (or comments-only) file is an empty config: everything at its default.
  if (data === null || data === undefined) data = {};
  const locate: Locator = (p, o) => locateInDoc(doc, p, lineCounter, o);
  return validateObject(data, file, env, locate);
}

function yamlMessage(code: string, message: string): string {
  const m = message.replace(/ at line \d+, column \d+[\s\S]*$/, '').trim();
  return code === 'DUPLICATE_KEY' ? 'duplicate key (each key may appear once per mapping)' : m;
}

interface Located {
  line?: number;
  column?: number;
  /** The exact node was found (false: the position is that of its nearest existing parent). */
  exact: boolean;
  /** Unquoted YAML scalar. */
  plain: boolean;
}

type Locator = (path: ConfigPath, opts?: { key?: boolean }) => Located;

/** Position of the node at `path`, or of the nearest existing ancestor when it does not exist. */
function locateInDoc(doc: Document, p: ConfigPath, lc: LineCounter, opts: { key?: boolean } = {}): Located {
  let node: unknown = doc.contents;
  let key: Node | null = null;
  let last: Node | null = (doc.contents as Node | null) ?? null;
  let exact = true;
  for (const seg of p) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((it) => (isScalar(it.key) ? String(it.key.value) : String(it.key)) === String(seg));
      if (!pair) { exact = false; break; }
      key = (pair.key as Node) ?? null;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      key = null;
      node = node.items[seg];
    } else {
      exact = false;
      break;
    }
    // A missing value (`domains:`) has no node of its own: fall back to its key.
    last = (node as Node | null)?.range ? (node as Node) : key ?? last;
  }
  const at = opts.key && exact && key?.range ? key : last;
  const pos = at?.range ? lc.linePos(at.range[0]) : undefined;
  return {
    line: pos?.line,
    column: pos?.col,
    exact,
    plain: exact && isScalar(node) && node.type === 'PLAIN',
  };
}

// ---------------------------------------------------------------- interpolate + validate

function validateObject(data: unknown, file: string, env: Env, locate: Locator | null): Parsed {
  const where = (p: ConfigPath, o?: { key?: boolean }): Pick<ConfigIssue, 'line' | 'column'> => {
    if (!locate) return {};
    const l = locate(p, o);
    return l.line === undefined ? {} : { line: l.line, column: l.column };
  };

  const interp = interpolateTree(data, env, { isPlainScalar: (p) => locate?.(p).plain ?? false });
  // Interpolation problems are reported together with schema problems (all at once), but a value
  // whose interpolation failed gets no second, misleading schema message.
  const issues: ConfigIssue[] = interp.problems.map((pr) => ({ path: formatPath(pr.path), message: pr.message, ...where(pr.path) }));
  const failedPaths = new Set(issues.map((i) => i.path));
  const envVars = [...new Set([...interp.refs.values()].flat())].sort();

  const result = configSchema.safeParse(interp.value);
  if (result.success && issues.length === 0) return { config: result.data, envVars };

  for (const issue of result.error?.issues ?? []) {
    const p = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (failedPaths.has(formatPath(p))) continue;
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        const known = knownKeys(p);
        const hint = didYouMean(k, known);
        issues.push({
          path: formatPath([...p, k]),
          message: `unknown key "${k}"${hint ? ` (did you mean "${hint}"?)` : known.length ? ` (allowed: ${known.join(', ')})` : ''}`,
          ...where([...p, k], { key: true }),
        });
      }
      continue;
    }
    const vars = interp.refs.get(formatPath(p));
    const value = valueAt(interp.value, p);
    let message: string;
    if (vars) message = redactedMessage(issue, vars);
    else if (value === undefined && issue.code === 'invalid_type') message = `missing required key "${String(p[p.length - 1] ?? '')}"`;
    else message = issue.message;
    issues.push({ path: formatPath(p), message, ...where(p) });
  }
  throw new ConfigError(file, sortIssues(issues));
}

/** Message for a value that came from `${VAR}`: describes the problem, never the value. */
function redactedMessage(issue: z.core.$ZodIssue, vars: string[]): string {
  const from = `value from ${vars.map((v) => `\${${v}}`).join(', ')}`;
  switch (issue.code) {
    case 'invalid_format':
      return issue.format === 'url' ? `${from} is not a valid URL` : `${from} is not a valid ${issue.format}`;
    case 'invalid_type':
      return `${from} is not a${/^[aeiou]/.test(issue.expected) ? 'n' : ''} ${issue.expected}`;
    case 'invalid_value':
      return `${from} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
    case 'too_big':
      // zod's default wording states the bound, not the input.
      return `${from}: ${issue.message}`;
    default:
      // Custom refinements may quote their input: say nothing about it.
      return `${from} is invalid`;
  }
}

function valueAt(root: unknown, p: ConfigPath): unknown {
  let v: unknown = root;
  for (const seg of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return issues
    .map((i, n) => ({ i, n }))
    .sort((a, b) => (a.i.line ?? Infinity) - (b.i.line ?? Infinity) || (a.i.column ?? 0) - (b.i.column ?? 0) || a.n - b.n)
    .map(({ i }) => i);
}

// ---------------------------------------------------------------- unknown-key hints

/** Keys the schema allows at `p` (unwrapping optional/default), for "did you mean" hints. */
function knownKeys(p: ConfigPath): string[] {
  let s: z.core.$ZodType | undefined = configSchema;
  const unwrap = (t: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    while (t && (t instanceof z.ZodOptional || t instanceof z.ZodDefault || t instanceof z.ZodNullable)) t = t.unwrap() as z.core.$ZodType;
    return t;
  };
  for (const seg of p) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.core.$ZodType>)[String(seg)];
    else if (s instanceof z.ZodArray) s = s.element as z.core.$ZodType;
    else if (s instanceof z.ZodRecord) s = s.valueType as z.core.$ZodType;
    else return [];
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** Closest known key within edit distance 2 (or a case-insensitive match). */
function didYouMean(k: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const cand of known) {
    const d = cand.toLowerCase() === k.toLowerCase() ? 0 : levenshtein(k, cand);
    if (d < bestD) { best = cand; bestD = d; }
  }
  return best;
}

// Hand-written: a dozen lines, not worth a dependency for short key names.
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
