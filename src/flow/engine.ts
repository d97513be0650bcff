/**
 * runFlow: executes a flow's steps in order over the shared HttpClient, with a cookie jar per run,
 * captures feeding later steps, expectations per step, cleanup steps that always run, per-step
 * timing, and bounds: a cap on the whole flow's time, a step-count cap, redirects followed only
 * in scope. It never throws for a failing target: the result says which step failed, what was
 * expected and what came back (secrets masked).
 *
 * Callers:
 *  - smoke (src/flow/smoke.ts, src/gather/smoke.ts): every configured flow, result -> deploy/smoke-failed.
 *  - perf: `const s = createSession(); await runFlow(login, { http, session: s, ... })`, then send
 *    `s.headersFor(url)` with each load request (cookies and captured tokens stay in the session).
 *  - probes: `endpointsByRole(flows, 'login')` (index.ts) finds login/signup/reset endpoints.
 *  - monitor: run one flow per check with `signal` and `limits.totalTimeoutMs`; `result.ok`,
 *    `result.durationMs` and `onStep` feed the check's status and latency.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FormData, Response } from 'undici';
import type { HttpClient, HttpExchange, ScopeGuard } from '../net/types.js';
import { createScopeGuard } from '../net/scope.js';
import { CookieJar } from './cookies.js';
import { EMPTY_SAMPLE, evaluateExpectation, observe, parseExpectation, parseSubject, type Sample } from './expect.js';
import { maskHeaders, maskText, SECRET_NAME } from './mask.js';
import { render, renderJson, TemplateError } from './template.js';
import type { CaptureSpec, ExpectationOutcome, Flow, FlowResult, FlowStep, MultipartValue, StepResult } from './types.js';
import { DEFAULT_MAIL_WAIT_MS, type Mailbox, type MailQuery, type ReceivedMail } from './mail.js';
import { MAX_STEPS } from './validate.js';

export interface FlowLimits {
  /** Steps + cleanup steps. */
  maxSteps: number;
  /** Cap on the flow's steps, ms (cleanup gets cleanupTimeoutMs on top). */
  totalTimeoutMs: number;
  /** Default per-step timeout, ms. */
  stepTimeoutMs: number;
  cleanupTimeoutMs: number;
  maxRedirects: number;
  maxBodyBytes: number;
  /** Characters of the response body kept in a failure report. */
  bodyPreviewChars: number;
  /** Largest file a multipart step uploads, bytes. */
  maxUploadBytes: number;
}

export const DEFAULT_LIMITS: FlowLimits = {
  maxSteps: MAX_STEPS,
  totalTimeoutMs: 60_000,
  stepTimeoutMs: 10_000,
  cleanupTimeoutMs: 15_000,
  maxRedirects: 5,
  maxBodyBytes: 1024 * 1024,
  bodyPreviewChars: 500,
  maxUploadBytes: 10 * 1024 * 1024,
};

/** State that outlives a run: cookies and captured variables (perf reuses a logged-in session). */
export interface FlowSession {
  jar: CookieJar;
  vars: Record<string, unknown>;
  /** Cookie header for `url` plus nothing else: add your own Authorization from `vars`. */
  headersFor(url: string): Record<string, string>;
}

export function createSession(now: () => number = Date.now): FlowSession {
  const jar = new CookieJar(now);
  return {
    jar,
    vars: {},
    headersFor(url): Record<string, string> {
      const c = jar.header(url);
      return c ? { cookie: c } : {};
    },
  };
}

export interface RunFlowOptions {
  http: HttpClient;
  /** Overrides flow.baseUrl (e.g. domains.canonical, or `--env staging`'s URL). */
  baseUrl?: string;
  /** Extra variables (below captures, above flow.vars). */
  vars?: Record<string, unknown>;
  /** Reuse or inspect cookies and captures; a fresh one per run by default. */
  session?: FlowSession;
  /** Hosts requests and redirects may reach; default: the base URL's host and absolute step URLs' hosts. */
  scope?: ScopeGuard;
  signal?: AbortSignal;
  /** Clock for {{now}} and startedAt. */
  now?: () => number;
  onStep?: (r: StepResult) => void;
  limits?: Partial<FlowLimits>;
  /** Where `waitForEmail` steps read mail (smoke opens config `mailbox`); without it such steps error. */
  mailbox?: Mailbox;
  /** Directory multipart file paths resolve from (the config file's); default cwd. */
  baseDir?: string;
}

const REPORT_HEADERS = new Set(['content-type', 'content-length', 'location', 'www-authenticate', 'retry-after', 'x-request-id', 'set-cookie']);

interface Ctx {
  flow: Flow;
  o: RunFlowOptions;
  limits: FlowLimits;
  session: FlowSession;
  scope: ScopeGuard;
  base: string;
  generated: Record<string, string>;
  /** Secrets to mask in reports. */
  secrets: Set<string>;
  now: () => number;
  /** Wall-clock start of the run (mail receive times are wall clock, whatever `now` says). */
  startedWall: number;
}

/** Resolves `{{name}}`: captures, then caller vars, then flow vars, then generators. */
function lookup(c: Ctx): (name: string) => unknown {
  return (name) => {
    if (name in c.session.vars) return c.session.vars[name];
    if (c.o.vars && name in c.o.vars) return c.o.vars[name];
    if (c.flow.vars && name in c.flow.vars) return c.flow.vars[name];
    if (name === 'now') return new Date(c.now()).toISOString();
    return c.generated[name];
  };
}

function abortError(signal: AbortSignal | undefined): boolean {
  return signal?.aborted ?? false;
}

export async function runFlow(flow: Flow, o: RunFlowOptions): Promise<FlowResult> {
  const limits = { ...DEFAULT_LIMITS, ...o.limits, ...(flow.timeoutMs ? { totalTimeoutMs: flow.timeoutMs } : {}) };
  const now = o.now ?? Date.now;
  const t0 = performance.now();
  const startedAt = new Date(now()).toISOString();
  const base = o.baseUrl ?? flow.baseUrl ?? '';
  const result: FlowResult = { flow: flow.name, baseUrl: base, ok: false, startedAt, durationMs: 0, steps: [], cleanup: [] };
  const finish = () => {
    result.durationMs = Math.round(performance.now() - t0);
    return result;
  };
  let baseUrl: URL | null = null;
  try {
    baseUrl = base ? new URL(base) : null;
  } catch {
    /* reported below */
  }
  const relative = [...flow.steps, ...(flow.cleanup ?? [])].some((s) => s.url?.startsWith('/'));
  if ((base && !baseUrl) || (relative && !baseUrl)) {
    result.error = { code: 'BAD_FLOW', message: `flow "${flow.name}": ${base ? `baseUrl "${base}" is not a URL` : 'relative step URLs need a baseUrl (or domains.canonical)'}` };
    return finish();
  }
  const total = flow.steps.length + (flow.cleanup?.length ?? 0);
  if (total > limits.maxSteps) {
    result.error = { code: 'STEP_LIMIT', message: `flow "${flow.name}" has ${total} steps; the limit is ${limits.maxSteps}` };
    return finish();
  }
  const id = `${now().toString(36)}${randomBytes(3).toString('hex')}`;
  const session = o.session ?? createSession(now);
  const scopeHosts = [baseUrl?.host ?? '', ...flow.steps.concat(flow.cleanup ?? []).flatMap((s) => (s.url && /^https?:\/\/[^{/]+/i.exec(s.url) ? [new URL(s.url.replace(/\{\{[^}]*\}\}/g, 'x')).host] : []))].filter(Boolean);
  const c: Ctx = {
    flow,
    o,
    limits,
    session,
    scope: o.scope ?? createScopeGuard(scopeHosts),
    base,
    generated: { 'unique.id': id, 'unique.email': `smoke+${id}@${flow.uniqueEmailDomain ?? 'launchready.test'}` },
    secrets: new Set(),
    now,
    startedWall: Date.now(),
  };
  for (const src of [flow.vars ?? {}, o.vars ?? {}]) for (const [k, v] of Object.entries(src)) if (SECRET_NAME.test(k) && typeof v === 'string') c.secrets.add(v);

  // One deadline for the steps; cleanup has its own, so a flow that hit its cap still cleans up.
  const stepsDeadline = performance.now() + limits.totalTimeoutMs;
  let failed = false;
  for (const step of flow.steps) {
    if (abortError(o.signal)) {
      result.error = { code: 'ABORTED', message: 'stopped' };
      failed = true;
      break;
    }
    if (performance.now() >= stepsDeadline) {
      result.error = { code: 'TIMEOUT', message: `flow "${flow.name}" exceeded ${limits.totalTimeoutMs} ms before step "${step.name}"` };
      failed = true;
      break;
    }
    const r = await runStep(c, step, 'step', stepsDeadline);
    result.steps.push(r);
    o.onStep?.(r);
    if (r.outcome !== 'passed') {
      failed = true;
      result.failedStep = step.name;
      break;
    }
  }
  if (!abortError(o.signal)) {
    const cleanupDeadline = performance.now() + limits.cleanupTimeoutMs;
    for (const step of flow.cleanup ?? []) {
      if (performance.now() >= cleanupDeadline) break;
      const r = await runStep(c, step, 'cleanup', cleanupDeadline);
      result.cleanup.push(r);
      o.onStep?.(r);
    }
  }
  // Values captured into the session may be tokens: mask them in everything already reported.
  for (const [k, v] of Object.entries(session.vars)) if (SECRET_NAME.test(k) && typeof v === 'string') c.secrets.add(v);
  for (const v of session.jar.values()) c.secrets.add(v);
  for (const r of [...result.steps, ...result.cleanup]) remask(r, c.secrets);
  result.ok = !failed && !result.error;
  return finish();
}

function remask(r: StepResult, secrets: Set<string>): void {
  r.url = maskText(r.url, secrets);
  if (r.reason) r.reason = maskText(r.reason, secrets);
  for (const e of r.expectations) e.text = maskText(e.text, secrets);
  if (r.got) {
    r.got.body = maskText(r.got.body, secrets);
    r.got.headers = maskHeaders(r.got.headers, secrets);
  }
}

function defaultMethod(s: FlowStep): string {
  if (s.waitForEmail) return 'EMAIL';
  return s.method ?? (s.json !== undefined || s.form !== undefined || s.body !== undefined || s.multipart !== undefined ? 'POST' : 'GET');
}

/** Content types of common upload files, when a multipart file gives none. */
const UPLOAD_TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', json: 'application/json', zip: 'application/zip',
};

class UploadError extends Error {
  override name = 'UploadError';
}

/** multipart/form-data bytes and content type (boundary included), built by undici's FormData. */
async function multipartBody(c: Ctx, fields: Record<string, MultipartValue>, look: (n: string) => unknown): Promise<{ body: Uint8Array; contentType: string }> {
  const fd = new FormData();
  for (const [name, v] of Object.entries(fields)) {
    if (typeof v === 'string') {
      fd.append(name, render(v, look));
      continue;
    }
    let data: Buffer;
    let filename: string;
    if ('path' in v) {
      const file = resolvePath(c.o.baseDir ?? process.cwd(), render(v.path, look));
      try {
        const st = await stat(file);
        if (!st.isFile()) throw new UploadError(`multipart ${name}: ${v.path} is not a file`);
        if (st.size > c.limits.maxUploadBytes) throw new UploadError(`multipart ${name}: ${v.path} is ${st.size} bytes; the limit is ${c.limits.maxUploadBytes}`);
        data = await readFile(file);
      } catch (e) {
        if (e instanceof UploadError) throw e;
        throw new UploadError(`multipart ${name}: cannot read ${v.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      filename = v.filename ?? basename(file);
    } else {
      data = Buffer.from(render(v.content, look));
      filename = v.filename;
    }
    const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? '';
    fd.append(name, new Blob([new Uint8Array(data)], { type: v.contentType ?? UPLOAD_TYPES[ext] ?? 'application/octet-stream' }), filename);
  }
  const res = new Response(fd);
  return { body: new Uint8Array(await res.arrayBuffer()), contentType: res.headers.get('content-type')! };
}

async function runStep(c: Ctx, s: FlowStep, phase: 'step' | 'cleanup', deadline: number): Promise<StepResult> {
  const method = defaultMethod(s);
  const r: StepResult = { name: s.name, phase, ...(s.role ? { role: s.role } : {}), method, url: s.url ?? '', outcome: 'passed', status: 0, durationMs: 0, expectations: [], captured: [] };
  if (s.waitForEmail) return runEmailStep(c, s, phase, deadline, r);
  const look = lookup(c);
  // ---- build the request
  let url: string;
  const headers: Record<string, string> = {};
  let body: string | Uint8Array | undefined;
  try {
    if (s.url === undefined) throw new Error(`step "${s.name}" has neither url nor waitForEmail`);
    url = new URL(render(s.url, look), c.base || undefined).href;
    for (const [k, v] of Object.entries(s.headers ?? {})) headers[k.toLowerCase()] = render(v, look);
    if (s.json !== undefined) {
      body = JSON.stringify(renderJson(s.json, look));
      headers['content-type'] ??= 'application/json';
    } else if (s.form !== undefined) {
      body = new URLSearchParams(Object.entries(s.form).map(([k, v]) => [k, render(v, look)])).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (s.body !== undefined) body = render(s.body, look);
    else if (s.multipart !== undefined) {
      const mp = await multipartBody(c, s.multipart, look);
      body = mp.body;
      headers['content-type'] = mp.contentType; // the boundary must match the body
    }
  } catch (e) {
    if (e instanceof TemplateError && phase === 'cleanup') return { ...r, outcome: 'skipped', reason: `{{${e.variable}}} was never captured` };
    return { ...r, outcome: 'error', reason: e instanceof TemplateError || e instanceof UploadError ? e.message : `bad url: ${(e as Error).message}` };
  }
  for (const [k, v] of Object.entries(headers)) if (k === 'authorization' || SECRET_NAME.test(k)) c.secrets.add(v.replace(/^(Bearer|Basic|Token)\s+/i, ''));
  r.url = url;
  if (!c.scope(new URL(url))) return { ...r, outcome: 'error', reason: `${new URL(url).host} is not in scope (only the configured hosts are contacted)` };

  // ---- send, following redirects by hand so every hop's cookies land in the jar and scope is checked per hop
  const setCookies: Record<string, string> = {};
  let x: HttpExchange | undefined;
  let current = url;
  let curMethod = method;
  let curBody = body;
  let durationMs = 0;
  const maxRedirects = s.maxRedirects ?? c.limits.maxRedirects;
  for (let hop = 0; ; hop++) {
    const left = deadline - performance.now();
    if (left <= 0) return { ...r, durationMs, outcome: 'error', reason: `time cap of the flow reached during "${s.name}"` };
    const cookie = c.session.jar.header(current);
    const reqHeaders: Record<string, string> = { ...headers, ...(cookie ? { cookie } : {}) };
    if (curBody === undefined) delete reqHeaders['content-type'];
    x = await c.o.http.request({
      url: current,
      method: curMethod,
      headers: reqHeaders,
      ...(curBody !== undefined ? { body: curBody } : {}),
      timeoutMs: Math.max(1, Math.min(s.timeoutMs ?? c.limits.stepTimeoutMs, left)),
      maxBodyBytes: c.limits.maxBodyBytes,
      maxRedirects: 0,
      ...(c.o.signal ? { signal: c.o.signal } : {}),
    });
    durationMs += x.timing.totalMs;
    Object.assign(setCookies, c.session.jar.setFromResponse(current, x.headers['set-cookie']));
    const loc = x.headers.location;
    if (x.error || ![301, 302, 303, 307, 308].includes(x.status) || typeof loc !== 'string' || hop >= maxRedirects) break;
    const next = new URL(loc, current);
    if (!c.scope(next)) {
      r.status = x.status;
      return { ...r, durationMs: Math.round(durationMs), status: x.status, outcome: 'error', reason: `redirect to ${next.host} is off-scope (not followed)`, got: got(c, x) };
    }
    if (x.status === 303 || ((x.status === 301 || x.status === 302) && curMethod === 'POST')) {
      curMethod = 'GET';
      curBody = undefined;
    }
    current = next.href;
  }
  r.status = x.status;
  r.durationMs = Math.round(durationMs);
  if (x.error) return { ...r, outcome: 'error', reason: `${x.error.code}: ${x.error.message}`, got: got(c, x) };

  // ---- expectations (default: any non-error status)
  const sample: Sample = { ...EMPTY_SAMPLE, status: x.status, durationMs: r.durationMs, headers: x.headers, body: x.body, cookies: setCookies };
  const ex = x;
  return checkStep(c, s, r, sample, s.expect && s.expect.length ? s.expect : ['status < 400'], () => got(c, ex), false);
}

/** Expectations, then captures, of a step whose response (or email) is `sample`. */
function checkStep(c: Ctx, s: FlowStep, r: StepResult, sample: Sample, expectations: string[], report: () => NonNullable<StepResult['got']>, capturesAreSecret: boolean): StepResult {
  const look = lookup(c);
  const json: { v?: unknown } = {};
  const outcomes: ExpectationOutcome[] = [];
  for (const text of expectations) {
    try {
      const e = parseExpectation(text);
      const v = e.value === null ? null : render(e.value, look);
      const { pass, text: shown } = evaluateExpectation(e, sample, v, json);
      outcomes.push({ expectation: text, pass, text: shown });
    } catch (err) {
      outcomes.push({ expectation: text, pass: false, text: (err as Error).message });
    }
  }
  r.expectations = outcomes;
  const failures = outcomes.filter((e) => !e.pass);
  if (failures.length) return { ...r, outcome: 'failed', reason: failures.map((f) => f.text).join('; '), got: report() };

  // ---- captures
  for (const [name, spec] of Object.entries(s.capture ?? {})) {
    const v = capture(spec, sample, json);
    if (v.value === undefined) return { ...r, outcome: 'failed', reason: `capture ${name}: ${v.why}`, got: report() };
    c.session.vars[name] = v.value;
    if ((capturesAreSecret || SECRET_NAME.test(name)) && typeof v.value === 'string') c.secrets.add(v.value);
    r.captured.push(name);
  }
  return r;
}

const MAIL_REPORT_HEADERS = new Set(['subject', 'from', 'to', 'date', 'message-id']);

/**
 * An email step: waits (bounded by its timeout and the flow's cap) for the first unconsumed message
 * to the recipient that matches the filters, then runs expectations and captures over it. Values
 * captured from mail are reset links and codes, i.e. credentials: they are always masked.
 */
async function runEmailStep(c: Ctx, s: FlowStep, phase: 'step' | 'cleanup', deadline: number, r: StepResult): Promise<StepResult> {
  const w = s.waitForEmail!;
  const look = lookup(c);
  let q: MailQuery;
  try {
    q = {
      to: render(w.to, look),
      ...(w.subject !== undefined ? { subject: render(w.subject, look) } : {}),
      ...(w.from !== undefined ? { from: render(w.from, look) } : {}),
      // A second of slack: the app may have sent the mail within the same millisecond the run began.
      since: c.startedWall - 1000,
    };
  } catch (e) {
    if (e instanceof TemplateError && phase === 'cleanup') return { ...r, outcome: 'skipped', reason: `{{${e.variable}}} was never captured` };
    return { ...r, outcome: 'error', reason: (e as Error).message };
  }
  r.url = `mailto:${q.to}`;
  const mailbox = c.o.mailbox;
  if (!mailbox) return { ...r, outcome: 'error', reason: 'no mailbox for this run: configure mailbox.smtp (a local receiver) or mailbox.imap' };
  const left = deadline - performance.now();
  if (left <= 0) return { ...r, outcome: 'error', reason: `time cap of the flow reached during "${s.name}"` };
  const wait = Math.max(1, Math.min(w.timeoutMs ?? DEFAULT_MAIL_WAIT_MS, left));
  const t0 = performance.now();
  let mail: ReceivedMail | null;
  try {
    mail = await mailbox.waitFor(q, { timeoutMs: wait, ...(c.o.signal ? { signal: c.o.signal } : {}) });
  } catch (e) {
    return { ...r, durationMs: Math.round(performance.now() - t0), outcome: 'error', reason: (e as Error).message };
  }
  r.durationMs = Math.round(performance.now() - t0);
  if (!mail) {
    const filters = [q.subject !== undefined ? `subject ${q.subject}` : '', q.from !== undefined ? `from ${q.from}` : ''].filter(Boolean).join(', ');
    return { ...r, outcome: 'failed', reason: `no email to ${q.to}${filters ? ` (${filters})` : ''} arrived within ${Math.round(wait)} ms at ${mailbox.address}` };
  }
  const sample: Sample = { ...EMPTY_SAMPLE, durationMs: r.durationMs, headers: mail.headers, body: mail.text, cookies: {} };
  const n = c.limits.bodyPreviewChars;
  const m = mail;
  return checkStep(c, s, r, sample, s.expect ?? [], () => ({
    status: 0,
    headers: maskHeaders(m.headers, c.secrets, MAIL_REPORT_HEADERS),
    body: maskText(m.text, c.secrets).slice(0, n),
    bodyTruncated: m.text.length > n,
  }), true);
}

function capture(spec: CaptureSpec, sample: Sample, json: { v?: unknown }): { value?: unknown; why?: string } {
  if (typeof spec === 'string') {
    const v = observe(parseSubject(spec.trim(), spec), sample, json);
    if (typeof v === 'symbol') return { why: `${spec}: the body is not JSON` };
    return v === undefined || v === null ? { why: `${spec} matched nothing` } : { value: v };
  }
  const from = spec.from ? observe(parseSubject(spec.from, spec.from), sample, json) : sample.body;
  const text = typeof from === 'string' ? from : from === undefined || typeof from === 'symbol' ? '' : JSON.stringify(from);
  const m = new RegExp(spec.regex).exec(text);
  if (!m) return { why: `regex ${spec.regex} matched nothing` };
  const g = spec.group ?? (m.length > 1 ? 1 : 0);
  return m[g] === undefined ? { why: `regex ${spec.regex} group ${g} is empty` } : { value: m[g] };
}

function got(c: Ctx, x: HttpExchange): NonNullable<StepResult['got']> {
  const n = c.limits.bodyPreviewChars;
  return {
    status: x.status,
    headers: maskHeaders(x.headers, c.secrets, REPORT_HEADERS),
    // Mask before cutting, so a secret straddling the cut is not left half visible.
    body: maskText(x.body, c.secrets).slice(0, n),
    bodyTruncated: x.body.length > n || x.truncated,
  };
}
