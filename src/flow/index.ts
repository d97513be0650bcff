/** The flow engine's public API (smoke, perf, probes, monitor). */
import type { Flow, FlowStep, StepRole } from './types.js';

export type * from './types.js';
export { runFlow, createSession, DEFAULT_LIMITS, type FlowLimits, type FlowSession, type RunFlowOptions } from './engine.js';
export { CookieJar } from './cookies.js';
export { parseExpectation, evaluateExpectation, validateExpectation, scanExpectation, ExpectationError, EMPTY_SAMPLE, type Expectation, type Sample } from './expect.js';
export { parseJsonPath, getPath, JsonPathError } from './jsonpath.js';
export { render, renderJson, templateRefs, TemplateError, GENERATORS } from './template.js';
export { validateFlow, MAX_STEPS, type FlowIssue } from './validate.js';
export { flowSchema, flowsSchema, stepSchema } from './schema.js';
export { loadFlows, loadFlowModule, defineFlows } from './load.js';
export { runSmoke, smokeCommandCore, smokeScopeHosts, type SmokeOptions, type SmokeOutcome } from './smoke.js';
export { formatSmoke, formatStep } from './report.js';
export { maskText, maskValue } from './mask.js';
export { openMailbox, startSmtpMailbox, openImapMailbox, parseMail, mailMatches, MailboxError, DEFAULT_MAIL_WAIT_MS, type Mailbox, type MailboxConfig, type MailQuery, type ReceivedMail, type SmtpMailbox } from './mail.js';

/** Steps declared with `role` (login, signup, password-reset...), with their flow, for probes and perf. */
export function endpointsByRole(flows: Flow[], role: StepRole): { flow: string; step: FlowStep; baseUrl?: string }[] {
  return flows.flatMap((f) =>
    [...f.steps, ...(f.cleanup ?? [])].filter((s) => s.role === role).map((step) => ({ flow: f.name, step, ...(f.baseUrl ? { baseUrl: f.baseUrl } : {}) })),
  );
}
