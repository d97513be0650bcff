/**
 * The demo's marketplace: a small real app (signup, login, listings, messages) on an embedded
 * SQLite database, served through Fastify. With `flawed: true` it carries the mistakes real
 * launches carry (unbounded list, session cookie without flags, admin page without auth...); with
 * `flawed: false` they are fixed. Other families' flaws hang off the same switch.
 */
import nodemailer from 'nodemailer';
import Fastify, { type FastifyInstance } from 'fastify';
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Flow } from '../flow/types.js';

export interface MarketplaceOptions {
  flawed: boolean;
  /** Listings seeded at start. */
  seedListings?: number;
  /** Origins the fixed app allows with CORS (default: the demo's www and app origins). */
  allowedOrigins?: string[];
  /** SMTP server the fixed app sends password-reset mail to (the audit's own receiver in the demo). */
  smtp?: { host: string; port: number };
}

/** The only account the fixed app lets into /admin (none is seeded: ordinary users get 403). */
export const ADMIN_EMAIL = 'admin@market.test';
/** Fixed app: login, signup and password-reset attempts per client address and route in one window. */
export const AUTH_LIMIT = { max: 10, windowMs: 10_000 };
const LIMITED_PATHS = new Set(['/api/login', '/api/signup', '/api/password-reset']);

export interface Marketplace {
  handler(req: IncomingMessage, res: ServerResponse): void;
  db: Database.Database;
  close(): Promise<void>;
}

/** Flawed: the HTML still points at the previous build's stylesheet, which is gone (deploy/stale-assets). */
const STALE_CSS_HASH = '2b7e40';

/** The demo's smoke flow: signup -> login -> create listing -> send message -> read, cleanup deletes the listing. */
export const DEMO_FLOWS: Flow[] = [
  {
    name: 'core',
    vars: { password: 'smoke-test-password-1' },
    steps: [
      { name: 'signup', role: 'signup', method: 'POST', url: '/api/signup', json: { email: '{{unique.email}}', password: '{{password}}' }, expect: ['status == 201', 'body.user.email == {{unique.email}}'], capture: { userId: 'body.user.id' } },
      { name: 'login', role: 'login', method: 'POST', url: '/api/login', json: { email: '{{unique.email}}', password: '{{password}}' }, expect: ['status == 200', 'body.ok == true'] },
      { name: 'create-listing', role: 'create', method: 'POST', url: '/api/listings', json: { title: 'Smoke test {{unique.id}}', priceCents: 1234 }, expect: ['status == 201', 'header.content-type contains json'], capture: { listingId: 'body.listing.id' } },
      { name: 'send-message', method: 'POST', url: '/api/messages', json: { listingId: '{{listingId}}', body: 'Is this still available?' }, expect: ['status == 201', 'body.message.id exists'] },
      { name: 'read-listings', role: 'read', url: '/api/listings?limit=5', expect: ['status == 200', 'duration < 2000'] },
    ],
    cleanup: [{ name: 'delete-listing', role: 'delete', method: 'DELETE', url: '/api/listings/{{listingId}}', expect: ['status == 204'] }],
  },
];

/** Password reset by mail: needs a mailbox (the demo starts launchready's SMTP receiver). */
export const DEMO_RESET_FLOW: Flow = {
  name: 'reset',
  steps: [
    { name: 'request-reset', method: 'POST', url: '/api/password-reset', json: { email: 'seller@market.test' }, expect: ['status == 202'] },
    { name: 'reset-mail', waitForEmail: { to: 'seller@market.test', subject: 'Reset your Market password', timeoutMs: 5000 }, capture: { resetLink: { regex: '(https://\\S+/reset\\?token=\\w+)' } } },
    { name: 'open-link', url: '{{resetLink}}', expect: ['status == 200', 'body contains password'] },
  ],
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startMarketplace(opts: MarketplaceOptions): Promise<Marketplace> {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE sessions (token TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id));
    CREATE TABLE listings (id INTEGER PRIMARY KEY, seller_id INTEGER NOT NULL REFERENCES users(id), title TEXT NOT NULL, price_cents INTEGER NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE messages (id INTEGER PRIMARY KEY, listing_id INTEGER NOT NULL REFERENCES listings(id), from_id INTEGER NOT NULL REFERENCES users(id), body TEXT NOT NULL, created_at TEXT NOT NULL);
  `);
  const hash = (pw: string, salt: string) => createHash('sha256').update(`${salt}:${pw}`).digest('hex');
  const seller = db
    .prepare('INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?)')
    .run('seller@market.test', hash('demo-password', 'seed'), '2026-01-01T00:00:00Z').lastInsertRowid;
  const insertListing = db.prepare('INSERT INTO listings (seller_id, title, price_cents, created_at) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= (opts.seedListings ?? 250); i++) insertListing.run(seller, `Vintage item #${i}`, 500 + i * 37, '2026-01-02T00:00:00Z');
  })();

  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: opts.flawed ? 50 * 1024 * 1024 : 64 * 1024 });
  const userFrom = (cookie: string | undefined): number | null => {
    const token = /(?:^|;\s*)(?:__Host-)?session=([^;]+)/.exec(cookie ?? '')?.[1];
    if (!token) return null;
    const row = db.prepare('SELECT user_id FROM sessions WHERE token = ?').get(token) as { user_id: number } | undefined;
    return row?.user_id ?? null;
  };

  // CORS, hand-written rather than @fastify/cors so the demo shows both policies in a few lines:
  // flawed reflects any Origin with credentials; fixed allows an exact list only (as @fastify/cors
  // does with an array: no Access-Control-Allow-* headers for other origins).
  const allowedOrigins = new Set(opts.allowedOrigins ?? ['https://www.market.test', 'https://app.market.test']);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    const allow = !!origin && (opts.flawed || allowedOrigins.has(origin));
    if (allow) reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    if (req.method === 'OPTIONS' && origin && req.headers['access-control-request-method']) {
      if (allow) reply.header('access-control-allow-methods', 'GET, POST').header('access-control-allow-headers', 'content-type');
      return reply.code(204).send();
    }
  });
  // Login, signup and password-reset limits (fixed only): a fixed window per client address and route, hand-written
  // to keep the demo free of extra dependencies; @fastify/rate-limit does the same with a shared store.
  const attempts = new Map<string, { n: number; until: number }>();
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (opts.flawed || req.method !== 'POST' || !LIMITED_PATHS.has(path)) return;
    const key = `${req.ip} ${path}`;
    const now = Date.now();
    let e = attempts.get(key);
    if (!e || e.until <= now) attempts.set(key, (e = { n: 0, until: now + AUTH_LIMIT.windowMs }));
    if (++e.n > AUTH_LIMIT.max) {
      return reply.code(429).header('retry-after', String(Math.ceil((e.until - now) / 1000))).send({ error: 'too many attempts, try again later' });
    }
  });
  // Security headers and long caching of fingerprinted assets (fixed only). Flawed: none of them
  // (headers/csp-missing, headers/nosniff-missing, headers/frame-protection-missing,
  // headers/referrer-policy-missing, edge/static-assets-uncached).
  app.addHook('onSend', async (req, reply, payload) => {
    if (opts.flawed) return payload;
    reply
      .header('content-security-policy', "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'strict-origin-when-cross-origin');
    if (req.url.startsWith('/assets/') && reply.statusCode === 200) reply.header('cache-control', 'public, max-age=31536000, immutable');
    // The public feed may be cached briefly (perf/uncached-read), and large text is gzipped when the
    // client accepts it (perf/no-compression); @fastify/compress does the same with more options.
    if (req.method === 'GET' && req.url.split('?')[0] === '/api/listings' && reply.statusCode === 200) reply.header('cache-control', 'public, max-age=10');
    const type = String(reply.getHeader('content-type') ?? '');
    if (typeof payload === 'string' && payload.length >= 1024 && /json|html/.test(type) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      const vary = reply.getHeader('vary');
      reply.header('content-encoding', 'gzip').header('vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding').removeHeader('content-length');
      return gzipSync(payload);
    }
    return payload;
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    // Flawed: the debug error handler left on, every error a 500 with its stack trace.
    if (opts.flawed) return reply.code(500).send({ error: err.message, stack: err.stack });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return reply.code(status).send({ error: status === 413 ? 'request body too large' : status === 500 ? 'internal error' : 'bad request' });
  });

  app.get('/', async (_req, reply) => {
    const rows = db.prepare('SELECT id, title, price_cents FROM listings ORDER BY id DESC LIMIT 12').all() as { id: number; title: string; price_cents: number }[];
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><html><head><title>Market — buy and sell</title>
<link rel="stylesheet" href="/assets/app.${opts.flawed ? STALE_CSS_HASH : '3f9a1c'}.css"></head><body><h1>Market</h1>${opts.flawed ? '<img src="http://images.market-partner.test/banner.png" alt="">' : ''}<ul>${rows
      .map((r) => `<li><a href="/listings/${r.id}">${esc(r.title)}</a> ${(r.price_cents / 100).toFixed(2)} €</li>`)
      .join('')}</ul><script src="/assets/app.3f9a1c.js"></script></body></html>`;
  });
  app.get('/assets/app.3f9a1c.css', async (_req, reply) => reply.type('text/css').send('body{font-family:sans-serif}'));
  app.get('/assets/app.3f9a1c.js', async (_req, reply) => reply.type('application/javascript').send('console.log("market")'));
  // Actuator-style health. Flawed: the mail dependency is down (deploy/health-failing).
  app.get('/api/health', async (_req, reply) => {
    const dbUp = Boolean(db.prepare('SELECT 1 AS ok').get());
    const mailUp = !opts.flawed;
    const up = dbUp && mailUp;
    return reply.code(up ? 200 : 503).send({
      status: up ? 'UP' : 'DOWN',
      components: { db: { status: dbUp ? 'UP' : 'DOWN' }, mail: { status: mailUp ? 'UP' : 'DOWN', ...(mailUp ? {} : { details: { error: 'SMTP connection refused' } }) } },
    });
  });

  // Password reset: a link by mail (nodemailer over plain SMTP to opts.smtp). Flawed: the production
  // env lacks the SMTP settings, so the request is accepted and no mail ever leaves (the reset
  // smoke flow fails: deploy/smoke-failed).
  const resetTokens = new Map<string, number>();
  app.post('/api/password-reset', async (req, reply) => {
    const b = (req.body ?? {}) as { email?: string };
    const u = db.prepare('SELECT id FROM users WHERE email = ?').get(b.email ?? '') as { id: number } | undefined;
    if (u && !opts.flawed && opts.smtp) {
      const token = randomBytes(16).toString('hex');
      resetTokens.set(token, u.id);
      await nodemailer
        .createTransport({ host: opts.smtp.host, port: opts.smtp.port, secure: false, ignoreTLS: true })
        .sendMail({ from: 'Market <no-reply@market.test>', to: b.email, subject: 'Reset your Market password', text: `Open https://www.market.test/reset?token=${token} within an hour to choose a new password.` });
    }
    // Same answer whether or not the account exists (no account enumeration).
    return reply.code(202).send({ ok: true });
  });
  app.get('/reset', async (req, reply) => {
    const token = (req.query as { token?: string }).token ?? '';
    if (!resetTokens.has(token)) return reply.code(410).type('text/plain').send('This link has expired.');
    resetTokens.delete(token);
    return reply.type('text/html').send('<!doctype html><title>New password</title><form method="post"><input type="password" name="password"></form>');
  });

  app.post('/api/signup', async (req, reply) => {
    const b = (req.body ?? {}) as { email?: string; password?: string };
    if (!b.email || !b.password || b.password.length < 8) return reply.code(400).send({ error: 'email and a password of 8+ characters are required' });
    const salt = randomBytes(8).toString('hex');
    try {
      const id = db
        .prepare('INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?)')
        .run(b.email, `${salt}$${hash(b.password, salt)}`, new Date().toISOString()).lastInsertRowid;
      return reply.code(201).send({ user: { id: Number(id), email: b.email } });
    } catch {
      return reply.code(409).send({ error: 'email already registered' });
    }
  });
  app.post('/api/login', async (req, reply) => {
    const b = (req.body ?? {}) as { email?: string; password?: string };
    const u = db.prepare('SELECT id, password_hash FROM users WHERE email = ?').get(b.email ?? '') as { id: number; password_hash: string } | undefined;
    const [salt, h] = (u?.password_hash ?? '').includes('$') ? u!.password_hash.split('$') : ['seed', u?.password_hash];
    if (!u || hash(b.password ?? '', salt!) !== h) return reply.code(401).send({ error: 'wrong email or password' });
    const token = randomBytes(24).toString('base64url');
    db.prepare('INSERT INTO sessions VALUES (?, ?)').run(token, u.id);
    // Flawed: a session cookie without Secure, HttpOnly or SameSite.
    reply.header('set-cookie', opts.flawed ? `session=${token}; Path=/` : `__Host-session=${token}; Path=/; Secure; HttpOnly; SameSite=Lax`);
    return { ok: true };
  });
  app.get('/api/listings', async (req) => {
    const q = req.query as { limit?: string; cursor?: string };
    if (opts.flawed) return db.prepare('SELECT * FROM listings ORDER BY id DESC').all(); // unbounded
    const limit = Math.min(Math.max(Number(q.limit) || 20, 1), 100);
    const items = db.prepare('SELECT * FROM listings WHERE id < ? ORDER BY id DESC LIMIT ?').all(Number(q.cursor) || 2 ** 31, limit) as { id: number }[];
    return { items, next: items.length === limit ? String(items[items.length - 1]!.id) : null };
  });
  app.post('/api/listings', async (req, reply) => {
    const uid = userFrom(req.headers.cookie);
    if (!uid) return reply.code(401).send({ error: 'log in first' });
    const b = (req.body ?? {}) as { title?: string; priceCents?: number };
    if (!b.title || !Number.isInteger(b.priceCents)) return reply.code(400).send({ error: 'title and priceCents are required' });
    const id = insertListing.run(uid, b.title, b.priceCents, new Date().toISOString()).lastInsertRowid;
    return reply.code(201).send({ listing: { id: Number(id), title: b.title } });
  });
  // Smoke-flow cleanup: the seller deletes their listing (and the messages about it).
  app.delete('/api/listings/:id', async (req, reply) => {
    const uid = userFrom(req.headers.cookie);
    if (!uid) return reply.code(401).send({ error: 'log in first' });
    const id = Number((req.params as { id: string }).id);
    const row = db.prepare('SELECT seller_id FROM listings WHERE id = ?').get(id) as { seller_id: number } | undefined;
    if (!row) return reply.code(404).send({ error: 'no such listing' });
    if (row.seller_id !== uid) return reply.code(403).send({ error: 'not your listing' });
    db.transaction(() => {
      db.prepare('DELETE FROM messages WHERE listing_id = ?').run(id);
      db.prepare('DELETE FROM listings WHERE id = ?').run(id);
    })();
    return reply.code(204).send();
  });
  app.post('/api/messages', async (req, reply) => {
    const uid = userFrom(req.headers.cookie);
    if (!uid) return reply.code(401).send({ error: 'log in first' });
    const b = (req.body ?? {}) as { listingId?: number; body?: string };
    const id = db
      .prepare('INSERT INTO messages (listing_id, from_id, body, created_at) VALUES (?, ?, ?, ?)')
      .run(b.listingId, uid, b.body ?? '', new Date().toISOString()).lastInsertRowid;
    return reply.code(201).send({ message: { id: Number(id) } });
  });
  app.get('/admin', async (req, reply) => {
    // Flawed: the admin page does not check who is asking.
    if (!opts.flawed) {
      const uid = userFrom(req.headers.cookie);
      if (!uid) return reply.code(302).header('location', '/login').send();
      const who = db.prepare('SELECT email FROM users WHERE id = ?').get(uid) as { email: string } | undefined;
      if (who?.email !== ADMIN_EMAIL) return reply.code(403).send({ error: 'admins only' });
    }
    const users = db.prepare('SELECT id, email FROM users').all() as { id: number; email: string }[];
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><title>Admin</title><h1>Users</h1><ul>${users.map((u) => `<li>${esc(u.email)}</li>`).join('')}</ul>`;
  });

  await app.ready();
  return {
    handler: (req, res) => app.routing(req, res),
    db,
    async close() {
      await app.close();
      db.close();
    },
  };
}
