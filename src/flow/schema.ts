/**
 * zod schema of a flow (config `flows`, and the default export of a flows module). The static checks
 * of validate.ts run as a refinement, so their problems come back with file, line and the flow and
 * step named, together with every other config problem.
 */
import { z } from 'zod';
import { validateFlow } from './validate.js';
import type { Flow } from './types.js';

const templated = z.string().min(1);

const captureSchema = z.union([
  z.string().min(1).describe('A subject: body.<path>, header.<name>, cookie.<name>, status'),
  z.strictObject({
    regex: z.string().min(1).describe('Regular expression; the first group (or `group`) is captured'),
    group: z.number().int().min(0).optional().describe('Group number (default 1 when the regex has groups, else 0)'),
    from: z.string().optional().describe('Subject to search (default body), e.g. header.location'),
  }),
]);

const waitForEmailSchema = z
  .strictObject({
    to: templated.describe('Recipient, e.g. "{{unique.email}}"; matched against the envelope and To/Cc'),
    subject: z.string().min(1).optional().describe('Subject filter: case-insensitive substring, or /regex/flags'),
    from: z.string().min(1).optional().describe('Sender filter: case-insensitive substring of From, or /regex/flags'),
    timeoutMs: z.number().int().positive().max(300_000).optional().describe('How long to wait for the message, ms (default 30000)'),
  })
  .describe('Email step: wait for a message in the run\'s mailbox (config mailbox); capture and expect then read it (body = text, header.subject...)');

const multipartValueSchema = z.union([
  z.string().describe('A text field; {{templates}} allowed'),
  z.strictObject({
    path: templated.describe('File to upload, relative to the config file'),
    contentType: z.string().optional().describe('Content type (default from the extension)'),
    filename: z.string().optional().describe('File name sent (default the file\'s name)'),
  }),
  z.strictObject({
    content: z.string().describe('File content given inline; {{templates}} allowed'),
    filename: z.string().min(1).describe('File name sent'),
    contentType: z.string().optional().describe('Content type (default from the extension)'),
  }),
]);

export const stepSchema = z.strictObject({
  name: z.string().min(1).describe('Step name, unique in the flow (shown in reports)'),
  method: z.string().optional().describe('HTTP method (default GET, or POST when a body is given)'),
  url: templated.optional().describe('Absolute URL or a path relative to the flow baseUrl; {{templates}} allowed (not on email steps)'),
  waitForEmail: waitForEmailSchema.optional(),
  multipart: z.record(z.string().min(1), multipartValueSchema).optional().describe('multipart/form-data body: field -> text, {path, contentType} or {content, filename}'),
  headers: z.record(z.string(), z.string()).optional().describe('Request headers; {{templates}} allowed'),
  json: z.unknown().optional().describe('JSON body; a string that is exactly {{x}} keeps x\'s type'),
  form: z.record(z.string(), z.string()).optional().describe('Form body (application/x-www-form-urlencoded)'),
  body: z.string().optional().describe('Raw body text'),
  expect: z.array(z.string()).optional().describe('Expectations: "status == 201", "duration < 500", "body.user.email == {{email}}", "header.content-type contains json" (default: status < 400)'),
  capture: z.record(z.string().regex(/^[A-Za-z_][\w-]*$/, 'capture names are letters, digits, _ and -'), captureSchema).optional().describe('Variable -> body.<path> | header.<name> | cookie.<name> | {regex}'),
  role: z.enum(['signup', 'login', 'logout', 'password-reset', 'search', 'create', 'read', 'update', 'delete', 'health', 'other']).optional().describe('What the step is for (probes and perf look endpoints up by role; security probes burst login, signup, password-reset and search steps)'),
  timeoutMs: z.number().int().positive().max(120_000).optional().describe('Timeout of this step, ms'),
  maxRedirects: z.number().int().min(0).max(10).optional().describe('Redirects followed (in scope only), default 5'),
});

const flowObject = z.strictObject({
  name: z.string().min(1).describe('Flow name (launchready smoke NAME)'),
  baseUrl: z.string().url().optional().describe('Base of relative step URLs (default domains.canonical)'),
  vars: z.record(z.string(), z.string()).optional().describe('Variables every step can use; write secrets as "${VAR}"'),
  steps: z.array(stepSchema).describe('Steps, run in order; the flow stops at the first failure'),
  cleanup: z.array(stepSchema).optional().describe('Steps that always run afterwards (delete test data); skipped when their variables were never captured'),
  timeoutMs: z.number().int().positive().max(600_000).optional().describe('Cap on the whole flow, ms (default 60000)'),
  uniqueEmailDomain: z.string().optional().describe('Domain of {{unique.email}} (default launchready.test)'),
});

export const flowSchema = flowObject.superRefine((flow, ctx) => {
  for (const i of validateFlow(flow as Flow)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
});

export const flowsSchema = z
  .array(flowSchema)
  .superRefine((flows, ctx) => {
    const names = new Set<string>();
    flows.forEach((f, i) => {
      if (names.has(f.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `flow name "${f.name}" used twice` });
      names.add(f.name);
    });
  })
  .describe('Smoke flows: signup -> login -> create -> message -> cleanup, run after each release (launchready smoke)');

export const mailboxSchema = z
  .strictObject({
    smtp: z
      .strictObject({
        listen: z.string().regex(/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/, 'host:port, e.g. 127.0.0.1:2525').describe('Address of the local SMTP receiver launchready starts for the run; point the app\'s SMTP settings here'),
      })
      .optional()
      .describe('A local SMTP receiver (tests, the demo, a staging app whose mail you can redirect)'),
    imap: z
      .strictObject({
        host: z.string().min(1).describe('IMAP server'),
        port: z.number().int().positive().max(65535).optional().describe('Default 993 (secure) or 143'),
        secure: z.boolean().default(true).describe('Implicit TLS (port 993); false for plain or a loopback test server'),
        user: z.string().min(1).describe('Login'),
        pass: z.string().min(1).describe('Password; write "${IMAP_PASSWORD}"'),
        mailbox: z.string().default('INBOX').describe('Folder to read'),
        insecureTls: z.boolean().default(false).describe('Accept an untrusted certificate (self-signed test server)'),
      })
      .optional()
      .describe('A real inbox read with IMAP; only mail arriving after the run starts counts'),
  })
  .refine((m) => !(m.smtp && m.imap), { message: 'give mailbox.smtp or mailbox.imap, not both' })
  .describe('Where waitForEmail steps of flows read mail');
