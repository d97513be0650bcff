/**
 * `${VAR}` interpolation of config string values, done after parsing and before validation, so
 * that a secret such as DATABASE_URL never has to be written into the config file.
 *
 * Grammar (a subset of POSIX/docker-compose parameter expansion, on purpose: users know it):
 *
 *   text      = *( escape | reference | char )
 *   escape    = "$${"            -> a literal "${" (so "$${HOME}" stays "${HOME}")
 *   reference = "${" name [ ":-" default ] "}"
 *   name      = ( ALPHA | "_" ) *( ALPHA | DIGIT | "_" )
 *   default   = *( any char except "}" )
 *
 * `${VAR:-default}` uses the default when VAR is unset OR empty (shell semantics). A reference
 * without a default to an unset variable is an error naming the variable, never any value.
 * Hand-written because the packages that do this (dotenv-expand, envsubst ports) either
 * silently substitute "" for a missing variable or cannot report which variable was missing.
 *
 * Only string values are interpolated (never keys). Values are never copied into messages.
 */

export type Env = Record<string, string | undefined>;
export type ConfigPath = (string | number)[];

export interface InterpolationProblem {
  path: ConfigPath;
  message: string;
}

export interface StringInterpolation {
  value: string;
  /** Variable names that were referenced (set or defaulted), in order of appearance. */
  vars: string[];
  /** Problems (unset variables, malformed references). Empty on success. */
  problems: string[];
  /** True when the whole input was exactly one `${...}` reference. */
  whole: boolean;
}

const TOKEN = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/** Interpolate one string. Pure: reads only `env`. */
export function interpolateString(input: string, env: Env): StringInterpolation {
  const vars: string[] = [];
  const problems: string[] = [];
  let refs = 0;
  let wholeMatch = false;
  const value = input.replace(TOKEN, (token: string, inner: string | undefined, offset: number) => {
    if (token === '$${') return '${';
    if (inner === undefined) {
      problems.push('unterminated "${" (close it with "}", or write "$${" for a literal "${")');
      return token;
    }
    refs++;
    if (offset === 0 && token.length === input.length) wholeMatch = true;
    const m = REFERENCE.exec(inner);
    if (!m) {
      // The inside of ${...} is config text, not a secret, so quoting it is fine.
      problems.push(`"\${${inner}}" is not a variable reference (use \${NAME} or \${NAME:-default})`);
      return token;
    }
    const name = m[1]!;
    const fallback = m[2];
    vars.push(name);
    const v = env[name];
    if (fallback !== undefined) return v === undefined || v === '' ? fallback : v;
    if (v === undefined) {
      problems.push(`environment variable ${name} is not set (set it, or write \${${name}:-default})`);
      return '';
    }
    return v;
  });
  return { value, vars, problems, whole: wholeMatch && refs === 1 };
}

export interface TreeInterpolation {
  value: unknown;
  /** Dotted path -> variable names used in that value. */
  refs: Map<string, string[]>;
  problems: InterpolationProblem[];
}

export interface TreeOptions {
  /**
   * Whether the string at `path` was written as an unquoted (plain) YAML scalar. When it was, and
   * the whole value was one `${...}` reference, the result is typed like YAML would type it
   * (`timeoutMs: ${LR_TIMEOUT:-5000}` becomes the number 5000). Quoted values stay strings.
   */
  isPlainScalar?: (path: ConfigPath) => boolean;
}

/** Interpolate every string value of a parsed config (objects and arrays), returning a copy. */
export function interpolateTree(root: unknown, env: Env, opts: TreeOptions = {}): TreeInterpolation {
  const refs = new Map<string, string[]>();
  const problems: InterpolationProblem[] = [];
  const walk = (v: unknown, path: ConfigPath): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('${')) return v;
      const r = interpolateString(v, env);
      for (const message of r.problems) problems.push({ path, message });
      if (r.vars.length > 0) refs.set(formatPath(path), [...new Set(r.vars)]);
      if (r.whole && r.problems.length === 0 && opts.isPlainScalar?.(path)) return typePlain(r.value);
      return r.value;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, [...path, k]);
      return out;
    }
    return v;
  };
  return { value: walk(root, []), refs, problems };
}

/** YAML 1.2 core-schema typing of a plain scalar, limited to what a config needs. */
function typePlain(s: string): unknown {
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(s)) return Number(s);
  return s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `['network', 'connectTo', 0]` -> `network.connectTo[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}
