/**
 * The email family (stage 3): SPF (own RFC 7208 evaluator), DKIM, DMARC (RFC 7489 and DMARCbis), MX,
 * MTA-STS, TLS-RPT and provider alignment posture,
 * all pure audits over the `email` artifact (src/gather/email.ts).
 */
import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import spf from './spf.js';
import dmarc from './dmarc.js';
import dkim from './dkim.js';
import mx from './mx.js';
import mtaSts from './mta-sts.js';
import alignment from './alignment.js';

export const family: AuditFamily = { name: 'email', rules, audits: [spf, dmarc, dkim, mx, mtaSts, alignment] };

export { checkHost, checkSender } from './spf/check-host.js';
export type { CheckHostResult, CheckHostOptions, SpfResult } from './spf/check-host.js';
export { spfPosture } from './spf/posture.js';
export type { SpfPosture } from './spf/posture.js';
export { parseRecord as parseSpfRecord } from './spf/parse.js';
export { parseDmarc } from './dmarc/parse.js';
export { bisReading, rfc7489Reading, compareReadings, walkNames } from './dmarc/bis.js';
export { parseStsTxt, parseStsPolicy, parseTlsRpt, mxMatches } from './mta-sts/policy.js';
export { providerAlignment, includeDomains } from './alignment.js';
export { PROVIDERS, providerByName } from './providers.js';
export type { EmailPosture } from './artifact.js';
export { verifyMessage } from './verify.js';
export type { VerifyResult, VerifyOptions } from './verify.js';
