/**
 * Monitor conditions in Gatus's spelling: `[STATUS] == 200`, `[RESPONSE_TIME] < 300`,
 * `[BODY].status == ok`, `[CERTIFICATE_EXPIRATION] > 336h`, `[CONNECTED] == true`,
 * `len([BODY].items) > 0`.
 *
 * Grammar (whitespace around the operator is required, as in Gatus, so `a==b` is not split inside
 * a body value):
 *
 *   condition   := operand SP operator SP operand
 *   operator    := "==" | "!=" | "<=" | ">=" | "<" | ">"          (two-character ones are tried first)
 *   operand     := function "(" value ")" | value
 *   function    := "len" | "has" | "pat" | "any"
 *   value       := placeholder path? | literal
 *   placeholder := "[STATUS]" | "[RESPONSE_TIME]" | "[BODY]" | "[CERTIFICATE_EXPIRATION]" | "[CONNECTED]"
 *                | "[IP]" | "[DNS_RCODE]" | "[QUEUE_DEPTH]" | "[ROWS]"
 *   path        := ("." key | "[" index "]")+                        (JSON path into [BODY])
 *   literal     := duration (336h, 500ms) | number | true | false | text
 *
 * `pat(*ok*)` on the right is a wildcard pattern; `any(a, b)` matches one of the values;
 * `has([BODY].x) == true` tests presence. Units: [RESPONSE_TIME] ms, [CERTIFICATE_EXPIRATION] ms
 * (compare with a duration literal).
 *
 * Stages (STYLE.md 7): scan -> parse -> validate -> evaluate. Validation is evaluation on an empty
 * result of the check's kind: a placeholder that kind never produces shows INVALID and is an error.
 */
import { DURATION_RE, parseDuration } from './duration.js';
import type { CheckKind, ConditionResult, ProbeResult } from './types.js';

export class ConditionError extends Error {
  override name = 'ConditionError';
  constructor(readonly condition: string, readonly reason: string) {
    super(`condition "${condition}": ${reason}`);
  }
}

export type Operator = '==' | '!=' | '<=' | '>=' | '<' | '>';
/** Two-character operators first: `<=` must not scan as `<`. */
const OPERATORS: Operator[] = ['==', '!=', '<=', '>=', '<', '>'];

export const PLACEHOLDERS = ['STATUS', 'RESPONSE_TIME', 'BODY', 'CERTIFICATE_EXPIRATION', 'CONNECTED', 'IP', 'DNS_RCODE', 'QUEUE_DEPTH', 'ROWS'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type FunctionName = 'len' | 'has' | 'pat' | 'any';

/** Placeholders each kind of check produces (used by validation). */
export const PRODUCED_BY: Record<CheckKind, Placeholder[]> = {
  http: ['STATUS', 'RESPONSE_TIME', 'BODY', 'CERTIFICATE_EXPIRATION', 'CONNECTED', 'IP'],
  tls: ['RESPONSE_TIME', 'CERTIFICATE_EXPIRATION', 'CONNECTED', 'IP'],
  dns: ['RESPONSE_TIME', 'BODY', 'DNS_RCODE', 'CONNECTED'],
  tcp: ['RESPONSE_TIME', 'CONNECTED', 'IP'],
  postgres: ['RESPONSE_TIME', 'CONNECTED', 'BODY', 'ROWS'],
  mysql: ['RESPONSE_TIME', 'CONNECTED', 'BODY', 'ROWS'],
  redis: ['RESPONSE_TIME', 'CONNECTED', 'QUEUE_DEPTH', 'BODY'],
  flow: ['RESPONSE_TIME', 'CONNECTED'],
};

export type Operand =
  | { type: 'placeholder'; name: Placeholder; path: (string | number)[]; raw: string; fn?: FunctionName }
  | { type: 'literal'; raw: string; fn?: FunctionName; values?: string[] };

export interface ParsedCondition {
  text: string;
  left: Operand;
  op: Operator;
  right: Operand;
}

// ---------------------------------------------------------------- scan

/** Split into [left, operator, right] at the first ` op ` outside brackets and parentheses. */
export function scanCondition(text: string): [string, Operator, string] {
  const t = text.trim();
  if (t === '') throw new ConditionError(text, 'empty condition');
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && c === ' ') {
      for (const op of OPERATORS) {
        if (t.startsWith(op, i + 1) && t[i + 1 + op.length] === ' ') {
          const left = t.slice(0, i).trim();
          const right = t.slice(i + 2 + op.length).trim();
          if (!left || !right) throw new ConditionError(text, `operator ${op} needs a value on both sides`);
          return [left, op, right];
        }
      }
    }
  }
  throw new ConditionError(text, `no operator found: expected "<left> <op> <right>" with one of ${OPERATORS.join(' ')} surrounded by spaces`);
}

// ---------------------------------------------------------------- parse

function parsePath(cond: string, rest: string): (string | number)[] {
  const path: (string | number)[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]/y;
  let i = 0;
  while (i < rest.length) {
    re.lastIndex = i;
    const m = re.exec(rest);
    if (!m) throw new ConditionError(cond, `bad JSON path "${rest}" (use .key or [index])`);
    path.push(m[1] !== undefined ? m[1] : Number(m[2]));
    i = re.lastIndex;
  }
  return path;
}

function parseValue(cond: string, raw: string, fn?: FunctionName): Operand {
  const m = /^\[([A-Z_]+)\](.*)$/.exec(raw);
  if (!m) return { type: 'literal', raw, fn };
  const name = m[1] as Placeholder;
  if (!PLACEHOLDERS.includes(name)) throw new ConditionError(cond, `unknown placeholder [${m[1]}]; supported: ${PLACEHOLDERS.map((p) => `[${p}]`).join(', ')}`);
  const path = parsePath(cond, m[2]!);
  if (path.length > 0 && name !== 'BODY') throw new ConditionError(cond, `only [BODY] takes a JSON path, not [${name}]`);
  return { type: 'placeholder', name, path, raw, fn };
}

function parseOperand(cond: string, raw: string): Operand {
  const f = /^(len|has|pat|any)\((.*)\)$/.exec(raw);
  if (!f) return parseValue(cond, raw);
  const fn = f[1] as FunctionName;
  const inner = f[2]!.trim();
  if (fn === 'any') return { type: 'literal', raw, fn, values: inner.split(',').map((s) => s.trim()) };
  if (fn === 'pat') return { type: 'literal', raw: inner, fn };
  const v = parseValue(cond, inner, fn);
  if (v.type !== 'placeholder') throw new ConditionError(cond, `${fn}() takes a placeholder, got "${inner}"`);
  return v;
}

export function parseCondition(text: string): ParsedCondition {
  const [l, op, r] = scanCondition(text);
  const left = parseOperand(text, l);
  const right = parseOperand(text, r);
  for (const side of [left, right]) {
    if ((side.fn === 'pat' || side.fn === 'any') && side === left) throw new ConditionError(text, `${side.fn}() belongs on the right-hand side`);
    if ((side.fn === 'pat' || side.fn === 'any') && op !== '==' && op !== '!=') throw new ConditionError(text, `${side.fn}() works with == and != only`);
  }
  return { text, left, op, right };
}

// ---------------------------------------------------------------- evaluate

/** Marker for a placeholder the result cannot resolve (missing field, JSON path not found). */
const INVALID = Symbol('INVALID');
type Value = string | number | boolean | unknown[] | Record<string, unknown> | null | typeof INVALID;

function placeholderValue(name: Placeholder, r: ProbeResult): Value {
  switch (name) {
    case 'STATUS': return r.status ?? INVALID;
    case 'RESPONSE_TIME': return r.responseTimeMs ?? INVALID;
    case 'BODY': return r.body ?? INVALID;
    case 'CERTIFICATE_EXPIRATION': return r.certificateExpirationMs ?? INVALID;
    case 'CONNECTED': return r.connected ?? INVALID;
    case 'IP': return r.ip ?? INVALID;
    case 'DNS_RCODE': return r.dnsRcode ?? INVALID;
    case 'QUEUE_DEPTH': return r.queueDepth ?? INVALID;
    case 'ROWS': return r.rows ?? INVALID;
    default: {
      // Protect our future selves: a new placeholder must be wired here.
      const never: never = name;
      throw new Error(`unhandled placeholder ${String(never)}`);
    }
  }
}

function resolvePath(body: Value, path: (string | number)[]): Value {
  if (path.length === 0 || body === INVALID) return body;
  let cur: unknown;
  try {
    cur = JSON.parse(String(body));
  } catch {
    return INVALID;
  }
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return INVALID;
    cur = (cur as Record<string | number, unknown>)[k];
    if (cur === undefined) return INVALID;
  }
  return cur as Value;
}

function resolve(o: Operand, r: ProbeResult): Value {
  if (o.type === 'literal') return o.raw;
  const v = resolvePath(placeholderValue(o.name, r), o.path);
  if (o.fn === 'has') return v !== INVALID;
  if (o.fn === 'len') {
    if (v === INVALID || v === null) return INVALID;
    if (Array.isArray(v)) return v.length;
    if (typeof v === 'object') return Object.keys(v).length;
    return String(v).length;
  }
  return v;
}

function show(v: Value): string {
  if (v === INVALID) return 'INVALID';
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

/** Literal as a number when it is one: `336h` -> ms, `300` -> 300. */
function asNumber(v: Value): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean' || v === INVALID || v === null || typeof v === 'object') return null;
  const s = String(v).trim();
  if (s !== '' && !Number.isNaN(Number(s))) return Number(s);
  if (DURATION_RE.test(s)) return parseDuration(s);
  return null;
}

function wildcard(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return re.test(s);
}

function compare(l: Value, op: Operator, r: Value, right: Operand): boolean {
  if (l === INVALID || r === INVALID) return false;
  if (right.fn === 'pat' || right.fn === 'any') {
    const s = show(l);
    const hit = right.fn === 'pat' ? wildcard(right.raw, s) : right.type === 'literal' && (right.values ?? []).includes(s);
    return op === '==' ? hit : !hit;
  }
  const ln = asNumber(l);
  const rn = asNumber(r);
  if (ln !== null && rn !== null) {
    switch (op) {
      case '==': return ln === rn;
      case '!=': return ln !== rn;
      case '<': return ln < rn;
      case '<=': return ln <= rn;
      case '>': return ln > rn;
      case '>=': return ln >= rn;
    }
  }
  // Not both numeric: only equality makes sense; ordering text is a failure, never a silent pass.
  if (op === '==') return show(l) === show(r);
  if (op === '!=') return show(l) !== show(r);
  return false;
}

function displaySide(o: Operand, v: Value): string {
  if (o.type === 'literal') return o.fn === 'pat' ? `pat(${o.raw})` : o.raw;
  const inner = o.fn ? `${o.fn}(${o.raw})` : o.raw;
  return `${inner} (${show(v)})`;
}

/** Evaluate a parsed condition over a result. Never throws for a missing value: it shows INVALID. */
export function evaluateCondition(c: ParsedCondition, r: ProbeResult): ConditionResult {
  const l = resolve(c.left, r);
  const rv = resolve(c.right, r);
  const success = compare(l, c.op, rv, c.right);
  return {
    condition: c.text,
    success,
    // Like Gatus, observed values are shown only when the condition failed.
    display: success ? c.text : `${displaySide(c.left, l)} ${c.op} ${displaySide(c.right, rv)}`,
  };
}

// ---------------------------------------------------------------- validate

/** An empty result of a kind: every placeholder it produces holds a neutral value. */
function emptyResult(kind: CheckKind): ProbeResult {
  const produced = new Set(PRODUCED_BY[kind]);
  const r: ProbeResult = {};
  if (produced.has('STATUS')) r.status = 0;
  if (produced.has('RESPONSE_TIME')) r.responseTimeMs = 0;
  if (produced.has('BODY')) r.body = '';
  if (produced.has('CERTIFICATE_EXPIRATION')) r.certificateExpirationMs = 0;
  if (produced.has('CONNECTED')) r.connected = false;
  if (produced.has('IP')) r.ip = '';
  if (produced.has('DNS_RCODE')) r.dnsRcode = '';
  if (produced.has('QUEUE_DEPTH')) r.queueDepth = 0;
  if (produced.has('ROWS')) r.rows = 0;
  return r;
}

/**
 * Every problem with a check's conditions, each naming the condition. Parses, then evaluates on an
 * empty result of the kind: a top-level placeholder that resolves INVALID there can never resolve.
 */
export function validateConditions(conditions: string[], kind: CheckKind): string[] {
  const errors: string[] = [];
  const empty = emptyResult(kind);
  for (const text of conditions) {
    let parsed: ParsedCondition;
    try {
      parsed = parseCondition(text);
    } catch (e) {
      errors.push(e instanceof ConditionError ? e.message : String(e));
      continue;
    }
    for (const side of [parsed.left, parsed.right]) {
      if (side.type !== 'placeholder') continue;
      // Evaluate the bare placeholder (JSON paths into an empty body are expected to be INVALID).
      const v = resolve({ ...side, path: [], fn: undefined }, empty);
      if (v === INVALID) errors.push(new ConditionError(text, `a ${kind} check does not produce [${side.name}]; it produces ${PRODUCED_BY[kind].map((p) => `[${p}]`).join(', ')}`).message);
    }
    evaluateCondition(parsed, empty);
  }
  return errors;
}

/** Placeholders the conditions use (the check reads a body / probes a certificate only when needed). */
export function placeholdersUsed(conditions: ParsedCondition[]): Set<Placeholder> {
  const s = new Set<Placeholder>();
  for (const c of conditions) for (const side of [c.left, c.right]) if (side.type === 'placeholder') s.add(side.name);
  return s;
}
