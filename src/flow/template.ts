/**
 * `{{name}}` templates in step URLs, headers, bodies and expectation values.
 *
 * Names are variables (flow vars, captures of earlier steps) or built-in generators:
 *   {{unique.email}}  a fresh address per run (the same value in every step of that run, so signup and login agree)
 *   {{unique.id}}     a fresh short id per run
 *   {{now}}           ISO 8601 time of the step
 * Hand-written rather than a template engine: one regex, and we need the list of referenced names
 * at config load (undefined references are config errors) which engines do not expose.
 */

const TEMPLATE_RE = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;
const WHOLE_RE = /^\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}$/;

export const GENERATORS = ['unique.email', 'unique.id', 'now'] as const;

export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(readonly variable: string, readonly input: string) {
    super(`"${input}": {{${variable}}} is not defined`);
  }
}

export type Lookup = (name: string) => unknown;

/** Names referenced by a string (in order, duplicates kept once). */
export function templateRefs(s: string): string[] {
  return [...new Set([...s.matchAll(TEMPLATE_RE)].map((m) => m[1]!))];
}

/** Names referenced anywhere inside a JSON-like value (strings, keys excluded). */
export function deepRefs(v: unknown): string[] {
  if (typeof v === 'string') return templateRefs(v);
  if (Array.isArray(v)) return [...new Set(v.flatMap(deepRefs))];
  if (v && typeof v === 'object') return [...new Set(Object.values(v).flatMap(deepRefs))];
  return [];
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Replaces every `{{name}}`; throws TemplateError for a name `lookup` does not know (returns undefined). */
export function render(s: string, lookup: Lookup): string {
  return s.replace(TEMPLATE_RE, (_m, name: string) => {
    const v = lookup(name);
    if (v === undefined) throw new TemplateError(name, s);
    return text(v);
  });
}

/** Renders a JSON body: a string that is exactly `{{x}}` keeps x's type (a captured number stays a number). */
export function renderJson(v: unknown, lookup: Lookup): unknown {
  if (typeof v === 'string') {
    const whole = WHOLE_RE.exec(v);
    if (whole) {
      const x = lookup(whole[1]!);
      if (x === undefined) throw new TemplateError(whole[1]!, v);
      return x;
    }
    return render(v, lookup);
  }
  if (Array.isArray(v)) return v.map((x) => renderJson(x, lookup));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderJson(x, lookup)]));
  return v;
}
