/**
 * Database URLs: validation and masking. A connection string is a secret (it carries the
 * password): nothing outside this file ever formats one, and every message that could contain
 * it goes through `maskSecrets`.
 */
import { LaunchreadyError, UsageError } from '../core/errors.js';

export type DbEngine = 'postgres' | 'mysql';

/** The database URL is malformed or names an engine we do not support. Exit 2. */
export class DatabaseUrlError extends UsageError {
  override name = 'DatabaseUrlError';
}

/** Connecting or authenticating failed (refused, unknown host, bad password, no such database). Exit 2. */
export class DatabaseConnectError extends LaunchreadyError {
  override name = 'DatabaseConnectError';
  override readonly exitCode = 2;
  constructor(
    /** `ECONNREFUSED`, `ENOTFOUND`, `TIMEOUT`, or the server's SQLSTATE (`28P01`, `3D000`...). */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ParsedDbUrl {
  engine: DbEngine;
  /** `host:port/database`, no credentials: safe to print and to use as a finding target. */
  target: string;
  user: string;
  /** Raw password, only so messages can be scrubbed of it. Never print. */
  password: string;
}

const SCHEMES: Record<string, DbEngine> = { 'postgres:': 'postgres', 'postgresql:': 'postgres', 'mysql:': 'mysql', 'mariadb:': 'mysql' };

export function parseDbUrl(url: string): ParsedDbUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Do not echo the input: it may be a URL with a password and a typo.
    throw new DatabaseUrlError(`database URL is not a valid URL (expected postgres://user:password@host:5432/dbname); got ${maskUrl(url)}`);
  }
  const engine = SCHEMES[u.protocol];
  if (!engine) throw new DatabaseUrlError(`database URL scheme ${u.protocol} is not supported (use postgres:// or mysql://)`);
  const port = u.port || (engine === 'postgres' ? '5432' : '3306');
  const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || (engine === 'postgres' ? decodeURIComponent(u.username) : '');
  return { engine, target: `${u.hostname}:${port}/${db}`, user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

/** The URL with its password replaced by `***` (works on malformed input too). */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)([^@]*)@/i, '$1***@').replace(/(password=)[^&\s]*/gi, '$1***');
}

/** Removes the password (raw and URL-encoded) and any URL with credentials from a message. */
export function maskSecrets(message: string, url: string): string {
  let out = message.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, (m) => maskUrl(m));
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    /* malformed URL: nothing more to scrub than the URL pattern above */
  }
  for (const p of new Set([password, safeDecode(password)])) if (p.length >= 3) out = out.split(p).join('***');
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
