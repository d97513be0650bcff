/**
 * Email steps end to end on loopback, nothing mocked: a small app signs users up and sends a
 * confirmation (HTML only) and a password-reset mail (text) with nodemailer over SMTP; the flow
 * waits for each mail, captures the link and follows it.
 *  - smtp: the mail goes straight to launchready's own SMTP receiver (smtp-server).
 *  - imap: the mail goes to a relay (smtp-server) that delivers into a private Dovecot through
 *    dovecot-lda; the flow reads the inbox with imapflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import type { Net } from '../../src/net/types.js';
import { runFlow } from '../../src/flow/engine.js';
import { openImapMailbox, startSmtpMailbox, MailboxError, type SmtpMailbox } from '../../src/flow/mail.js';
import { runSmoke } from '../../src/flow/smoke.js';
import type { Flow } from '../../src/flow/types.js';
import { configSchema } from '../../src/config/schema.js';
import { parseConfigText } from '../../src/config/loader.js';
import { ConfigError } from '../../src/core/errors.js';
import { freePort, startDovecot, startMta, type Dovecot } from './dovecot.js';
import { startApp } from './mail-app.js';

const resetFlow = (extra: Partial<Flow['steps'][number]> = {}): Flow => ({
  name: 'reset',
  steps: [
    { name: 'signup', method: 'POST', url: '/api/signup', json: { email: '{{unique.email}}' }, expect: ['status == 201'] },
    {
      name: 'confirmation-mail',
      waitForEmail: { to: '{{unique.email}}', subject: 'confirm your account', timeoutMs: 5000 },
      capture: { confirmLink: { regex: 'href="([^"]+)"' } },
      expect: ['header.from contains no-reply@market.test'],
    },
    { name: 'confirm', url: '{{confirmLink}}', expect: ['status == 200', 'body == confirm ok'] },
    { name: 'request-reset', role: 'password-reset', method: 'POST', url: '/api/password-reset', json: { email: '{{unique.email}}' }, expect: ['status == 202'] },
    { name: 'reset-mail', waitForEmail: { to: '{{unique.email}}', subject: '/^Reset your password$/', timeoutMs: 5000 }, capture: { resetLink: { regex: 'https?://\\S+/reset\\?token=\\w+' } }, ...extra },
    { name: 'follow-reset', url: '{{resetLink}}', expect: ['status == 200', 'body == reset ok'] },
  ],
});

let net: Net;
beforeAll(() => {
  net = createNet({ ...defaultNetOptions(), timeoutMs: 3000 });
});
afterAll(async () => {
  await net.close();
});

describe('email steps through launchready\'s SMTP receiver', () => {
  let mailbox: SmtpMailbox;
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    mailbox = await startSmtpMailbox({ listen: '127.0.0.1:0' });
    app = await startApp(() => mailbox.port);
  });
  afterAll(async () => {
    await app.server.close();
    await mailbox.close();
  });

  it('captures the confirmation link (HTML mail, &amp; decoded) and the reset link, and follows both', async () => {
    const r = await runFlow(resetFlow(), { http: net.http, baseUrl: app.server.url, mailbox });
    expect(r.error).toBeUndefined();
    expect(r.steps.map((s) => `${s.name}:${s.outcome}`)).toEqual([
      'signup:passed', 'confirmation-mail:passed', 'confirm:passed', 'request-reset:passed', 'reset-mail:passed', 'follow-reset:passed',
    ]);
    expect(r.ok).toBe(true);
    expect(app.used).toHaveLength(2); // both links were really followed
    const mailStep = r.steps[4]!;
    expect(mailStep).toMatchObject({ method: 'EMAIL', captured: ['resetLink'] });
    expect(mailStep.url).toMatch(/^mailto:smoke\+\w+@launchready\.test$/);
    // links from mail are credentials: never whole in the result
    const json = JSON.stringify(r);
    for (const t of app.used) expect(json).not.toContain(t);
    expect(r.steps[5]!.url).toMatch(/reset\?token=…\(sha256:[0-9a-f]{8}\)|…\(sha256:[0-9a-f]{8}\)/);
  });

  it('fails the email step, bounded, when no matching mail arrives (subject differs), and names the filter', async () => {
    const flow = resetFlow();
    flow.steps[4] = { ...flow.steps[4]!, waitForEmail: { to: '{{unique.email}}', subject: 'Your invoice', timeoutMs: 400 } };
    const t = Date.now();
    const r = await runFlow(flow, { http: net.http, baseUrl: app.server.url, mailbox });
    expect(Date.now() - t).toBeLessThan(3000);
    expect(r.ok).toBe(false);
    expect(r.failedStep).toBe('reset-mail');
    expect(r.steps[4]!.reason).toMatch(/^no email to smoke\+\w+@launchready\.test \(subject Your invoice\) arrived within 400 ms at smtp:\/\/127\.0\.0\.1:\d+$/);
  });

  it('fails on an expectation over the mail, showing the subject and a masked body', async () => {
    const r = await runFlow(resetFlow({ expect: ['body contains Welcome'] }), { http: net.http, baseUrl: app.server.url, mailbox });
    expect(r.failedStep).toBe('reset-mail');
    const s = r.steps[4]!;
    expect(s.expectations[0]).toMatchObject({ pass: false });
    expect(s.got?.headers.subject).toBe('Reset your password');
    expect(s.got?.body).toContain('Someone asked to reset your password');
  });

  it('errors clearly when the run has no mailbox', async () => {
    const r = await runFlow(resetFlow(), { http: net.http, baseUrl: app.server.url });
    expect(r.steps[1]).toMatchObject({ outcome: 'error', reason: 'no mailbox for this run: configure mailbox.smtp (a local receiver) or mailbox.imap' });
  });

  it('never hands the same message to two steps, and ignores mail to other recipients', async () => {
    const to = `other-${Date.now()}@launchready.test`;
    await nodemailer.createTransport({ host: '127.0.0.1', port: mailbox.port, ignoreTLS: true }).sendMail({ from: 'a@b.test', to, subject: 'one', text: 'x' });
    expect(await mailbox.waitFor({ to: 'nobody@launchready.test' }, { timeoutMs: 50 })).toBeNull();
    expect((await mailbox.waitFor({ to }, { timeoutMs: 1000 }))?.subject).toBe('one');
    expect(await mailbox.waitFor({ to }, { timeoutMs: 50 })).toBeNull();
  });
});

describe('launchready smoke opens config mailbox.smtp itself', () => {
  it('starts the receiver at the configured address for the run and closes it afterwards', async () => {
    const port = await freePort();
    const app = await startApp(() => port);
    try {
      const config = configSchema.parse({ flows: [{ ...resetFlow(), baseUrl: app.server.url }], mailbox: { smtp: { listen: `127.0.0.1:${port}` } } });
      const [r] = await runSmoke(config, net);
      expect(r!.ok).toBe(true);
      // closed afterwards: the port is free again
      const again = await startSmtpMailbox({ listen: `127.0.0.1:${port}` });
      await again.close();
    } finally {
      await app.server.close();
    }
  });

  it('is a config error when a flow waits for mail and no mailbox is configured', async () => {
    const config = configSchema.parse({ flows: [{ ...resetFlow(), baseUrl: 'http://127.0.0.1:1' }] });
    await expect(runSmoke(config, net)).rejects.toThrow(/mailbox: a flow has a waitForEmail step but no mailbox is configured/);
  });
});

describe('email steps in config', () => {
  const yaml = (step: string, extra = '') => `${extra}flows:\n  - name: core\n    steps:\n      - name: a\n        url: /x\n${step}`;
  it('accepts an email step and the mailbox', () => {
    const c = parseConfigText(
      yaml('      - name: mail\n        waitForEmail: { to: "{{unique.email}}", subject: "/reset/i" }\n        capture: { link: { regex: "https://\\\\S+" } }\n      - name: go\n        url: "{{link}}"\n', 'mailbox:\n  imap: { host: imap.test, user: u, pass: p }\n'),
      'c.yaml',
      {},
    );
    expect(c.flows?.[0]?.steps[1]?.waitForEmail?.subject).toBe('/reset/i');
    expect(c.mailbox?.imap).toMatchObject({ secure: true, mailbox: 'INBOX' });
  });
  it.each([
    ['an email step with a url', '      - name: mail\n        url: /y\n        waitForEmail: { to: a@b.test }\n', /flow "core" step 2 "mail": an email step \(waitForEmail\) takes no url/],
    ['a broken subject regex', '      - name: mail\n        waitForEmail: { to: a@b.test, subject: "/(/" }\n', /flow "core" step 2 "mail": waitForEmail.subject "\/\(\/": Invalid regular expression/],
    ['a step with neither url nor waitForEmail', '      - name: mail\n        expect: ["status == 200"]\n', /flow "core" step 2 "mail": give a url \(or waitForEmail for an email step\)/],
    ['an undefined variable in to', '      - name: mail\n        waitForEmail: { to: "{{email}}" }\n', /flow "core" step 2 "mail": \{\{email\}\} is not defined/],
  ])('rejects %s, naming flow and step', (_n, step, msg) => {
    expect(() => parseConfigText(yaml(step), 'c.yaml', {})).toThrow(msg);
  });
  it('rejects smtp and imap together', () => {
    expect(() => parseConfigText('mailbox:\n  smtp: { listen: "127.0.0.1:2525" }\n  imap: { host: h, user: u, pass: p }\n', 'c.yaml', {})).toThrow(ConfigError);
  });
});

describe('email steps through IMAP (a private Dovecot fed by dovecot-lda)', () => {
  let dovecot: Dovecot;
  let mta: Awaited<ReturnType<typeof startMta>>;
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    dovecot = await startDovecot();
    mta = await startMta(dovecot, 'smoke');
    app = await startApp(() => mta.port);
  }, 20_000);
  afterAll(async () => {
    await app?.server.close();
    await mta?.close();
    await dovecot?.stop();
  });

  it('reads the reset link from the inbox, ignoring mail that was there before the run', async () => {
    // An earlier run's reset mail for a fixed address sits in the inbox already.
    const to = 'qa-inbox@launchready.test';
    await nodemailer.createTransport({ host: '127.0.0.1', port: mta.port, ignoreTLS: true }).sendMail({ from: 'no-reply@market.test', to, subject: 'Reset your password', text: 'Open http://127.0.0.1:1/reset?token=stale000' });
    const mailbox = await openImapMailbox({ host: dovecot.host, port: dovecot.port, secure: false, user: 'smoke', pass: dovecot.password });
    try {
      expect(mailbox.address).toBe(`imap://smoke@127.0.0.1:${dovecot.port}/INBOX`);
      const flow: Flow = { ...resetFlow(), vars: { inbox: to } };
      flow.steps = flow.steps.map((s) => JSON.parse(JSON.stringify(s).replaceAll('{{unique.email}}', '{{inbox}}')) as Flow['steps'][number]);
      const r = await runFlow(flow, { http: net.http, baseUrl: app.server.url, mailbox });
      expect(r.steps.map((s) => `${s.name}:${s.outcome}`)).toEqual([
        'signup:passed', 'confirmation-mail:passed', 'confirm:passed', 'request-reset:passed', 'reset-mail:passed', 'follow-reset:passed',
      ]);
      expect(r.ok).toBe(true);
      expect(app.used.some((t) => t === 'stale000')).toBe(false);
      expect(JSON.stringify(r)).not.toContain(app.used.at(-1)!);
    } finally {
      await mailbox.close();
    }
  }, 20_000);

  it('matches a catch-all inbox by Delivered-To when the To header names someone else', async () => {
    const mailbox = await openImapMailbox({ host: dovecot.host, port: dovecot.port, secure: false, user: 'smoke', pass: dovecot.password });
    try {
      const hidden = `hidden+${Date.now()}@launchready.test`;
      await nodemailer.createTransport({ host: '127.0.0.1', port: mta.port, ignoreTLS: true }).sendMail({
        from: 'no-reply@market.test', to: 'team@launchready.test', envelope: { from: 'no-reply@market.test', to: hidden }, subject: 'Your code', text: 'code: 482913',
      });
      const m = await mailbox.waitFor({ to: hidden, subject: 'code' }, { timeoutMs: 5000 });
      expect(m?.text).toContain('482913');
      expect(m?.recipients).toEqual(expect.arrayContaining(['team@launchready.test', hidden]));
      expect(await mailbox.waitFor({ to: hidden }, { timeoutMs: 500 })).toBeNull(); // consumed
    } finally {
      await mailbox.close();
    }
  }, 20_000);

  it('refuses a wrong password without echoing it', async () => {
    const err = await openImapMailbox({ host: dovecot.host, port: dovecot.port, secure: false, user: 'smoke', pass: 'wrong-password-123' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailboxError);
    expect((err as Error).message).toMatch(/^IMAP imap:\/\/smoke@127\.0\.0\.1:\d+\/INBOX: login refused/);
    expect((err as Error).message).not.toContain('wrong-password-123');
  }, 20_000);
});
