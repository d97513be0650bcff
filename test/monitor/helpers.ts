/** Loopback parts for monitor tests: a target that goes down and comes back, and a webhook receiver. */
import type http from 'node:http';
import { configSchema, type LaunchreadyConfig, type LaunchreadyConfigInput } from '../../src/config/schema.js';
import { startHttpServer, type ServerHandle } from '../../src/harness/http-servers.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import type { Net } from '../../src/net/types.js';

export interface Target extends ServerHandle {
  /** Status served on every path; 0 closes the socket without answering. */
  status: number;
  body: string;
}

export async function startTarget(): Promise<Target> {
  let t: Target | null = null;
  const h = await startHttpServer({
    handler: (_req, res) => {
      if (t!.status === 0) return res.socket?.destroy();
      res.writeHead(t!.status, { 'content-type': 'application/json' });
      res.end(t!.body);
    },
  });
  t = Object.assign(h, { status: 200, body: '{"status":"ok","items":[1]}' });
  return t;
}

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

export interface Receiver extends ServerHandle {
  got: Received[];
  /** Status to answer with (500 simulates an outage of the chat/paging service). */
  status: number;
  /** Bodies received on a path prefix. */
  on(path: string): Received[];
}

export async function startReceiver(): Promise<Receiver> {
  const state = { got: [] as Received[], status: 200 };
  const h = await startHttpServer({
    handler: (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (state.status >= 200 && state.status < 300) {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(body) as Record<string, unknown>;
          } catch {
            /* not JSON */
          }
          state.got.push({ path: req.url ?? '/', headers: req.headers, body, json });
        }
        res.writeHead(state.status, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    },
  });
  const r = h as Receiver;
  Object.defineProperty(r, 'got', { get: () => state.got });
  Object.defineProperty(r, 'status', { get: () => state.status, set: (v: number) => (state.status = v) });
  r.on = (p) => state.got.filter((g) => g.path.startsWith(p));
  return r;
}

export function loopbackNet(): Net {
  return createNet({ ...defaultNetOptions(), timeoutMs: 2000 });
}

export function config(c: LaunchreadyConfigInput): LaunchreadyConfig {
  return configSchema.parse(c);
}

/** The local PostgreSQL (trust auth). A missing server fails the test loudly. */
export const PG_BASE = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A throwaway schema for one test: `url` is a monitor.store value (`?schema=`), `drop()` removes
 * the schema with everything in it.
 */
export async function pgSchema(prefix = 'lr_mon'): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const { randomBytes } = await import('node:crypto');
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  return {
    url: `${PG_BASE}?schema=${schema}`,
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: PG_BASE });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
