/**
 * Payload probes: bodies that a careful API answers with a 4xx. Values are recognisable
 * (`launchready-probe`) so operators can filter them out of logs.
 */
import type { PayloadKind } from './types.js';

export const MARK = 'launchready-probe';
/** Nesting depth of the deep-nesting probe (~8 KB; parsers that recurse without a limit crash on it). */
export const NESTING_DEPTH = 4000;

export interface PayloadSpec {
  kind: PayloadKind;
  contentType: string;
  body: string | Uint8Array;
}

/** A JSON document of exactly `bytes` bytes (`{"launchready-probe":"xxx..."}`). */
export function oversizedBody(bytes: number): Uint8Array {
  const head = Buffer.from(`{"${MARK}":"`);
  const tail = Buffer.from('"}');
  const buf = Buffer.alloc(Math.max(bytes, head.length + tail.length), 'x');
  head.copy(buf, 0);
  tail.copy(buf, buf.length - tail.length);
  return buf;
}

/** The malformed-input probes (the oversized one is separate: its size comes from config). */
export function malformedPayloads(): PayloadSpec[] {
  return [
    { kind: 'malformed-json', contentType: 'application/json', body: `{"${MARK}": "unterminated` },
    { kind: 'wrong-content-type', contentType: 'application/xml', body: `<${MARK}>1</${MARK}>` },
    { kind: 'deep-nesting', contentType: 'application/json', body: '['.repeat(NESTING_DEPTH) + ']'.repeat(NESTING_DEPTH) },
    { kind: 'proto-key', contentType: 'application/json', body: `{"__proto__":{"${MARK}":true,"isAdmin":true},"constructor":{"prototype":{"${MARK}":true}}}` },
  ];
}

/** A 413, or a 4xx whose body says the request was too large (Django answers 400). */
export function rejectedAsTooLarge(status: number, body: string): boolean {
  if (status === 413) return true;
  return status >= 400 && status < 500 && /too large|too big|payload|entity|exceed|RequestDataTooBig|size limit/i.test(body);
}
