/**
 * A private Dovecot IMAP server for tests (Debian package dovecot-imapd): its own temp config, base
 * and mail directories and a free loopback port, so it never touches a system instance. Mail is
 * delivered the way an MTA's local delivery does it, through dovecot-lda, and `startMta` puts a real
 * SMTP server in front of it, so an app sends with nodemailer and a flow reads the inbox with IMAP.
 *
 * Needs root (Dovecot refuses uid 0 for mail, so mail is stored as `nobody`). Fails loudly when
 * Dovecot is not installed: `apt-get install -y dovecot-imapd`.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

const DOVECOT = '/usr/sbin/dovecot';
const LDA = '/usr/lib/dovecot/dovecot-lda';

export interface Dovecot {
  host: string;
  port: number;
  /** Password of every user (static passdb). */
  password: string;
  /** Delivers a raw message to `user`'s INBOX through dovecot-lda. */
  deliver(user: string, raw: Buffer): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function run(cmd: string, args: string[], input?: Buffer): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stderr }));
    p.stdin.end(input);
  });
}

async function waitForPort(host: string, port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, host, () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`dovecot did not listen on ${host}:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'dovecot.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

export async function startDovecot(): Promise<Dovecot> {
  if (!existsSync(DOVECOT) || !existsSync(LDA)) throw new Error('Dovecot is not installed: apt-get install -y dovecot-imapd');
  if (userInfo().uid !== 0) throw new Error('the Dovecot test server needs root (it stores mail as nobody)');
  const dir = mkdtempSync(join(tmpdir(), 'lr-dovecot-'));
  chmodSync(dir, 0o755); // the mail processes run as nobody and must reach mail/
  for (const d of ['run', 'state', 'mail', 'home']) mkdirSync(join(dir, d));
  chownSync(join(dir, 'mail'), 65534, 65534);
  chownSync(join(dir, 'home'), 65534, 65534);
  const host = '127.0.0.1';
  const port = await freePort(host);
  const password = 'imap-test-password-7731';
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = ${dir.split('/').pop()}
protocols = imap
listen = ${host}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = ${dir}/dovecot.log
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
mail_uid = nobody
mail_gid = nogroup
default_login_user = dovenull
default_internal_user = dovecot
service imap-login {
  chroot =
  inet_listener imap {
    address = ${host}
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
passdb {
  driver = static
  args = password=${password}
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/home/%u
}
`,
  );
  // -F: stay in the foreground as our child, so the test owns (and ends) exactly this process.
  const master = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  master.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => master.on('exit', () => resolve()));
  try {
    await Promise.race([waitForPort(host, port, 5000), exited.then(() => Promise.reject(new Error(`dovecot exited: ${stderr}${readLog(dir)}`)))]);
  } catch (e) {
    master.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const pid = master.pid!;
  return {
    host,
    port,
    password,
    async deliver(user, raw) {
      const r = await run(LDA, ['-c', conf, '-d', user, '-e'], raw);
      if (r.code !== 0) throw new Error(`dovecot-lda exited ${r.code}: ${r.stderr}`);
    },
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A real SMTP server (the app's outgoing relay) that delivers every recipient to one Dovecot user, adding Delivered-To. */
export async function startMta(dovecot: Dovecot, user: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, cb) {
      // Like Postfix's local delivery: record the envelope recipient (a catch-all inbox needs it).
      const chunks: Buffer[] = [Buffer.from(session.envelope.rcptTo.map((r) => `Delivered-To: ${r.address}\r\n`).join(''))];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => dovecot.deliver(user, Buffer.concat(chunks)).then(() => cb(), (e: Error) => cb(e)));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
