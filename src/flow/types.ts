/**
 * The flow model: a named list of HTTP steps (declared in config YAML or a TypeScript module) and
 * the serialisable result of running it. Shared by smoke tests (deploy/smoke-failed), perf (log in
 * once, then load an authenticated route), security probes (which step is login/signup/reset) and
 * the monitor (a core action as an uptime check).
 */

/** What a step is for; probes look endpoints up by role instead of guessing paths. */
export type StepRole = 'signup' | 'login' | 'logout' | 'password-reset' | 'search' | 'create' | 'read' | 'update' | 'delete' | 'health' | 'other';

/** A capture: a subject of the expectation language (`body.user.id`, `header.x-token`, `cookie.session`) or a regex over the body. */
export type CaptureSpec = string | { regex: string; group?: number; from?: string };

/** Wait for an email (password reset, signup confirmation) in the run's mailbox (config `mailbox`). */
export interface WaitForEmail {
  /** Recipient, templated (`{{unique.email}}`); matched case-insensitively against the envelope and the To/Cc headers. */
  to: string;
  /** Subject filter: a case-insensitive substring, or `/regex/flags`. */
  subject?: string;
  /** Sender filter: a case-insensitive substring of the From header. */
  from?: string;
  /** How long to wait, ms (default 30000; also bounded by the flow's time cap). */
  timeoutMs?: number;
}

/** One multipart/form-data field: text (templated), a file from disk, or inline file content. */
export type MultipartValue =
  | string
  | { path: string; contentType?: string; filename?: string }
  | { content: string; filename: string; contentType?: string };

export interface FlowStep {
  /** Unique within the flow; shown in reports ("create-listing"). */
  name: string;
  method?: string;
  /** Absolute, or relative to the flow's baseUrl; `{{templates}}` allowed. Required unless the step is `waitForEmail`. */
  url?: string;
  /**
   * An email step instead of a request: waits for a matching message; `capture` and `expect` then
   * read the message (`body` is its text, `header.subject`, `header.from`...).
   */
  waitForEmail?: WaitForEmail;
  headers?: Record<string, string>;
  /** JSON body (strings templated; a string that is exactly `{{x}}` keeps x's JSON type). */
  json?: unknown;
  /** application/x-www-form-urlencoded body. */
  form?: Record<string, string>;
  /** Raw body text. */
  body?: string;
  /** multipart/form-data body (file paths resolve from the config file's directory). */
  multipart?: Record<string, MultipartValue>;
  /** Expectations in the Gatus/k6 spelling: `status == 201`, `duration < 500`, `body.user.email == {{email}}`. */
  expect?: string[];
  /** Variable name -> capture. */
  capture?: Record<string, CaptureSpec>;
  role?: StepRole;
  /** Per-step timeout (ms); default the network timeout. */
  timeoutMs?: number;
  /** Follow redirects (in scope only) up to this many hops; default 5. */
  maxRedirects?: number;
}

export interface Flow {
  name: string;
  /** Base for relative step URLs; default domains.canonical. */
  baseUrl?: string;
  /** Variables available to every step (`{{password}}`). */
  vars?: Record<string, string>;
  steps: FlowStep[];
  /** Steps that always run after `steps`, even after a failure (delete the test listing). A cleanup step whose variables were never captured is skipped. */
  cleanup?: FlowStep[];
  /** Cap on the whole flow (steps + cleanup), ms. */
  timeoutMs?: number;
  /** Domain of {{unique.email}} (default launchready.test). */
  uniqueEmailDomain?: string;
}

/** One expectation's outcome. */
export interface ExpectationOutcome {
  /** As written. */
  expectation: string;
  pass: boolean;
  /** With the observed value inline: `status (500) == 201`. */
  text: string;
}

export interface StepResult {
  name: string;
  phase: 'step' | 'cleanup';
  role?: StepRole;
  method: string;
  /** URL requested (templated), secrets masked. */
  url: string;
  outcome: 'passed' | 'failed' | 'error' | 'skipped';
  /** Why it failed/errored/was skipped, one line. */
  reason?: string;
  status: number;
  durationMs: number;
  expectations: ExpectationOutcome[];
  /** Names of variables captured by this step (values are never stored). */
  captured: string[];
  /** What came back, on failure only: status, a few headers, the body truncated; secrets masked. */
  got?: { status: number; headers: Record<string, string>; body: string; bodyTruncated: boolean };
}

export interface FlowResult {
  flow: string;
  baseUrl: string;
  ok: boolean;
  startedAt: string;
  durationMs: number;
  steps: StepResult[];
  cleanup: StepResult[];
  /** Name of the first step that failed or errored. */
  failedStep?: string;
  /** Flow-level failure (time cap hit, aborted, bad base URL). */
  error?: { code: 'TIMEOUT' | 'ABORTED' | 'STEP_LIMIT' | 'BAD_FLOW'; message: string };
}
