/**
 * Mailboxes for email steps (`waitForEmail`): a flow waits for the password-reset or confirmation
 * mail its previous step triggered and captures the link or code from it.
 *
 * Two sources, chosen by config `mailbox`:
 *  - smtp: a local SMTP receiver launchready starts for the run (smtp-server). The app under test
 *    (staging, the demo, a CI preview) is configured to send its mail there.
 *  - imap: a real inbox read with imapflow (a catch-all test inbox, a Mailpit/Dovecot server).
 *    Only messages that arrived after the mailbox was opened count (UID floor), so an inbox full of
 *    earlier runs' mail never matches.
 *
 * Messages are parsed with mailparser; a step sees the text body followed by the HTML (entities
 * decoded, so href links capture cleanly) and the headers. Both sources are bounded: message size,
 * number of messages kept, and every wait has a deadline.
 */
// Loaded on first use: perf, probes and the monitor import the flow engine but rarely read mail.
import type { AddressObject, ParsedMail } from 'mailparser';
import { ConfigError } from '../core/errors.js';
import type { WaitForEmail } from './types.js';
import { abortableSleep } from '../monitor/clock.js';

/** Largest message accepted or downloaded (bytes). */
export const MAX_MAIL_BYTES = 2 * 1024 * 1024;
/** Messages kept by the SMTP receiver (oldest dropped first). */
export const MAX_KEPT_MAILS = 500;
/** Default wait of an email step, ms. */
export const DEFAULT_MAIL_WAIT_MS = 30_000;
const IMAP_POLL_MS = 400;

export interface ReceivedMail {
  /** Receiver-local id (SMTP queue id or IMAP UID). */
  id: string;
  /** When it arrived (ms since epoch): SMTP receive time or IMAP INTERNALDATE. */
  receivedAt: number;
  /** Envelope recipients (SMTP) plus To/Cc addresses, lower case. */
  recipients: string[];
  from: string;
  subject: string;
  /** The text part, then the HTML part with entities decoded (`&amp;` -> `&`), blank-line separated. */
  text: string;
  html?: string;
  /** Lower-case header name -> value (joined when repeated). */
  headers: Record<string, string>;
}

/** A waitForEmail filter after templates are rendered. */
export interface MailQuery {
  to: string;
  subject?: string;
  from?: string;
  /** Only messages received at or after this time (ms since epoch). */
  since?: number;
}

export interface Mailbox {
  readonly kind: 'smtp' | 'imap';
  /** Where it listens or reads from (`smtp://127.0.0.1:2525`, `imap://user@host:993/INBOX`); no secrets. */
  readonly address: string;
  /** First unconsumed message matching the query; null when none arrived in time. A match is consumed. */
  waitFor(q: MailQuery, o: { timeoutMs: number; signal?: AbortSignal }): Promise<ReceivedMail | null>;
  close(): Promise<void>;
}

export class MailboxError extends Error {
  override name = 'MailboxError';
}

// ---------------------------------------------------------------- matching

/** `/re/flags` is a regex; anything else a case-insensitive substring. Throws for a broken regex. */
export function textMatcher(spec: string): (s: string) => boolean {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(spec);
  if (m) {
    const re = new RegExp(m[1]!, m[2]);
    return (s) => re.test(s);
  }
  const needle = spec.toLowerCase();
  return (s) => s.toLowerCase().includes(needle);
}

export function mailMatches(m: ReceivedMail, q: MailQuery): boolean {
  if (q.since !== undefined && m.receivedAt < q.since) return false;
  if (!m.recipients.includes(q.to.trim().toLowerCase())) return false;
  if (q.subject !== undefined && !textMatcher(q.subject)(m.subject)) return false;
  if (q.from !== undefined && !textMatcher(q.from)(m.from)) return false;
  return true;
}

/** Static problems of a waitForEmail block (config load). */
export function waitForEmailProblem(w: WaitForEmail): string | null {
  for (const k of ['subject', 'from'] as const) {
    const v = w[k];
    if (v === undefined) continue;
    try {
      textMatcher(v);
    } catch (e) {
      return `waitForEmail.${k} "${v}": ${(e as Error).message}`;
    }
  }
  return null;
}

// ---------------------------------------------------------------- parsing

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list.flatMap((x) => x.value.flatMap((v) => [v.address, ...(v.group ?? []).map((g) => g.address)])).filter((s): s is string => !!s).map((s) => s.toLowerCase());
}

/** Recipients a delivering MTA records (a catch-all inbox sees the real recipient only here). */
function deliveredTo(headers: Record<string, string>): string[] {
  return ['delivered-to', 'x-original-to', 'envelope-to']
    .flatMap((h) => (headers[h] ?? '').split(','))
    .map((s) => s.trim().replace(/^<|>$/g, '').toLowerCase())
    .filter((s) => s.includes('@'));
}

function decodeEntities(html: string): string {
  return html.replace(/&(amp|lt|gt|quot|#39|#x27|apos);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", apos: "'" })[e] ?? _m);
}

/** Parses a raw message into what a step sees. */
export async function parseMail(raw: Buffer, o: { id: string; receivedAt: number; envelopeTo?: string[] }): Promise<ReceivedMail> {
  const { simpleParser } = await import('mailparser');
  const p: ParsedMail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const headers: Record<string, string> = {};
  for (const h of p.headerLines) {
    const v = h.line.slice(h.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    headers[h.key] = headers[h.key] ? `${headers[h.key]}, ${v}` : v;
  }
  if (p.subject !== undefined) headers.subject = p.subject;
  const html = typeof p.html === 'string' ? p.html : undefined;
  return {
    id: o.id,
    receivedAt: o.receivedAt,
    recipients: [...new Set([...(o.envelopeTo ?? []).map((s) => s.toLowerCase()), ...addresses(p.to), ...addresses(p.cc), ...deliveredTo(headers)])],
    from: p.from?.text ?? '',
    subject: p.subject ?? '',
    // Text first (mailparser derives one from HTML-only mail), then the HTML with entities decoded,
    // so a capture can use either the visible link text or the href attribute.
    text: [p.text ?? '', html ? decodeEntities(html) : ''].filter(Boolean).join('\n\n'),
    ...(html ? { html } : {}),
    headers,
  };
}

// ---------------------------------------------------------------- SMTP receiver

export interface SmtpMailboxOptions {
  /** host:port; port 0 picks a free one (read `port` afterwards). */
  listen: string;
}

export interface SmtpMailbox extends Mailbox {
  readonly host: string;
  readonly port: number;
  /** Every message kept (newest last); for tests and `--verbose` listings. */
  messages(): readonly ReceivedMail[];
}

export function parseListen(listen: string, what = 'mailbox.smtp.listen'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new MailboxError(`${what} "${listen}" must be host:port, e.g. 127.0.0.1:2525`);
  return { host: (m[1] ?? m[2])!, port };
}

/** Starts a local SMTP receiver (no TLS, no auth: it only listens where you tell it, loopback by default). */
export async function startSmtpMailbox(o: SmtpMailboxOptions): Promise<SmtpMailbox> {
  const { host, port } = parseListen(o.listen);
  const kept: ReceivedMail[] = [];
  const consumed = new Set<string>();
  const waiters = new Set<() => void>();
  let seq = 0;
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    // smtp-server's built-in certificate is expired and a test receiver needs no TLS or auth.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    size: MAX_MAIL_BYTES,
    banner: 'launchready mailbox',
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes <= MAX_MAIL_BYTES) chunks.push(c);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > MAX_MAIL_BYTES) return callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        parseMail(Buffer.concat(chunks), { id: `${++seq}`, receivedAt: Date.now(), envelopeTo }).then(
          (m) => {
            kept.push(m);
            if (kept.length > MAX_KEPT_MAILS) kept.shift();
            for (const w of [...waiters]) w();
            callback();
          },
          (err: Error) => callback(Object.assign(new Error(`unparsable message: ${err.message}`), { responseCode: 554 })),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => {}); // client errors must not crash the run
  const addr = server.server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  const take = (q: MailQuery): ReceivedMail | null => {
    const m = kept.find((x) => !consumed.has(x.id) && mailMatches(x, q));
    if (m) consumed.add(m.id);
    return m ?? null;
  };
  return {
    kind: 'smtp',
    host,
    port: actualPort,
    address: `smtp://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    messages: () => kept,
    async waitFor(q, { timeoutMs, signal }) {
      const now = take(q);
      if (now || timeoutMs <= 0) return now;
      return new Promise((resolve) => {
        const finish = (v: ReceivedMail | null) => {
          clearTimeout(timer);
          waiters.delete(check);
          signal?.removeEventListener('abort', abort);
          resolve(v);
        };
        const check = () => {
          const m = take(q);
          if (m) finish(m);
        };
        const abort = () => finish(null);
        const timer = setTimeout(() => finish(null), timeoutMs);
        waiters.add(check);
        signal?.addEventListener('abort', abort, { once: true });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------- IMAP

export interface ImapMailboxOptions {
  host: string;
  /** Default 993 (secure) or 143. */
  port?: number;
  /** Implicit TLS (default true). */
  secure?: boolean;
  user: string;
  pass: string;
  /** Folder to read (default INBOX). */
  mailbox?: string;
  /** Accept an untrusted certificate (a self-signed test server). */
  insecureTls?: boolean;
  /** Connect/greeting/socket timeout, ms. */
  timeoutMs?: number;
}

/**
 * Opens an IMAP inbox: logs in, selects the folder and remembers UIDNEXT, so only mail that arrives
 * from now on can match. Throws MailboxError (login refused, folder missing) without the password.
 */
export async function openImapMailbox(o: ImapMailboxOptions): Promise<Mailbox> {
  const secure = o.secure ?? true;
  const port = o.port ?? (secure ? 993 : 143);
  const folder = o.mailbox ?? 'INBOX';
  const address = `imap${secure ? 's' : ''}://${encodeURIComponent(o.user)}@${o.host}:${port}/${folder}`;
  const timeout = o.timeoutMs ?? 10_000;
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: o.host,
    port,
    secure,
    auth: { user: o.user, pass: o.pass },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: 5 * 60_000,
    ...(o.insecureTls ? { tls: { rejectUnauthorized: false } } : {}),
  });
  client.on('error', () => {}); // surfaced by the next command instead
  let uidFloor: number;
  try {
    await client.connect();
    const box = await client.mailboxOpen(folder);
    uidFloor = box.uidNext;
  } catch (e) {
    client.close();
    const err = e as { authenticationFailed?: boolean; responseText?: string; message?: string; code?: string };
    const why = err.authenticationFailed ? 'login refused (check mailbox.imap.user and pass)' : (err.responseText ?? err.message ?? String(e)).replaceAll(o.pass, '***');
    throw new MailboxError(`IMAP ${address}: ${why}`);
  }
  const consumed = new Set<number>();
  // Every message that arrived since the mailbox opened, parsed once (matching is done here rather
  // than with IMAP SEARCH TO, so Delivered-To / X-Original-To of a catch-all inbox count too).
  const seen = new Map<number, ReceivedMail>();
  let closed = false;
  const poll = async (q: MailQuery): Promise<ReceivedMail | null> => {
    const found = await client.search({ uid: `${uidFloor}:*` }, { uid: true });
    // `uid N:*` always includes the last message, even when it is below N: filter again.
    const fresh = (found || []).filter((u) => u >= uidFloor && !seen.has(u)).sort((a, b) => a - b);
    for (const uid of fresh.slice(0, MAX_KEPT_MAILS)) {
      const msg = await client.fetchOne(String(uid), { uid: true, internalDate: true, source: { maxLength: MAX_MAIL_BYTES } }, { uid: true });
      if (!msg || !msg.source) continue;
      const receivedAt = msg.internalDate ? new Date(msg.internalDate).getTime() : Date.now();
      seen.set(uid, await parseMail(msg.source, { id: String(uid), receivedAt }));
    }
    // IMAP INTERNALDATE comes from the server's clock: allow a minute of skew for `since`.
    const query = { ...q, ...(q.since !== undefined ? { since: q.since - 60_000 } : {}) };
    for (const [uid, m] of [...seen].sort(([a], [b]) => a - b)) {
      if (consumed.has(uid) || !mailMatches(m, query)) continue;
      consumed.add(uid);
      return m;
    }
    return null;
  };
  return {
    kind: 'imap',
    address,
    async waitFor(q, { timeoutMs, signal }) {
      const deadline = Date.now() + Math.max(0, timeoutMs);
      for (;;) {
        if (closed) throw new MailboxError(`IMAP ${address}: mailbox closed`);
        let m: ReceivedMail | null;
        try {
          m = await poll(q);
        } catch (e) {
          throw new MailboxError(`IMAP ${address}: ${((e as Error).message ?? String(e)).replaceAll(o.pass, '***')}`);
        }
        if (m) return m;
        const left = deadline - Date.now();
        if (left <= 0 || signal?.aborted) return null;
        await abortableSleep(Math.min(IMAP_POLL_MS, left), signal);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.race([client.logout().catch(() => {}), abortableSleep(2000)]);
      client.close();
    },
  };
}

// ---------------------------------------------------------------- from config

export interface MailboxConfig {
  smtp?: { listen: string };
  imap?: { host: string; port?: number; secure?: boolean; user: string; pass: string; mailbox?: string; insecureTls?: boolean };
}

/** Opens the configured mailbox; ConfigError when none is configured or it cannot be opened. */
export async function openMailbox(cfg: MailboxConfig | undefined, file: string | null = null): Promise<Mailbox> {
  if (!cfg || (!cfg.smtp && !cfg.imap)) {
    throw new ConfigError(file, [{ path: 'mailbox', message: 'a flow has a waitForEmail step but no mailbox is configured (mailbox.smtp.listen or mailbox.imap)' }]);
  }
  try {
    if (cfg.smtp) return await startSmtpMailbox({ listen: cfg.smtp.listen });
    return await openImapMailbox(cfg.imap!);
  } catch (e) {
    const where = cfg.smtp ? 'mailbox.smtp' : 'mailbox.imap';
    const code = (e as NodeJS.ErrnoException).code;
    const msg = code === 'EADDRINUSE' ? `${cfg.smtp!.listen} is already in use` : (e as Error).message;
    throw new ConfigError(file, [{ path: where, message: `cannot open the mailbox: ${msg}` }]);
  }
}
