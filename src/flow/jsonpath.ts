/**
 * A tiny JSONPath subset for captures and expectations: `$`, `.key`, `['key']`, `["key"]`, `[n]`
 * (negative counts from the end). Hand-written rather than a JSONPath package: the subset users
 * need for "the id of the thing I just created" is a dozen lines, it must parse at config load to
 * report bad paths early, and it always yields one value (filters and wildcards would make a
 * capture ambiguous).
 *
 *   path    := ['$'] segment*
 *   segment := '.' key | '[' (integer | quoted) ']'
 *   key     := [^.[\]]+
 */

export type PathSegment = string | number;

export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

/** Parses `user.items[0].id` or `$.user.items[0].id` (a leading `.` is allowed too). */
export function parseJsonPath(input: string): PathSegment[] {
  let s = input.trim();
  if (s.startsWith('$')) s = s.slice(1);
  const out: PathSegment[] = [];
  let i = 0;
  // A bare first key has no leading dot (`user.id`).
  if (s.length > 0 && s[0] !== '.' && s[0] !== '[') s = `.${s}`;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      const m = /^[^.[\]]+/.exec(s.slice(i + 1));
      if (!m) throw new JsonPathError(`"${input}": empty key at position ${i + 1}`);
      out.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = s.slice(i);
      const m = /^\[\s*(-?\d+|'[^']*'|"[^"]*")\s*\]/.exec(rest);
      if (!m) throw new JsonPathError(`"${input}": expected [index] or ['key'] at position ${i + 1} (filters and wildcards are not supported)`);
      const t = m[1]!;
      out.push(/^-?\d+$/.test(t) ? Number(t) : t.slice(1, -1));
      i += m[0].length;
    } else {
      throw new JsonPathError(`"${input}": unexpected "${c}" at position ${i + 1}`);
    }
  }
  return out;
}

/** The value at `path`, or undefined when any segment is missing. */
export function getPath(root: unknown, path: PathSegment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[seg < 0 ? v.length + seg : seg];
    } else {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.prototype.hasOwnProperty.call(v, seg)) return undefined;
      v = (v as Record<string, unknown>)[seg];
    }
  }
  return v;
}
