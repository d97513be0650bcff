import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import cors from './cors.js';
import rateLimit from './rate-limit.js';
import admin from './admin.js';
import { malformed, oversized } from './payloads.js';
import stackTrace from './stack-trace.js';
import cookies from './cookies.js';
import promptInjection from './prompt-injection.js';
import graphql from './graphql.js';
import lockout from './lockout.js';

export const family: AuditFamily = {
  name: 'security',
  rules,
  audits: [cors, rateLimit, lockout, admin, graphql, oversized, malformed, stackTrace, cookies, promptInjection],
};
