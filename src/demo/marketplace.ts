/**
 * The demo's marketplace: a small real app (signup, login, listings, messages) on an embedded
 * SQLite database, served through Fastify. With `flawed: true` it carries the mistakes real
 * launches carry (unbounded list, session cookie without flags, admin page without auth...); with
 * `flawed: false` they are fixed. Other families' flaws hang off the same switch.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface MarketplaceOptions {
  flawed: boolean;
  /** Listings seeded at start. */
  seedListings?: number;
}

export interface Marketplace {
  handler(req: IncomingMessage, res: ServerResponse): void;
  db: Database.Database;
  close(): Promise<void>;
}

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
    const token = /(?:^|;\s*)session=([^;]+)/.exec(cookie ?? '')?.[1];
    if (!token) return null;
    const row = db.prepare('SELECT user_id FROM sessions WHERE token = ?').get(token) as { user_id: number } | undefined;
    return row?.user_id ?? null;
  };

  app.get('/', async (_req, reply) => {
    const rows = db.prepare('SELECT id, title, price_cents FROM listings ORDER BY id DESC LIMIT 12').all() as { id: number; title: string; price_cents: number }[];
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><html><head><title>Market — buy and sell</title>
<link rel="stylesheet" href="/assets/app.3f9a1c.css"></head><body><h1>Market</h1><ul>${rows
      .map((r) => `<li><a href="/listings/${r.id}">${esc(r.title)}</a> ${(r.price_cents / 100).toFixed(2)} €</li>`)
      .join('')}</ul><script src="/assets/app.3f9a1c.js"></script></body></html>`;
  });
  app.get('/assets/app.3f9a1c.css', async (_req, reply) => reply.type('text/css').send('body{font-family:sans-serif}'));
  app.get('/assets/app.3f9a1c.js', async (_req, reply) => reply.type('application/javascript').send('console.log("market")'));
  app.get('/api/health', async () => ({ status: 'ok', db: db.prepare('SELECT 1 AS ok').get() ? 'up' : 'down' }));

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
    if (!opts.flawed && !userFrom(req.headers.cookie)) return reply.code(302).header('location', '/login').send();
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
