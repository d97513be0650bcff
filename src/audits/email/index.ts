/**
 * The email family (stage 3): SPF (own RFC 7208 evaluator), DKIM, DMARC, MX and MTA-STS posture,
 * all pure audits over the `email` artifact (src/gather/email.ts).
 */
import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import spf from './spf.js';
import dmarc from './dmarc.js';
import dkim from './dkim.js';
import mx from './mx.js';
import mtaSts from './mta-sts.js';

export const family: AuditFamily = { name: 'email', rules, audits: [spf, dmarc, dkim, mx, mtaSts] };

export { checkHost, checkSender } from './spf/check-host.js';
export type { CheckHostResult, CheckHostOptions, SpfResult } from './spf/check-host.js';
export { spfPosture } from './spf/posture.js';
export type { SpfPosture } from './spf/posture.js';
export { parseRecord as parseSpfRecord } from './spf/parse.js';
export { parseDmarc } from './dmarc/parse.js';
export type { EmailPosture } from './artifact.js';
export { verifyMessage } from './verify.js';
export type { VerifyResult, VerifyOptions } from './verify.js';
