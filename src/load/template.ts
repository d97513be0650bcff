/**
 * Request templates with unique data per request, so write routes do not collide on unique keys
 * (`{"email":"u{{seq}}-{{rand}}@example.test"}`). Placeholders:
 *
 *   {{seq}}     request number within the run (per worker, offset so workers never collide)
 *   {{vu}}      virtual user (closed model) or worker number (open model)
 *   {{uuid}}    random UUID v4
 *   {{rand}}    8 random base-36 characters
 *   {{ts}}      milliseconds since the epoch at send time
 *   {{env.NAME}} environment variable NAME (resolved once, when the template is compiled)
 *
 * Templates are compiled once into parts, so the hot path is a join, not a regex per request.
 */
import { randomUUID } from 'node:crypto';
import { UsageError } from '../core/errors.js';

export const PLACEHOLDERS = ['seq', 'vu', 'uuid', 'rand', 'ts'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export type TemplatePart = string | { p: Placeholder };
export interface TemplateVars {
  seq: number;
  vu: number;
}

const RE = /\{\{\s*([a-zA-Z_.][\w.]*)\s*\}\}/g;

export function compileTemplate(t: string, env: Record<string, string | undefined> = process.env): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of t.matchAll(RE)) {
    const name = m[1]!;
    let lit = t.slice(last, m.index);
    if (name.startsWith('env.')) {
      const v = env[name.slice(4)];
      if (v === undefined) throw new UsageError(`template "${t}" uses {{${name}}} but ${name.slice(4)} is not set`);
      lit += v;
      parts.push(lit);
    } else if ((PLACEHOLDERS as readonly string[]).includes(name)) {
      if (lit) parts.push(lit);
      parts.push({ p: name as Placeholder });
    } else {
      throw new UsageError(`template "${t}" uses unknown placeholder {{${name}}} (supported: ${PLACEHOLDERS.join(', ')}, env.NAME)`);
    }
    last = m.index + m[0].length;
  }
  if (last < t.length) parts.push(t.slice(last));
  return mergeLiterals(parts);
}

function mergeLiterals(parts: TemplatePart[]): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (typeof p === 'string' && typeof prev === 'string') out[out.length - 1] = prev + p;
    else out.push(p);
  }
  return out;
}

export function isStatic(parts: TemplatePart[]): boolean {
  return parts.every((p) => typeof p === 'string');
}

export function renderTemplate(parts: TemplatePart[], v: TemplateVars): string {
  let s = '';
  for (const p of parts) {
    if (typeof p === 'string') s += p;
    else if (p.p === 'seq') s += v.seq;
    else if (p.p === 'vu') s += v.vu;
    else if (p.p === 'uuid') s += randomUUID();
    else if (p.p === 'rand') s += Math.random().toString(36).slice(2, 10).padEnd(8, '0');
    else s += Date.now();
  }
  return s;
}
