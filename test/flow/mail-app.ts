/**
 * The loopback app of the email-step tests: signup sends a confirmation mail (HTML only), password
 * reset sends a text mail with the reset link; both with nodemailer over real SMTP to `smtpPort()`.
 * Following a link consumes its token (`used`).
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { startHttpServer, type ServerHandle } from '../../src/harness/http-servers.js';

export async function startApp(smtpPort: () => number) {
  const tokens = new Map<string, string>(); // token -> email
  const used: string[] = [];
  let server: ServerHandle;
  const send = (msg: SendMailOptions) =>
    nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort(), secure: false, ignoreTLS: true }).sendMail({ from: 'Market <no-reply@market.test>', ...msg });
  const readJson = (req: http.IncomingMessage) =>
    new Promise<Record<string, string>>((resolve) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => resolve(b ? (JSON.parse(b) as Record<string, string>) : {}));
    });
  server = await startHttpServer({
    handler: (req, res) => {
      const u = new URL(req.url!, 'http://x');
      void (async () => {
        if (req.method === 'POST' && u.pathname === '/api/signup') {
          const { email } = await readJson(req);
          const code = randomBytes(8).toString('hex');
          tokens.set(code, email!);
          await send({ to: email, subject: 'Confirm your account', html: `<p>Welcome!</p><p><a href="${server.url}/confirm?user=${encodeURIComponent(email!)}&amp;code=${code}">Confirm</a></p>` });
          return void res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
        }
        if (req.method === 'POST' && u.pathname === '/api/password-reset') {
          const { email } = await readJson(req);
          const token = randomBytes(12).toString('hex');
          tokens.set(token, email!);
          await send({ to: email, subject: 'Reset your password', text: `Someone asked to reset your password.\n\nOpen ${server.url}/reset?token=${token}\n\nIgnore this mail otherwise.` });
          return void res.writeHead(202, { 'content-type': 'application/json' }).end('{"sent":true}');
        }
        if (u.pathname === '/confirm' || u.pathname === '/reset') {
          const t = u.searchParams.get('code') ?? u.searchParams.get('token') ?? '';
          const ok = tokens.has(t) && (u.pathname === '/reset' || tokens.get(t) === u.searchParams.get('user'));
          if (ok) {
            used.push(t);
            tokens.delete(t);
          }
          return void res.writeHead(ok ? 200 : 410, { 'content-type': 'text/plain' }).end(ok ? `${u.pathname.slice(1)} ok` : 'link expired');
        }
        res.writeHead(404).end();
      })().catch((e: Error) => res.writeHead(500).end(e.message));
    },
  });
  return { server, used, tokens };
}

