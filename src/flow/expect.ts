/**
 * The expectation language, in the spelling users know from Gatus conditions and k6 checks.
 *
 *   expectation := subject SP op [SP value]
 *   subject     := 'status' | 'duration' | 'body' [path] | '$' path | 'header.' NAME | 'cookie.' NAME
 *                | 'len(' subject ')'
 *                | '[STATUS]' | '[RESPONSE_TIME]' | '[BODY]' [path]        (Gatus spellings, same meaning)
 *   path        := JSONPath subset, see jsonpath.ts (`.user.email`, `.items[0].id`)
 *   op          := '==' | '!=' | '<=' | '>=' | '<' | '>' | 'contains' | 'not contains' | 'matches'
 *                | 'exists' | 'not exists'                                  (these two take no value)
 *   value       := the rest of the line, trimmed; surrounding "double" or 'single' quotes are removed;
 *                  may contain {{templates}}; for duration, a number with optional ms or s
 *
 * Stages, as in k6's threshold parser: scan (split into subject / op / value text), parse (subject
 * into a typed accessor), validate (= evaluate on an empty sample: catches every error that does not
 * depend on the response), evaluate (a short switch over the operator). Every error quotes the input.
 * Evaluation never throws for a response that does not match; it throws ExpectationError only for an
 * expectation that can never be evaluated (bad regex, `<` against a non-number).
 */
import { getPath, parseJsonPath, type PathSegment } from './jsonpath.js';

export class ExpectationError extends Error {
  override name = 'ExpectationError';
  constructor(readonly input: string, reason: string) {
    super(`expectation "${input}": ${reason}`);
  }
}

// Longer operators first: "<=" must win over "<", "not contains" over "contains".
const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', 'not contains', 'contains', 'matches', 'not exists', 'exists'] as const;
export type Operator = (typeof OPERATORS)[number];
const UNARY = new Set<Operator>(['exists', 'not exists']);
const NUMERIC = new Set<Operator>(['<', '<=', '>', '>=']);

export type Subject =
  | { kind: 'status' }
  | { kind: 'duration' }
  | { kind: 'body'; path: PathSegment[] | null }
  | { kind: 'header'; name: string }
  | { kind: 'cookie'; name: string }
  | { kind: 'len'; of: Subject };

export interface Expectation {
  input: string;
  subjectText: string;
  subject: Subject;
  op: Operator;
  /** Raw value text (templates not yet rendered); null for unary operators. */
  value: string | null;
}

/** What a step produced, as the evaluator sees it. */
export interface Sample {
  status: number;
  durationMs: number;
  /** Lower-case names. */
  headers: Record<string, string | string[]>;
  body: string;
  /** Cookies set by this response (name -> value). */
  cookies: Record<string, string>;
}

export const EMPTY_SAMPLE: Sample = { status: 0, durationMs: 0, headers: {}, body: '', cookies: {} };

// ---------------------------------------------------------------- scan

export function scanExpectation(input: string): { subject: string; op: Operator; value: string | null } {
  const s = input.trim();
  if (s === '') throw new ExpectationError(input, 'empty expectation');
  const m = /^(\S+)\s+(.*)$/s.exec(s);
  if (!m) throw new ExpectationError(input, `expected "<subject> <operator> <value>", e.g. "status == 201"`);
  const rest = m[2]!;
  // Symbolic operators may touch their value (`status ==201`) but not another operator character (`===`).
  const op = OPERATORS.find((o) => rest === o || rest.startsWith(`${o} `) || (/^[=!<>]/.test(o) && rest.startsWith(o) && !/^[=!<>~]/.test(rest.slice(o.length))));
  if (!op) throw new ExpectationError(input, `unknown operator near "${rest.slice(0, 20)}" (use ${OPERATORS.join(', ')})`);
  let value: string | null = rest.slice(op.length).trim();
  if (UNARY.has(op)) {
    if (value !== '') throw new ExpectationError(input, `"${op}" takes no value`);
    value = null;
  } else {
    if (value === '') throw new ExpectationError(input, `"${op}" needs a value`);
    const q = /^(["'])(.*)\1$/s.exec(value);
    if (q) value = q[2]!;
  }
  return { subject: m[1]!, op, value };
}

// ---------------------------------------------------------------- parse

export function parseSubject(text: string, input: string): Subject {
  const len = /^len\((.+)\)$/.exec(text);
  if (len) return { kind: 'len', of: parseSubject(len[1]!, input) };
  const t = text.replace(/^\[STATUS\]$/, 'status').replace(/^\[RESPONSE_TIME\]$/, 'duration').replace(/^\[BODY\]/, 'body');
  if (t === 'status' || t === 'duration') return { kind: t };
  const path = (p: string): PathSegment[] => {
    try {
      return parseJsonPath(p);
    } catch (e) {
      throw new ExpectationError(input, (e as Error).message);
    }
  };
  if (t === 'body') return { kind: 'body', path: null };
  if (t.startsWith('body.') || t.startsWith('body[')) return { kind: 'body', path: path(t.slice(4)) };
  if (t.startsWith('$')) return { kind: 'body', path: path(t) };
  const hc = /^(header|cookie)\.(.+)$/.exec(t);
  if (hc) return hc[1] === 'header' ? { kind: 'header', name: hc[2]!.toLowerCase() } : { kind: 'cookie', name: hc[2]! };
  throw new ExpectationError(input, `unknown subject "${text}" (use status, duration, body, body.<path>, header.<name>, cookie.<name>, len(...))`);
}

export function parseExpectation(input: string): Expectation {
  const s = scanExpectation(input);
  return { input, subjectText: s.subject, subject: parseSubject(s.subject, input), op: s.op, value: s.value };
}

// ---------------------------------------------------------------- evaluate

const NOT_JSON = Symbol('not-json');

/** Observed value of a subject; undefined when absent; NOT_JSON when a body path meets a non-JSON body. */
export function observe(subject: Subject, sample: Sample, json?: { v?: unknown }): unknown {
  switch (subject.kind) {
    case 'status':
      return sample.status;
    case 'duration':
      return sample.durationMs;
    case 'body': {
      if (subject.path === null) return sample.body;
      const cache = json ?? {};
      if (!('v' in cache)) {
        try {
          cache.v = JSON.parse(sample.body);
        } catch {
          cache.v = NOT_JSON;
        }
      }
      return cache.v === NOT_JSON ? NOT_JSON : getPath(cache.v, subject.path);
    }
    case 'header': {
      const h = sample.headers[subject.name];
      return Array.isArray(h) ? h.join(', ') : h;
    }
    case 'cookie':
      return sample.cookies[subject.name];
    case 'len': {
      const v = observe(subject.of, sample, json);
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (v && typeof v === 'object') return Object.keys(v).length;
      return undefined;
    }
  }
}

function show(v: unknown, op: Operator): string {
  if (v === NOT_JSON) return 'body is not JSON';
  if (v === undefined) return 'missing';
  // Existence checks never print the value (a token captured by `body.token exists`).
  if (op === 'exists' || op === 'not exists') return 'present';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function asNumber(s: string, allowUnit: boolean): number | null {
  const m = (allowUnit ? /^(-?\d+(?:\.\d+)?)\s*(ms|s)?$/ : /^(-?\d+(?:\.\d+)?)$/).exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

function loose(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Evaluates against a sample. `value` is the expectation's value with templates already rendered
 * (the caller owns the variables). Returns pass and the failure text with the observed value inline.
 */
export function evaluateExpectation(e: Expectation, sample: Sample, value: string | null = e.value, json?: { v?: unknown }): { pass: boolean; text: string } {
  const got = observe(e.subject, sample, json);
  const present = got !== undefined && got !== NOT_JSON;
  let pass: boolean;
  switch (e.op) {
    case 'exists':
      pass = present && got !== null;
      break;
    case 'not exists':
      pass = !present || got === null;
      break;
    case '==':
    case '!=': {
      const want = value ?? '';
      const n = typeof got === 'number' ? asNumber(want, e.subject.kind === 'duration') : null;
      const eq = !present ? false : n !== null ? got === n : loose(got) === want;
      pass = e.op === '==' ? eq : !eq;
      break;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const want = asNumber(value ?? '', e.subject.kind === 'duration');
      if (want === null) throw new ExpectationError(e.input, `"${e.op}" needs a number, got "${value}"`);
      const n = typeof got === 'number' ? got : typeof got === 'string' && got.trim() !== '' ? Number(got) : NaN;
      pass = Number.isFinite(n) && (e.op === '<' ? n < want : e.op === '<=' ? n <= want : e.op === '>' ? n > want : n >= want);
      break;
    }
    case 'contains':
    case 'not contains': {
      const want = value ?? '';
      const has = !present ? false : Array.isArray(got) ? got.some((x) => loose(x) === want) : loose(got).includes(want);
      pass = e.op === 'contains' ? has : present && !has;
      break;
    }
    case 'matches': {
      let re: RegExp;
      try {
        re = new RegExp(value ?? '');
      } catch (err) {
        throw new ExpectationError(e.input, `invalid regular expression: ${(err as Error).message}`);
      }
      pass = present && re.test(loose(got));
      break;
    }
    default:
      // Unreachable with the operator list above; kept so a new operator cannot pass silently.
      throw new ExpectationError(e.input, `operator ${String(e.op)} has no evaluator`);
  }
  const text = `${e.subjectText} (${show(got, e.op)}) ${e.op}${value === null ? '' : ` ${value}`}`;
  return { pass, text };
}

/**
 * Validation = evaluation on an empty sample: whatever throws there would throw on every response.
 * Templates are replaced by "0" (a value valid for every operator). Returns null or the error message.
 */
export function validateExpectation(input: string): string | null {
  try {
    const e = parseExpectation(input);
    const v = e.value === null ? null : e.value.replace(/\{\{[^}]*\}\}/g, '0');
    evaluateExpectation(e, EMPTY_SAMPLE, v);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
