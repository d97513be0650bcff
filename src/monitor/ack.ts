/**
 * Signed, expiring acknowledge links: `<publicUrl>/ack/<token>` where the token is
 * `<incidentId>.<expiresAtSeconds>.<base64url HMAC-SHA256("ack:<id>:<exp>")>`. Anyone holding the
 * link can acknowledge that one incident until it expires, and nothing else.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MonitorStore } from './store.js';

/** Links stay valid for 24 h: long enough for an on-call handover, short enough to go stale. */
export const ACK_LINK_TTL_MS = 24 * 3_600_000;

export class AckTokenError extends Error {
  override name = 'AckTokenError';
}

function mac(secret: string, id: number, exp: number): string {
  return createHmac('sha256', secret).update(`ack:${id}:${exp}`).digest('base64url');
}

export function signAckToken(secret: string, incidentId: number, expiresAtMs: number): string {
  const exp = Math.floor(expiresAtMs / 1000);
  return `${incidentId}.${exp}.${mac(secret, incidentId, exp)}`;
}

/** The incident id of a valid token; throws AckTokenError (malformed, bad signature, expired). */
export function verifyAckToken(secret: string, token: string, now: number): number {
  const m = /^(\d+)\.(\d+)\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!m) throw new AckTokenError('malformed acknowledge token');
  const id = Number(m[1]);
  const exp = Number(m[2]);
  const want = Buffer.from(mac(secret, id, exp));
  const got = Buffer.from(m[3]!);
  if (want.length !== got.length || !timingSafeEqual(want, got)) throw new AckTokenError('acknowledge token signature does not match');
  if (exp * 1000 < now) throw new AckTokenError('acknowledge link expired');
  return id;
}

/** The configured secret, else a random one created once and kept in the store. */
export function ackSecretOf(configured: string | undefined, store: MonitorStore): string {
  if (configured) return configured;
  let s = store.getMeta('ack_secret');
  if (!s) {
    s = randomBytes(32).toString('base64url');
    store.setMeta('ack_secret', s);
  }
  return s;
}
