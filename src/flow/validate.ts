/**
 * Static checks of a flow, run at config load (and on flows from TS files): every problem names the
 * flow and the step. Undefined template references, bad expectations, bad captures, duplicate step
 * names and oversized flows are caught here, before anything is sent.
 */
import { validateExpectation, parseSubject, ExpectationError } from './expect.js';
import { deepRefs, GENERATORS, templateRefs } from './template.js';
import { waitForEmailProblem } from './mail.js';
import type { CaptureSpec, Flow, FlowStep } from './types.js';

export const MAX_STEPS = 50;
const METHOD_RE = /^[A-Z]+$/;

export interface FlowIssue {
  /** Path inside the flow object (`['steps', 2, 'expect', 0]`). */
  path: (string | number)[];
  message: string;
}

/** Problems with one capture spec, or null. */
export function captureProblem(spec: CaptureSpec): string | null {
  try {
    if (typeof spec === 'string') {
      parseSubject(spec.trim(), spec);
      return null;
    }
    const re = new RegExp(spec.regex);
    const groups = new RegExp(`${re.source}|`).exec('')!.length - 1;
    if ((spec.group ?? (groups > 0 ? 1 : 0)) > groups) return `regex "${spec.regex}" has no group ${spec.group}`;
    if (spec.from !== undefined) parseSubject(spec.from, spec.from);
    return null;
  } catch (e) {
    return e instanceof ExpectationError ? e.message.replace(/^expectation /, 'capture ') : `capture regex "${typeof spec === 'string' ? spec : spec.regex}": ${(e as Error).message}`;
  }
}

function stepRefs(s: FlowStep): { where: (string | number)[]; refs: string[] }[] {
  const out: { where: (string | number)[]; refs: string[] }[] = [{ where: ['url'], refs: templateRefs(s.url ?? '') }];
  if (s.waitForEmail) {
    for (const k of ['to', 'subject', 'from'] as const) {
      const v = s.waitForEmail[k];
      if (v !== undefined) out.push({ where: ['waitForEmail', k], refs: templateRefs(v) });
    }
  }
  for (const [k, v] of Object.entries(s.multipart ?? {})) {
    const texts = typeof v === 'string' ? [v] : 'path' in v ? [v.path] : [v.content];
    out.push({ where: ['multipart', k], refs: texts.flatMap(templateRefs) });
  }
  for (const [k, v] of Object.entries(s.headers ?? {})) out.push({ where: ['headers', k], refs: templateRefs(v) });
  if (s.json !== undefined) out.push({ where: ['json'], refs: deepRefs(s.json) });
  if (s.form) out.push({ where: ['form'], refs: deepRefs(s.form) });
  if (s.body !== undefined) out.push({ where: ['body'], refs: templateRefs(s.body) });
  (s.expect ?? []).forEach((e, i) => out.push({ where: ['expect', i], refs: templateRefs(e) }));
  return out;
}

/** Checks one flow. `known` are variables supplied at run time (e.g. `--var`), besides flow.vars. */
export function validateFlow(flow: Flow, known: string[] = []): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const label = (phase: string, i: number, s: FlowStep) => `flow "${flow.name}" ${phase} ${i + 1} "${s.name}"`;
  const all = [...flow.steps, ...(flow.cleanup ?? [])];
  if (flow.steps.length === 0) issues.push({ path: ['steps'], message: `flow "${flow.name}" has no steps` });
  if (all.length > MAX_STEPS) issues.push({ path: ['steps'], message: `flow "${flow.name}" has ${all.length} steps; at most ${MAX_STEPS} (steps + cleanup)` });
  const defined = new Set<string>([...GENERATORS, ...Object.keys(flow.vars ?? {}), ...known]);
  const seen = new Set<string>();
  const check = (phase: 'steps' | 'cleanup', list: FlowStep[]) => {
    list.forEach((s, i) => {
      const at = (...p: (string | number)[]) => [phase, i, ...p];
      const who = label(phase === 'steps' ? 'step' : 'cleanup step', i, s);
      if (seen.has(s.name)) issues.push({ path: at('name'), message: `${who}: step name used twice in this flow` });
      seen.add(s.name);
      if (s.method !== undefined && !METHOD_RE.test(s.method)) issues.push({ path: at('method'), message: `${who}: method "${s.method}" is not an HTTP method (upper case, e.g. POST)` });
      const bodies = ['json', 'form', 'body', 'multipart'].filter((k) => (s as unknown as Record<string, unknown>)[k] !== undefined);
      if (bodies.length > 1) issues.push({ path: at(bodies[1]!), message: `${who}: give one of json, form, body or multipart, not ${bodies.join(' and ')}` });
      if (s.waitForEmail) {
        const extra = ['url', 'method', 'headers', ...bodies, 'maxRedirects'].filter((k) => (s as unknown as Record<string, unknown>)[k] !== undefined);
        if (extra.length) issues.push({ path: at(extra[0]!), message: `${who}: an email step (waitForEmail) takes no ${extra.join(', ')}` });
        const p = waitForEmailProblem(s.waitForEmail);
        if (p) issues.push({ path: at('waitForEmail'), message: `${who}: ${p}` });
      } else if (s.url === undefined) {
        issues.push({ path: at('url'), message: `${who}: give a url (or waitForEmail for an email step)` });
      }
      const u = (s.url ?? '/').replace(/\{\{[^}]*\}\}/g, 'x');
      if (!/^https?:\/\//i.test(u) && !u.startsWith('/') && !/^\{\{/.test(s.url ?? '')) {
        issues.push({ path: at('url'), message: `${who}: url "${s.url}" must be absolute (https://...) or start with /` });
      }
      for (const r of stepRefs(s)) {
        for (const name of r.refs) {
          if (defined.has(name)) continue;
          const later = all.find((x) => x.capture && name in x.capture);
          const hint = later ? ` (it is captured by step "${later.name}", which runs later)` : ` (define it in vars or capture it in an earlier step)`;
          issues.push({ path: at(...r.where), message: `${who}: {{${name}}} is not defined${hint}` });
        }
      }
      (s.expect ?? []).forEach((e, k) => {
        const p = validateExpectation(e);
        if (p) issues.push({ path: at('expect', k), message: `${who}: ${p}` });
      });
      for (const [name, spec] of Object.entries(s.capture ?? {})) {
        const p = captureProblem(spec);
        if (p) issues.push({ path: at('capture', name), message: `${who}: ${p}` });
        defined.add(name);
      }
    });
  };
  check('steps', flow.steps);
  check('cleanup', flow.cleanup ?? []);
  return issues;
}
